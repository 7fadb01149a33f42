/**
 * The province roll-up from the stored daily rows: a county's row (rollup-store.ts) keeps,
 * per township, the figures of each of the last STORED_MONTHS months as read by the daily job at `asOf`,
 * and the 外地受助 flows per month. A period that starts on the first of a month and ends on the last day
 * of a month — or on or after the row's day (through `asOf`) — is served as the sum of its months; any
 * other period is computed from the cases (rollup.ts says which in each county's `source`).
 */
import type { StoredRollupItem } from "#adapters/rollup-store.ts";
import { addLocalDays, localDateOf } from "#core/calendar/index.ts";
import { type AreaFigures, addFigures, emptyFigures, monthsNotClosed } from "./figures.ts";
import { type NoticeFlow, sumFlows } from "./notice-flows.ts";
import type { Range, ServedCountyRollup, TownshipRollup } from "./rollup.ts";

/** Months a daily row holds, the run's month included: a period of up to 366 days from a first of the month fits. */
export const STORED_MONTHS = 13;

/** What the daily job stores for a county: its townships' figures per month, oldest month first. */
export interface RollupRowBody {
  name: string;
  /** `YYYY-MM`, oldest first; `figures[i]` of each township is `months[i]`'s. */
  months: string[];
  townships: Array<Omit<TownshipRollup, "figures"> & { figures: AreaFigures[] }>;
  /** 外地受助 closed per month, per county where aided (this county as the registration county). */
  notices: Record<string, NoticeFlow[]>;
}

export interface ServedCounty {
  rollup: ServedCountyRollup;
  notices: NoticeFlow[];
}

/** `2026-12` → `2026-12-31`. */
export function lastDayOfMonth(month: string): string {
  const year = Number(month.slice(0, 4));
  const m = Number(month.slice(5, 7));
  const next = m === 12 ? `${year + 1}-01-01` : `${year}-${String(m + 1).padStart(2, "0")}-01`;
  return addLocalDays(next, -1);
}

/** The row's months that make up `range`, or undefined when they do not. */
function monthsOf(body: RollupRowBody, asOfDay: string, range: Range): number[] | undefined {
  if (!range.from.endsWith("-01")) return undefined;
  if (range.to < asOfDay && range.to !== lastDayOfMonth(range.to.slice(0, 7))) return undefined;
  const fromMonth = range.from.slice(0, 7);
  const toMonth = range.to.slice(0, 7) < asOfDay.slice(0, 7) ? range.to.slice(0, 7) : asOfDay.slice(0, 7);
  const oldest = body.months[0];
  if (oldest === undefined || fromMonth < oldest) return undefined;
  // A period that starts after the row's month: the row has nothing of it yet.
  if (fromMonth > asOfDay.slice(0, 7)) return undefined;
  return body.months.flatMap((m, i) => (m >= fromMonth && m <= toMonth ? [i] : []));
}

/** The township's figures of the period: the months' counts and sums, its funds as they stood at `asOf`. */
function townshipOf(
  row: RollupRowBody["townships"][number],
  picked: readonly number[],
  range: Range,
  asOf: Date,
): TownshipRollup {
  const { figures: months, ...rest } = row;
  const figures = emptyFigures();
  for (const i of picked) addFigures(figures, months[i] as AreaFigures);
  const state = months.at(-1) ?? emptyFigures();
  figures.overduePaperwork = state.overduePaperwork;
  figures.funds = { ...state.funds, alertsRaised: figures.funds.alertsRaised };
  const opened = state.funds.opened > 0;
  figures.reconciliation = opened
    ? {
        funds: 1,
        closedThroughPeriodEnd:
          row.closedThrough !== undefined && row.closedThrough >= range.throughIso ? 1 : 0,
        monthsNotClosed: monthsNotClosed(row.closedThrough, range.from, range.to, asOf),
      }
    : { funds: 0, closedThroughPeriodEnd: 0, monthsNotClosed: 0 };
  return { ...rest, figures };
}

/** The county's part of the answer from its stored row, or undefined when the row cannot serve `range`. */
export function servedFromRow(row: StoredRollupItem, range: Range): ServedCounty | undefined {
  const body = row.body as RollupRowBody;
  const asOf = new Date(row.asOf);
  const picked = monthsOf(body, localDateOf(asOf), range);
  if (!picked) return undefined;
  const townships = body.townships.map((t) => townshipOf(t, picked, range, asOf));
  const figures = emptyFigures();
  for (const t of townships) addFigures(figures, t.figures);
  const notices = sumFlows(picked.map((i) => body.notices[body.months[i] as string] ?? []));
  return {
    rollup: { countyId: row.countyId, name: body.name, figures, townships, source: "stored", asOf: row.asOf },
    notices,
  };
}
