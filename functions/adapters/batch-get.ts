/**
 * Reads items by key with BatchGetItem, BATCH_GET_KEYS_MAX keys a call (DynamoDB's own limit),
 * asking again for the keys DynamoDB returns unprocessed, with backoff, UNPROCESSED_ROUNDS_MAX
 * rounds at most. Items come back in the low-level attribute form, in no particular order.
 */
import { type AttributeValue, BatchGetItemCommand, type DynamoDBClient } from "@aws-sdk/client-dynamodb";

export const BATCH_GET_KEYS_MAX = 100;
const UNPROCESSED_ROUNDS_MAX = 8;
const BACKOFF_BASE_MS = 10;

export type AttributeItem = Record<string, AttributeValue>;

/** Calls `onItem` for every item found under `keys` (strongly consistent reads). */
export async function batchGetItems(
  client: DynamoDBClient,
  table: string,
  keys: readonly AttributeItem[],
  onItem: (item: AttributeItem) => void,
): Promise<void> {
  for (let start = 0; start < keys.length; start += BATCH_GET_KEYS_MAX) {
    let pending = keys.slice(start, start + BATCH_GET_KEYS_MAX);
    for (let round = 0; pending.length > 0; round++) {
      if (round >= UNPROCESSED_ROUNDS_MAX) throw new Error("BatchGetItem kept returning unprocessed keys");
      const out = await client.send(
        new BatchGetItemCommand({ RequestItems: { [table]: { Keys: pending, ConsistentRead: true } } }),
      );
      for (const item of out.Responses?.[table] ?? []) onItem(item);
      pending = out.UnprocessedKeys?.[table]?.Keys ?? [];
      if (pending.length > 0) await new Promise((r) => setTimeout(r, BACKOFF_BASE_MS * 2 ** round));
    }
  }
}
