/**
 * Reconciliation of one township fund for one period (DOMAIN §6), streamed: entries arrive one at a
 * time in sequence order (from genesis, so the whole chain is checked), draws and confirmations are
 * matched in bounded batches through the `MatchingSource` port. Memory holds the running replay,
 * the figures, one batch, and the discrepancy rows (capped) — never the period.
 *
 * Checks, each finding its own row:
 * - every draw of the period matches an approved decision and a payment of the same amount;
 * - every cash draw has both signatures (DOMAIN §3.3);
 * - every confirmation of the period matches a draw in the ledger, for the same amount;
 * - the chain is intact (core/ledger ChainVerifier) and the stored head equals the replay;
 * - opening + movements = closing; the period's entries are not interleaved with others.
 */
import { CASH_SIGNERS, missingCashSignatures } from "../cases/rules/cashPayment.ts";
import { zhDateTime, zhPeriod } from "../labels/zhText.ts";
import type { ChainedEntry, StoredEntry, UnreadableEntryError } from "../ledger/canonical.ts";
import { sameBalances } from "../ledger/effects.ts";
import { ChainVerifier, type HeadSnapshot } from "../ledger/replay.ts";
import { chainedOf, type FenEntry } from "../ledger/stored.ts";
import type { Yuan } from "../money/yuan.ts";
import type { Discrepancy, DiscrepancyWhere } from "./discrepancy.ts";
import type {
  ConfirmationFact,
  DrawFacts,
  LedgerDrawFact,
  MatchableDraw,
  MatchingSource,
  PaymentFact,
} from "./matching.ts";
import { MATCH_BATCH_MAX, sameAmount, yuanOfFact } from "./matching.ts";
import { type Period, placeInPeriod } from "./period.ts";
import { expectedClosing, FiguresAccumulator, type PeriodFigures } from "./summary.ts";

/** Rows kept per report; beyond it only the count grows (a limit on everything). */
export const DISCREPANCY_ROWS_MAX = 10_000;

export interface ReconciliationReport {
  fundId: string;
  period: Period;
  figures: PeriodFigures;
  /** Every entry of the fund replayed and hash-checked (from genesis). */
  entriesVerified: number;
  /** The replayed head: sequence and hash the report vouches for. */
  verifiedSequence: number;
  verifiedHeadHash: string;
  chainIntact: boolean;
  headMatchesReplay: boolean;
  confirmationsChecked: number;
  drawsChecked: number;
  discrepancies: Discrepancy[];
  discrepancyCount: number;
  /** True when more rows were found than `DISCREPANCY_ROWS_MAX`. */
  discrepanciesTruncated: boolean;
  clean: boolean;
}

/** What placing an entry in the period reads of it, in either form. */
type PlacedEntry = Pick<ChainedEntry, "sequence" | "entryId" | "bookedAt">;

export interface ReconcilerOptions {
  rowsMax?: number;
}

export class PeriodReconciler {
  private readonly verifier: ChainVerifier;
  private readonly figures = new FiguresAccumulator();
  private readonly rows: Discrepancy[] = [];
  private readonly rowsMax: number;
  private rowCount = 0;
  private entriesSeen = 0;
  private drawsChecked = 0;
  private confirmationsChecked = 0;
  private chainBreak: { sequence: number; entryId: string } | undefined;
  private phase: "before" | "in" | "after" = "before";
  private outOfOrderReported = false;
  private unreadableAt: { sequence: number; problem: string } | undefined;

  constructor(
    readonly fundId: string,
    readonly period: Period,
    options: ReconcilerOptions = {},
  ) {
    this.verifier = new ChainVerifier(fundId);
    this.rowsMax = options.rowsMax ?? DISCREPANCY_ROWS_MAX;
  }

  /** Feeds the next entry in sequence order; true when it is a draw of the period (to be matched). */
  pushEntry(entry: ChainedEntry): boolean {
    return this.placeDecoded(entry, this.verifier.push(entry));
  }

