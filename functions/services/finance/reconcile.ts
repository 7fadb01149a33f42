/**
 * Runs the reconciliation of a township fund for a period (DOMAIN §6) over the real stores: the
 * ledger streamed page by page from genesis up to the head read first (so concurrent draws neither
 * block it nor look like insertions), matched against cases and payments in batches. Each run is
 * stored; the discrepancies are listed in full in the answer (capped in the stored copy).
 */
import * as z from "zod";
import { STORED_DISCREPANCY_ROWS_MAX, type StoredRun } from "#adapters/finance-store.ts";
import type { Actor } from "#core/access/index.ts";
import { NotFoundError } from "#core/errors.ts";
import { zhPeriod } from "#core/labels/index.ts";
import {
  isPeriodText,
  type Period,
  parsePeriod,
  type ReconciliationReport,
  reconcilePeriod,
} from "#core/reconciliation/index.ts";
import { dispatchLowBalanceAlerts } from "./alerts.ts";
import { authorizeCounty, authorizeTownship, countyOfTownship, plain, TownshipId } from "./common.ts";
import type { FinanceDeps } from "./deps.ts";

export const PeriodText = z
  .string()
  .refine(isPeriodText, { message: 'a month "2026-10" or a quarter "2026-Q4"' });

export const ReconcileSchema = z
  .object({
    period: PeriodText,
    townshipId: TownshipId.optional(),
    countyId: z
      .string()
      .regex(/^\d{6}$/)
      .optional(),
  })
  .strict();

export interface RunOptions {
  onProgress?: (entriesReplayed: number) => void;
}

