/**
 * `aidflow ledger migrate [--fund <fundId>...] [--dry-run]`: rewrites a ledger of the layout before
 * pages — an `ENTRY#<seq>` item and an `ENTRYID#<id>` item per entry — into pages
 * (functions/adapters/ledger/items.ts): the entries' stored texts and hashes verbatim, cut into pages
 * as the writer cuts its batches (at most ENTRIES_PER_BATCH_MAX entries, PAGE_TEXT_MAX bytes), each
 * page with its `IDS#` item (the ids with the submission tokens of their `ENTRYID#` items).
 *
 * Per fund, in this order:
 * 1. the old entries must verify against the head (a broken chain is not migrated: it is reported);
 * 2. the pages are written, each in one transaction with a check that the head is still the one
 *    read (a writer running meanwhile makes the migration of that fund stop, nothing removed);
 *    pages already there from an interrupted run must equal the ones planned;
 * 3. replay equality: the entries read back from the pages equal the old entries (id, sequence,
 *    hash, balances after each), the chain over the pages verifies against the head (its hash and
 *    balances), and every old id is found in the pages' id index at its old sequence;
 * 4. only then are the old items deleted.
 * The head is left as it is: a head of the old layout has no open page (no `openFirst`, read as
 * empty), so the writer's next small batch starts one after the migrated pages; the readers used in
 * step 3 (streams, verify, applied ids) read a head's open page too, so a fund already written by
 * the current writer verifies with the entries on its head.
 * A fund with no `ENTRY#` items left is already in pages: a second run changes nothing. `--dry-run`
 * does step 1 and says what would be written, and writes nothing.
 */
import {
  BatchWriteItemCommand,
  type DynamoDBClient,
  QueryCommand,
  ScanCommand,
  TransactWriteItemsCommand,
} from "@aws-sdk/client-dynamodb";
import { ENTRIES_PER_BATCH_MAX, type FundHead, LedgerStore, PAGE_TEXT_MAX } from "#adapters/ledger/index.ts";
import {
  ENTRY_ID_PREFIX,
  ENTRY_PREFIX,
  fundPk,
  HASH_CHARS,
  HEAD_SK,
  type Item,
  idsToItem,
  itemToAppliedId,
  itemToEntry,
  itemToStored,
  PAGE_PREFIX,
  storedPageToItem,
} from "#adapters/ledger/items.ts";
import {
  type ChainedEntry,
  ChainVerifier,
  fingerprintEntry,
  type StoredEntry,
  UnreadableEntryError,
} from "#core/ledger/index.ts";

export interface LedgerMigrateOptions {
  fund?: string[];
  dryRun: boolean;
}

export type FundMigrationOutcome =
  /** Its entries are in pages now, verified, and the old items are removed. */
  | "migrated"
  /** Nothing of the old layout left: nothing to do. */
  | "already-in-pages"
  /** Dry run: what would be written. */
  | "would-migrate"
  /** Not migrated (the old chain is broken, a writer moved the head, the pages read back differ): nothing removed. */
  | "refused";

export interface FundMigration {
  fundId: string;
  outcome: FundMigrationOutcome;
  entries: number;
  pages: number;
  problem?: string;
}

/** Old entries of one fund with what the pages need of them. */
interface OldEntry {
  stored: StoredEntry;
  entry: ChainedEntry;
  bookedAt: string;
  token: string;
}

class Refusal extends Error {}

export async function migrateLedger(
  client: DynamoDBClient,
  table: string,
  options: LedgerMigrateOptions,
): Promise<FundMigration[]> {
  const funds = options.fund && options.fund.length > 0 ? options.fund : await fundIds(client, table);
  const results: FundMigration[] = [];
  for (const fundId of funds) {
    try {
      results.push(await migrateFund(client, table, fundId, options.dryRun));
    } catch (error) {
      if (!(error instanceof Refusal)) throw error;
      results.push({ fundId, outcome: "refused", entries: 0, pages: 0, problem: error.message });
    }
  }
  return results;
}

async function migrateFund(
  client: DynamoDBClient,
  table: string,
  fundId: string,
  dryRun: boolean,
): Promise<FundMigration> {
  const store = new LedgerStore(client, { ledger: table });
  const head = await store.readHead(fundId);
  if (!head) throw new Refusal(`no reserve fund ${fundId}`);
  const old = await readOldEntries(client, table, fundId);
  if (old.length === 0) {
    const verdict = await store.verify(fundId);
    if (!verdict.ok) throw new Refusal(`its pages do not verify: ${verdict.problem}`);
    return { fundId, outcome: "already-in-pages", entries: head.sequence, pages: 0 };
  }
  verifyOld(fundId, old, head);
  const pages = cutPages(old);
  if (dryRun) return { fundId, outcome: "would-migrate", entries: old.length, pages: pages.length };
  await writePages(client, table, fundId, head, pages);
  await verifyPages(new LedgerStore(client, { ledger: table }), fundId, old, head);
  await deleteOld(client, table, fundId, old);
  return { fundId, outcome: "migrated", entries: old.length, pages: pages.length };
}

