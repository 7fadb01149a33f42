/**
 * A put in a DynamoDB transaction that creates its item and fails the transaction when the key is
 * already taken (`attribute_not_exists(pk)`): how a record, its locator or its tag is claimed once.
 */
import type { NativeAttributeValue } from "@aws-sdk/lib-dynamodb";

export function putNew(table: string, item: Record<string, NativeAttributeValue>) {
  return { Put: { TableName: table, Item: item, ConditionExpression: "attribute_not_exists(pk)" } };
}