/** The report without authorization or storage: for exports, the CLI and the close. */
export async function computeReport(
  deps: FinanceDeps,
  townshipId: string,
  period: Period,
  options: RunOptions = {},
): Promise<ReconciliationReport> {
  const head = await deps.ledger.readHead(townshipId);
  if (!head) throw new NotFoundError(`no reserve fund ${townshipId}`, "该乡镇备用金不存在");
  return reconcilePeriod({
    fundId: townshipId,
    period,
    entries: deps.ledger.streamStored(townshipId, {
      toSequence: head.sequence,
      consistentRead: true,
      pageSize: 1000,
    }),
    head: { sequence: head.sequence, headHash: head.headHash, balances: head.balances },
    source: deps.matching,
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
}

const Tally = z.object({ count: z.number().int(), sumYuan: z.string() });
const Balances = z.object({ quota: z.string(), balance: z.string(), committed: z.string() });
const Tallies = z.record(z.string(), Tally);

/** A ReconciliationReport (core/reconciliation) as JSON: every amount a 2-decimal string. */
export const ReportJsonSchema = z
  .object({
    fundId: z.string(),
    period: z.object({
      label: z.string(),
      kind: z.enum(["month", "quarter"]),
      fromIso: z.string(),
      toIso: z.string(),
      throughIso: z.string(),
    }),
    figures: z.object({
      opening: Balances,
      closing: Balances,
      allocations: Tally,
      draws: Tally.extend({
        byFlow: Tallies,
        byHardshipType: Tallies,
        byResidency: Tallies,
        byDrawKind: Tallies,
      }),
      reversals: Tally,
      recoveries: Tally,
      replenishments: Tally,
      commits: Tally,
      releases: Tally,
      commitmentsOpenYuan: z.string(),
      entryCount: z.number().int(),
      firstSequence: z.number().int().optional(),
      lastSequence: z.number().int().optional(),
    }),
    entriesVerified: z.number().int(),
    verifiedSequence: z.number().int(),
    verifiedHeadHash: z.string(),
    chainIntact: z.boolean(),
    headMatchesReplay: z.boolean(),
    confirmationsChecked: z.number().int(),
    drawsChecked: z.number().int(),
    discrepancies: z.array(
      z.object({
        code: z.string(),
        what: z.string(),
        whatZh: z.string(),
        where: z.record(z.string(), z.unknown()),
        entries: z.array(z.string()),
        amountYuan: z.string().optional(),
      }),
    ),
    discrepancyCount: z.number().int(),
    discrepanciesTruncated: z.boolean(),
    clean: z.boolean(),
  })
  .meta({ id: "ReconciliationReport" });

/**
 * A period's close and replenishment as a console shows them (DOMAIN §6): a period that is not over
 * cannot be closed (`closableFrom`), a closed one is never signed again, and its proposal is shown
 * until a second finance user executes it. People by name, never by account.
 */
export const PeriodStateSchema = z.object({
  periodOver: z.boolean(),
  closableFrom: z.string(),
  close: z
    .object({ signedByName: z.string(), signedAt: z.string(), explanation: z.string().optional() })
    .optional(),
  proposal: z
    .object({
      amountYuan: z.string(),
      status: z.enum(["proposed", "executed"]),
      proposedAt: z.string(),
      executedAt: z.string().optional(),
    })
    .optional(),
});
export type PeriodState = z.output<typeof PeriodStateSchema>;

/** One township's reconciliation run as `POST /reconciliations` answers it. */
export const RunViewSchema = z
  .object({
    runId: z.string(),
    townshipId: z.string(),
    townshipName: z.string(),
    period: z.string(),
    runAt: z.string(),
    runBy: z.string(),
    report: ReportJsonSchema,
    state: PeriodStateSchema.meta({
      description: "Where the period stands, so a console shows only the next step that is possible",
    }),
  })
  .meta({ id: "ReconciliationRun" });
export type RunView = z.output<typeof RunViewSchema>;

async function periodState(
  deps: FinanceDeps,
  townshipId: string,
  period: Period,
  now: Date,
): Promise<PeriodState> {
  const [close, proposal] = await Promise.all([
    deps.store.getClose(townshipId, period.label),
    deps.store.getProposal(townshipId, period.label),
  ]);
  return {
    periodOver: now.toISOString() >= period.toIso,
    closableFrom: period.toIso,
    ...(close
      ? {
          close: {
            signedByName: close.signedByName,
            signedAt: close.signedAt,
            ...(close.explanation ? { explanation: close.explanation } : {}),
          },
        }
      : {}),
    ...(proposal
      ? {
          proposal: {
            amountYuan: proposal.amountYuan,
            status: proposal.status,
            proposedAt: proposal.proposedAt,
            ...(proposal.executedAt ? { executedAt: proposal.executedAt } : {}),
          },
        }
      : {}),
  };
}

async function store(deps: FinanceDeps, actor: Actor, report: ReconciliationReport): Promise<StoredRun> {
  const runAt = deps.now().toISOString();
  const data = plain(report) as Record<string, unknown> & { discrepancies: unknown[] };
  const run: StoredRun = {
    runId: `${report.fundId}:${report.period.label}:${runAt}`,
    fundId: report.fundId,
    countyId: countyOfTownship(report.fundId),
    period: report.period.label,
    runAt,
    runBy: actor.userId,
    clean: report.clean,
    discrepancyCount: report.discrepancyCount,
    report: { ...data, discrepancies: data.discrepancies.slice(0, STORED_DISCREPANCY_ROWS_MAX) },
  };
  await deps.store.putRun(run);
  return run;
}

export async function runReconciliation(
  deps: FinanceDeps,
  actor: Actor,
  townshipId: string,
  periodText: string,
  options: RunOptions = {},
): Promise<RunView> {
  const township = await authorizeTownship(deps, actor, "reconciliation.run", townshipId);
  const period = parsePeriod(periodText);
  const report = await computeReport(deps, township.townshipId, period, options);
  const run = await store(deps, actor, report);
  // Alerts raised since the last look are sent on (outbox) whenever finance works on the funds.
  await dispatchLowBalanceAlerts(deps, run.countyId);
  return {
    runId: run.runId,
    townshipId,
    townshipName: township.name,
    period: period.label,
    runAt: run.runAt,
    runBy: run.runBy,
    report: plain(report) as z.output<typeof ReportJsonSchema>,
    state: await periodState(deps, township.townshipId, period, deps.now()),
  };
}

/** Every opened fund of the county, one after the other (the CLI's `reconcile --county`). */
export async function runCountyReconciliation(
  deps: FinanceDeps,
  actor: Actor,
  countyId: string,
  periodText: string,
  options: RunOptions & { onTownship?: (townshipId: string) => void } = {},
): Promise<RunView[]> {
  authorizeCounty(actor, "reconciliation.run", countyId);
  const views: RunView[] = [];
  for (const t of await deps.directory.townshipsOf(countyId)) {
    if (!(await deps.ledger.readHead(t.townshipId))) continue;
    options.onTownship?.(t.townshipId);
    views.push(await runReconciliation(deps, actor, t.townshipId, periodText, options));
  }
  return views;
}

/** The latest stored run of a period (read-only: finance and auditors). */
export async function latestRun(
  deps: FinanceDeps,
  actor: Actor,
  townshipId: string,
  periodText: string,
): Promise<StoredRun> {
  const township = await authorizeTownship(deps, actor, "fund.read", townshipId);
  const period = parsePeriod(periodText);
  const run = await deps.store.latestRun(townshipId, period.label);
  if (!run) {
    throw new NotFoundError(
      `no reconciliation of ${townshipId} for ${period.label} yet`,
      `${township.name}尚未进行 ${zhPeriod(period.label)} 对账`,
    );
  }
  return run;
}
