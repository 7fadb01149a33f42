/**
 * One page of one partition of a secondary index of the `main` table (gsi1 or gsi2), in sort-key
 * order, within an optional open range of sort keys and with an optional filter: the read that
 * functions/services/queries/merged-index.ts merges across partitions.
 */
import { type DynamoDBDocumentClient, QueryCommand } from "@aws-sdk/lib-dynamodb";

export type IndexName = "gsi1" | "gsi2";

export interface ItemFilter {
  /** A DynamoDB filter expression over the item (applied after the key condition). */
  expression: string;
  names?: Record<string, string>;
  values?: Record<string, unknown>;
}

export interface IndexPageRequest {
  indexName: IndexName;
  pk: string;
  /** Sort keys strictly above this one (`BETWEEN` with `before`, which includes it: the caller drops it). */
  after?: string;
  /** Sort keys strictly below this one. */
  before?: string;
  filter?: ItemFilter;
  limit: number;
  startKey?: Record<string, unknown>;
}

export interface IndexPage {
  items: Record<string, unknown>[];
  /** Where the next page of this partition starts; absent when the partition is read to its end. */
  lastKey?: Record<string, unknown>;
  /** Index items read (matching the filter or not): what a read budget counts. */
  scannedCount: number;
}

export const SORT_KEY: Record<IndexName, string> = { gsi1: "gsi1sk", gsi2: "gsi2sk" };
const PARTITION_KEY: Record<IndexName, string> = { gsi1: "gsi1pk", gsi2: "gsi2pk" };

function sortKeyRange(after: string | undefined, before: string | undefined) {
  if (after !== undefined && before !== undefined)
    return {
      condition: " AND #sk BETWEEN :after AND :before",
      values: { ":after": after, ":before": before },
    };
  if (after !== undefined) return { condition: " AND #sk > :after", values: { ":after": after } };
  if (before !== undefined) return { condition: " AND #sk < :before", values: { ":before": before } };
  return { condition: "", values: {} };
}

export async function queryIndexPage(
  db: DynamoDBDocumentClient,
  table: string,
  request: IndexPageRequest,
): Promise<IndexPage> {
  const { indexName, filter } = request;
  const range = sortKeyRange(request.after, request.before);
  const out = await db.send(
    new QueryCommand({
      TableName: table,
      IndexName: indexName,
      KeyConditionExpression: `#pk = :pk${range.condition}`,
      ...(filter ? { FilterExpression: filter.expression } : {}),
      ExpressionAttributeNames: {
        "#pk": PARTITION_KEY[indexName],
        ...(range.condition ? { "#sk": SORT_KEY[indexName] } : {}),
        ...filter?.names,
      },
      ExpressionAttributeValues: { ":pk": request.pk, ...range.values, ...filter?.values },
      Limit: request.limit,
      ...(request.startKey ? { ExclusiveStartKey: request.startKey } : {}),
    }),
  );
  return {
    items: out.Items ?? [],
    ...(out.LastEvaluatedKey ? { lastKey: out.LastEvaluatedKey } : {}),
    scannedCount: out.ScannedCount ?? out.Items?.length ?? 0,
  };
}
