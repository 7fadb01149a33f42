/**
 * The province roll-up (DOMAIN §8): per county and township of the reader's province
 * — cases by hardship type and status, amounts paid (local vs non-local), advance decisions within the
 * response time, overdue paperwork, fund balances and alerts, reconciliation status — for a period of
 * Asia/Shanghai dates. Read-only, no personal data: cases are read through a projection without a
 * single personal field (CaseFiguresStore), money from the ledger's entries and the funds' heads.
 */
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import * as z from "zod";
import {
  CASE_FIGURE_ITEMS_MAX,
  type CaseFigure,
  CaseFiguresStore,
  type FilingWindow,
} from "#adapters/case-figures-store.ts";
import type { CaseStatus } from "#adapters/case-store.ts";
import { DirectoryStore } from "#adapters/directory-store.ts";
import type { StoredAlert } from "#adapters/finance-store.ts";
import type { FundView } from "#adapters/ledger/index.ts";
import { RollupStore } from "#adapters/rollup-store.ts";
import { type Actor, requireAuthorized } from "#core/access/index.ts";
import {
  addLocalDays,
  endOfLocalDay,
  isLocalDate,
  localDateOf,
  startOfLocalDay,
} from "#core/calendar/index.ts";
import { advanceDecisionDueAt } from "#core/cases/index.ts";
import { Yuan } from "#core/money/yuan.ts";
import { FiguresAccumulator } from "#core/reconciliation/index.ts";
import { bilingual } from "#functions/http/index.ts";
import type { FinanceDeps } from "../finance/deps.ts";
import { fundViewOf, summaryOf } from "../finance/funds.ts";
import { CASE_STATUSES } from "../queries/case-list.ts";
import { isOverdue } from "../queries/case-views.ts";
import { type AreaFigures, addFigures, emptyFigures, monthsNotClosed, statusGroupOf } from "./figures.ts";
import { type NoticeFlow, noticeFlowsOf } from "./notice-flows.ts";
import { servedFromRow } from "./stored.ts";

/** A roll-up covers at most a year and a day (a calendar year, leap or not, fits). */
export const ROLLUP_DAYS_MAX = 366;

const LocalDateText = z
  .string()
  .refine(isLocalDate, bilingual("A date written as YYYY-MM-DD", "日期格式应为 YYYY-MM-DD，如 2026-12-01"));

export const RollupQuery = z
  .object({
    from: LocalDateText.optional(),
    to: LocalDateText.optional(),
    provinceId: z
      .string()
      .regex(
        /^\d{2}0000$/,
        bilingual("A 6-digit province code ending in 0000", "省级代码应为以 0000 结尾的6位数字"),
      )
      .optional(),
  })
  .strict()
  .superRefine((query, ctx) => {
    if (query.from === undefined || query.to === undefined) {
      if (query.from !== query.to) {
        ctx.addIssue({
          code: "custom",
          path: [query.from === undefined ? "from" : "to"],
          message: bilingual(
            "Give both dates, or neither for this month so far",
            "请同时填写开始和结束日期（都不填则为本月至今）",
          ),
        });
      }
      return;
    }
    // A date the field's own check refused is not compared (that check names it).
    if (!isLocalDate(query.from) || !isLocalDate(query.to)) return;
    if (query.from > query.to) {
      ctx.addIssue({
        code: "custom",
        path: ["to"],
        message: bilingual("The end date is before the start date", "结束日期不能早于开始日期"),
      });
    } else if (addLocalDays(query.from, ROLLUP_DAYS_MAX - 1) < query.to) {
      ctx.addIssue({
        code: "custom",
        path: ["to"],
        message: bilingual(`At most ${ROLLUP_DAYS_MAX} days`, `统计期间最长 ${ROLLUP_DAYS_MAX} 天`),
      });
    }
  });
export type RollupQueryInput = z.output<typeof RollupQuery>;

export interface RollupDeps {
  finance: FinanceDeps;
  db: DynamoDBDocumentClient;
  table: string;
}

export interface TownshipRollup {
  townshipId: string;
  name: string;
  figures: AreaFigures;
  /** The fund's books are closed through this instant (ISO); absent before a first close. */
  closedThrough?: string;
  /** The latest signed close: its period (`2026-10`, `2026-Q4`) and when it was signed. */
  lastClose?: { period: string; signedAt: string };
}

