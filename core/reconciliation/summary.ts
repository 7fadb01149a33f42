/**
 * The figures of a reconciliation (DOMAIN §6): opening balance, allocations, draws (count and sum by
 * flow, hardship type, local vs non-local), reversals, recoveries, replenishments, commitments,
 * closing balance. Accumulated one entry at a time, so a period of any size is summed in constant
 * memory (a handful of keys per breakdown), in integer fen (exact, and without decimals per entry);
 * the figures become `Yuan` once, at the end.
 */
import type { ChainedEntry } from "../ledger/canonical.ts";
import { EMPTY_BALANCES, type FundBalances } from "../ledger/effects.ts";
import type { EntryKind } from "../ledger/entry.ts";
import { FAST_FEN_LIMIT, type FenBalances, fenOfYuan, yuanBalancesOf } from "../ledger/fen.ts";
import type { FenEntry } from "../ledger/stored.ts";
import { Yuan } from "../money/yuan.ts";

export interface Tally {
  count: number;
  sumYuan: Yuan;
}

export interface DrawTally extends Tally {
  byFlow: Record<string, Tally>;
  byHardshipType: Record<string, Tally>;
  byResidency: Record<string, Tally>;
  byDrawKind: Record<string, Tally>;
}

export interface PeriodFigures {
  opening: FundBalances;
  closing: FundBalances;
  allocations: Tally;
  draws: DrawTally;
  reversals: Tally;
  recoveries: Tally;
  replenishments: Tally;
  commits: Tally;
  releases: Tally;
  /** Promised to approved stage plans and not yet paid at the end of the period. */
  commitmentsOpenYuan: Yuan;
  /** Entries booked in the period. */
  entryCount: number;
  firstSequence?: number;
  lastSequence?: number;
}

/** Breakdown key of an entry without the reference field (older entries, manual corrections). */
export const UNKNOWN_KEY = "unknown";

/**
 * Below this a running sum in fen plus one fast-range amount stays an exact safe integer; at it the
 * sum is moved into decimals (`spill`) and starts again (never in practice: it is ¥90 trillion).
 */
const SPILL_AT_FEN = Number.MAX_SAFE_INTEGER - FAST_FEN_LIMIT;

/** A count and a sum kept in integer fen while entries stream by, in `Yuan` at the end. */
class FenTally {
  count = 0;
  private fen = 0;
  private spill: Yuan | undefined;

  addFen(amountFen: number): void {
    this.count += 1;
    if (this.fen >= SPILL_AT_FEN) this.moveToSpill();
    this.fen += amountFen;
  }

  /** An amount of an entry decoded the decimal way (it may lie outside the fast range). */
  addYuan(amount: Yuan): void {
    const fen = fenOfYuan(amount);
    if (fen !== undefined) {
      this.addFen(fen);
      return;
    }
    this.count += 1;
    this.spill = (this.spill ?? Yuan.zero).plus(amount);
  }

  result(): Tally {
    const fen = Yuan.fromFen(this.fen);
    return { count: this.count, sumYuan: this.spill ? this.spill.plus(fen) : fen };
  }

  private moveToSpill(): void {
    this.spill = (this.spill ?? Yuan.zero).plus(Yuan.fromFen(this.fen));
    this.fen = 0;
  }
}

/** Tallies by key (flow, hardship type …), in the order keys first appear. */
class Breakdown {
  private readonly tallies = new Map<string, FenTally>();
  /** The last key asked for: entries in a row mostly share it (one flow, one residency). */
  private lastKey: string | undefined;
  private lastTally: FenTally | undefined;

  at(key: string): FenTally {
    // A comparison, not a hash of a string read fresh from every entry.
    if (key === this.lastKey) return this.lastTally as FenTally;
    let tally = this.tallies.get(key);
    if (!tally) {
      tally = new FenTally();
      this.tallies.set(key, tally);
    }
    this.lastKey = key;
    this.lastTally = tally;
    return tally;
  }

  result(): Record<string, Tally> {
    const out: Record<string, Tally> = {};
    for (const [key, tally] of this.tallies) out[key] = tally.result();
    return out;
  }
}

/** Balances after an entry, in whichever form it was read: exactly one of the two is set. */
const balancesOf = (fen: FenBalances | undefined, yuan: FundBalances | undefined): FundBalances =>
  yuan ?? yuanBalancesOf(fen as FenBalances);

export class FiguresAccumulator {
  // Each in either form (no wrapper object per entry): the fen one when the last entry was read in fen.
  private openingFen: FenBalances | undefined;
  private openingYuan: FundBalances | undefined = EMPTY_BALANCES;
  private closingFen: FenBalances | undefined;
  private closingYuan: FundBalances | undefined = EMPTY_BALANCES;
  private readonly tallies: Record<Exclude<EntryKind, "draw">, FenTally> = {
    allocation: new FenTally(),
    commit: new FenTally(),
    release: new FenTally(),
    reversal: new FenTally(),
    recovery: new FenTally(),
    replenishment: new FenTally(),
  };
  private readonly draws = new FenTally();
  private readonly byFlow = new Breakdown();
  private readonly byHardshipType = new Breakdown();
  private readonly byResidency = new Breakdown();
  private readonly byDrawKind = new Breakdown();
  private entryCount = 0;
  private firstSequence: number | undefined;
  private lastSequence: number | undefined;
  private sawPeriodEntry = false;

