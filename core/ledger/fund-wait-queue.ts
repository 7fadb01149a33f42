/**
 * The queue of cases waiting for money on one township fund (DOMAIN §4.4, §8: a top-up resumes the
 * waiting cases by themselves, oldest first, as far as the money goes). Pure: the caller reads the
 * waits and the fund; this module orders them and says what the money covers and what is short.
 */
import { Yuan } from "../money/yuan.ts";

/**
 * What happens behind a case the money does not cover:
 * - `head-of-line` (strict FIFO): it holds every later case back until it is paid;
 * - `oldest-that-fits`: later, smaller cases that the rest of the money covers are paid past it.
 */
export const FUND_WAIT_ORDERS = ["head-of-line", "oldest-that-fits"] as const;
export type FundWaitOrder = (typeof FUND_WAIT_ORDERS)[number];

/**
 * The order a top-up follows. Strict FIFO: a large case is never starved by smaller ones filed after
 * it, and finance reads one figure per row — "top up this much and every case up to here is paid".
 * The money a blocked head leaves stays in the fund for new payments (they never queue); a waiting
 * case re-checking the fund on its own keeps its place behind the head (functions/services/fund-queue.ts).
 */
export const FUND_WAIT_ORDER: FundWaitOrder = "head-of-line";

export interface FundWait {
  caseId: string;
  /** ISO instant the case first waited for this money (re-checks and re-waits keep it). */
  waitingSince: string;
  amountYuan: Yuan;
}

export interface QueuedFundWait extends FundWait {
  /** 1 = the next case the fund pays. */
  position: number;
  /** Covered by what the fund has now, under the order. */
  fitsNow: boolean;
  /** Of this case's amount, what the fund does not cover once the cases ahead are paid. */
  shortfallYuan: Yuan;
  /** The top-up that pays this case and every case ahead of it. */
  cumulativeShortfallYuan: Yuan;
}

/** Oldest first; the case id breaks a tie so every reader sees one order. */
export function queueOrder<T extends FundWait>(waits: readonly T[]): T[] {
  return [...waits].sort(
    (a, b) =>
      a.waitingSince.localeCompare(b.waitingSince) ||
      (a.caseId < b.caseId ? -1 : a.caseId > b.caseId ? 1 : 0),
  );
}

/** True when the walk goes on to later cases after one the money did not cover. */
export function passesShortfall(order: FundWaitOrder): boolean {
  return order === "oldest-that-fits";
}

/** The queue as finance sees it: order, what fits now, what each case still lacks. */
export function fundWaitQueue<T extends FundWait>(
  waits: readonly T[],
  availableYuan: Yuan,
  order: FundWaitOrder = FUND_WAIT_ORDER,
): (T & QueuedFundWait)[] {
  const available = Yuan.max(availableYuan, Yuan.zero);
  let remaining = available;
  let cumulative = Yuan.zero;
  let blocked = false;
  return queueOrder(waits).map((wait, index) => {
    cumulative = cumulative.plus(wait.amountYuan);
    const fitsNow = !blocked && wait.amountYuan.lessThanOrEqual(remaining);
    if (fitsNow) remaining = remaining.minus(wait.amountYuan);
    else if (!passesShortfall(order)) blocked = true;
    const cumulativeShortfallYuan = Yuan.max(cumulative.minus(available), Yuan.zero);
    return {
      ...wait,
      position: index + 1,
      fitsNow,
      shortfallYuan: fitsNow ? Yuan.zero : Yuan.min(wait.amountYuan, cumulativeShortfallYuan),
      cumulativeShortfallYuan,
    };
  });
}
