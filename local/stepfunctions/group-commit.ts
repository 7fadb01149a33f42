/**
 * Group commit for the local Step Functions layer's own items (history events, checkpoints, task
 * records): every unconditional put of every execution goes through ONE writer, which sends what
 * has accumulated as one `TransactWriteItems` (≤ 100 items) while the previous one is in flight.
 *
 * Why: DynamoDB Local spends its time per request, not per item (ARCHITECTURE §4, the group-commit
 * row: 50 items per transaction cost little more than one), and the layer wrote ~50 single items per
 * Flow A case — the largest share of the county's requests. A surge of concurrent executions now
 * shares a few transactions.
 *
 * Guarantees the layer relies on:
 * - FIFO: batches commit one at a time in submission order, so an execution's writes become durable
 *   in the order it made them (a checkpoint is never durable before the events that preceded it);
 * - atomic per batch: a batch is one transaction, so a crash leaves no hole inside it;
 * - a put resolves only once its item is durable (or rejects), so the checkpoint barrier holds;
 * - one bad item (too large, invalid) fails only its own put: a failed batch is retried item by item.
 */
import { type DynamoDBDocumentClient, PutCommand, TransactWriteCommand } from "@aws-sdk/lib-dynamodb";

/**
 * DynamoDB's limits for one transaction: 100 items, 4 MB. Sizes are counted in UTF-16 units of the
 * JSON (a CJK character is 3 bytes on the wire), so 1 Mi units stay below 4 MB.
 */
const MAX_ITEMS = 100;
const MAX_BYTES = 1024 * 1024;

type Item = Record<string, unknown> & { pk: string; sk: string };

interface Waiter {
  resolve(): void;
  reject(error: unknown): void;
}

interface Entry {
  item: Item;
  bytes: number;
  waiters: Waiter[];
}

export class GroupCommit {
  private queue: Entry[] = [];
  private draining = false;

  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** Puts `item` (unconditionally); resolves once it is durable. */
  put(item: Item): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      // A rough size (UTF-16 length of the JSON) is enough to stay far below the 4 MB limit.
      this.queue.push({ item, bytes: JSON.stringify(item).length, waiters: [{ resolve, reject }] });
      if (!this.draining) {
        this.draining = true;
        // One macrotask turn first: the writes every execution makes in this turn share the batch.
        setImmediate(() => void this.drain());
      }
    });
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0) await this.commit(this.takeBatch());
    } finally {
      this.draining = false;
    }
  }

  /** The oldest puts, up to the limits; a later put of the same key replaces the earlier one in place. */
  private takeBatch(): Entry[] {
    const byKey = new Map<string, Entry>();
    let bytes = 0;
    let taken = 0;
    for (const entry of this.queue) {
      const key = `${entry.item.pk}\u0000${entry.item.sk}`;
      const same = byKey.get(key);
      if (same) {
        same.item = entry.item;
        same.bytes = entry.bytes;
        same.waiters.push(...entry.waiters);
      } else {
        if (byKey.size >= MAX_ITEMS || (byKey.size > 0 && bytes + entry.bytes > MAX_BYTES)) break;
        byKey.set(key, { ...entry, waiters: [...entry.waiters] });
      }
      bytes += entry.bytes;
      taken += 1;
    }
    this.queue = this.queue.slice(taken);
    return [...byKey.values()];
  }

  private async commit(batch: Entry[]): Promise<void> {
    if (batch.length === 1) return this.putOne(batch[0] as Entry);
    try {
      await this.doc.send(
        new TransactWriteCommand({
          TransactItems: batch.map((entry) => ({ Put: { TableName: this.tableName, Item: entry.item } })),
        }),
      );
    } catch {
      // Item by item, so that only the put at fault fails (its execution reports it).
      await Promise.all(batch.map((entry) => this.putOne(entry)));
      return;
    }
    for (const entry of batch) for (const waiter of entry.waiters) waiter.resolve();
  }

  private async putOne(entry: Entry): Promise<void> {
    try {
      await this.doc.send(new PutCommand({ TableName: this.tableName, Item: entry.item }));
      for (const waiter of entry.waiters) waiter.resolve();
    } catch (error) {
      for (const waiter of entry.waiters) waiter.reject(error);
    }
  }
}