  /** An entry booked before the period: its balances are the opening, until a period entry comes. */
  before(entry: ChainedEntry): void {
    if (this.sawPeriodEntry) return;
    this.openingFen = this.closingFen = undefined;
    this.openingYuan = this.closingYuan = entry.after;
  }

  /** The same for an entry read in fen (core/ledger `readStoredFen`). */
  beforeFen(entry: FenEntry): void {
    if (this.sawPeriodEntry) return;
    this.openingFen = this.closingFen = entry.after;
    this.openingYuan = this.closingYuan = undefined;
  }

  /** An entry booked in the period. */
  in(entry: ChainedEntry): void {
    this.closingFen = undefined;
    this.closingYuan = entry.after;
    const tally = this.count(entry.sequence, entry.kind);
    const amount = entry.amountYuan;
    if (tally) {
      tally.addYuan(amount);
      return;
    }
    this.draws.addYuan(amount);
    this.byFlow.at(entry.reference.flow ?? UNKNOWN_KEY).addYuan(amount);
    this.byHardshipType.at(entry.reference.hardshipType ?? UNKNOWN_KEY).addYuan(amount);
    this.byResidency.at(entry.reference.residency ?? UNKNOWN_KEY).addYuan(amount);
    this.byDrawKind.at(entry.drawKind ?? UNKNOWN_KEY).addYuan(amount);
  }

  /** The same for an entry read in fen: summed without decimals. */
  inFen(entry: FenEntry): void {
    this.closingFen = entry.after;
    this.closingYuan = undefined;
    const tally = this.count(entry.sequence, entry.kind);
    const amount = entry.amountFen;
    if (tally) {
      tally.addFen(amount);
      return;
    }
    const refs = entry.reference;
    this.draws.addFen(amount);
    this.byFlow.at(refs.flow ?? UNKNOWN_KEY).addFen(amount);
    this.byHardshipType.at(refs.hardshipType ?? UNKNOWN_KEY).addFen(amount);
    this.byResidency.at(refs.residency ?? UNKNOWN_KEY).addFen(amount);
    this.byDrawKind.at(entry.drawKind ?? UNKNOWN_KEY).addFen(amount);
  }

  result(): PeriodFigures {
    const closing = balancesOf(this.closingFen, this.closingYuan);
    const t = this.tallies;
    return {
      opening: balancesOf(this.openingFen, this.openingYuan),
      closing,
      allocations: t.allocation.result(),
      draws: {
        ...this.draws.result(),
        byFlow: this.byFlow.result(),
        byHardshipType: this.byHardshipType.result(),
        byResidency: this.byResidency.result(),
        byDrawKind: this.byDrawKind.result(),
      },
      reversals: t.reversal.result(),
      recoveries: t.recovery.result(),
      replenishments: t.replenishment.result(),
      commits: t.commit.result(),
      releases: t.release.result(),
      commitmentsOpenYuan: closing.committed,
      entryCount: this.entryCount,
      ...(this.firstSequence !== undefined ? { firstSequence: this.firstSequence } : {}),
      ...(this.lastSequence !== undefined ? { lastSequence: this.lastSequence } : {}),
    };
  }

  /** Counts a period entry; the tally of its kind, or undefined for a draw (summed by breakdown). */
  private count(sequence: number, kind: EntryKind): FenTally | undefined {
    this.sawPeriodEntry = true;
    this.entryCount += 1;
    this.firstSequence ??= sequence;
    this.lastSequence = sequence;
    return kind === "draw" ? undefined : this.tallies[kind];
  }
}

/**
 * What the movements of the period say the closing balances must be (DOMAIN §5 effects, summed).
 * Stage draws lower `committed` too, so the stage tally is needed apart.
 */
export function expectedClosing(figures: PeriodFigures): FundBalances {
  const o = figures.opening;
  const stageDraws = figures.draws.byDrawKind.stage?.sumYuan ?? Yuan.zero;
  return {
    quota: o.quota.plus(figures.allocations.sumYuan),
    balance: o.balance
      .plus(figures.allocations.sumYuan)
      .plus(figures.reversals.sumYuan)
      .plus(figures.recoveries.sumYuan)
      .plus(figures.replenishments.sumYuan)
      .minus(figures.draws.sumYuan),
    committed: o.committed.plus(figures.commits.sumYuan).minus(figures.releases.sumYuan).minus(stageDraws),
  };
}
