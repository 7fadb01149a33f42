/**
 * Reads and head maintenance of the township reserve funds (DOMAIN §5, §6) on DynamoDB: open a
 * fund, read balances, stream entries page by page, verify the chain, close a period, learn which
 * entry ids are applied. Writes of entries go only through the group-commit writer (`writer.ts`).
 *
 * Which ids are applied: the fund's `IDS#` items (one per sealed page, items.ts) and the claims of
 * the open page on the head, read once and then caught up (`catchUpIds`): the head first, then one
 * query for the `IDS#` items after the last one read, then the head's open claims beyond them. The
 * index is kept per fund for the life of this store. Sealed pages are append-only, each `IDS#` item
 * is written in the same transaction as its page and the head, and a page sealed after the head was
 * read begins with that head's open page verbatim — so an index that reaches the head's sequence
 * knows every id applied up to that head, and where: the page an id names (its open page's first
 * sequence) is the same key open or sealed.
 *
 * Every reader sees the open page: the streams (`streamEntries`, `streamStored`) read the head and
 * hand its open entries after the sealed pages below them; `verify` checks them with the head's
 * open claims; `readAppliedEntries` reads an id of the open page from the head.
 */
import {
  BatchGetItemCommand,
  type BatchGetItemCommandOutput,
  ConditionalCheckFailedException,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  type QueryCommandInput,
  TransactWriteItemsCommand,
  UpdateItemCommand,
} from "@aws-sdk/client-dynamodb";
import { ConflictError, NotFoundError, ValidationError } from "#core/errors.ts";
import { zhDateTime } from "#core/labels/index.ts";
import {
  availableOf,
  type ChainedEntry,
  ChainVerifier,
  EMPTY_BALANCES,
  fingerprintEntry,
  GENESIS_HASH,
  isAlertPercent,
  normalizeInstant,
  type ReplayResult,
  type StoredEntry,
  UnreadableEntryError,
} from "#core/ledger/index.ts";
import type { Yuan } from "#core/money/yuan.ts";
import {
  type AppliedId,
  bookedAtOf,
  emptyOpenPage,
  type FundHead,
  fundPk,
  HEAD_SK,
  headToItem,
  IDS_PREFIX,
  type IdClaim,
  type Item,
  idsSk,
  idsToItem,
  itemToHead,
  itemToIds,
  itemToPage,
  openPageToStored,
  PAGE_PREFIX,
  pageSk,
  type StoredPage,
  sealedPageItem,
  storedToEntry,
} from "./items.ts";

export interface LedgerTables {
  ledger: string;
  /** The single table; when given, low-balance alerts are also written there as outbox items. */
  main?: string;
}

export interface FundView {
  fundId: string;
  quotaYuan: Yuan;
  balanceYuan: Yuan;
  committedYuan: Yuan;
  availableYuan: Yuan;
  sequence: number;
  headHash: string;
  alertPercent?: string;
  lastAlertState: "armed" | "alerted";
  closedThrough?: string;
}

export interface StreamOptions {
  /** Inclusive bounds on `bookedAt` (ISO instants): the period to read. */
  from?: string;
  to?: string;
  /** Inclusive bounds on the sequence, to skip history already reconciled. */
  fromSequence?: number;
  toSequence?: number;
  /**
   * Entries per DynamoDB query, roughly: ⌈pageSize ÷ 50⌉ page items are asked for at a time, so
   * memory stays bounded by this, whatever the period holds.
   */
  pageSize?: number;
  consistentRead?: boolean;
}

export type VerifyResult =
  | { ok: true; sequence: number; headHash: string }
  | { ok: false; firstBadSequence: number; problem: string };

const PAGE_SIZE_MAX = 1000;
const BATCH_GET_MAX = 100;
/** The entries a page item is counted as when turning `pageSize` into a query limit. */
const ENTRIES_PER_PAGE_ASSUMED = 50;

/** Where an applied id is: its sequence, the page holding it, the submission that wrote it. */
export interface IdLocation {
  sequence: number;
  page: number;
  submissionToken: string;
}