  /**
   * The same for an entry as stored (its canonical text): hashed as stored, decoded once. Throws
   * `UnreadableEntryError` when the text cannot be read. `draw` is true for a draw of the period.
   */
  pushStored(stored: StoredEntry): { entry: ChainedEntry; draw: boolean } {
    const pushed = this.verifier.pushStoredFen(stored);
    if (pushed.entry) return { entry: pushed.entry, draw: this.placeDecoded(pushed.entry, pushed.ok) };
    return { entry: chainedOf(pushed.fen), draw: this.placeFen(pushed.fen, pushed.ok) };
  }

  /**
   * `pushStored` for long periods: plain canonical entries are checked and summed in integer fen
   * (core/ledger `pushStoredFen`); a draw of the period is handed to matching as it was read, its
   * amount in fen. Returns that draw, or undefined.
   */
  pushStoredDraw(stored: StoredEntry): MatchableDraw | undefined {
    const plain = this.verifier.pushPlain(stored);
    // The entry read in fen is itself the draw matching reads: no copy, no decimal.
    if (plain) return this.placeFen(plain, true) ? plain : undefined;
    const pushed = this.verifier.pushStoredFen(stored);
    if (pushed.entry) return this.placeDecoded(pushed.entry, pushed.ok) ? pushed.entry : undefined;
    return this.placeFen(pushed.fen, pushed.ok) ? pushed.fen : undefined;
  }

  private placeDecoded(entry: ChainedEntry, chainHolds: boolean): boolean {
    const place = this.place(entry, chainHolds);
    if (place === "before") this.figures.before(entry);
    else if (place === "in") this.figures.in(entry);
    return place === "in" && entry.kind === "draw";
  }

  private placeFen(entry: FenEntry, chainHolds: boolean): boolean {
    const place = this.place(entry, chainHolds);
    if (place === "before") this.figures.beforeFen(entry);
    else if (place === "in") this.figures.inFen(entry);
    return place === "in" && entry.kind === "draw";
  }

  /** Where the entry falls in the period; notes a chain break and a booking out of order. */
  private place(entry: PlacedEntry, chainHolds: boolean): "before" | "in" | "after" {
    this.entriesSeen += 1;
    if (!chainHolds && !this.chainBreak) {
      this.chainBreak = { sequence: entry.sequence, entryId: entry.entryId };
    }
    const place = placeInPeriod(this.period, entry.bookedAt);
    if (place === "before") {
      if (this.phase !== "before") this.outOfOrder(entry);
    } else if (place === "after") {
      this.phase = "after";
    } else if (this.phase === "after") this.outOfOrder(entry);
    else this.phase = "in";
    return place;
  }

  /**
   * The store could not decode the next entry (its stored text was damaged): the chain is broken
   * there and nothing after it can be trusted, so the stream ends.
   */
  unreadable(sequence: number, problem: string): void {
    this.unreadableAt ??= { sequence, problem };
  }

