/**
 * The low-balance alert (DOMAIN §5): when `available` falls under the alert level, county finance
 * is asked to replenish — once per crossing, not once per draw. The level is a percentage of the
 * quota that the caller takes from the county's policy; this module never reads policy itself.
 */
import { Decimal } from "decimal.js";
import type { Yuan } from "../money/yuan.ts";

/** "armed": the next fall under the level raises an alert. "alerted": raised, waiting for a rise. */
export type AlertState = "armed" | "alerted";

const PERCENT = /^(100|[1-9]?\d)(\.\d{1,2})?$/;

export function isAlertPercent(text: unknown): text is string {
  return typeof text === "string" && PERCENT.test(text) && new Decimal(text).lessThanOrEqualTo(100);
}

/** The alert level in yuan: `percentOfQuota` % of the quota, rounded half-up to the fen. */
export function alertLevel(quota: Yuan, percentOfQuota: string): Yuan {
  // A fund's quota changes only with an allocation: each draw planned after it asks for the same level.
  if (lastLevel?.quota === quota && lastLevel.percent === percentOfQuota) return lastLevel.level;
  if (!isAlertPercent(percentOfQuota)) throw new RangeError(`not a percentage: ${percentOfQuota}`);
  const level = quota.times(new Decimal(percentOfQuota).dividedBy(100).toString());
  lastLevel = { quota, percent: percentOfQuota, level };
  return level;
}

/** The last level computed, for the same quota value (a Yuan is immutable) and percentage. */
let lastLevel: { quota: Yuan; percent: string; level: Yuan } | undefined;

/** Falling under the level while armed is a crossing; rising to or above it re-arms. */
export function nextAlertState(
  previous: AlertState,
  available: Yuan,
  level: Yuan,
): { state: AlertState; crossed: boolean } {
  if (available.lessThan(level)) return { state: "alerted", crossed: previous === "armed" };
  return { state: "armed", crossed: false };
}