/** The applied ids of one fund, as read so far: complete for every sequence up to `through`. */
export interface FundIds {
  through: number;
  /** The page holding `through` (0 when nothing is held): sealed later, it is the next page to read. */
  lastPage: number;
  byId: Map<string, IdLocation>;
}

/** An applied id with its entry read from its page; `entry` is absent when the page's text does not read back. */
export interface AppliedEntry {
  applied: AppliedId;
  entry?: ChainedEntry;
}

export function toFundView(head: FundHead): FundView {
  return {
    fundId: head.fundId,
    quotaYuan: head.balances.quota,
    balanceYuan: head.balances.balance,
    committedYuan: head.balances.committed,
    availableYuan: availableOf(head.balances),
    sequence: head.sequence,
    headHash: head.headHash,
    lastAlertState: head.alertState,
    ...(head.alertPercent !== undefined ? { alertPercent: head.alertPercent } : {}),
    ...(head.closedThrough !== undefined ? { closedThrough: head.closedThrough } : {}),
  };
}

export class LedgerStore {
  private readonly ids = new Map<string, FundIds>();
  private readonly catching = new Map<string, Promise<{ known: FundIds; head: FundHead | undefined }>>();

  constructor(
    readonly client: DynamoDBClient,
    readonly tables: LedgerTables,
  ) {}

  /** The fund's id index as read so far, without a read (the writer's fast path). */
  knownIds(fundId: string): FundIds {
    let known = this.ids.get(fundId);
    if (!known) {
      known = { through: 0, lastPage: 0, byId: new Map() };
      this.ids.set(fundId, known);
    }
    return known;
  }

  /**
   * Adds committed ids of page `page` (sealed or open) from sequence `firstSequence` on, when they
   * reach past what the index holds without a gap; the part already held (an open page now sealed,
   * whose page begins with it) is skipped.
   */
  recordIds(fundId: string, page: number, firstSequence: number, claims: readonly IdClaim[]): void {
    const known = this.knownIds(fundId);
    if (firstSequence > known.through + 1) return; // a gap: the next catch-up reads it
    for (let i = known.through + 1 - firstSequence; i < claims.length; i++) {
      const claim = claims[i] as IdClaim;
      known.byId.set(claim.entryId, {
        sequence: firstSequence + i,
        page,
        submissionToken: claim.submissionToken,
      });
    }
    if (firstSequence + claims.length - 1 > known.through) {
      known.through = firstSequence + claims.length - 1;
      known.lastPage = page;
    }
  }

  /**
   * Catches the index up (strongly consistent), one catch-up per fund at a time: afterwards it is
   * complete at least up to `head` — a head read before this call (the writer's) — or, without
   * one, up to the head read first thing here, which is returned.
   */
  catchUpIds(fundId: string, head?: FundHead): Promise<{ known: FundIds; head: FundHead | undefined }> {
    const running = this.catching.get(fundId);
    if (running) return running.then(() => this.catchUpIds(fundId, head));
    const run = this.readIdsAfter(fundId, head).finally(() => this.catching.delete(fundId));
    this.catching.set(fundId, run);
    return run;
  }

