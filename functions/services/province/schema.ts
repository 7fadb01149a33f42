/**
 * The roll-up's answer as a schema, for the API document (and through it the console's generated
 * types): counts, integer fen, dates — no field that could carry a person.
 */
import * as z from "zod";
import { CASE_STATUSES } from "../queries/case-list.ts";
import { STATUS_GROUPS } from "./figures.ts";

const count = z.number().int().nonnegative();
const fen = z.number().int().describe("integer fen (1 yuan = 100 fen)");

export const AreaFiguresSchema = z.object({
  cases: z.object({
    filed: count,
    urgent: count,
    expenditure: count,
    local: count,
    nonLocal: count,
    byStatusGroup: z.object(
      Object.fromEntries(STATUS_GROUPS.map((g) => [g, count])) as Record<
        (typeof STATUS_GROUPS)[number],
        typeof count
      >,
    ),
    /** Only the statuses that have cases: a status with none is absent, not 0. */
    byStatus: z.partialRecord(z.enum(CASE_STATUSES as [string, ...string[]]), count),
  }),
  paid: z.object({ count, amountFen: fen, localFen: fen, nonLocalFen: fen, reversedFen: fen }),
  advanceDecisions: z.object({ decided: count, withinResponseTime: count }),
  overduePaperwork: count,
  funds: z.object({
    opened: count,
    quotaFen: fen,
    balanceFen: fen,
    availableFen: fen,
    belowAlertLevel: count,
    alertsRaised: count,
  }),
  reconciliation: z.object({ funds: count, closedThroughPeriodEnd: count, monthsNotClosed: count }),
});

export const TownshipRollupSchema = z.object({
  townshipId: z.string(),
  name: z.string(),
  figures: AreaFiguresSchema,
  closedThrough: z.string().optional(),
  lastClose: z.object({ period: z.string(), signedAt: z.string() }).optional(),
});

/** 外地受助 closed in the period: residents of one county aided in another, counted — never listed. */
export const NoticeFlowSchema = z.object({
  registrationCountyId: z.string().describe("the applicants' registration county"),
  registrationCountyName: z.string(),
  countyId: z.string().describe("the county where they were aided"),
  countyName: z.string().optional(),
  count,
  paidFen: fen,
});

export const ProvinceRollupSchema = z.object({
  provinceId: z.string(),
  from: z.string(),
  to: z.string(),
  generatedAt: z.string(),
  asOf: z.string().describe("the oldest of the counties' asOf: every figure is at least this recent (ISO)"),
  figures: AreaFiguresSchema,
  counties: z.array(
    z.object({
      countyId: z.string(),
      name: z.string(),
      source: z
        .enum(["stored", "computed"])
        .describe("stored: the daily roll-up's row; computed: read from the cases for this request"),
      asOf: z.string().describe("the figures are as of this instant (ISO)"),
      figures: AreaFiguresSchema,
      townships: z.array(TownshipRollupSchema),
    }),
  ),
  registrationNotices: z.array(NoticeFlowSchema),
});
