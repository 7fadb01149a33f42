/**
 * Planning one group-commit batch: entries are validated in order against the running
 * head, in memory; each accepted one becomes one chain step, each rejected one is answered and left
 * out. Pure, so the writer's batching decisions are unit-tested without a database.
 */

import { zhDateTime } from "../labels/zhText.ts";
import type { Yuan } from "../money/yuan.ts";
import { type AlertState, alertLevel, nextAlertState } from "./alert.ts";
import { type ChainedEntry, chainEntry } from "./canonical.ts";
import { applyEffect, availableOf, type FundBalances } from "./effects.ts";
import type { LedgerEntry } from "./entry.ts";

export type RejectionReason = "insufficient-funds" | "period-closed" | "fund-not-found" | "invalid";

export interface PlanningHead {
  fundId: string;
  sequence: number;
  headHash: string;
  balances: FundBalances;
  alertState: AlertState;
  /** Percentage of the quota under which county finance is alerted; absent = no alert for this fund. */
  alertPercent?: string;
  /** Entries booked at or before this instant are refused (DOMAIN §6: no back-dated entries). */
  closedThrough?: string;
}

export interface LowBalanceAlert {
  type: "fund.low-balance";
  fundId: string;
  /** The entry that took `available` under the level. */
  sequence: number;
  entryId: string;
  availableYuan: Yuan;
  alertLevelYuan: Yuan;
  quotaYuan: Yuan;
  bookedAt: string;
}

export interface PlannedEntry<T> {
  item: T;
  chained: ChainedEntry;
  alert?: LowBalanceAlert;
}

export interface RejectedEntry<T> {
  item: T;
  reason: RejectionReason;
  message: string;
  messageZh: string;
  availableYuan: Yuan;
}

export interface BatchPlan<T> {
  accepted: PlannedEntry<T>[];
  rejected: RejectedEntry<T>[];
  /** Not looked at because the batch was full; they wait for the next batch, in order. */
  deferred: T[];
  head: PlanningHead;
  /** Write actions the batch needs (head + `actionsPerEntry` per entry + one per alert). */
  actions: number;
  /** Sum of `limits.sizeOf` over the accepted entries (0 without it). */
  size: number;
}

/** What else bounds a batch besides its actions: a page item's size (the writer's `PAGE#` item). */
export interface BatchLimits {
  /** Write actions each accepted entry adds; default 2 (an entry item and an id item). */
  actionsPerEntry?: number;
  /** The size an accepted entry adds; with `maxSize`, the batch stops before exceeding it. */
  sizeOf?: (entry: ChainedEntry) => number;
  maxSize?: number;
  /** Size already used (a plan extended by `topUp`). */
  startSize?: number;
}

/**
 * Plans a batch of at most `maxActions` write actions. `entryOf` reads the entry out of whatever the
 * caller queues (the writer's pending submissions).
 */
export function planBatch<T>(
  start: PlanningHead,
  items: readonly T[],
  entryOf: (item: T) => LedgerEntry,
  maxActions: number,
  limits: BatchLimits = {},
): BatchPlan<T> {
  let head = start;
  let actions = 1;
  let size = limits.startSize ?? 0;
  const perEntry = limits.actionsPerEntry ?? 2;
  const accepted: PlannedEntry<T>[] = [];
  const rejected: RejectedEntry<T>[] = [];
  let index = 0;
  for (; index < items.length; index++) {
    const item = items[index] as T;
    const entry = entryOf(item);
    if (entry.fundId !== head.fundId) {
      rejected.push({
        item,
        reason: "invalid",
        message: "entry is for another fund",
        messageZh: "分录不属于该备用金",
        availableYuan: availableOf(head.balances),
      });
      continue;
    }
    if (head.closedThrough !== undefined && entry.bookedAt <= head.closedThrough) {
      rejected.push({
        item,
        reason: "period-closed",
        message: `entries booked at or before ${head.closedThrough} are closed by reconciliation`,
        messageZh: `${zhDateTime(head.closedThrough)} 及以前的账期已对账关闭，不得补记`,
        availableYuan: availableOf(head.balances),
      });
      continue;
    }
    const effect = applyEffect(head.balances, entry);
    if (!effect.ok) {
      rejected.push({
        item,
        reason: effect.reason,
        message: effect.message,
        messageZh: effect.messageZh,
        availableYuan: availableOf(head.balances),
      });
      continue;
    }
    const chained = chainEntry(entry, head.sequence + 1, head.headHash, effect.after);
    let alertState = head.alertState;
    let alert: LowBalanceAlert | undefined;
    if (head.alertPercent !== undefined) {
      const level = alertLevel(effect.after.quota, head.alertPercent);
      const availableAfter = availableOf(effect.after);
      const next = nextAlertState(head.alertState, availableAfter, level);
      alertState = next.state;
      if (next.crossed) {
        alert = {
          type: "fund.low-balance",
          fundId: head.fundId,
          sequence: chained.sequence,
          entryId: entry.entryId,
          availableYuan: availableAfter,
          alertLevelYuan: level,
          quotaYuan: effect.after.quota,
          bookedAt: entry.bookedAt,
        };
      }
    }
    const needed = perEntry + (alert ? 1 : 0);
    if (actions + needed > maxActions) break;
    const entrySize = limits.sizeOf ? limits.sizeOf(chained) : 0;
    // The first entry always fits: a batch makes progress whatever one entry's size.
    if (limits.maxSize !== undefined && size > 0 && size + entrySize > limits.maxSize) break;
    actions += needed;
    size += entrySize;
    accepted.push({ item, chained, ...(alert ? { alert } : {}) });
    head = {
      ...head,
      sequence: chained.sequence,
      headHash: chained.entryHash,
      balances: effect.after,
      alertState,
    };
  }
  return { accepted, rejected, deferred: items.slice(index), head, actions, size };
}