  private async readIdsAfter(
    fundId: string,
    given: FundHead | undefined,
  ): Promise<{ known: FundIds; head: FundHead | undefined }> {
    // The head BEFORE the sealed ids: a page sealed in between begins with its open page, so
    // nothing applied up to this head can fall between the two reads.
    const head = given ?? (await this.readHead(fundId));
    const known = this.knownIds(fundId);
    let startKey: Item | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tables.ledger,
          KeyConditionExpression: "pk = :pk AND sk BETWEEN :low AND :high",
          ExpressionAttributeValues: {
            ":pk": { S: fundPk(fundId) },
            // From the page holding the last id held: it may have been open then and sealed since.
            ":low": { S: idsSk(Math.max(known.lastPage, 1)) },
            ":high": { S: `${IDS_PREFIX}~` },
          },
          ConsistentRead: true,
          ...(startKey ? { ExclusiveStartKey: startKey } : {}),
        }),
      );
      for (const item of page.Items ?? []) {
        const { firstSequence, claims } = itemToIds(item);
        this.recordIds(fundId, firstSequence, firstSequence, claims);
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    if (head && head.open.claims.length > 0)
      this.recordIds(fundId, head.open.first, head.open.first, head.open.claims);
    return { known, head };
  }

  /**
   * Creates the fund's empty head; idempotent (an existing fund is returned unchanged). Money
   * arrives by an `allocation` entry. `alertPercent` is the county policy's alert level.
   */
  async openFund(fundId: string, options: { alertPercent?: string } = {}): Promise<FundView> {
    if (options.alertPercent !== undefined) assertPercent(options.alertPercent);
    const head: FundHead = {
      fundId,
      sequence: 0,
      open: emptyOpenPage(0),
      revision: 0,
      headHash: GENESIS_HASH,
      balances: EMPTY_BALANCES,
      alertState: "armed",
      ...(options.alertPercent !== undefined ? { alertPercent: options.alertPercent } : {}),
    };
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.tables.ledger,
          Item: headToItem(head),
          ConditionExpression: "attribute_not_exists(pk)",
        }),
      );
      return toFundView(head);
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      return this.getFund(fundId);
    }
  }

  /** The head as stored, read strongly consistently; undefined when the fund does not exist. */
  async readHead(fundId: string): Promise<FundHead | undefined> {
    const item = await this.readHeadItem(fundId, true);
    return item ? itemToHead(item) : undefined;
  }

  private async readHeadItem(fundId: string, consistentRead: boolean): Promise<Item | undefined> {
    const result = await this.client.send(
      new GetItemCommand({
        TableName: this.tables.ledger,
        Key: { pk: { S: fundPk(fundId) }, sk: { S: HEAD_SK } },
        ConsistentRead: consistentRead,
      }),
    );
    return result.Item;
  }

  async getFund(fundId: string): Promise<FundView> {
    const head = await this.readHead(fundId);
    if (!head) throw fundNotFound(fundId);
    return toFundView(head);
  }

  /** Sets the alert level (a percentage of the quota from the county's policy); takes effect from the next entry. */
  async setAlertPercent(fundId: string, alertPercent: string): Promise<FundView> {
    assertPercent(alertPercent);
    return this.updateHead(
      fundId,
      "SET alertPercent = :percent, revision = revision + :one",
      "attribute_exists(pk)",
      { ":percent": { S: alertPercent }, ":one": { N: "1" } },
    );
  }

  /**
   * Seals the head's open page into its `PAGE#`/`IDS#` items without adding an entry (one
   * transaction, conditioned on the head read): for a maintenance step or a test that needs every
   * entry in a page item. Nothing to do when the open page is empty; a head that moved meanwhile is
   * a ConflictError (try again).
   */
  async sealOpenPage(fundId: string): Promise<FundView> {
    const head = await this.readHead(fundId);
    if (!head) throw fundNotFound(fundId);
    if (head.open.texts.length === 0) return toFundView(head);
    const open = openPageToStored(head.open);
    const key = { pk: { S: fundPk(fundId) }, sk: { S: HEAD_SK } };
    try {
      await this.client.send(
        new TransactWriteItemsCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.tables.ledger,
                Key: key,
                UpdateExpression:
                  "SET openFirst = :next, #revision = :revision REMOVE openBodies, openHashes, openIds",
                ConditionExpression: "#revision = :expectedRevision AND #sequence = :sequence",
                ExpressionAttributeNames: { "#revision": "revision", "#sequence": "sequence" },
                ExpressionAttributeValues: {
                  ":next": { N: String(head.sequence + 1) },
                  ":revision": { N: String(head.revision + 1) },
                  ":expectedRevision": { N: String(head.revision) },
                  ":sequence": { N: String(head.sequence) },
                },
              },
            },
            {
              Put: {
                TableName: this.tables.ledger,
                Item: sealedPageItem(
                  fundId,
                  open.entries.map((e) => ({ text: e.text, hash: e.storedHash, bookedAt: bookedAtOf(e) })),
                  [],
                  head.open.first,
                ),
                ConditionExpression: "attribute_not_exists(pk)",
              },
            },
            {
              Put: {
                TableName: this.tables.ledger,
                Item: idsToItem(fundId, head.open.first, head.open.claims),
                ConditionExpression: "attribute_not_exists(pk)",
              },
            },
          ],
        }),
      );
    } catch (error) {
      if ((error as Error).name !== "TransactionCanceledException") throw error;
      throw new ConflictError(
        `the head of ${fundId} moved while its open page was sealed; try again`,
        "该备用金正在记账，请稍后重试",
      );
    }
    return toFundView({ ...head, revision: head.revision + 1, open: emptyOpenPage(head.sequence) });
  }

  /**
   * Closes the books through `closedThrough` (DOMAIN §6: a signed reconciliation closes the period,
   * no back-dated entries): from now on an entry booked at or before it is rejected `period-closed`.
   * A closed period is never reopened.
   */
  async closePeriod(fundId: string, closedThrough: string): Promise<FundView> {
    const instant = normalizeInstant(closedThrough);
    try {
      return await this.updateHead(
        fundId,
        "SET closedThrough = :t, closedAtSequence = #sequence, revision = revision + :one",
        "attribute_exists(pk) AND (attribute_not_exists(closedThrough) OR closedThrough <= :t)",
        { ":t": { S: instant }, ":one": { N: "1" } },
        { "#sequence": "sequence" },
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const head = await this.readHead(fundId);
      if (!head) throw fundNotFound(fundId);
      throw new ConflictError(
        `the books of ${fundId} are closed through ${head.closedThrough}; a closed period is not reopened`,
        `该备用金已对账关闭至 ${head.closedThrough ? zhDateTime(head.closedThrough) : "此前"}，已关闭的账期不能重新打开`,
      );
    }
  }

  /**
   * The fund's entries in sequence order, a few page items at a time: a month of a busy county is
   * never held in memory at once. `from`/`to` select by booking instant.
   */
  async *streamEntries(fundId: string, options: StreamOptions = {}): AsyncGenerator<ChainedEntry> {
    for await (const page of this.pages(fundId, options)) {
      for (const stored of page.entries) {
        const entry = storedToEntry(stored);
        if (options.from !== undefined && entry.bookedAt < normalizeInstant(options.from)) continue;
        if (options.to !== undefined && entry.bookedAt > normalizeInstant(options.to)) continue;
        yield entry;
      }
    }
  }

  /**
   * The same entries as stored, a few page items at a time (the hashed text, not decoded): what a
   * long replay reads (reconciliation: core/reconciliation `reconcilePeriod` reads them once, in fen).
   */
  async *streamStored(fundId: string, options: StreamOptions = {}): AsyncGenerator<StoredEntry[]> {
    const from = options.from !== undefined ? normalizeInstant(options.from) : undefined;
    const to = options.to !== undefined ? normalizeInstant(options.to) : undefined;
    for await (const page of this.pages(fundId, options)) {
      if (from === undefined && to === undefined) {
        yield page.entries;
        continue;
      }
      yield page.entries.filter((stored) => {
        const bookedAt = bookedAtOf(stored);
        return (from === undefined || bookedAt >= from) && (to === undefined || bookedAt <= to);
      });
    }
  }

  /**
   * The pages holding `fromSequence … toSequence`, each cut to that range, in order: the sealed page
   * items below the head's open page, then the open page. The head is read first (or given): pages
   * sealed after it hold nothing beyond it, and are not read — except by `verify` (`everySealed`),
   * for which a page at or beyond the open page is one put behind the writer's back.
   */
  private async *pages(
    fundId: string,
    options: StreamOptions,
    given?: FundHead,
    everySealed = false,
  ): AsyncGenerator<StoredPage> {
    const fromSequence = Math.max(options.fromSequence ?? 1, 1);
    const toSequence = options.toSequence ?? Number.POSITIVE_INFINITY;
    const head =
      given ??
      (await this.readHeadItem(fundId, options.consistentRead ?? false).then((item) =>
        item ? itemToHead(item) : undefined,
      ));
    const sealedThrough = head && !everySealed ? Math.min(toSequence, head.open.first - 1) : toSequence;
    if (sealedThrough >= fromSequence) yield* this.sealedPages(fundId, options, fromSequence, sealedThrough);
    if (head && head.open.texts.length > 0) {
      const open = openPageToStored(head.open);
      const entries = open.entries.filter((e) => e.sequence >= fromSequence && e.sequence <= toSequence);
      if (entries.length > 0) yield { ...open, entries };
    }
  }

  /** The sealed page items holding `fromSequence … toSequence`, each cut to that range, in order. */
  private async *sealedPages(
    fundId: string,
    options: StreamOptions,
    fromSequence: number,
    toSequence: number,
  ): AsyncGenerator<StoredPage> {
    const limit = Math.max(
      1,
      Math.ceil(Math.min(options.pageSize ?? 200, PAGE_SIZE_MAX) / ENTRIES_PER_PAGE_ASSUMED),
    );
    const low = await this.pageHolding(fundId, fromSequence, options.consistentRead ?? false);
    const high = Number.isFinite(toSequence) ? pageSk(toSequence) : `${PAGE_PREFIX}~`;
    const filters: string[] = [];
    const values: Item = { ":pk": { S: fundPk(fundId) }, ":low": { S: low }, ":high": { S: high } };
    if (options.from !== undefined) {
      filters.push("maxBookedAt >= :from");
      values[":from"] = { S: normalizeInstant(options.from) };
    }
    if (options.to !== undefined) {
      filters.push("minBookedAt <= :to");
      values[":to"] = { S: normalizeInstant(options.to) };
    }
    let startKey: Item | undefined;
    do {
      const input: QueryCommandInput = {
        TableName: this.tables.ledger,
        KeyConditionExpression: "pk = :pk AND sk BETWEEN :low AND :high",
        ExpressionAttributeValues: values,
        Limit: limit,
        ConsistentRead: options.consistentRead ?? false,
        ...(filters.length > 0 ? { FilterExpression: filters.join(" AND ") } : {}),
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      };
      const result = await this.client.send(new QueryCommand(input));
      for (const item of result.Items ?? []) {
        const page = itemToPage(item);
        const entries = page.entries.filter((e) => e.sequence >= fromSequence && e.sequence <= toSequence);
        if (entries.length > 0) yield { ...page, entries };
      }
      startKey = result.LastEvaluatedKey;
    } while (startKey);
  }

  /** The sort key of the page holding `sequence` (the last page starting at or before it), else of `sequence` itself. */
  private async pageHolding(fundId: string, sequence: number, consistentRead: boolean): Promise<string> {
    if (sequence <= 1) return pageSk(1);
    const result = await this.client.send(
      new QueryCommand({
        TableName: this.tables.ledger,
        KeyConditionExpression: "pk = :pk AND sk BETWEEN :low AND :high",
        ExpressionAttributeValues: {
          ":pk": { S: fundPk(fundId) },
          ":low": { S: PAGE_PREFIX },
          ":high": { S: pageSk(sequence) },
        },
        ScanIndexForward: false,
        Limit: 1,
        ConsistentRead: consistentRead,
      }),
    );
    return result.Items?.[0]?.sk?.S ?? pageSk(sequence);
  }

  /**
   * Streamed replay from genesis plus the chain check across pages, against the stored head
   * (DOMAIN §5): an edited, deleted or inserted entry is reported with the first sequence number
   * that is wrong. Each page must also have its `IDS#` item naming the same ids in the same order:
   * a page forged with valid hashes but put behind the writer's back has none, and is named itself.
   */
  async verify(fundId: string): Promise<VerifyResult> {
    const head = await this.readHead(fundId);
    if (!head) throw fundNotFound(fundId);
    const idPages = await this.readIdPages(fundId);
    if (head.open.texts.length > 0) idPages.set(head.open.first, [...head.open.claims]);
    const verifier = new ChainVerifier(fundId);
    for await (const page of this.pages(
      fundId,
      { consistentRead: true, pageSize: PAGE_SIZE_MAX },
      head,
      true,
    )) {
      const problem = this.verifyPage(verifier, page, idPages.get(page.firstSequence));
      if (problem) return problem;
    }
    return verdict(
      verifier.finish({ sequence: head.sequence, headHash: head.headHash, balances: head.balances }),
    );
  }

  /** One page through the chain check, then each entry against its id claim; a verdict when something is wrong. */
  private verifyPage(
    verifier: ChainVerifier,
    page: StoredPage,
    claims: IdClaim[] | UnreadableEntryError | undefined,
  ): VerifyResult | undefined {
    for (const [i, stored] of page.entries.entries()) {
      let entry: ChainedEntry;
      try {
        const pushed = verifier.pushStored(stored);
        if (!pushed.ok) return verdict(verifier.finish());
        entry = pushed.entry;
      } catch (error) {
        if (!(error instanceof UnreadableEntryError)) throw error;
        const gap = verifier.state.sequence + 1;
        return gap < error.sequence
          ? { ok: false, firstBadSequence: gap, problem: `entry ${gap} is missing (deleted)` }
          : { ok: false, firstBadSequence: error.sequence, problem: error.message };
      }
      const claim = claims instanceof UnreadableEntryError ? undefined : claims?.[i];
      if (!claim || claim.entryId !== entry.entryId) {
        return {
          ok: false,
          firstBadSequence: entry.sequence,
          problem: `entry ${entry.sequence} has no matching applied-id record (written behind the writer's back)`,
        };
      }
    }
    const count = Array.isArray(claims) ? claims.length : -1;
    if (page.lastSequence !== page.firstSequence + page.entries.length - 1 || count !== page.entries.length) {
      const at = page.firstSequence + Math.min(page.entries.length, Math.max(count, 0));
      return {
        ok: false,
        firstBadSequence: at,
        problem: `the page at ${page.firstSequence} and its ids disagree`,
      };
    }
    return undefined;
  }

  /** Every `IDS#` item of the fund by the first sequence of its page (an unreadable one as its error). */
  private async readIdPages(fundId: string): Promise<Map<number, IdClaim[] | UnreadableEntryError>> {
    const byPage = new Map<number, IdClaim[] | UnreadableEntryError>();
    let startKey: Item | undefined;
    do {
      const result = await this.client.send(
        new QueryCommand({
          TableName: this.tables.ledger,
          KeyConditionExpression: "pk = :pk AND begins_with(sk, :ids)",
          ExpressionAttributeValues: { ":pk": { S: fundPk(fundId) }, ":ids": { S: IDS_PREFIX } },
          ConsistentRead: true,
          ...(startKey ? { ExclusiveStartKey: startKey } : {}),
        }),
      );
      for (const item of result.Items ?? []) {
        try {
          const { firstSequence, claims } = itemToIds(item);
          byPage.set(firstSequence, claims);
        } catch (error) {
          if (!(error instanceof UnreadableEntryError)) throw error;
          byPage.set(error.sequence, error);
        }
      }
      startKey = result.LastEvaluatedKey;
    } while (startKey);
    return byPage;
  }

  /** Which of these entry ids are already applied to the fund (strongly consistent), with where and how. */
  async readAppliedIds(fundId: string, entryIds: readonly string[]): Promise<Map<string, AppliedId>> {
    const found = await this.readAppliedEntries(fundId, entryIds);
    return new Map([...found].map(([id, e]) => [id, e.applied]));
  }

  /**
   * The applied entries with these ids, read from their pages (strongly consistent). An entry whose
   * text does not read back is returned without `entry` (and with an empty fingerprint).
   */
  async readAppliedEntries(fundId: string, entryIds: readonly string[]): Promise<Map<string, AppliedEntry>> {
    const { known } = await this.catchUpIds(fundId);
    const located = new Map<string, IdLocation>();
    for (const id of new Set(entryIds)) {
      const at = known.byId.get(id);
      if (at) located.set(id, at);
    }
    const pages = await this.readPagesOrOpen(fundId, [...new Set([...located.values()].map((l) => l.page))]);
    const found = new Map<string, AppliedEntry>();
    for (const [entryId, at] of located) {
      const stored = pages.get(at.page)?.entries[at.sequence - at.page];
      let entry: ChainedEntry | undefined;
      try {
        entry = stored ? storedToEntry(stored) : undefined;
      } catch (error) {
        if (!(error instanceof UnreadableEntryError)) throw error;
      }
      found.set(entryId, {
        applied: {
          entryId,
          sequence: at.sequence,
          entryHash: stored?.storedHash ?? "",
          fingerprint: entry ? fingerprintEntry(entry) : "",
          submissionToken: at.submissionToken,
        },
        ...(entry ? { entry } : {}),
      });
    }
    return found;
  }

  /**
   * Pages by their first sequence, sealed or open. A page not found sealed was open when asked for
   * (its ids are committed): the head read afterwards still holds it open, or it was sealed in
   * between and a second read finds it.
   */
  private async readPagesOrOpen(
    fundId: string,
    firstSequences: readonly number[],
  ): Promise<Map<number, StoredPage>> {
    const found = await this.readPages(fundId, firstSequences);
    const missing = firstSequences.filter((first) => !found.has(first));
    if (missing.length === 0) return found;
    const head = await this.readHead(fundId);
    const sealedSince: number[] = [];
    for (const first of missing) {
      if (head && head.open.first === first && head.open.texts.length > 0)
        found.set(first, openPageToStored(head.open));
      else sealedSince.push(first);
    }
    for (const [first, page] of await this.readPages(fundId, sealedSince)) found.set(first, page);
    return found;
  }

  /** Page items by their first sequence, BATCH_GET_MAX keys a call, unprocessed keys retried (8 rounds). */
  private async readPages(
    fundId: string,
    firstSequences: readonly number[],
  ): Promise<Map<number, StoredPage>> {
    const found = new Map<number, StoredPage>();
    for (let start = 0; start < firstSequences.length; start += BATCH_GET_MAX) {
      let keys: Item[] | undefined = firstSequences
        .slice(start, start + BATCH_GET_MAX)
        .map((first) => ({ pk: { S: fundPk(fundId) }, sk: { S: pageSk(first) } }));
      // UnprocessedKeys are bounded retries of the same read: a lost key would hide an applied id.
      for (let round = 0; keys && keys.length > 0; round++) {
        if (round >= 8) throw new Error("BatchGetItem kept returning unprocessed keys");
        const result: BatchGetItemCommandOutput = await this.client.send(
          new BatchGetItemCommand({
            RequestItems: { [this.tables.ledger]: { Keys: keys, ConsistentRead: true } },
          }),
        );
        for (const item of result.Responses?.[this.tables.ledger] ?? []) {
          const page = itemToPage(item);
          found.set(page.firstSequence, page);
        }
        keys = result.UnprocessedKeys?.[this.tables.ledger]?.Keys;
        if (keys && keys.length > 0) await new Promise((r) => setTimeout(r, 10 * 2 ** round));
      }
    }
    return found;
  }

  private async updateHead(
    fundId: string,
    update: string,
    condition: string,
    values: Item,
    names?: Record<string, string>,
  ): Promise<FundView> {
    try {
      const result = await this.client.send(
        new UpdateItemCommand({
          TableName: this.tables.ledger,
          Key: { pk: { S: fundPk(fundId) }, sk: { S: HEAD_SK } },
          UpdateExpression: update,
          ConditionExpression: condition,
          ExpressionAttributeValues: values,
          ...(names ? { ExpressionAttributeNames: names } : {}),
          ReturnValues: "ALL_NEW",
        }),
      );
      return toFundView(itemToHead(result.Attributes as Item));
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException && !(await this.readHead(fundId))) {
        throw fundNotFound(fundId);
      }
      throw error;
    }
  }
}

function verdict(result: ReplayResult): VerifyResult {
  if (result.ok) return { ok: true, sequence: result.state.sequence, headHash: result.state.headHash };
  return { ok: false, firstBadSequence: result.firstBadSequence, problem: result.problem };
}

function fundNotFound(fundId: string): NotFoundError {
  return new NotFoundError(`no reserve fund ${fundId}`, "该乡镇备用金不存在");
}

function assertPercent(text: string): void {
  if (!isAlertPercent(text)) {
    throw new ValidationError("alertPercent must be a percentage 0–100", "预警比例须为 0–100 的百分数", {
      fields: [
        {
          path: "alertPercent",
          message: 'must be a percentage 0–100, e.g. "20"',
          messageZh: "须为 0–100 的百分数",
        },
      ],
    });
  }
}
