/**
 * The group-commit writer of the township reserve funds (DOMAIN §5).
 *
 * Why: a flood sends thousands of draws to ONE fund — one item. A transaction per payment with
 * optimistic retries collapses under that contention (DynamoDB cancels colliding transactions and a
 * partition takes ~1,000 WCU/s). Instead callers `submit(entry)` and await their own outcome, and
 * one writer per fund packs the queued entries into one write of the head (items.ts), in one of
 * two shapes:
 * - a SMALL batch — one that keeps the head's open page within `OPEN_PAGE_ENTRIES_MAX` entries and
 *   `OPEN_PAGE_BYTES_MAX` bytes and carries no low-balance outbox item — is ONE conditional
 *   `UpdateItem` of the head: its entries (canonical encodings, hashes, `[entryId, submissionToken]`
 *   claims) are appended to the open page the head holds. Why: one caller means one entry a batch,
 *   and on DynamoDB Local a conditional write of one item of a few KB costs ≈ 1 ms where a
 *   `TransactWriteItems` of three items costs ≈ 2.5 ms (measured 2026-12-07): a transaction per
 *   lone payment is 0.3× a raw conditional write; with the open page, ten lone payments cost ten
 *   single writes and the eleventh seals (≈ 1.1 ms a payment of database time; measured quiet at
 *   one caller: 0.54× raw, the writer's own Node work per payment being as large as that, bench/results.md).
 *   The request shape alone bounds the ratio: sent with no writer work at all (medians, 2026-12-08,
 *   DynamoDB Local) raw 0.72 ms, this head update 0.86 ms whether the open page holds 0.5 or 5 KB,
 *   the sealing transaction 2.1 ms — ≈ 0.74× raw at one caller before any Node work;
 * - any other batch is one `TransactWriteItems`: the head update (its open page emptied), ONE page
 *   item `PAGE#<open page's first seq>` holding the open entries followed by the batch's, and its
 *   id item `IDS#<same>` (each entry id with the submission that wrote it), plus one outbox item per
 *   low-balance crossing. The page an id is located in thus keeps its key when it is sealed.
 * Why not a page per small batch in one single-item write (a conditional PutItem of the page,
 * the head left behind): the head is what holds the balances every next plan rests on and what
 * the condition pins; a page without the head would need a second write to move it. And why not a
 * window of recent ids: exactly-once must hold forever (below). A page holds at most
 * `ENTRIES_PER_BATCH_MAX` + `OPEN_PAGE_ENTRIES_MAX` entries and at most `PAGE_TEXT_MAX` bytes of
 * encodings and hashes (the open page counted), so it stays far under DynamoDB's 400 KB item
 * limit; the open page keeps the head a few KB. Each entry is one chain step, validated in
 * order against the running head in memory (`planBatch`); rejected entries are answered at once and
 * left out. Every caller gets `applied`, `duplicate` or `rejected` — or, after bounded retries, a
 * `LedgerUnavailableError`: never a silent drop.
 *
 * Exactly once, forever. An entry id is applied at most once in the life of the fund, not merely
 * within `ClientRequestToken`'s ten minutes, and without an item per entry:
 * - the head update is conditioned on the head's `revision` and `sequence` being exactly the ones
 *   planned against, so a batch commits only onto the head it was planned on, and its ids are
 *   written in that same write — on the head's open page, or in the id item of the page sealed in
 *   that same transaction, which begins with the open page verbatim — so the id items of a fund
 *   and its head's open page list every id applied up to its head, in order, with nothing missing;
 * - before planning on a head of sequence S, the writer makes its id index (the store's, read from
 *   the `IDS#` items and the head's open claims, caught up by one query for the items after the
 *   last it read and the open claims of the head it plans on) complete up to S.
 *   An entry whose id is in it is not planned again: it is answered from the page the index names —
 *   `applied` with the original entry when this very submission wrote it (an earlier attempt that
 *   committed while its answer was lost), `duplicate` with the original sequence otherwise (a retry
 *   minutes or days later, by this writer or another process). An id not in it is not applied up
 *   to S, and the head condition makes S the head the batch commits onto;
 * - so a retry resolves against the page its first write named, whenever it comes: after a
 *   timeout that hid a commit, after the caller gave up, after a restart with an empty cache (the
 *   index is read again from the table). test/simulation/model runs this under injected timeouts
 *   after commit and retries days later; test/integration/ledger/idempotency.test.ts holds the
 *   committed-but-unanswered write, to the open page and to a page sealed since.
 * On a cancelled transaction or a failed condition of the single write the writer reads the
 * reasons: a moved head comes back (ALL_OLD) and the batch is re-planned on it, after the index
 * caught up with it; `TransactionConflict` or
 * throttling means back off (exponential, full jitter, bounded) and re-read. Any other failure is
 * *ambiguous* — the transaction may have committed — so the writer reads the ids back from the
 * index before retrying: each entry is applied once.
 *
 * Cost: per sealing batch of n entries, the head (≈ 0.3 KB, and before it its open page), the page
 * (n × ≈ 0.5 KB) and the id item (n × ≈ 0.05 KB): in AWS, where a transactional write costs 2 WCU
 * per KB per item (an update: of the larger of the item before and after), ≈ 1.1 WCU per payment at
 * n = 100 instead of ≈ 4 with an entry item and an id item each. A small batch's single write
 * costs 1 WCU per KB of the head with its open page (≈ 1–4 KB). `countWriteUnits` makes the writer
 * add them up per committed write (`stats.writeUnits`; bench/ledger/run.ts reports them).
 *
 * Pipelining. The database's time per transaction is most of a batch's time, so the writer does
 * its own work while a transaction is in flight: it plans the next batch (validation, chaining,
 * hashing, the items; for a full batch also the SDK's serializing and signing, the request then
 * held just before the network) on the head the in-flight transaction leaves if it commits, and
 * answers the callers of a committed batch only after the next transaction is on its way, so
 * their next submissions overlap the database's work too. The plan made ahead is used only if
 * that head is exactly the lane's head after the commit; after any failure (cancelled, throttled,
 * ambiguous) it is dropped unseen — nobody was answered, a held request fails before it is sent —
 * and its entries go back to the front of the queue, in order, to be planned again on the head the
 * failure handling establishes. Only one write per fund is ever on the wire: a second one would
 * collide with it on the head.
 *
 * Serialization per fund. In one process the writer keeps one queue and one drain loop per fund,
 * so a surge on one fund becomes few large writes. Every process has its own writer: the
 * local runtime one for all its executions, AWS one per warm Lambda environment. Across processes,
 * the bank draws of both flows — a surge's bulk — reach a fund through one writer (ARCHITECTURE
 * §5.3): Flow A's `DrawAid` and Flow B's `DrawStage` send each draw to the deployment's SQS FIFO
 * draw queue with `MessageGroupId` = the township fund and their task token (infra/ledger-queue.ts);
 * SQS gives one invocation of the ledger writer Lambda at a time a batch of one fund's messages, in
 * order, which submits them in one turn, so they commit as one write (onto the open page, or
 * sealing it), and answers each token
 * (functions/services/ledger-draws.ts; locally local/stepfunctions/sqs.ts delivers to the same
 * handler). The other writes to a fund (Flow B's commitments, re-commitments and releases, cash
 * payments, reversals, top-ups and their reservations) submit from the Lambda that makes them: two
 * processes' writers on one fund collide on the head item, and the head condition keeps each
 * correct (the loser re-plans on the moved head), merely slower.
 *
 * Low-balance alerts (DOMAIN §5): the head stores `lastAlertState`; the entry that takes `available`
 * under the alert level carries the event in its `applied` outcome and, when `tables.main` is given,
 * an outbox item written in the SAME transaction (so the alert exists exactly when the draw does;
 * such a batch always takes the sealing transaction, never the single write):
 * `pk = OUTBOX#fund.low-balance#<fundId>#<seq>`, `sk = OUTBOX`, `gsi1pk = OUTBOX#pending`,
 * `gsi1sk = <bookedAt>#<fundId>#<seq>`, `type`, `payload` (JSON). One event per crossing; rising to
 * or above the level re-arms it.
 */