export interface CountyRollup {
  countyId: string;
  name: string;
  figures: AreaFigures;
  townships: TownshipRollup[];
}

/** A county's part of the answer: where its figures come from and as of when. */
export interface ServedCountyRollup extends CountyRollup {
  /** `stored`: the daily roll-up's row (daily-rollup.ts); `computed`: read from the cases now. */
  source: "stored" | "computed";
  /** The figures are as of this instant (ISO). */
  asOf: string;
}

export interface ProvinceRollup {
  provinceId: string;
  /** The period, Asia/Shanghai dates, both included. */
  from: string;
  to: string;
  generatedAt: string;
  /** The oldest of the counties' `asOf`: every figure is at least as recent. */
  asOf: string;
  figures: AreaFigures;
  counties: ServedCountyRollup[];
  /** 外地受助 closed in the period, per registration county × county where aided (no person). */
  registrationNotices: NoticeFlow[];
}

export interface Range {
  from: string;
  to: string;
  window: FilingWindow;
  /** Last millisecond of the period (ISO). */
  throughIso: string;
  now: Date;
}

export function rangeOf(query: RollupQueryInput, now: Date): Range {
  // Both dates, or neither: this month so far (the schema refuses one alone).
  const to = query.to ?? localDateOf(now);
  const from = query.from ?? `${to.slice(0, 7)}-01`;
  return periodRange(from, to, now);
}

/** The period from `from` to `to` (Asia/Shanghai dates, both included) read at `now`. */
export function periodRange(from: string, to: string, now: Date): Range {
  return {
    from,
    to,
    window: {
      fromIso: new Date(startOfLocalDay(from)).toISOString(),
      toIso: new Date(endOfLocalDay(to) + 1).toISOString(),
    },
    throughIso: new Date(endOfLocalDay(to)).toISOString(),
    now,
  };
}

/**
 * The province of the reader: the `provinceId` asked for, which must be the reader's own (403
 * otherwise). The `own-province` scope admits only an actor carrying a province code (`230000`).
 */
function provinceOf(actor: Actor, query: RollupQueryInput): string {
  const provinceId = query.provinceId ?? actor.countyId;
  requireAuthorized(actor, "rollup.read", { countyId: provinceId });
  return provinceId;
}

/**
 * How many counties, and townships of each, are read at once: a province of ~100 counties × ~15
 * townships read one after another (each township ≈ 25 case queries, its fund, close and ledger)
 * would not fit in one request's time; at once, a county's townships share the round trips.
 */
export const COUNTIES_AT_ONCE = 2;
export const TOWNSHIPS_AT_ONCE = 4;

/** `work` over `items`, at most `limit` at a time, answers in the items' order. */
export async function inTurns<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return results;
}

export async function provinceRollup(
  deps: RollupDeps,
  actor: Actor,
  query: RollupQueryInput,
): Promise<ProvinceRollup> {
  const provinceId = provinceOf(actor, query);
  const range = rangeOf(query, deps.finance.now());
  const directory = new DirectoryStore(deps.db, deps.table);
  const stored = new RollupStore(deps.db, deps.table);
  const budget = { left: CASE_FIGURE_ITEMS_MAX };
  const counties = await directory.countiesOfProvince(provinceId);
  const served = await inTurns(counties, COUNTIES_AT_ONCE, async (county) => {
    const row = await stored.latest(county.countyId);
    const fromRow = row ? servedFromRow(row, range) : undefined;
    if (fromRow) return fromRow;
    // No stored row yet (a county added since the last run), or a period the months do not make up.
    const [rollup, notices] = await Promise.all([
      countyRollup(deps, county, range, budget),
      noticeFlowsOf(deps, county, range),
    ]);
    return {
      rollup: { ...rollup, source: "computed" as const, asOf: range.now.toISOString() },
      notices,
    };
  });
  const figures = emptyFigures();
  for (const { rollup } of served) addFigures(figures, rollup.figures);
  const asOf = served.map((s) => s.rollup.asOf).sort()[0] ?? range.now.toISOString();
  return {
    provinceId,
    from: range.from,
    to: range.to,
    generatedAt: range.now.toISOString(),
    asOf,
    figures,
    counties: served.map((s) => s.rollup),
    registrationNotices: withCountyNames(
      served.flatMap((s) => s.notices),
      counties,
    ),
  };
}

