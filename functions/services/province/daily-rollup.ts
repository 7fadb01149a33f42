/**
 * The daily province roll-up: for each county of the deployment, once per Asia/Shanghai
 * day, its figures per township for each of the last STORED_MONTHS months and its 外地受助 flows, stored
 * as one row (rollup-store.ts) that the roll-up route serves. Run every ROLLUP_SCHEDULE_MINUTES (AWS:
 * the DailyRollup function's EventBridge rule; locally the runtime's scheduled scan): a county whose row
 * of the day is there is skipped, so the day's first run writes it, a repeated or twin run writes
 * nothing more, and a county onboarded during the day gets its row at the next run.
 */

import { CASE_FIGURE_ITEMS_MAX } from "#adapters/case-figures-store.ts";
import { DirectoryStore } from "#adapters/directory-store.ts";
import { RollupStore } from "#adapters/rollup-store.ts";
import { localDateOf } from "#core/calendar/index.ts";
import { noticeFlowsByMonth } from "./notice-flows.ts";
import {
  COUNTIES_AT_ONCE,
  countyRollups,
  inTurns,
  periodRange,
  type Range,
  type RollupDeps,
} from "./rollup.ts";
import { lastDayOfMonth, type RollupRowBody, STORED_MONTHS } from "./stored.ts";

/** How often the job runs: hourly, so a county onboarded today has its row within the hour. */
export const ROLLUP_SCHEDULE_MINUTES = 60;

/** The STORED_MONTHS months ending with `day`'s, oldest first, each a whole month. */
export function storedMonthRanges(day: string, now: Date): Range[] {
  let year = Number(day.slice(0, 4));
  let month = Number(day.slice(5, 7));
  const months: string[] = [];
  for (let i = 0; i < STORED_MONTHS; i++) {
    months.unshift(`${year}-${String(month).padStart(2, "0")}`);
    month -= 1;
    if (month === 0) {
      month = 12;
      year -= 1;
    }
  }
  return months.map((m) => periodRange(`${m}-01`, lastDayOfMonth(m), now));
}

async function countyRow(
  deps: RollupDeps,
  county: { countyId: string; name: string },
  now: Date,
): Promise<RollupRowBody> {
  const ranges = storedMonthRanges(localDateOf(now), now);
  const span = periodRange(ranges[0]?.from as string, ranges.at(-1)?.to as string, now);
  const [rollups, notices] = await Promise.all([
    countyRollups(deps, county, ranges, { left: CASE_FIGURE_ITEMS_MAX }),
    noticeFlowsByMonth(deps, county, span),
  ]);
  const townships = (rollups[0]?.townships ?? []).map(({ figures: _first, ...township }, index) => ({
    ...township,
    figures: rollups.map((r) => r.townships[index]?.figures ?? _first),
  }));
  return { name: county.name, months: ranges.map((r) => r.from.slice(0, 7)), townships, notices };
}

export interface DailyRollupRun {
  day: string;
  counties: number;
  /** Rows this run wrote (0 when every county's row of the day was there). */
  stored: number;
}

export async function storeDailyRollups(deps: RollupDeps): Promise<DailyRollupRun> {
  const now = deps.finance.now();
  const day = localDateOf(now);
  const rows = new RollupStore(deps.db, deps.table);
  const counties = await new DirectoryStore(deps.db, deps.table).countiesOfDeployment();
  const written = await inTurns(counties, COUNTIES_AT_ONCE, async (county) => {
    if (await rows.has(county.countyId, day)) return false;
    const body = await countyRow(deps, county, now);
    return rows.putOnce({ countyId: county.countyId, day, asOf: now.toISOString(), body });
  });
  return { day, counties: counties.length, stored: written.filter(Boolean).length };
}