  /**
   * Checks a draw of the period against its decision and payment. Amounts are compared in integer
   * fen when the draw and the fact were both read in fen; decimals are made only for a row.
   */
  checkDraw(entry: MatchableDraw, facts: DrawFacts | undefined): void {
    this.drawsChecked += 1;
    const decision = facts?.decision;
    if (!decision?.approved) {
      this.row({
        code: "draw-without-decision",
        what: decision
          ? `draw ${entry.entryId} pays out decision ${decision.decisionId}, which is not an approval`
          : `draw ${entry.entryId} has no approved decision behind it`,
        whatZh: decision ? "支出对应的决定未获批准" : "支出无对应的审批决定",
        where: this.drawWhere(entry),
        entries: [entry.entryId],
        amountYuan: entry.amountYuan.toString(),
      });
    } else if ((decision.amountYuan || decision.amountFen !== undefined) && !sameAmount(entry, decision)) {
      const amount = entry.amountYuan;
      const approved = yuanOfFact(decision) as Yuan;
      this.row({
        code: "amount-mismatch",
        what: `draw ${entry.entryId} of ${amount.toString()} differs from the approved ${approved.toString()}`,
        whatZh: `支出金额 ${amount.format()} 与批准金额 ${approved.format()} 不一致`,
        where: this.drawWhere(entry),
        entries: [entry.entryId],
        amountYuan: amount.toString(),
      });
    }
    const payment = facts?.payment;
    if (!payment) {
      this.row({
        code: "draw-without-payment",
        what: `draw ${entry.entryId} has no payment record (bank transfer or cash hand-over)`,
        whatZh: "支出无对应的支付记录（银行转账或现金发放）",
        where: this.drawWhere(entry),
        entries: [entry.entryId],
        amountYuan: entry.amountYuan.toString(),
      });
      return;
    }
    if (!sameAmount(entry, payment)) {
      const amount = entry.amountYuan;
      const paid = yuanOfFact(payment) as Yuan;
      this.row({
        code: "amount-mismatch",
        what: `draw ${entry.entryId} of ${amount.toString()} differs from payment ${payment.paymentId} of ${paid.toString()}`,
        whatZh: `支出金额 ${amount.format()} 与支付金额 ${paid.format()} 不一致`,
        where: this.drawWhere(entry, payment),
        entries: [entry.entryId],
        amountYuan: amount.toString(),
      });
    }
    if (payment.method !== "cash") return;
    // DOMAIN §3.3: both signatures, the rule of core/cases (cashPayment.ts), checked after the fact.
    const missing = missingCashSignatures(payment.signatures ?? { receiver: false, officer: false });
    if (missing.length > 0) {
      this.row({
        code: "cash-without-signatures",
        what: `cash draw ${entry.entryId} lacks the ${missing.map((m) => CASH_SIGNERS[m].en).join(" and ")} signature`,
        whatZh: `现金支出缺少${missing.map((m) => CASH_SIGNERS[m].zh).join("和")}签字`,
        where: this.drawWhere(entry, payment),
        entries: [entry.entryId],
        amountYuan: entry.amountYuan.toString(),
      });
    }
  }

  /** Where a draw's row points (built only for a row: most draws check out, a long period has a million). */
  private drawWhere(entry: MatchableDraw, payment?: PaymentFact): DiscrepancyWhere {
    const where: DiscrepancyWhere = {
      fundId: this.fundId,
      sequence: entry.sequence,
      ...(entry.reference.caseId ? { caseId: entry.reference.caseId } : {}),
      ...(entry.reference.obligationId ? { obligationId: entry.reference.obligationId } : {}),
      ...(entry.reference.paymentId ? { paymentId: entry.reference.paymentId } : {}),
    };
    return payment ? { ...where, paymentId: payment.paymentId } : where;
  }

  /** Checks a confirmation of the period against the draw its payment was funded by. */
  checkConfirmation(confirmation: ConfirmationFact, draw: LedgerDrawFact | undefined): void {
    this.confirmationsChecked += 1;
    const where = {
      fundId: this.fundId,
      bankReference: confirmation.bankReference,
      ...(confirmation.caseId ? { caseId: confirmation.caseId } : {}),
      ...(confirmation.obligationId ? { obligationId: confirmation.obligationId } : {}),
      ...(confirmation.paymentId ? { paymentId: confirmation.paymentId } : {}),
    };
    const entries = confirmation.drawEntryId ? [confirmation.drawEntryId] : [];
    if (draw && "unreadable" in draw) return;
    if (draw?.kind !== "draw") {
      this.row({
        code: "confirmation-without-draw",
        what: `confirmation ${confirmation.bankReference} of ${confirmation.amountYuan.toString()} matches no draw of the fund`,
        whatZh: `银行回单 ${confirmation.bankReference}（${confirmation.amountYuan.format()}）无对应的备用金支出`,
        where,
        entries,
        amountYuan: confirmation.amountYuan.toString(),
      });
      return;
    }
    if (!draw.amountYuan.equals(confirmation.amountYuan)) {
      this.row({
        code: "amount-mismatch",
        what: `confirmation ${confirmation.bankReference} of ${confirmation.amountYuan.toString()} differs from its draw of ${draw.amountYuan.toString()}`,
        whatZh: `银行回单金额 ${confirmation.amountYuan.format()} 与支出金额 ${draw.amountYuan.format()} 不一致`,
        where: { ...where, sequence: draw.sequence },
        entries,
        amountYuan: confirmation.amountYuan.toString(),
      });
    }
  }