import { randomBytes, randomUUID } from "node:crypto";
import {
  type CancellationReason,
  ConditionalCheckFailedException,
  type DynamoDBClient,
  TransactionCanceledException,
  type TransactWriteItem,
  TransactWriteItemsCommand,
  type TransactWriteItemsCommandInput,
  UpdateItemCommand,
} from "@aws-sdk/client-dynamodb";
import { ValidationError } from "#core/errors.ts";
import {
  availableOf,
  type BatchLimits,
  type BatchPlan,
  type ChainedEntry,
  canonicalTextOf,
  fingerprintEntry,
  type LedgerEntry,
  type LedgerEntryInput,
  LedgerUnavailableError,
  type LowBalanceAlert,
  parseLedgerEntry,
  planBatch,
  type RejectedEntry,
  type RejectionReason,
} from "#core/ledger/index.ts";
import type { Yuan } from "#core/money/yuan.ts";
import { fundBelowAlertLevel } from "#functions/runtime/metrics.ts";
import {
  type AppliedId,
  appendToOpenPage,
  bookedAtOf,
  emptyOpenPage,
  type FundHead,
  fundPk,
  HASH_CHARS,
  HEAD_SK,
  headItemBytes,
  type IdClaim,
  type Item,
  idsToItem,
  itemBytes,
  itemToHead,
  type OpenPage,
  openListsOf,
  openPageAttributes,
  openPageToStored,
  sealedPageItem,
} from "./items.ts";
import { LedgerStore, type LedgerTables } from "./store.ts";

/** DynamoDB's limit on actions in one TransactWriteItems: head + page + id item + alerts. */
const TRANSACTION_ACTIONS_MAX = 100;
/** Entries of one page: one transaction's worth of callers. */
export const ENTRIES_PER_BATCH_MAX = 200;
/**
 * Bytes of encodings and hashes in one page: with its other attributes and the id item's share the
 * page stays far under DynamoDB's 400 KB item limit whatever text the references hold.
 */
export const PAGE_TEXT_MAX = 300_000;
/** Write actions of a batch besides the head: the page and its id item. */
const PAGE_ACTIONS = 2;
/**
 * Entries the head's open page holds at most. With `OPEN_PAGE_BYTES_MAX` it sets how often a lone
 * caller's payments pay for a sealing transaction (once every up to this many + 1).
 */
export const OPEN_PAGE_ENTRIES_MAX = 16;
/**
 * Bytes of encodings and hashes the open page holds at most: the head stays a few KB (each single
 * write of it costs 1 WCU per KB in AWS) — about 6 draws of ≈ 0.5 KB, 10 of the bench's 0.32 KB.
 * Measured with the bench's draws at one caller (100 and 500 callers never use the open page:
 * 0.74 and 0.72 WCU a payment whatever this is): 700 → 3.35 WCU a payment, 1,000 → 3.5, 2,000 →
 * 3.57, 3,500 → 3.97, 5,600 → 4.91. A smaller page seals more often, and on DynamoDB Local a head
 * update costs about the same at 0.5 or 5 KB while a seal costs ≈ 2.4 of them, so it makes a lone
 * payment slower there, not faster; no size brings one caller to 1.5 WCU (a seal is 2 WCU per KB
 * of each of three items).
 */
export const OPEN_PAGE_BYTES_MAX = 3_500;

export interface FundSnapshot {
  sequence: number;
  headHash: string;
  quotaYuan: Yuan;
  balanceYuan: Yuan;
  committedYuan: Yuan;
  availableYuan: Yuan;
}

export interface AppliedOutcome {
  status: "applied";
  entryId: string;
  fundId: string;
  sequence: number;
  entryHash: string;
  /** The fund right after the batch that applied this entry. */
  head: FundSnapshot;
  /** Present on the one entry that took `available` under the alert level. */
  alert?: LowBalanceAlert;
}

export interface DuplicateOutcome {
  status: "duplicate";
  entryId: string;
  fundId: string;
  /** Where the entry with this id was applied, earlier. */
  sequence: number;
  entryHash: string;
  /** False when the id was applied with other content: a caller bug worth a look. */
  sameContent: boolean;
}

export interface RejectedOutcome {
  status: "rejected";
  entryId: string;
  fundId: string;
  reason: RejectionReason;
  message: string;
  messageZh: string;
  /** What was available when the entry was refused: what county finance is asked to replenish against. */
  availableYuan?: Yuan;
}

export type LedgerOutcome = AppliedOutcome | DuplicateOutcome | RejectedOutcome;

