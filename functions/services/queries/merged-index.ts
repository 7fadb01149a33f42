/**
 * Reads several index partitions of the `main` table as ONE list ordered by sort key — the case
 * index is partitioned by township and status (`CASES#TOWNSHIP#<t>#<status>`), the work queues by
 * township/county and role — so "a township's cases by deadline" is a k-way merge of partitions,
 * each read lazily in key order. Bounded: a page size, and a read budget per request; when the
 * budget runs out the page ends early at a position every partition has passed (so nothing is
 * skipped and nothing repeats on the next page).
 */
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { type IndexName, type ItemFilter, queryIndexPage, SORT_KEY } from "#adapters/index-pages.ts";

export type { ItemFilter } from "#adapters/index-pages.ts";

export interface PartitionRef {
  indexName: IndexName;
  pk: string;
}

export interface MergedReadOptions {
  partitions: readonly PartitionRef[];
  /** Start strictly after this sort key. */
  after?: string;
  /** Only sort keys strictly below this one. */
  before?: string;
  filter?: ItemFilter;
  limit: number;
  readBudgetItems: number;
}

export interface MergedPage {
  items: Record<string, unknown>[];
  /** Sort key of the position the next page starts after; absent when every partition is done. */
  nextAfter?: string;
}

/** Index queries one request runs at the same time. */
const PARALLEL_READS_MAX = 16;

class PartitionReader {
  private buffer: Record<string, unknown>[] = [];
  private startKey: Record<string, unknown> | undefined;
  private done = false;
  /** The highest sort key read from the index so far (matching or not). */
  scannedTo: string | undefined;
  /** Index pages read by this request. */
  fills = 0;

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly ref: PartitionRef,
    private readonly options: MergedReadOptions,
    private readonly pageSize: number,
  ) {}

  get exhausted(): boolean {
    return this.done && this.buffer.length === 0;
  }

  get finished(): boolean {
    return this.done;
  }

  head(): Record<string, unknown> | undefined {
    return this.buffer[0];
  }

  take(): Record<string, unknown> | undefined {
    return this.buffer.shift();
  }

  sortKeyOf(item: Record<string, unknown>): string {
    return String(item[SORT_KEY[this.ref.indexName]]);
  }

  /** Reads one more index page; returns how many index items it read (the budget counts them). */
  async fill(): Promise<number> {
    if (this.done) return 0;
    this.fills += 1;
    const { after, before, filter } = this.options;
    if (after !== undefined && before !== undefined && after >= before) {
      // The cursor is already past the upper bound: nothing left (BETWEEN would refuse the range).
      this.done = true;
      return 0;
    }
    const out = await queryIndexPage(this.db, this.table, {
      indexName: this.ref.indexName,
      pk: this.ref.pk,
      ...(after !== undefined ? { after } : {}),
      ...(before !== undefined ? { before } : {}),
      ...(filter ? { filter } : {}),
      limit: this.pageSize,
      ...(this.startKey ? { startKey: this.startKey } : {}),
    });
    const { lastKey } = out;
    this.startKey = lastKey;
    if (!lastKey) this.done = true;
    else this.scannedTo = String(lastKey[SORT_KEY[this.ref.indexName]]);
    for (const item of out.items) {
      const key = this.sortKeyOf(item);
      // BETWEEN is inclusive: the item AT the cursor is dropped here.
      if (after !== undefined && key <= after) continue;
      if (before !== undefined && key >= before) continue;
      this.buffer.push(item);
    }
    return out.scannedCount;
  }
}

/** One page of the merged list, smallest sort key first. */
export async function readMerged(
  db: DynamoDBDocumentClient,
  table: string,
  options: MergedReadOptions,
): Promise<MergedPage> {
  // One more than the page: tells "there is more" from "this was the last one" without another round.
  const pageSize = options.limit + 1;
  const readers = options.partitions.map((ref) => new PartitionReader(db, table, ref, options, pageSize));
  let budget = options.readBudgetItems;
  const items: Record<string, unknown>[] = [];
  let lastKey: string | undefined;

  const refill = async (reader: PartitionReader): Promise<boolean> => {
    while (reader.head() === undefined && !reader.finished) {
      // Every partition is read at least once, so the page always moves past the cursor.
      if (budget <= 0 && reader.fills > 0) return false;
      budget -= await reader.fill();
    }
    return true;
  };

  for (;;) {
    let withinBudget = true;
    const empty = readers.filter((r) => r.head() === undefined && !r.finished);
    // Partitions are independent: read them side by side, a few at a time.
    for (let start = 0; start < empty.length; start += PARALLEL_READS_MAX) {
      const filled = await Promise.all(empty.slice(start, start + PARALLEL_READS_MAX).map(refill));
      if (filled.includes(false)) withinBudget = false;
    }
    if (!withinBudget) {
      // Some partition could not be read far enough: end the page where every partition has been read.
      const frontier = readers
        .filter((r) => r.head() === undefined && !r.finished)
        .map((r) => r.scannedTo ?? options.after ?? "")
        .sort()[0];
      for (;;) {
        const next = smallest(readers);
        if (!next || items.length >= options.limit) break;
        const key = next.sortKeyOf(next.head() as Record<string, unknown>);
        if (frontier !== undefined && key > frontier) break;
        items.push(next.take() as Record<string, unknown>);
        lastKey = key;
      }
      const after = items.length < options.limit ? (frontier ?? lastKey) : lastKey;
      return { items, ...(after !== undefined && after !== "" ? { nextAfter: after } : {}) };
    }
    const next = smallest(readers);
    if (!next) return { items };
    if (items.length === options.limit) return { items, ...(lastKey ? { nextAfter: lastKey } : {}) };
    const item = next.take() as Record<string, unknown>;
    lastKey = next.sortKeyOf(item);
    items.push(item);
  }
}

function smallest(readers: readonly PartitionReader[]): PartitionReader | undefined {
  let best: PartitionReader | undefined;
  let bestKey = "";
  for (const reader of readers) {
    const head = reader.head();
    if (!head) continue;
    const key = reader.sortKeyOf(head);
    if (!best || key < bestKey) {
      best = reader;
      bestKey = key;
    }
  }
  return best;
}