  /** The verdict; `head` is the head as the store keeps it (DOMAIN §5: head = replay). */
  finish(head?: HeadSnapshot): ReconciliationReport {
    const verified = this.verifier.finish();
    const gap = verified.state.sequence + 1;
    const chain =
      verified.ok && this.unreadableAt
        ? {
            ok: false as const,
            state: verified.state,
            firstBadSequence: Math.min(gap, this.unreadableAt.sequence),
            problem:
              gap < this.unreadableAt.sequence
                ? `entry ${gap} is missing (deleted)`
                : this.unreadableAt.problem,
          }
        : verified;
    let headMatchesReplay = chain.ok;
    if (!chain.ok) {
      this.row({
        code: "chain-broken",
        what: chain.problem,
        whatZh: `账目链自第 ${chain.firstBadSequence} 笔起校验失败（分录被修改、删除或插入）`,
        where: { fundId: this.fundId, sequence: chain.firstBadSequence },
        entries: this.chainBreak ? [this.chainBreak.entryId] : [],
      });
    } else if (head) {
      const withHead = this.verifier.finish(head);
      headMatchesReplay = withHead.ok;
      if (!withHead.ok) {
        this.row({
          code: "head-differs-from-replay",
          what: `${withHead.problem}: stored sequence ${head.sequence}, balance ${head.balances.balance.toString()}, committed ${head.balances.committed.toString()}; replay gives sequence ${chain.state.sequence}, balance ${chain.state.balances.balance.toString()}, committed ${chain.state.balances.committed.toString()}`,
          whatZh: `账户记录（第 ${head.sequence} 笔，余额 ${head.balances.balance.format()}）与分录重放结果（第 ${chain.state.sequence} 笔，余额 ${chain.state.balances.balance.format()}）不符`,
          where: { fundId: this.fundId, sequence: head.sequence },
          entries: [],
        });
      }
    }
    const figures = this.figures.result();
    const expected = expectedClosing(figures);
    if (!sameBalances(expected, figures.closing)) {
      this.row({
        code: "balances-do-not-add-up",
        what: `opening plus the period's movements gives balance ${expected.balance.toString()}, committed ${expected.committed.toString()}, quota ${expected.quota.toString()}; the ledger shows ${figures.closing.balance.toString()}, ${figures.closing.committed.toString()}, ${figures.closing.quota.toString()}`,
        whatZh: `期初余额加本期发生额应为 ${expected.balance.format()}，账面期末余额为 ${figures.closing.balance.format()}`,
        where: { fundId: this.fundId, ...(figures.lastSequence ? { sequence: figures.lastSequence } : {}) },
        entries: [],
      });
    }
    return {
      fundId: this.fundId,
      period: this.period,
      figures,
      entriesVerified: chain.state.sequence,
      verifiedSequence: chain.state.sequence,
      verifiedHeadHash: chain.state.headHash,
      chainIntact: chain.ok,
      headMatchesReplay,
      confirmationsChecked: this.confirmationsChecked,
      drawsChecked: this.drawsChecked,
      discrepancies: this.rows,
      discrepancyCount: this.rowCount,
      discrepanciesTruncated: this.rowCount > this.rows.length,
      clean: this.rowCount === 0,
    };
  }

  get entriesPushed(): number {
    return this.entriesSeen;
  }

  private outOfOrder(entry: PlacedEntry): void {
    if (this.outOfOrderReported) return;
    this.outOfOrderReported = true;
    this.row({
      code: "entry-out-of-order",
      what: `entry ${entry.sequence} is booked at ${entry.bookedAt}, out of order with the period ${this.period.label}`,
      whatZh: `第 ${entry.sequence} 笔分录记账时间 ${zhDateTime(entry.bookedAt)} 与对账期间 ${zhPeriod(this.period.label)} 的顺序不符`,
      where: { fundId: this.fundId, sequence: entry.sequence },
      entries: [entry.entryId],
    });
  }

