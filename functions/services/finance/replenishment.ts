/**
 * Replenishment (补足, DOMAIN §6): the proposal is quota − closing balance of a closed period; it
 * is executed by a SECOND finance user (maker-checker, core/access `not-proposer`) as one ledger
 * replenishment entry — never above the quota given today's balance — and then the cases of that
 * township waiting for money are paid oldest first as far as the money goes (./fund-waits.ts).
 */
import * as z from "zod";
import { type StoredClose, type StoredProposal, StoredProposalSchema } from "#adapters/finance-store.ts";
import type { Actor } from "#core/access/index.ts";
import { authorize, requireAuthorized } from "#core/access/index.ts";
import { BusinessRuleError, ConflictError, ForbiddenError, NotFoundError } from "#core/errors.ts";
import { SOMEONE_ELSE_ZH, zhDateTime, zhPeriod } from "#core/labels/index.ts";
import { Yuan } from "#core/money/yuan.ts";
import { executableReplenishment, parsePeriod, replenishmentProposal } from "#core/reconciliation/index.ts";
import { audit, authorizeCounty, authorizeTownship, countyOfTownship, plain } from "./common.ts";
import type { FinanceDeps } from "./deps.ts";
import { resumeWaitingCases } from "./fund-waits.ts";

export { FUND_WAIT_TASK_TYPES } from "./fund-waits.ts";

export async function proposeFromClose(
  deps: FinanceDeps,
  actor: Actor,
  close: StoredClose,
  correlationId: string,
): Promise<StoredProposal> {
  const amount = replenishmentProposal(
    Yuan.parse(close.quotaYuan),
    Yuan.parse(close.closingBalanceYuan, "closingBalanceYuan", { allowNegative: true }),
  );
  if (!amount.isPositive()) {
    throw new BusinessRuleError(
      `the fund ${close.fundId} closed ${close.period} at its quota; nothing to replenish`,
      `该乡镇备用金 ${zhPeriod(close.period)} 期末余额已达额度，无需补足`,
    );
  }
  const candidate: StoredProposal = {
    proposalId: `${close.fundId}:${close.period}`,
    fundId: close.fundId,
    countyId: close.countyId,
    period: close.period,
    amountYuan: amount.toString(),
    quotaYuan: close.quotaYuan,
    closingBalanceYuan: close.closingBalanceYuan,
    proposedBy: actor.userId,
    proposedAt: deps.now().toISOString(),
    status: "proposed",
  };
  const proposal = await deps.store.putProposal(candidate);
  // The store hands back the very object when this call created it, else the one stored before.
  if (proposal === candidate) {
    await audit(deps, {
      actor,
      action: "fund.replenish.propose",
      countyId: close.countyId,
      townshipId: close.fundId,
      resourceType: "replenishment",
      resourceId: proposal.proposalId,
      reason: `quota ${close.quotaYuan} − closing balance ${close.closingBalanceYuan}`,
      after: plain(proposal),
      correlationId,
    });
  }
  return proposal;
}

/** Proposes the replenishment of a closed period (made at the close already; this repeats it safely). */
export async function propose(
  deps: FinanceDeps,
  actor: Actor,
  townshipId: string,
  periodText: string,
  correlationId: string,
): Promise<StoredProposal> {
  const township = await authorizeTownship(deps, actor, "fund.replenish.propose", townshipId);
  const period = parsePeriod(periodText);
  const close = await deps.store.getClose(townshipId, period.label);
  if (!close) {
    throw new BusinessRuleError(
      `period ${period.label} of ${townshipId} is not closed: reconcile and sign it first`,
      `${township.name} ${zhPeriod(period.label)} 账期尚未签字关账，请先对账关账`,
    );
  }
  return (
    (await deps.store.getProposal(townshipId, period.label)) ??
    proposeFromClose(deps, actor, close, correlationId)
  );
}

export async function openProposals(
  deps: FinanceDeps,
  actor: Actor,
  countyId: string,
): Promise<StoredProposal[]> {
  authorizeCounty(actor, "fund.read", countyId);
  return deps.store.openProposals(countyId);
}

export const ExecutionResultSchema = z
  .object({
    proposal: StoredProposalSchema,
    executedNow: z.boolean().meta({
      description: "This call executed it (false: it had been executed before; nothing new was written)",
    }),
    resumedCases: z.array(z.string()),
  })
  .meta({ id: "ReplenishmentExecution" });