/** The aiding county's name where the notice did not carry it (a county of the province). */
function withCountyNames(
  flows: readonly NoticeFlow[],
  counties: ReadonlyArray<{ countyId: string; name: string }>,
): NoticeFlow[] {
  const names = new Map(counties.map((c) => [c.countyId, c.name]));
  return flows.map((flow) => {
    const name = flow.countyName ?? names.get(flow.countyId);
    return name ? { ...flow, countyName: name } : flow;
  });
}

async function countyRollup(
  deps: RollupDeps,
  county: { countyId: string; name: string },
  range: Range,
  budget: { left: number },
): Promise<CountyRollup> {
  return (await countyRollups(deps, county, [range], budget))[0] as CountyRollup;
}

/**
 * The county's roll-up for each of `ranges` (in order, each within the period the first starts and the
 * last ends), its cases, ledger entries and alerts read once for all of them.
 */
export async function countyRollups(
  deps: RollupDeps,
  county: { countyId: string; name: string },
  ranges: readonly Range[],
  budget: { left: number },
): Promise<CountyRollup[]> {
  const [townships, pending, sent] = await Promise.all([
    deps.finance.directory.townshipsOf(county.countyId),
    deps.finance.store.alerts(county.countyId, "pending"),
    deps.finance.store.alerts(county.countyId, "sent"),
  ]);
  const alerts = [...pending, ...sent];
  const rows = await inTurns(townships, TOWNSHIPS_AT_ONCE, (t) =>
    townshipRollups(deps, county.countyId, t, ranges, budget, alerts),
  );
  return ranges.map((_, index) => {
    const townshipRows = rows.map((perRange) => perRange[index] as TownshipRollup);
    const figures = emptyFigures();
    for (const row of townshipRows) addFigures(figures, row.figures);
    return { countyId: county.countyId, name: county.name, figures, townships: townshipRows };
  });
}

/** `ranges` as one window: from the first's start to the last's end. */
function spanOf(ranges: readonly Range[]): Range {
  const first = ranges[0] as Range;
  const last = ranges.at(-1) as Range;
  return periodRange(first.from, last.to, first.now);
}

async function townshipRollups(
  deps: RollupDeps,
  countyId: string,
  township: { townshipId: string; name: string },
  ranges: readonly Range[],
  budget: { left: number },
  alerts: readonly StoredAlert[],
): Promise<TownshipRollup[]> {
  const span = spanOf(ranges);
  const cases = await caseFiguresOf(deps, township.townshipId, span, budget);
  const view = await fundViewOf(deps.finance, township.townshipId);
  const closes = view ? await deps.finance.store.closes(township.townshipId, 1) : [];
  const paid = view ? await paidPerRange(deps.finance, township.townshipId, ranges, span) : [];
  const last = closes[0];
  const rows: TownshipRollup[] = [];
  for (const [index, range] of ranges.entries()) {
    const figures = emptyFigures();
    await countCases(deps, countyId, figures, cases, range);
    if (view) {
      addFigures(figures, { ...emptyFigures(), paid: paid[index] as AreaFigures["paid"] });
      countFund(figures, township, view, range);
    }
    figures.funds.alertsRaised = alerts.filter(
      (a) =>
        a.fundId === township.townshipId &&
        a.bookedAt >= range.window.fromIso &&
        a.bookedAt < range.window.toIso,
    ).length;
    rows.push({
      townshipId: township.townshipId,
      name: township.name,
      figures,
      ...(view?.closedThrough ? { closedThrough: view.closedThrough } : {}),
      ...(last ? { lastClose: { period: last.period, signedAt: last.signedAt } } : {}),
    });
  }
  return rows;
}