  private row(row: Discrepancy): void {
    this.rowCount += 1;
    if (this.rows.length < this.rowsMax) this.rows.push(row);
  }
}

/** An entry (decoded or as stored), or a page of them in sequence order. */
export type EntryOrPage = ChainedEntry | StoredEntry | readonly (ChainedEntry | StoredEntry)[];

export interface ReconcileInput {
  fundId: string;
  period: Period;
  /**
   * The fund's entries from sequence 1, in order (a store stream or a generator); either decoded or
   * as stored (canonical text, hashed as it is: the fast path, same verdicts); one at a time or a
   * page at a time (an array: what a store reads in one request).
   */
  entries: AsyncIterable<EntryOrPage> | Iterable<EntryOrPage>;
  /** The head as stored, read before the stream started (the stream then ends at it or later). */
  head?: HeadSnapshot;
  source: MatchingSource;
  /** Called every `progressEvery` entries and at the end, with the entries replayed so far. */
  onProgress?: (entriesReplayed: number) => void;
  progressEvery?: number;
  rowsMax?: number;
}

/** Reconciles a period over a stream: nothing but one batch is held, whatever the period's size. */
export async function reconcilePeriod(input: ReconcileInput): Promise<ReconciliationReport> {
  const reconciler = new PeriodReconciler(input.fundId, input.period, {
    ...(input.rowsMax !== undefined ? { rowsMax: input.rowsMax } : {}),
  });
  const every = input.progressEvery ?? 10_000;
  let batch: MatchableDraw[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    const facts = await input.source.drawFacts(input.fundId, batch);
    for (const draw of batch) reconciler.checkDraw(draw, facts.get(draw.entryId));
    batch = [];
  };
  /** Pushes one entry; true when the batch of draws to match is full. */
  const push = (item: ChainedEntry | StoredEntry): boolean => {
    const draw =
      "storedHash" in item ? reconciler.pushStoredDraw(item) : reconciler.pushEntry(item) ? item : undefined;
    if (draw) batch.push(draw);
    if (input.onProgress && reconciler.entriesPushed % every === 0)
      input.onProgress(reconciler.entriesPushed);
    return batch.length >= MATCH_BATCH_MAX;
  };
  const pages = (item: EntryOrPage): readonly (ChainedEntry | StoredEntry)[] | undefined =>
    Array.isArray(item) ? item : undefined;
  try {
    // Awaited only when a batch is full, so a sync source stays sync.
    if (Symbol.iterator in input.entries) {
      for (const item of input.entries as Iterable<EntryOrPage>) {
        const page = pages(item);
        if (!page) {
          if (push(item as ChainedEntry | StoredEntry)) await flush();
        } else for (const one of page) if (push(one)) await flush();
      }
    } else {
      for await (const item of input.entries as AsyncIterable<EntryOrPage>) {
        const page = pages(item);
        if (!page) {
          if (push(item as ChainedEntry | StoredEntry)) await flush();
        } else for (const one of page) if (push(one)) await flush();
      }
    }
  } catch (error) {
    // By name: the class may be loaded twice under different module ids (tests, bundles).
    if ((error as Error).name !== "UnreadableEntryError") throw error;
    reconciler.unreadable((error as UnreadableEntryError).sequence, (error as Error).message);
  }
  await flush();
  input.onProgress?.(reconciler.entriesPushed);

  let confirmations: ConfirmationFact[] = [];
  const flushConfirmations = async () => {
    if (confirmations.length === 0) return;
    const ids = confirmations.flatMap((c) => (c.drawEntryId ? [c.drawEntryId] : []));
    const found = ids.length > 0 ? await input.source.ledgerEntries(input.fundId, ids) : new Map();
    for (const c of confirmations) {
      reconciler.checkConfirmation(c, c.drawEntryId ? found.get(c.drawEntryId) : undefined);
    }
    confirmations = [];
  };
  for await (const confirmation of input.source.confirmations(input.fundId, input.period)) {
    confirmations.push(confirmation);
    if (confirmations.length >= MATCH_BATCH_MAX) await flushConfirmations();
  }
  await flushConfirmations();
  return reconciler.finish(input.head);
}
