/**
 * Signed close (DOMAIN §6): a finance user signs the reconciliation of a period that is over; the
 * ledger closes its books through the period's last instant (no entry can be booked into it after,
 * `closePeriod` in the ledger store), the signature is recorded with a digest of what was signed,
 * and the replenishment proposal quota − closing balance is made, with the signer as its proposer
 * (a second finance user executes it).
 */
import { createHash } from "node:crypto";
import * as z from "zod";
import { type StoredClose, StoredCloseSchema, StoredProposalSchema } from "#adapters/finance-store.ts";
import type { Actor } from "#core/access/index.ts";
import { BusinessRuleError } from "#core/errors.ts";
import { zhPeriod } from "#core/labels/index.ts";
import { Yuan } from "#core/money/yuan.ts";
import { parsePeriod, replenishmentProposal } from "#core/reconciliation/index.ts";
import { canonicalJson } from "../steps/human-tasks.ts";
import { audit, authorizeTownship, countyOfTownship, plain } from "./common.ts";
import type { FinanceDeps } from "./deps.ts";
import { runReconciliation } from "./reconcile.ts";
import { proposeFromClose } from "./replenishment.ts";

export const CloseSchema = z
  .object({
    /** Required when the reconciliation still shows discrepancies: why the period is closed anyway. */
    explanation: z.string().trim().min(10).max(2000).optional(),
  })
  .strict();
export type CloseRequest = z.output<typeof CloseSchema>;

/** What signing the close answers: the close, the replenishment it proposes, the report it signed. */
export const CloseResultSchema = z
  .object({
    close: StoredCloseSchema,
    proposal: StoredProposalSchema.optional(),
    report: z.record(z.string(), z.unknown()).meta({ description: "The reconciliation report signed" }),
  })
  .meta({ id: "CloseResult" });
export type CloseResult = z.output<typeof CloseResultSchema>;

/** The figures of a reconciliation run that a close signs. */
type ReconciledReport = {
  clean: boolean;
  discrepancyCount: number;
  verifiedSequence: number;
  verifiedHeadHash: string;
  figures: { closing: { balance: string; quota: string } };
};

type Period = ReturnType<typeof parsePeriod>;

export async function closePeriod(
  deps: FinanceDeps,
  actor: Actor,
  townshipId: string,
  periodText: string,
  request: CloseRequest,
  correlationId: string,
): Promise<CloseResult> {
  await authorizeTownship(deps, actor, "reconciliation.close", townshipId);
  const period = parsePeriod(periodText);
  const now = deps.now();
  assertPeriodOver(period, now);
  // What is signed is reconciled now, not an older run: the signer vouches for the ledger as it is.
  const run = await runReconciliation(deps, actor, townshipId, period.label);
  const report = run.report as ReconciledReport;
  assertExplainedIfUnclean(report, period, request);
  const close = signedClose(actor, townshipId, period, run.runId, report, request, now);
  // The ledger first: closing is idempotent there (same instant), so a retry after a crash heals.
  const head = await deps.ledger.readHead(townshipId);
  if (!head?.closedThrough || head.closedThrough < period.throughIso)
    await deps.ledger.closePeriod(townshipId, period.throughIso);
  await deps.store.putClose(close);
  await audit(deps, {
    actor,
    action: "reconciliation.close",
    countyId: close.countyId,
    townshipId,
    resourceType: "reconciliation",
    resourceId: `${townshipId}:${period.label}`,
    ...(request.explanation ? { reason: request.explanation } : { reason: "reconciled clean" }),
    after: plain(close),
    correlationId,
  });
  const proposal = replenishmentProposal(
    Yuan.parse(close.quotaYuan),
    Yuan.parse(close.closingBalanceYuan, "closingBalanceYuan", { allowNegative: true }),
  );
  const stored = proposal.isPositive()
    ? await proposeFromClose(deps, actor, close, correlationId)
    : undefined;
  return { close, ...(stored ? { proposal: stored } : {}), report: run.report };
}

/** A period can be closed only once it is over. */
function assertPeriodOver(period: Period, now: Date): void {
  if (now.toISOString() < period.toIso) {
    throw new BusinessRuleError(
      `period ${period.label} is not over yet; it can be closed from ${period.toIso}`,
      `${zhPeriod(period.label)} 账期尚未结束，不能关账`,
      { fields: [{ path: "period", message: "not over yet", messageZh: "账期尚未结束" }] },
    );
  }
}

/** A reconciliation with discrepancies is closed only with the signer's explanation. */
function assertExplainedIfUnclean(report: ReconciledReport, period: Period, request: CloseRequest): void {
  if (!report.clean && !request.explanation) {
    throw new BusinessRuleError(
      `the reconciliation of ${period.label} shows ${report.discrepancyCount} discrepancies; resolve them or explain why the period is closed anyway`,
      `${zhPeriod(period.label)} 对账存在 ${report.discrepancyCount} 项差异，须先处理或说明理由后方可关账`,
      {
        fields: [
          {
            path: "explanation",
            message: "required while discrepancies remain",
            messageZh: "存在差异时须填写关账说明",
          },
        ],
        details: { discrepancyCount: report.discrepancyCount },
      },
    );
  }
}

/** The close record, with a digest of what the signer vouches for (figures, verified chain head, discrepancies). */
function signedClose(
  actor: Actor,
  townshipId: string,
  period: Period,
  runId: string,
  report: ReconciledReport,
  request: CloseRequest,
  now: Date,
): StoredClose {
  const signed = {
    fundId: townshipId,
    period: period.label,
    signer: actor.userId,
    figures: report.figures,
    verifiedSequence: report.verifiedSequence,
    verifiedHeadHash: report.verifiedHeadHash,
    discrepancyCount: report.discrepancyCount,
  };
  return {
    fundId: townshipId,
    countyId: countyOfTownship(townshipId),
    period: period.label,
    runId,
    closedThrough: period.throughIso,
    signedBy: actor.userId,
    signedByName: actor.name,
    signedAt: now.toISOString(),
    signatureDigest: createHash("sha256").update(canonicalJson(signed)).digest("hex"),
    verifiedSequence: report.verifiedSequence,
    verifiedHeadHash: report.verifiedHeadHash,
    closingBalanceYuan: report.figures.closing.balance,
    quotaYuan: report.figures.closing.quota,
    discrepancyCount: report.discrepancyCount,
    ...(request.explanation ? { explanation: request.explanation } : {}),
  };
}