export type ExecutionResult = z.output<typeof ExecutionResultSchema>;

export async function execute(
  deps: FinanceDeps,
  actor: Actor,
  townshipId: string,
  periodText: string,
  correlationId: string,
): Promise<ExecutionResult> {
  const period = parsePeriod(periodText);
  const countyId = countyOfTownship(townshipId);
  const proposal = await proposalToExecute(deps, actor, countyId, townshipId, period.label);
  if (proposal.status === "executed") {
    if (proposal.executedBy !== actor.userId) {
      throw new ConflictError(
        `this replenishment was already executed by ${proposal.executedBy} at ${proposal.executedAt}`,
        `该补足已由${SOMEONE_ELSE_ZH}${proposal.executedAt ? `于 ${zhDateTime(proposal.executedAt)} ` : ""}执行`,
      );
    }
    return { proposal, executedNow: false, resumedCases: proposal.resumedCases ?? [] };
  }
  const fund = await deps.ledger.getFund(townshipId);
  const amount = executableReplenishment(Yuan.parse(proposal.amountYuan), fund.quotaYuan, fund.balanceYuan);
  if (!amount.isPositive()) {
    throw new BusinessRuleError(
      `the fund ${townshipId} is at its quota now; nothing to replenish`,
      `该乡镇备用金当前余额已达额度，无需补足`,
    );
  }
  const entryId = `replenishment:${townshipId}:${period.label}`;
  await bookReplenishment(deps, actor, townshipId, entryId, amount, correlationId);
  const executedAt = deps.now().toISOString();
  const won = await deps.store.markExecuted(townshipId, period.label, {
    executedBy: actor.userId,
    executedAt,
    executedAmountYuan: amount.toString(),
    entryId,
  });
  const resumedCases = await resumeWaitingCases(deps, actor, townshipId, entryId, correlationId);
  await deps.store.setResumedCases(townshipId, period.label, resumedCases);
  if (won) {
    await audit(deps, {
      actor,
      action: "fund.replenish.execute",
      countyId,
      townshipId,
      resourceType: "replenishment",
      resourceId: proposal.proposalId,
      reason: `proposed by ${proposal.proposedBy}`,
      before: { balanceYuan: fund.balanceYuan.toString() },
      after: { replenishedYuan: amount.toString(), entryId, resumedCases },
      correlationId,
    });
  }
  const after = (await deps.store.getProposal(townshipId, period.label)) as StoredProposal;
  return { proposal: after, executedNow: won, resumedCases };
}

/**
 * The proposal a checker may execute. Role and scope first (a user of another county learns nothing
 * about the proposal); the only denial allowed through is maker-checker, which needs the proposal's
 * author and is checked once the proposal is read.
 */
async function proposalToExecute(
  deps: FinanceDeps,
  actor: Actor,
  countyId: string,
  townshipId: string,
  periodLabel: string,
): Promise<StoredProposal> {
  const scoped = authorize(actor, "fund.replenish.execute", { countyId, townshipId });
  if (!scoped.allowed && scoped.code !== "maker-checker") {
    throw new ForbiddenError(scoped.reason, scoped.reasonZh, {
      details: { action: "fund.replenish.execute", code: scoped.code },
    });
  }
  const proposal = await deps.store.getProposal(townshipId, periodLabel);
  if (!proposal) {
    throw new NotFoundError(
      `no replenishment proposal for ${townshipId} ${periodLabel}`,
      `该乡镇 ${zhPeriod(periodLabel)} 没有补足申请`,
    );
  }
  requireAuthorized(actor, "fund.replenish.execute", {
    countyId,
    townshipId,
    proposedBy: proposal.proposedBy,
  });
  return proposal;
}

/** Books the replenishment entry in the ledger (idempotent by its entry id); a ledger rejection is a 4xx. */
async function bookReplenishment(
  deps: FinanceDeps,
  actor: Actor,
  townshipId: string,
  entryId: string,
  amount: Yuan,
  correlationId: string,
): Promise<void> {
  const outcome = await deps.writer.submit({
    entryId,
    fundId: townshipId,
    kind: "replenishment",
    amountYuan: amount,
    bookedAt: deps.now().toISOString(),
    reference: { actor: actor.userId, correlationId },
  });
  if (outcome.status === "rejected") {
    throw new BusinessRuleError(outcome.message, outcome.messageZh, { details: { reason: outcome.reason } });
  }
}
