/**
 * Reconciliation periods (DOMAIN §6: a month or a quarter), in the county's time zone Asia/Shanghai
 * (DOMAIN §7). China keeps no daylight saving time, so a local midnight is always 16:00 UTC of the
 * day before. A period is the half-open interval [fromIso, toIso) of booking instants;
 * `throughIso` is its last millisecond, the instant the ledger's `closePeriod` closes the books through.
 */
import { ValidationError } from "../errors.ts";

export type PeriodKind = "month" | "quarter";

export interface Period {
  /** `2026-10` or `2026-Q4`. */
  label: string;
  kind: PeriodKind;
  /** First instant of the period (UTC ISO). */
  fromIso: string;
  /** First instant after the period (UTC ISO). */
  toIso: string;
  /** Last millisecond of the period (UTC ISO). */
  throughIso: string;
}

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;
const QUARTER = /^(\d{4})-Q([1-4])$/;
/** Asia/Shanghai is UTC+8 all year. */
const SHANGHAI_OFFSET_MS = 8 * 60 * 60 * 1000; // not-policy: UTC+8 in ms

function localMidnightUtcMs(year: number, monthIndex: number): number {
  return Date.UTC(year, monthIndex, 1) - SHANGHAI_OFFSET_MS;
}

function build(label: string, kind: PeriodKind, year: number, firstMonth: number, months: number): Period {
  const fromMs = localMidnightUtcMs(year, firstMonth);
  const toMs = localMidnightUtcMs(year, firstMonth + months);
  return {
    label,
    kind,
    fromIso: new Date(fromMs).toISOString(),
    toIso: new Date(toMs).toISOString(),
    throughIso: new Date(toMs - 1).toISOString(),
  };
}

/** Parses `YYYY-MM` (a month) or `YYYY-Qn` (a quarter); anything else is a field-level error. */
export function parsePeriod(text: string, path = "period"): Period {
  const month = MONTH.exec(text);
  if (month) return build(text, "month", Number(month[1]), Number(month[2]) - 1, 1);
  const quarter = QUARTER.exec(text);
  if (quarter) return build(text, "quarter", Number(quarter[1]), (Number(quarter[2]) - 1) * 3, 3);
  throw new ValidationError("the period is not a month or a quarter", "对账期间须为月份或季度", {
    fields: [
      {
        path,
        message: 'a month "2026-10" or a quarter "2026-Q4"',
        messageZh: "格式为月份（如 2026-10）或季度（如 2026-Q4）",
      },
    ],
  });
}

export function isPeriodText(text: unknown): text is string {
  return typeof text === "string" && (MONTH.test(text) || QUARTER.test(text));
}

/** Where a booking instant falls relative to the period. */
export function placeInPeriod(period: Period, bookedAt: string): "before" | "in" | "after" {
  if (bookedAt < period.fromIso) return "before";
  if (bookedAt < period.toIso) return "in";
  return "after";
}