export interface LedgerWriterOptions {
  client: DynamoDBClient;
  tables: LedgerTables;
  /** ≤ ENTRIES_PER_BATCH_MAX; smaller only to study batching. */
  entriesPerBatchMax?: number;
  /** ≤ OPEN_PAGE_ENTRIES_MAX; 0 seals every batch into its own page (tests of sealed pages). */
  openPageEntriesMax?: number;
  /** Adds up the AWS write capacity of each committed write in `stats.writeUnits` (benchmarks). */
  countWriteUnits?: boolean;
  /** Tries per batch before its callers get LedgerUnavailableError. */
  attemptsMax?: number;
  backoffBaseMs?: number;
  backoffCapMs?: number;
  random?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

interface Pending {
  entry: LedgerEntry;
  /** `fingerprintEntry(entry)`, made when first needed (a duplicate to compare): `fingerprintOf`. */
  fingerprint?: string;
  /** Stored on the id item: tells this submission's own (ambiguous) earlier write from someone else's. */
  token: string;
  /** Logical time of submission: a rejection must rest on a head observed after it. */
  submittedTick: number;
  /** Alert planned per entry hash, across attempts, to answer a recovered ambiguous write. */
  alertsByHash: Map<string, LowBalanceAlert | undefined>;
  promise: Promise<LedgerOutcome>;
  resolve: (outcome: LedgerOutcome) => void;
  reject: (error: unknown) => void;
  settled: boolean;
}

interface Lane {
  fundId: string;
  queue: Pending[];
  byId: Map<string, Pending>;
  running: boolean;
  /** The head as last observed; undefined = must be read. */
  head: FundHead | undefined;
  headTick: number;
  idle: Promise<void>;
  markIdle: () => void;
}

/**
 * The next batch, planned while the current transaction is in flight: on the head that transaction
 * will leave if it commits. Nothing of it is answered or written until that head is the lane's.
 */
interface Prepared {
  /** The optimistic head it was planned on; used only if the lane's head is this very object. */
  base: FundHead;
  /** Taken from the front of the queue, in order; they go back there if the plan is dropped. */
  taken: Pending[];
  plan: BatchPlan<Pending>;
  /**
   * A full batch's transaction, already serialized and signed by the SDK, held just before the
   * network until `release(true)`; `release(false)` drops it unsent (it fails with PlanDropped).
   */
  held?: { sending: Promise<unknown>; release: (go: boolean) => void };
}

/** A held transaction that was never sent: its plan rested on a head that did not come about. */
class PlanDropped extends Error {
  override readonly name = "LedgerPlanDropped";
}

/** What the writer did, for benchmarks and tests. */
export interface LedgerWriterStats {
  /** TransactWriteItems sent (every attempt): batches that seal a page. */
  transactions: number;
  /** Single conditional writes of the head sent (every attempt): batches onto the open page. */
  singleWrites: number;
  /**
   * AWS write capacity of the committed writes, with `countWriteUnits`: a single write 1 WCU per KB
   * of the head (the larger of before and after), a transaction 2 per KB of each item it writes.
   */
  writeUnits: number;
  /** Entries applied. */
  applied: number;
  /** Batches planned while the previous transaction was in flight and then sent as planned. */
  preparedAhead: number;
  /** Batches planned ahead but dropped because the transaction before them did not commit cleanly. */
  preparedDropped: number;
}

/** Errors that no retry can cure: configuration or programming errors, surfaced to every caller. */
const FATAL_ERRORS = new Set([
  "ValidationException",
  "ResourceNotFoundException",
  "AccessDeniedException",
  "UnrecognizedClientException",
  "SerializationException",
  "IdempotentParameterMismatchException",
]);

export class LedgerWriter {
  readonly store: LedgerStore;
  readonly stats: LedgerWriterStats = {
    transactions: 0,
    singleWrites: 0,
    writeUnits: 0,
    applied: 0,
    preparedAhead: 0,
    preparedDropped: 0,
  };
  private readonly lanes = new Map<string, Lane>();
  private tick = 0;
  private readonly entriesPerBatchMax: number;
  private readonly openPageEntriesMax: number;
  private readonly attemptsMax: number;
  private readonly backoffBaseMs: number;
  private readonly backoffCapMs: number;
  private readonly random: () => number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly options: LedgerWriterOptions) {
    this.store = new LedgerStore(options.client, options.tables);
    this.entriesPerBatchMax = Math.min(
      options.entriesPerBatchMax ?? ENTRIES_PER_BATCH_MAX,
      ENTRIES_PER_BATCH_MAX,
    );
    this.openPageEntriesMax = Math.min(
      options.openPageEntriesMax ?? OPEN_PAGE_ENTRIES_MAX,
      OPEN_PAGE_ENTRIES_MAX,
    );
    this.attemptsMax = options.attemptsMax ?? 12;
    this.backoffBaseMs = options.backoffBaseMs ?? 8;
    this.backoffCapMs = options.backoffCapMs ?? 500;
    this.random = options.random ?? Math.random;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /** Queues an entry for its fund and resolves with this caller's own outcome. */
  submit(input: LedgerEntryInput | LedgerEntry): Promise<LedgerOutcome> {
    let entry: LedgerEntry;
    try {
      entry = parseLedgerEntry(input);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      const raw = (input ?? {}) as Partial<Record<"entryId" | "fundId", unknown>>;
      return Promise.resolve({
        status: "rejected",
        entryId: String(raw.entryId ?? ""),
        fundId: String(raw.fundId ?? ""),
        reason: "invalid",
        message: `${error.message}: ${error.fields.map((f) => `${f.path} ${f.message}`).join("; ")}`,
        messageZh: error.messageZh,
      });
    }
    const lane = this.lane(entry.fundId);
    const twin = lane.byId.get(entry.entryId);
    if (twin) {
      // The same id already waits here: one write, and this caller learns it as a duplicate.
      const fingerprint = fingerprintEntry(entry);
      const twinFingerprint = fingerprintOf(twin);
      return twin.promise.then((outcome) =>
        outcome.status === "applied"
          ? {
              status: "duplicate",
              entryId: outcome.entryId,
              fundId: outcome.fundId,
              sequence: outcome.sequence,
              entryHash: outcome.entryHash,
              sameContent: fingerprint === twinFingerprint,
            }
          : outcome,
      );
    }
    let resolve!: (outcome: LedgerOutcome) => void;
    let reject!: (error: unknown) => void;
    const promise = new Promise<LedgerOutcome>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    const pending: Pending = {
      entry,
      token: submissionToken(),
      submittedTick: ++this.tick,
      alertsByHash: new Map(),
      promise,
      resolve,
      reject,
      settled: false,
    };
    lane.byId.set(entry.entryId, pending);
    lane.queue.push(pending);
    if (!lane.running) void this.drain(lane);
    return promise;
  }

  /** Resolves when every entry submitted so far for `fundId` (or every fund) has its outcome. */
  async idle(fundId?: string): Promise<void> {
    const lanes = fundId
      ? [this.lanes.get(fundId)].filter((l): l is Lane => l !== undefined)
      : [...this.lanes.values()];
    await Promise.all(lanes.map((lane) => lane.idle));
  }

  private lane(fundId: string): Lane {
    let lane = this.lanes.get(fundId);
    if (!lane) {
      lane = {
        fundId,
        queue: [],
        byId: new Map(),
        running: false,
        head: undefined,
        headTick: 0,
        idle: Promise.resolve(),
        markIdle: () => {},
      };
      this.lanes.set(fundId, lane);
    }
    return lane;
  }

  private async drain(lane: Lane): Promise<void> {
    lane.running = true;
    lane.idle = new Promise((resolve) => {
      lane.markIdle = resolve;
    });
    try {
      // Let the callers of this turn of the event loop queue up first: they share the first batch.
      await nextTurn();
      let prepared: Prepared | undefined;
      do {
        while (prepared || lane.queue.length > 0) {
          const batch = prepared ? prepared.taken : lane.queue.splice(0, this.entriesPerBatchMax);
          const ahead = prepared;
          prepared = undefined;
          try {
            prepared = await this.commitBatch(lane, batch, ahead);
          } catch (error) {
            // A programmer error in the writer itself: every caller of the batch learns it.
            ahead?.held?.release(false);
            lane.head = undefined;
            for (const pending of batch) if (!pending.settled) this.fail(lane, pending, error);
          }
        }
        // Answers of the last batch go out on the next turn (see `answerSoon`): wait for them,
        // and serve whoever submitted again on hearing theirs.
        await nextTurn();
      } while (lane.queue.length > 0);
    } finally {
      lane.running = false;
      lane.markIdle();
    }
  }

  /**
   * Commits one batch with bounded retries. `ahead` is the batch as planned while the previous
   * transaction was in flight; it is used as is only if that transaction committed (the lane's
   * head is then exactly the head it was planned on). Returns the batch after this one, planned
   * while this one was in flight, when this one committed cleanly.
   */
  private async commitBatch(lane: Lane, batch: Pending[], ahead?: Prepared): Promise<Prepared | undefined> {
    let pending = batch;
    let lastError: unknown;
    for (let attempt = 0; ; attempt++) {
      pending = pending.filter((p) => !p.settled);
      if (pending.length === 0) {
        ahead?.held?.release(false);
        return undefined;
      }
      if (attempt >= this.attemptsMax) {
        this.failAfterAttempts(lane, pending, lastError);
        return undefined;
      }
      if (lastError !== undefined) await this.sleep(this.backoffMs(attempt));
      lastError = undefined;

      let head = lane.head;
      if (!head) {
        const read = await this.readHead(lane, pending);
        if (!read) return undefined;
        if ("error" in read) {
          lastError = read.error;
          continue;
        }
        head = read.head;
      }
      try {
        // Ids applied up to this head are answered from their pages, never planned again.
        const screening = this.screenApplied(lane, head, pending);
        if (screening) await screening;
      } catch (error) {
        if (isFatal(error) || error instanceof LedgerLayoutError) throw error;
        lastError = error;
        lane.head = undefined;
        continue;
      }
      pending = pending.filter((p) => !p.settled);
      if (pending.length === 0 || lane.head !== head) continue;
      const headTick = lane.headTick;
      const { plan, held } = this.planAttempt(lane, batch, pending, head, attempt === 0 ? ahead : undefined);
      pending = this.deferOverflow(lane, plan, pending);
      // A rejection is only the truth if it rests on a head observed after the submission.
      const lateRejections = plan.rejected.filter((r) => r.item.submittedTick > headTick);
      const settledRejections = plan.rejected.filter((r) => r.item.submittedTick < headTick);
      // Rejections are rare; without them the loop goes on in this very turn (no await: the
      // pipelined batch is not held back behind other callers' continuations).
      if (settledRejections.length > 0) await this.settleRejections(lane, settledRejections);
      if (plan.accepted.length === 0) {
        if (lateRejections.length > 0) lane.head = undefined;
        continue;
      }
      for (const a of plan.accepted) a.item.alertsByHash.set(a.chained.entryHash, a.alert);

      const committedHead = this.committedHeadOf(head, plan);
      let next: Prepared | undefined;
      try {
        next = await this.sendWhilePlanningNext(lane, head, plan, held, committedHead);
      } catch (error) {
        if (isFatal(error)) throw error;
        lastError = error;
        lane.head = undefined;
        await this.learnFromFailedCommit(lane, head, plan, error);
        continue;
      }
      this.recordApplied(lane, head, plan, committedHead);
      if (lateRejections.length > 0) await this.settleRejections(lane, lateRejections);
      this.answerApplied(lane, plan, committedHead);
      return next;
    }
  }

  /** The head a batch leaves when it commits onto `head`: its balances, the next revision, its open page. */
  private committedHeadOf(head: FundHead, plan: BatchPlan<Pending>): FundHead {
    return { ...plan.head, revision: head.revision + 1, open: this.shapeOf(head, plan).open };
  }

  /**
   * Answers the pending entries whose id is already applied up to `head` (see the header): undefined
   * at once when the index reaches the head and holds none of them, the common case — no await.
   */
  private screenApplied(lane: Lane, head: FundHead, pending: readonly Pending[]): Promise<void> | undefined {
    const known = this.store.knownIds(lane.fundId);
    if (known.through >= head.sequence && !pending.some((p) => known.byId.has(p.entry.entryId)))
      return undefined;
    return this.settleApplied(lane, head, pending);
  }

  private async settleApplied(lane: Lane, head: FundHead, pending: readonly Pending[]): Promise<void> {
    let known = this.store.knownIds(lane.fundId);
    if (known.through < head.sequence) known = (await this.store.catchUpIds(lane.fundId, head)).known;
    if (known.through < head.sequence) {
      throw new LedgerLayoutError(
        `the ledger of ${lane.fundId} holds entries up to ${head.sequence} but ids of pages only up to ${known.through}: its entries are not in pages yet (npx aidflow ledger migrate)`,
      );
    }
    const hits = pending.filter((p) => known.byId.has(p.entry.entryId)).map((p) => p.entry.entryId);
    if (hits.length === 0) return;
    const applied = await this.store.readAppliedIds(lane.fundId, hits);
    for (const p of pending) {
      const found = applied.get(p.entry.entryId);
      if (!found) continue;
      // Our own write beyond the head we hold: answered once the head it is part of is read.
      const within = found.sequence <= head.sequence;
      if (!within && found.submissionToken === p.token) lane.head = undefined;
      this.settleKnown(lane, p, found, within ? head : undefined);
    }
  }

  /** Every caller still waiting fails with the retryable unavailable error once the attempts are spent. */
  private failAfterAttempts(lane: Lane, pending: readonly Pending[], lastError: unknown): void {
    const error = new LedgerUnavailableError(
      `the ledger of ${lane.fundId} could not be written after ${this.attemptsMax} attempts; retry with the same entry id`,
      "该乡镇备用金暂时无法记账，请以相同分录编号重试",
      { cause: lastError },
    );
    for (const p of pending) this.fail(lane, p, error);
  }

  /**
   * Reads the lane's head from the table. A fund that does not exist answers every waiting caller
   * with a rejection (undefined); a retryable read error is handed back for the next attempt.
   */
  private async readHead(
    lane: Lane,
    pending: readonly Pending[],
  ): Promise<{ head: FundHead } | { error: unknown } | undefined> {
    try {
      lane.head = await this.store.readHead(lane.fundId);
      lane.headTick = ++this.tick;
    } catch (error) {
      if (isFatal(error)) throw error;
      return { error };
    }
    if (lane.head) return { head: lane.head };
    for (const p of pending) {
      this.settle(
        lane,
        p,
        rejected(p, "fund-not-found", `no reserve fund ${lane.fundId}`, "该乡镇备用金不存在"),
      );
    }
    return undefined;
  }

  /**
   * The plan for this attempt: the batch planned ahead when it rests on this very head and still
   * covers every pending caller, otherwise a fresh plan. `ahead` is given on the first attempt only.
   */
  private planAttempt(
    lane: Lane,
    batch: Pending[],
    pending: Pending[],
    head: FundHead,
    ahead: Prepared | undefined,
  ): { plan: BatchPlan<Pending>; held: Prepared["held"] } {
    if (ahead && ahead.base === head && ahead.taken.length === pending.length) {
      // Planned during the previous transaction on the head it left: the same plan planBatch
      // would make now. A batch that was not full takes in the callers who queued since.
      this.stats.preparedAhead += 1;
      if (ahead.held) return { plan: ahead.plan, held: ahead.held };
      const extra = lane.queue.splice(0, Math.max(0, this.entriesPerBatchMax - pending.length));
      const known = this.store.knownIds(lane.fundId);
      // A caller queued since with an id already applied is planned by the next batch, after screening.
      const screened = extra.findIndex((p) => known.byId.has(p.entry.entryId));
      if (screened >= 0) lane.queue.unshift(...extra.splice(screened));
      batch.push(...extra);
      pending.push(...extra);
      return { plan: topUp(ahead.plan, extra, (p) => p.entry), held: undefined };
    }
    if (ahead) {
      ahead.held?.release(false);
      this.stats.preparedDropped += 1;
    }
    return { plan: planPage(head, pending), held: undefined };
  }

  /** Batch full (an extra alert item): the rest go first in the next batch, in order. */
  private deferOverflow(lane: Lane, plan: BatchPlan<Pending>, pending: Pending[]): Pending[] {
    if (plan.deferred.length === 0) return pending;
    lane.queue.unshift(...plan.deferred);
    const deferred = new Set(plan.deferred);
    return pending.filter((p) => !deferred.has(p));
  }

  /**
   * Sends the batch (or releases its held transaction) and, while the database works on it, plans
   * the next one on the head this one leaves. Callers answered by the previous batch queue again
   * first (their answers went out on the turn before this one), so the next batch is a full one.
   * If the send fails, the batch planned ahead rested on a head that may never be: it goes back to
   * the front of the queue, in order, and the error is thrown on.
   */
  private async sendWhilePlanningNext(
    lane: Lane,
    head: FundHead,
    plan: BatchPlan<Pending>,
    held: Prepared["held"],
    committedHead: FundHead,
  ): Promise<Prepared | undefined> {
    let next: Prepared | undefined;
    try {
      if (this.shapeOf(head, plan).seals) this.stats.transactions += 1;
      else this.stats.singleWrites += 1;
      let sending: Promise<unknown>;
      if (held) {
        held.release(true);
        sending = held.sending;
      } else {
        sending = this.send(head, plan);
        // Handled below, after the next plan: a failure meanwhile is not an unhandled rejection.
        sending.catch(() => {});
      }
      await nextTurn();
      next = this.prepareAhead(lane, head, committedHead);
      await sending;
      return next;
    } catch (error) {
      if (next) {
        next.held?.release(false);
        lane.queue.unshift(...next.taken);
        this.stats.preparedDropped += 1;
      }
      throw error;
    }
  }

  /** After a failed transaction: learns from the cancellation reasons, or reads back what an ambiguous one did. */
  private async learnFromFailedCommit(
    lane: Lane,
    head: FundHead,
    plan: BatchPlan<Pending>,
    error: unknown,
  ): Promise<void> {
    if (error instanceof TransactionCanceledException) {
      this.learnFromCancellation(lane, head, error.CancellationReasons ?? []);
    } else if (error instanceof ConditionalCheckFailedException && error.Item) {
      // The single write's condition failed: the head moved, and here it is (ALL_OLD).
      lane.head = itemToHead(error.Item as Item);
      lane.headTick = ++this.tick;
    } else {
      await this.learnAfterAmbiguity(lane, plan);
    }
  }

  /** The batch committed: its head becomes the lane's, and its alerts go out. */
  private recordApplied(lane: Lane, head: FundHead, plan: BatchPlan<Pending>, committedHead: FundHead): void {
    lane.head = committedHead;
    lane.headTick = ++this.tick;
    const first = plan.accepted[0]?.chained.sequence;
    if (first !== undefined) this.store.recordIds(lane.fundId, head.open.first, first, claimsOf(plan));
    if (this.options.countWriteUnits) this.stats.writeUnits += this.writeUnitsOf(head, plan, committedHead);
    this.stats.applied += plan.accepted.length;
    for (const a of plan.accepted) if (a.alert) fundBelowAlertLevel(a.alert);
  }

  /** Answers every caller of a committed batch with its applied entry and the head it left. */
  private answerApplied(lane: Lane, plan: BatchPlan<Pending>, committedHead: FundHead): void {
    const snapshot = snapshotOf(committedHead);
    this.answerSoon(
      lane,
      plan.accepted.map((a) => [
        a.item,
        {
          status: "applied",
          entryId: a.chained.entryId,
          fundId: a.chained.fundId,
          sequence: a.chained.sequence,
          entryHash: a.chained.entryHash,
          head: snapshot,
          ...(a.alert ? { alert: a.alert } : {}),
        },
      ]),
    );
  }

  private send(expected: FundHead, plan: BatchPlan<Pending>, gate?: Promise<boolean>): Promise<unknown> {
    const shape = this.shapeOf(expected, plan);
    const command = shape.seals
      ? new TransactWriteItemsCommand({
          TransactItems: this.actions(expected, plan, shape),
          ClientRequestToken: randomUUID(),
        })
      : new UpdateItemCommand(this.headUpdate(expected, plan, shape));
    // Both commands carry the same kind of stack; the steps added here read neither's input.
    const stack = (command as unknown as TransactWriteItemsCommand).middlewareStack;
    if (gate) {
      // Innermost, after serializing and signing: only the network round trip waits for the gate.
      stack.add(
        (next) => async (args) => {
          if (!(await gate)) throw new PlanDropped("the head this batch was planned on did not come about");
          return next(args);
        },
        { step: "deserialize", priority: "low", name: "ledgerHeldUntilHeadCommits" },
      );
    }
    // A step of its own costs every call (the SDK resolves a command's steps on each send): the
    // single write, a dozen values, is left to the SDK's own log filter (see summarizeForLog).
    if (shape.seals) {
      stack.add(
        (next, context) => (args) => {
          context.inputFilterSensitiveLog = summarizeForLog;
          return next(args);
        },
        { step: "initialize", priority: "low", name: "ledgerSummarizeForLog" },
      );
    }
    return this.options.client.send(command as unknown as TransactWriteItemsCommand);
  }

  /**
   * The shape of a batch's write on `expected` (the head it was planned on): onto the open page, or
   * sealing it (header). Decided once per plan — the plan's send and its committed head agree.
   */
  private shapeOf(expected: FundHead, plan: BatchPlan<Pending>): Shape {
    let shape = shapes.get(plan);
    if (shape) return shape;
    const open = expected.open;
    const count = open.texts.length + plan.accepted.length;
    const withOutbox = this.options.tables.main !== undefined && plan.accepted.some((a) => a.alert);
    // plan.size counts the open page's bytes too (planPage starts it there).
    if (count <= this.openPageEntriesMax && plan.size <= OPEN_PAGE_BYTES_MAX && !withOutbox) {
      const entries = plan.accepted.map((a) => a.chained);
      shape = {
        seals: false,
        open: appendToOpenPage(
          open,
          entries.map(encodingOf),
          entries.map((e) => e.entryHash).join(""),
          claimsOf(plan),
        ),
      };
      // Carried on only while known: an open page read from the table is decoded when it seals.
      const known = open.texts.length === 0 ? [] : openBookedAts.get(open);
      if (known) openBookedAts.set(shape.open, [...known, ...entries.map((e) => e.bookedAt)]);
    } else {
      shape = { seals: true, open: emptyOpenPage(plan.head.sequence) };
    }
    shapes.set(plan, shape);
    return shape;
  }

  /** The head's new values, conditioned on the head planned on; the open page as the shape says. */
  private headUpdate(expected: FundHead, plan: BatchPlan<Pending>, shape: Shape) {
    const next = plan.head;
    const values: Item = {
      ":sequence": { N: String(next.sequence) },
      ":revision": { N: String(expected.revision + 1) },
      ":hash": { S: next.headHash },
      ":expectedRevision": { N: String(expected.revision) },
      ":expectedSequence": { N: String(expected.sequence) },
    };
    const sets = ["#sequence = :sequence", "#revision = :revision", "headHash = :hash"];
    // What the batch leaves as it was is not sent again: the condition pins the head planned on, so
    // the stored values are `expected`'s (a draw moves the balance only, a commitment `committed`).
    const before = expected.balances;
    const after = next.balances;
    for (const [name, attribute, was, is] of [
      [":quota", "quotaYuan", before.quota, after.quota],
      [":balance", "balanceYuan", before.balance, after.balance],
      [":committed", "committedYuan", before.committed, after.committed],
    ] as const) {
      if (is === was || is.equals(was)) continue;
      values[name] = { S: is.toString() };
      sets.push(`${attribute} = ${name}`);
    }
    if (next.alertState !== expected.alertState) {
      values[":alert"] = { S: next.alertState };
      sets.push("lastAlertState = :alert");
    }
    // Onto a non-empty open page only the batch's entries travel (list_append) and its first
    // sequence stays; otherwise the open page is set whole (the batch alone) or emptied (sealed).
    const appends = !shape.seals && expected.open.texts.length > 0;
    const open: Item = appends
      ? openListsOf(
          plan.accepted.map((a) => encodingOf(a.chained)),
          plan.accepted.map((a) => a.chained.entryHash),
          claimsOf(plan),
        )
      : openPageAttributes(shape.open);
    for (const [name, value] of Object.entries(open)) {
      values[`:${name}`] = value;
      sets.push(appends ? `${name} = list_append(${name}, :${name})` : `${name} = :${name}`);
    }
    const removed = ["openBodies", "openHashes", "openIds"].filter((name) => !(name in open));
    return {
      TableName: this.options.tables.ledger,
      Key: { pk: { S: fundPk(expected.fundId) }, sk: { S: HEAD_SK } },
      UpdateExpression:
        `SET ${sets.join(", ")}` +
        (removed.length > 0 && expected.open.texts.length > 0 ? ` REMOVE ${removed.join(", ")}` : ""),
      ConditionExpression: "#revision = :expectedRevision AND #sequence = :expectedSequence",
      ExpressionAttributeNames: { "#sequence": "sequence", "#revision": "revision" },
      ExpressionAttributeValues: values,
      ReturnValuesOnConditionCheckFailure: "ALL_OLD" as const,
    };
  }

  /** AWS write capacity of a committed write (header): 1 WCU per KB single, 2 per KB per item in a transaction. */
  private writeUnitsOf(expected: FundHead, plan: BatchPlan<Pending>, committed: FundHead): number {
    const kb = (item: Item) => Math.ceil(itemBytes(item) / 1024);
    const head = Math.max(headKb(expected), headKb(committed));
    const shape = this.shapeOf(expected, plan);
    if (!shape.seals) return head;
    const [, page, ids, ...outbox] = this.actions(expected, plan, shape);
    const put = (a: TransactWriteItem | undefined) => (a?.Put?.Item ? kb(a.Put.Item) : 0);
    return 2 * (head + put(page) + put(ids) + outbox.reduce((sum, a) => sum + put(a), 0));
  }

  /**
   * The committed callers are answered on the next turn of the event loop, after the next
   * transaction has been handed to the socket: they submit again at once, and that work then
   * overlaps the database's instead of delaying the next write. They are marked answered now, so
   * nothing else touches them.
   */
  private answerSoon(lane: Lane, answers: [Pending, LedgerOutcome][]): void {
    for (const [pending] of answers) {
      pending.settled = true;
      if (lane.byId.get(pending.entry.entryId) === pending) lane.byId.delete(pending.entry.entryId);
    }
    setImmediate(() => {
      for (const [pending, outcome] of answers) pending.resolve(outcome);
    });
  }

  /**
   * Plans the next batch from the queue on `head` (the in-flight batch's result), answering nobody.
   * Only when the id index reaches `base` (the head the in-flight batch was planned on) and holds
   * none of the ids taken: the in-flight batch's own ids wait as its callers' (`byId`), never twice.
   */
  private prepareAhead(lane: Lane, base: FundHead, head: FundHead): Prepared | undefined {
    if (lane.queue.length === 0) return undefined;
    const known = this.store.knownIds(lane.fundId);
    if (known.through < base.sequence) return undefined;
    const taken = lane.queue.splice(0, this.entriesPerBatchMax);
    if (taken.some((p) => known.byId.has(p.entry.entryId))) {
      lane.queue.unshift(...taken);
      return undefined;
    }
    const plan = planPage(head, taken);
    const full = taken.length === this.entriesPerBatchMax || plan.deferred.length > 0;
    if (!full || plan.accepted.length === 0) return { base: head, taken, plan };
    // A full batch gains nothing from waiting for more callers: let the SDK build and sign its
    // transaction now, and hold it at the door until the in-flight one has committed.
    let release!: (go: boolean) => void;
    const gate = new Promise<boolean>((resolve) => {
      release = resolve;
    });
    const sending = this.send(head, plan, gate);
    sending.catch(() => {});
    return { base: head, taken, plan, held: { sending, release } };
  }

  /**
   * Action order: [head, page, id item, alert...] — cancellation reasons come back in this order.
   * The page and its id item are keyed by the open page's first sequence and begin with it.
   */
  private actions(expected: FundHead, plan: BatchPlan<Pending>, shape: Shape): TransactWriteItem[] {
    const built = actionsByPlan.get(plan);
    if (built) return built;
    const { ledger, main } = this.options.tables;
    const entries = plan.accepted.map((a) => a.chained);
    const open = expected.open;
    const openBookedAts = bookedAtsOf(open);
    const items: TransactWriteItem[] = [
      { Update: this.headUpdate(expected, plan, shape) },
      {
        Put: {
          TableName: ledger,
          Item: sealedPageItem(
            expected.fundId,
            openPageToStored(open).entries.map((stored, i) => ({
              text: stored.text,
              hash: stored.storedHash,
              bookedAt: openBookedAts[i] as string,
            })),
            entries.map((e) => ({ text: encodingOf(e), hash: e.entryHash, bookedAt: e.bookedAt })),
            open.first,
          ),
          ConditionExpression: "attribute_not_exists(pk)",
        },
      },
      {
        Put: {
          TableName: ledger,
          Item: idsToItem(expected.fundId, open.first, [...open.claims, ...claimsOf(plan)]),
          ConditionExpression: "attribute_not_exists(pk)",
        },
      },
    ];
    if (main) {
      for (const a of plan.accepted) {
        if (!a.alert) continue;
        items.push({
          Put: {
            TableName: main,
            Item: outboxItem(a.alert),
            ConditionExpression: "attribute_not_exists(pk)",
          },
        });
      }
    }
    actionsByPlan.set(plan, items);
    return items;
  }

  private learnFromCancellation(lane: Lane, expected: FundHead, reasons: CancellationReason[]): void {
    // The head's own reason says what the head is now: returned (moved), or exactly as planned ("None").
    const headReason = reasons[0];
    let current: FundHead | undefined;
    if (headReason?.Code === "ConditionalCheckFailed" && headReason.Item)
      current = itemToHead(headReason.Item);
    else if (headReason?.Code === "None") current = expected;
    if (current) {
      lane.head = current;
      lane.headTick = ++this.tick;
    }
  }

  /**
   * Answers entries the head refused — unless their id is already applied: a retried submission
   * whose first attempt committed (its answer lost, or its caller failed afterwards) no longer fits
   * the head it moved (a release of what it already released, a draw on a fund it emptied), and is a
   * `duplicate`, not a refusal (else a plan's close retried after its
   * release had landed would end the case in an incident). Rejections are rare: one read.
   */
  private async settleRejections(lane: Lane, rejections: readonly RejectedEntry<Pending>[]): Promise<void> {
    let applied = new Map<string, AppliedId>();
    try {
      applied = await this.store.readAppliedIds(
        lane.fundId,
        rejections.map((r) => r.item.entry.entryId),
      );
    } catch (error) {
      // Unknown: the refusal stands, as before this check (the caller may retry; the id decides).
      if (isFatal(error)) throw error;
    }
    for (const r of rejections) {
      const found = applied.get(r.item.entry.entryId);
      if (found) this.settleKnown(lane, r.item, found, lane.head);
      else this.settle(lane, r.item, rejected(r.item, r.reason, r.message, r.messageZh, r.availableYuan));
    }
  }

  /** The write may or may not have committed: read back what was applied before anything is retried. */
  private async learnAfterAmbiguity(lane: Lane, plan: BatchPlan<Pending>): Promise<void> {
    try {
      const applied = await this.store.readAppliedIds(
        lane.fundId,
        plan.accepted.map((a) => a.item.entry.entryId),
      );
      const head = await this.store.readHead(lane.fundId);
      lane.head = head;
      lane.headTick = ++this.tick;
      for (const a of plan.accepted) {
        const found = applied.get(a.item.entry.entryId);
        if (found) this.settleKnown(lane, a.item, found, head);
      }
    } catch (error) {
      // Still in the dark: the next attempt's id conditions will tell what was applied.
      if (isFatal(error)) throw error;
    }
  }

  /**
   * An id item exists: applied by this very submission (an earlier, ambiguous attempt that did
   * commit) or by someone else (a duplicate). Our own write is answered with the head it is part
   * of; without a known head the entry stays pending and the next attempt learns it again.
   */
  private settleKnown(lane: Lane, pending: Pending, applied: AppliedId, head: FundHead | undefined): void {
    if (applied.submissionToken === pending.token) {
      if (!head) return;
      const alert = pending.alertsByHash.get(applied.entryHash);
      // The earlier, ambiguous attempt committed its alert without anybody counting it.
      if (alert) fundBelowAlertLevel(alert);
      this.settle(lane, pending, {
        status: "applied",
        entryId: applied.entryId,
        fundId: lane.fundId,
        sequence: applied.sequence,
        entryHash: applied.entryHash,
        head: snapshotOf(head),
        ...(alert ? { alert } : {}),
      });
      return;
    }
    this.settle(lane, pending, {
      status: "duplicate",
      entryId: applied.entryId,
      fundId: lane.fundId,
      sequence: applied.sequence,
      entryHash: applied.entryHash,
      sameContent: applied.fingerprint === fingerprintOf(pending),
    });
  }

  private settle(lane: Lane, pending: Pending, outcome: LedgerOutcome): void {
    pending.settled = true;
    if (lane.byId.get(pending.entry.entryId) === pending) lane.byId.delete(pending.entry.entryId);
    pending.resolve(outcome);
  }

  private fail(lane: Lane, pending: Pending, error: unknown): void {
    pending.settled = true;
    if (lane.byId.get(pending.entry.entryId) === pending) lane.byId.delete(pending.entry.entryId);
    pending.reject(error);
  }

  private backoffMs(attempt: number): number {
    const ceiling = Math.min(this.backoffCapMs, this.backoffBaseMs * 2 ** attempt);
    return Math.floor(this.random() * ceiling);
  }
}

/**
 * Extends a plan with entries queued after it was made, exactly as if they had been planned in the
 * same call: planBatch is a left fold, so the extension starts on the plan's running head with the
 * actions it has left. A full plan (something deferred) is not extended.
 */
function topUp<T>(plan: BatchPlan<T>, extra: T[], entryOf: (item: T) => LedgerEntry): BatchPlan<T> {
  if (extra.length === 0) return plan;
  if (plan.deferred.length > 0) return { ...plan, deferred: [...plan.deferred, ...extra] };
  const more = planBatch(
    plan.head,
    extra,
    entryOf,
    TRANSACTION_ACTIONS_MAX - PAGE_ACTIONS - plan.actions + 1,
    {
      ...PAGE_LIMITS,
      startSize: plan.size,
    },
  );
  return {
    accepted: [...plan.accepted, ...more.accepted],
    rejected: [...plan.rejected, ...more.rejected],
    deferred: more.deferred,
    head: more.head,
    actions: plan.actions + more.actions - 1,
    size: more.size,
  };
}

/** A head and its outbox items within the transaction's actions; the page bounded by its text. */
const PAGE_LIMITS: BatchLimits = { actionsPerEntry: 0, sizeOf: encodedSize, maxSize: PAGE_TEXT_MAX };

/** A batch on `head`: sized from the open page on, since a sealing batch's page begins with it. */
function planPage(head: FundHead, items: readonly Pending[]): BatchPlan<Pending> {
  return planBatch(head, items, (p) => p.entry, TRANSACTION_ACTIONS_MAX - PAGE_ACTIONS, {
    ...PAGE_LIMITS,
    startSize: head.open.bytes,
  });
}

/** A batch's write: onto the open page (one UpdateItem of the head) or sealing it (a transaction). */
interface Shape {
  seals: boolean;
  /** The head's open page after the write. */
  open: OpenPage;
}

/** KB (rounded up) of a head item, once per head: a committed head is the next write's expected one. */
const headKbs = new WeakMap<FundHead, number>();

function headKb(head: FundHead): number {
  let kb = headKbs.get(head);
  if (kb === undefined) {
    kb = Math.ceil(headItemBytes(head) / 1024);
    headKbs.set(head, kb);
  }
  return kb;
}

/** A sealing plan's transaction actions, built once: to send, then to count its write units. */
const actionsByPlan = new WeakMap<BatchPlan<Pending>, TransactWriteItem[]>();

/**
 * The booking instants of an open page's entries, in order: those of the pages this writer built
 * as it chained them, those of a page read from the table decoded from its texts when it seals (an
 * unreadable text throws there, as before). A sealed page records their range (items.ts).
 */
const openBookedAts = new WeakMap<OpenPage, readonly string[]>();

function bookedAtsOf(open: OpenPage): readonly string[] {
  let bookedAts = openBookedAts.get(open);
  if (bookedAts === undefined) {
    bookedAts = openPageToStored(open).entries.map(bookedAtOf);
    openBookedAts.set(open, bookedAts);
  }
  return bookedAts;
}

/** The shape decided per plan (a plan is made once per attempt; a top-up makes a new one). */
const shapes = new WeakMap<BatchPlan<Pending>, Shape>();

/** A planned entry's canonical encoding: the text chaining hashed (to size the page, then to write it). */
function encodingOf(entry: ChainedEntry): string {
  return canonicalTextOf(entry);
}

/** An entry's share of its page: its encoding as UTF-8, the newline after it, its hash. */
function encodedSize(entry: ChainedEntry): number {
  return Buffer.byteLength(encodingOf(entry)) + 1 + HASH_CHARS;
}

/** A submission's fingerprint: hashed only when a duplicate's content is compared with it. */
function fingerprintOf(pending: Pending): string {
  pending.fingerprint ??= fingerprintEntry(pending.entry);
  return pending.fingerprint;
}

/** Bytes of randomness in a submission token (12 characters of base64url). */
const TOKEN_BYTES = 9;
/** Tokens cut from one draw of the system's CSPRNG: one call per this many submissions, not one each. */
const TOKENS_PER_DRAW = 512;
let tokenPool = Buffer.alloc(0);
let tokenAt = 0;

/**
 * A fresh submission token: `TOKEN_BYTES` random bytes, as `randomBytes(TOKEN_BYTES)` gives them,
 * taken from a pool drawn in bulk. Each pool byte serves one token only.
 */
function submissionToken(): string {
  if (tokenAt + TOKEN_BYTES > tokenPool.length) {
    tokenPool = randomBytes(TOKEN_BYTES * TOKENS_PER_DRAW);
    tokenAt = 0;
  }
  const token = tokenPool.toString("base64url", tokenAt, tokenAt + TOKEN_BYTES);
  tokenAt += TOKEN_BYTES;
  return token;
}

function claimsOf(plan: BatchPlan<Pending>): IdClaim[] {
  return plan.accepted.map((a) => ({ entryId: a.chained.entryId, submissionToken: a.item.token }));
}

/** The table holds entries the id index does not cover: a ledger of the layout before pages. */
export class LedgerLayoutError extends Error {
  override readonly name = "LedgerLayoutError";
}

/** One turn of the event loop: what was queued as microtasks (callers, the SDK's steps) runs first. */
function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * The SDK's logger middleware redacts an input through its schema after each call when a logger
 * is configured, and after each failed call for any logger, the default no-op one too (a cancelled
 * transaction under contention). For a 100-action transaction that walk costs about as much CPU as
 * planning the batch, on the writer's critical path; a log line of it says how many actions it had
 * instead. The single write is not summarized: its walk is short, and the step itself would cost
 * each successful call about what it saves a failed one (measured on SDK 3.1164 with the no-op
 * logger, which skips the walk on success: 15–35 µs of CPU a call).
 */
function summarizeForLog(input: TransactWriteItemsCommandInput): { TransactItems: string } {
  return { TransactItems: `${input.TransactItems?.length ?? 0} actions` };
}

function isFatal(error: unknown): boolean {
  return error instanceof Error && FATAL_ERRORS.has(error.name);
}

function rejected(
  pending: Pending,
  reason: RejectionReason,
  message: string,
  messageZh: string,
  availableYuan?: Yuan,
): RejectedOutcome {
  return {
    status: "rejected",
    entryId: pending.entry.entryId,
    fundId: pending.entry.fundId,
    reason,
    message,
    messageZh,
    ...(availableYuan ? { availableYuan } : {}),
  };
}

export function snapshotOf(head: FundHead): FundSnapshot {
  return {
    sequence: head.sequence,
    headHash: head.headHash,
    quotaYuan: head.balances.quota,
    balanceYuan: head.balances.balance,
    committedYuan: head.balances.committed,
    availableYuan: availableOf(head.balances),
  };
}

function outboxItem(alert: LowBalanceAlert): Record<string, { S: string }> {
  const key = `fund.low-balance#${alert.fundId}#${alert.sequence}`;
  return {
    pk: { S: `OUTBOX#${key}` },
    sk: { S: "OUTBOX" },
    gsi1pk: { S: "OUTBOX#pending" },
    gsi1sk: { S: `${alert.bookedAt}#${alert.fundId}#${alert.sequence}` },
    type: { S: alert.type },
    payload: { S: JSON.stringify(alert) },
  };
}
