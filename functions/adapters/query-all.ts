/**
 * A Query read to its end. DynamoDB answers a Query one page at a time (at most 1 MB, or `Limit`
 * items): a read that takes only the first page returns a truncated result on a large county,
 * silently. A read that a decision, a sum, a walk or an export depends on pages here until there is
 * no `LastEvaluatedKey`; a read the domain bounds names its bound, and finding more than that is an
 * error, never rows dropped.
 */
import {
  type DynamoDBDocumentClient,
  type NativeAttributeValue,
  QueryCommand,
  type QueryCommandInput,
} from "@aws-sdk/lib-dynamodb";
import { InvariantViolation } from "#core/errors.ts";

/** An item as the document client answers it. */
export type Item = Record<string, NativeAttributeValue>;

/** A domain bound on a whole read: the most items there can be, and what they are (for the error). */
export interface ReadBound {
  itemsMax: number;
  what: string;
}

/** A whole read found more items than the domain allows: the data broke the bound its readers rely on. */
export class ReadBoundExceeded extends InvariantViolation {
  constructor(bound: ReadBound) {
    super(`more than ${bound.itemsMax} ${bound.what}: a whole read would leave some out`);
    this.name = "ReadBoundExceeded";
  }
}

/** The pages of a Query, each page's items in order, until the partition (or range) is read to its end. */
export async function* queryPages(
  db: DynamoDBDocumentClient,
  input: QueryCommandInput,
): AsyncGenerator<Item[]> {
  let start: Item | undefined;
  do {
    const out = await db.send(new QueryCommand({ ...input, ...(start ? { ExclusiveStartKey: start } : {}) }));
    yield out.Items ?? [];
    start = out.LastEvaluatedKey;
  } while (start);
}

/**
 * Every item of a Query, in order. With a bound, at most `itemsMax + 1` items are read and one more
 * than `itemsMax` throws ReadBoundExceeded. `input` carries no `Limit` (a page size is not a bound).
 */
export async function queryAll(
  db: DynamoDBDocumentClient,
  input: Omit<QueryCommandInput, "Limit" | "ExclusiveStartKey">,
  bound?: ReadBound,
): Promise<Item[]> {
  const items: Item[] = [];
  let start: Item | undefined;
  do {
    const out = await db.send(
      new QueryCommand({
        ...input,
        ...(bound ? { Limit: bound.itemsMax + 1 - items.length } : {}),
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    items.push(...(out.Items ?? []));
    if (bound && items.length > bound.itemsMax) throw new ReadBoundExceeded(bound);
    start = out.LastEvaluatedKey;
  } while (start);
  return items;
}

/**
 * The first `count` items of a Query, in order (a caller's page, not a whole read): a page that ends
 * early at the 1 MB boundary is followed by the next one until `count` items are found or the range
 * ends. `lastKey` is where the next page starts: absent when the range was read to its end (DynamoDB
 * may give one when exactly `count` items were left, and the next page is then empty).
 */
export async function queryFirst(
  db: DynamoDBDocumentClient,
  input: Omit<QueryCommandInput, "Limit">,
  count: number,
): Promise<{ items: Item[]; lastKey?: Item }> {
  const items: Item[] = [];
  let start: Item | undefined = input.ExclusiveStartKey;
  do {
    const out = await db.send(
      new QueryCommand({
        ...input,
        Limit: count - items.length,
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    items.push(...(out.Items ?? []));
    start = out.LastEvaluatedKey;
  } while (start && items.length < count);
  return { items, ...(start ? { lastKey: start } : {}) };
}
