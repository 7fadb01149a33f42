/**
 * The figures of a reconciliation (DOMAIN §6): opening balance, allocations, draws (count and sum by
 * flow, hardship type, local vs non-local), reversals, recoveries, replenishments, commitments,
 * closing balance. Accumulated one entry at a time, so a period of any size is summed in constant
 * memory (a handful of keys per breakdown).
 */
import type { ChainedEntry } from "../ledger/canonical.ts";
import { EMPTY_BALANCES, type FundBalances } from "../ledger/effects.ts";
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

const emptyTally = (): Tally => ({ count: 0, sumYuan: Yuan.zero });

function add(tally: Tally, amount: Yuan): void {
  tally.count += 1;
  tally.sumYuan = tally.sumYuan.plus(amount);
}

function addTo(map: Record<string, Tally>, key: string, amount: Yuan): void {
  let tally = map[key];
  if (!tally) {
    tally = emptyTally();
    map[key] = tally;
  }
  add(tally, amount);
}

export class FiguresAccumulator {
  private readonly figures: PeriodFigures = {
    opening: EMPTY_BALANCES,
    closing: EMPTY_BALANCES,
    allocations: emptyTally(),
    draws: { ...emptyTally(), byFlow: {}, byHardshipType: {}, byResidency: {}, byDrawKind: {} },
    reversals: emptyTally(),
    recoveries: emptyTally(),
    replenishments: emptyTally(),
    commits: emptyTally(),
    releases: emptyTally(),
    commitmentsOpenYuan: Yuan.zero,
    entryCount: 0,
  };
  private sawPeriodEntry = false;

  /** An entry booked before the period: its balances are the opening, until a period entry comes. */
  before(entry: ChainedEntry): void {
    if (this.sawPeriodEntry) return;
    this.figures.opening = entry.after;
    this.figures.closing = entry.after;
  }

  /** An entry booked in the period. */
  in(entry: ChainedEntry): void {
    const f = this.figures;
    this.sawPeriodEntry = true;
    f.entryCount += 1;
    f.firstSequence ??= entry.sequence;
    f.lastSequence = entry.sequence;
    f.closing = entry.after;
    const amount = entry.amountYuan;
    switch (entry.kind) {
      case "allocation":
        add(f.allocations, amount);
        break;
      case "draw":
        add(f.draws, amount);
        addTo(f.draws.byFlow, entry.reference.flow ?? UNKNOWN_KEY, amount);
        addTo(f.draws.byHardshipType, entry.reference.hardshipType ?? UNKNOWN_KEY, amount);
        addTo(f.draws.byResidency, entry.reference.residency ?? UNKNOWN_KEY, amount);
        addTo(f.draws.byDrawKind, entry.drawKind ?? UNKNOWN_KEY, amount);
        break;
      case "commit":
        add(f.commits, amount);
        break;
      case "release":
        add(f.releases, amount);
        break;
      case "reversal":
        add(f.reversals, amount);
        break;
      case "recovery":
        add(f.recoveries, amount);
        break;
      case "replenishment":
        add(f.replenishments, amount);
        break;
    }
  }

  result(): PeriodFigures {
    return { ...this.figures, commitmentsOpenYuan: this.figures.closing.committed };
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