/** Cases filed in the period in every status, and every open paperwork step whatever its filing date. */
async function caseFiguresOf(
  deps: RollupDeps,
  townshipId: string,
  range: Range,
  budget: { left: number },
): Promise<CaseFigure[]> {
  const store = new CaseFiguresStore(deps.db, deps.table);
  const lists = await Promise.all(
    (CASE_STATUSES as readonly CaseStatus[]).map((status) =>
      store.ofTownship(
        townshipId,
        status,
        status === "awaiting-paperwork" ? undefined : range.window,
        budget,
      ),
    ),
  );
  return lists.flat();
}

async function countCases(
  deps: RollupDeps,
  countyId: string,
  figures: AreaFigures,
  cases: readonly CaseFigure[],
  range: Range,
): Promise<void> {
  const c = figures.cases;
  for (const item of cases) {
    if (item.status === "awaiting-paperwork" && isOverdue(item.dueAt, item.flaggedOverdue, range.now)) {
      figures.overduePaperwork += 1;
    }
    if (item.filedAt < range.window.fromIso || item.filedAt >= range.window.toIso) continue;
    c.filed += 1;
    if (item.hardshipKind === "urgent") c.urgent += 1;
    if (item.hardshipKind === "expenditure") c.expenditure += 1;
    if (item.local === true) c.local += 1;
    if (item.local === false) c.nonLocal += 1;
    c.byStatus[item.status] = (c.byStatus[item.status] ?? 0) + 1;
    c.byStatusGroup[statusGroupOf(item.status)] += 1;
    if (item.advanceDecidedAt !== undefined) {
      figures.advanceDecisions.decided += 1;
      if (await decidedInTime(deps, countyId, item)) figures.advanceDecisions.withinResponseTime += 1;
    }
  }
}

/** Decided by the deadline of the case's own policy version (DOMAIN §3.2: typical 24 h after filing). */
async function decidedInTime(deps: RollupDeps, countyId: string, item: CaseFigure): Promise<boolean> {
  const policy = await deps.finance.policy.resolveVersion(countyId, item.townshipId, item.policyVersionId);
  const due = advanceDecisionDueAt(Date.parse(item.filedAt), policy);
  return Date.parse(item.advanceDecidedAt ?? "") <= due.getTime();
}

function fenOf(amount: Yuan): number {
  return Number(amount.toFenString());
}

/** Each range's draws and reversals of the fund, summed as the reconciliation sums them; one read. */
async function paidPerRange(
  deps: FinanceDeps,
  townshipId: string,
  ranges: readonly Range[],
  span: Range,
): Promise<AreaFigures["paid"][]> {
  const sums = ranges.map(() => new FiguresAccumulator());
  for await (const entry of deps.ledger.streamEntries(townshipId, {
    from: span.window.fromIso,
    to: span.throughIso,
    pageSize: 1000,
  })) {
    const index = ranges.findIndex(
      (r) => entry.bookedAt >= r.window.fromIso && entry.bookedAt <= r.throughIso,
    );
    if (index >= 0) sums[index]?.in(entry);
  }
  return sums.map((sum) => {
    const result = sum.result();
    return {
      count: result.draws.count,
      amountFen: fenOf(result.draws.sumYuan),
      localFen: fenOf(result.draws.byResidency.local?.sumYuan ?? Yuan.zero),
      nonLocalFen: fenOf(result.draws.byResidency["non-local"]?.sumYuan ?? Yuan.zero),
      reversedFen: fenOf(result.reversals.sumYuan),
    };
  });
}

function countFund(
  figures: AreaFigures,
  township: { townshipId: string; name: string },
  view: FundView,
  range: Range,
): void {
  const summary = summaryOf(township.name, township.townshipId, view);
  const f = figures.funds;
  f.opened += 1;
  f.quotaFen += fenOf(view.quotaYuan);
  f.balanceFen += fenOf(view.balanceYuan);
  f.availableFen += fenOf(view.availableYuan);
  if (summary.belowAlertLevel) f.belowAlertLevel += 1;
  const r = figures.reconciliation;
  r.funds += 1;
  if (view.closedThrough !== undefined && view.closedThrough >= range.throughIso)
    r.closedThroughPeriodEnd += 1;
  r.monthsNotClosed += monthsNotClosed(view.closedThrough, range.from, range.to, range.now);
}