/** Every fund of the ledger table (its HEAD items). */
async function fundIds(client: DynamoDBClient, table: string): Promise<string[]> {
  const ids: string[] = [];
  let startKey: Item | undefined;
  do {
    const page = await client.send(
      new ScanCommand({
        TableName: table,
        FilterExpression: "sk = :head",
        ExpressionAttributeValues: { ":head": { S: HEAD_SK } },
        ProjectionExpression: "fundId",
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }),
    );
    for (const item of page.Items ?? []) if (item.fundId?.S) ids.push(item.fundId.S);
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return ids.sort();
}

async function queryAll(
  client: DynamoDBClient,
  table: string,
  fundId: string,
  prefix: string,
): Promise<Item[]> {
  const items: Item[] = [];
  let startKey: Item | undefined;
  do {
    const page = await client.send(
      new QueryCommand({
        TableName: table,
        KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
        ExpressionAttributeValues: { ":pk": { S: fundPk(fundId) }, ":prefix": { S: prefix } },
        ConsistentRead: true,
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }),
    );
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return items;
}

async function readOldEntries(client: DynamoDBClient, table: string, fundId: string): Promise<OldEntry[]> {
  const entries = await queryAll(client, table, fundId, ENTRY_PREFIX);
  const ids = await queryAll(client, table, fundId, ENTRY_ID_PREFIX);
  const tokens = new Map(ids.map((item) => itemToAppliedId(item)).map((a) => [a.entryId, a]));
  return entries.map((item) => {
    let entry: ChainedEntry;
    try {
      entry = itemToEntry(item);
    } catch (error) {
      if (!(error instanceof UnreadableEntryError)) throw error;
      throw new Refusal(`its old entries do not verify: ${error.message}`);
    }
    const applied = tokens.get(entry.entryId);
    if (!applied || applied.sequence !== entry.sequence || applied.entryHash !== entry.entryHash) {
      throw new Refusal(`entry ${entry.sequence} has no matching ENTRYID# record`);
    }
    return { stored: itemToStored(item), entry, bookedAt: entry.bookedAt, token: applied.submissionToken };
  });
}

/** The old chain must verify against the head before anything is written. */
function verifyOld(fundId: string, old: readonly OldEntry[], head: FundHead): void {
  const verifier = new ChainVerifier(fundId);
  for (const { stored } of old) {
    try {
      if (!verifier.pushStored(stored).ok) break;
    } catch (error) {
      if (!(error instanceof UnreadableEntryError)) throw error;
      throw new Refusal(`its old entries do not verify: ${error.message}`);
    }
  }
  const verdict = verifier.finish({
    sequence: head.sequence,
    headHash: head.headHash,
    balances: head.balances,
  });
  if (!verdict.ok) throw new Refusal(`its old entries do not verify: ${verdict.problem}`);
}

/** Pages as the writer cuts batches: at most ENTRIES_PER_BATCH_MAX entries and PAGE_TEXT_MAX bytes of text and hashes. */
function cutPages(old: readonly OldEntry[]): OldEntry[][] {
  const pages: OldEntry[][] = [];
  let current: OldEntry[] = [];
  let size = 0;
  for (const entry of old) {
    const bytes = Buffer.byteLength(entry.stored.text) + 1 + HASH_CHARS;
    if (current.length > 0 && (current.length >= ENTRIES_PER_BATCH_MAX || size + bytes > PAGE_TEXT_MAX)) {
      pages.push(current);
      current = [];
      size = 0;
    }
    current.push(entry);
    size += bytes;
  }
  if (current.length > 0) pages.push(current);
  return pages;
}

/** Each page with its id item, in one transaction checked against the head read; pages already there must be the same. */
async function writePages(
  client: DynamoDBClient,
  table: string,
  fundId: string,
  head: FundHead,
  pages: readonly OldEntry[][],
): Promise<void> {
  const existing = new Map(
    (await queryAll(client, table, fundId, PAGE_PREFIX)).map((item) => [item.sk?.S ?? "", item]),
  );
  for (const page of pages) {
    const item = storedPageToItem(fundId, page);
    const there = existing.get(item.sk?.S ?? "");
    if (there) {
      if (there.bodies?.S !== item.bodies?.S || there.hashes?.S !== item.hashes?.S) {
        throw new Refusal(`a page at ${item.sk?.S} is there already and differs from the old entries`);
      }
      continue;
    }
    const first = (page[0] as OldEntry).stored.sequence;
    const claims = page.map((e) => ({ entryId: e.entry.entryId, submissionToken: e.token }));
    try {
      await client.send(
        new TransactWriteItemsCommand({
          TransactItems: [
            {
              ConditionCheck: {
                TableName: table,
                Key: { pk: { S: fundPk(fundId) }, sk: { S: HEAD_SK } },
                ConditionExpression: "#revision = :revision AND #sequence = :sequence",
                ExpressionAttributeNames: { "#revision": "revision", "#sequence": "sequence" },
                ExpressionAttributeValues: {
                  ":revision": { N: String(head.revision) },
                  ":sequence": { N: String(head.sequence) },
                },
              },
            },
            { Put: { TableName: table, Item: item, ConditionExpression: "attribute_not_exists(pk)" } },
            {
              Put: {
                TableName: table,
                Item: idsToItem(fundId, first, claims),
                ConditionExpression: "attribute_not_exists(pk)",
              },
            },
          ],
        }),
      );
    } catch (error) {
      if ((error as Error).name !== "TransactionCanceledException") throw error;
      throw new Refusal("the head moved while migrating (is a writer running?): nothing was removed");
    }
  }
}

/** Replay equality: the pages hand back the old entries, verify against the head, and know every old id where it was. */
async function verifyPages(
  store: LedgerStore,
  fundId: string,
  old: readonly OldEntry[],
  head: FundHead,
): Promise<void> {
  const read: ChainedEntry[] = [];
  for await (const entry of store.streamEntries(fundId, { consistentRead: true, pageSize: 1000 }))
    read.push(entry);
  const same =
    read.length === old.length &&
    read.every((entry, i) => {
      const before = (old[i] as OldEntry).entry;
      return (
        entry.entryId === before.entryId &&
        entry.sequence === before.sequence &&
        entry.entryHash === before.entryHash &&
        fingerprintEntry(entry) === fingerprintEntry(before) &&
        entry.after.balance.equals(before.after.balance) &&
        entry.after.committed.equals(before.after.committed) &&
        entry.after.quota.equals(before.after.quota)
      );
    });
  if (!same)
    throw new Refusal(
      "the entries read back from the pages differ from the old entries: nothing was removed",
    );
  const verdict = await store.verify(fundId);
  if (!verdict.ok || verdict.sequence !== head.sequence || verdict.headHash !== head.headHash) {
    throw new Refusal(
      `the pages do not replay to the head: ${verdict.ok ? "another head" : verdict.problem}`,
    );
  }
  const applied = await store.readAppliedIds(
    fundId,
    old.map((e) => e.entry.entryId),
  );
  const missing = old.find((e) => applied.get(e.entry.entryId)?.sequence !== e.entry.sequence);
  if (missing)
    throw new Refusal(
      `entry id ${missing.entry.entryId} is not found at ${missing.entry.sequence} in the pages`,
    );
}

/** Deletes the old items, 25 a call, unprocessed ones retried (bounded). */
async function deleteOld(
  client: DynamoDBClient,
  table: string,
  fundId: string,
  old: readonly OldEntry[],
): Promise<void> {
  const keys = old.flatMap((e) => [
    { pk: { S: fundPk(fundId) }, sk: { S: `${ENTRY_PREFIX}${String(e.entry.sequence).padStart(12, "0")}` } },
    { pk: { S: fundPk(fundId) }, sk: { S: `${ENTRY_ID_PREFIX}${e.entry.entryId}` } },
  ]);
  for (let start = 0; start < keys.length; start += 25) {
    let requests = keys.slice(start, start + 25).map((Key) => ({ DeleteRequest: { Key } }));
    for (let round = 0; requests.length > 0; round++) {
      if (round >= 8) throw new Error("BatchWriteItem kept returning unprocessed deletes");
      const result = await client.send(new BatchWriteItemCommand({ RequestItems: { [table]: requests } }));
      requests = (result.UnprocessedItems?.[table] ?? []) as typeof requests;
      if (requests.length > 0) await new Promise((r) => setTimeout(r, 10 * 2 ** round));
    }
  }
}

export function describeMigration(result: FundMigration): string {
  switch (result.outcome) {
    case "migrated":
      return `${result.fundId}: ${result.entries} entries rewritten into ${result.pages} pages, replay equal, old items removed / 已迁移为分页存储并核对一致`;
    case "already-in-pages":
      return `${result.fundId}: already in pages (${result.entries} entries), nothing to do / 已为分页存储，无需迁移`;
    case "would-migrate":
      return `${result.fundId}: would rewrite ${result.entries} entries into ${result.pages} pages (dry run: nothing written) / 试运行，未写入`;
    case "refused":
      return `${result.fundId}: not migrated — ${result.problem} / 未迁移，旧分录保持不变`;
  }
}
