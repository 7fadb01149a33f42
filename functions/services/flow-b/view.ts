/**
 * What a Flow B case looks like from outside: the plan with each stage's state (from the payments
 * module — paid means confirmed by the bank), the notice, objections, re-checks, suspicions, the
 * commitment and the fund; and the public notice (公示) itself, personal data masked (DOMAIN §4.3, §7).
 */
import { obligationIdFor } from "#adapters/payments/gateway.ts";
import { NotFoundError } from "#core/errors.ts";
import type { PlanView, PublicNotice } from "../case-answers.ts";
import { caseTaskView, publicCaseView } from "../case-view.ts";
import type { FlowDeps } from "../ports.ts";
import { type FlowBCase, planOf, stagePurpose } from "./plan-record.ts";

export async function planView(deps: FlowDeps, record: FlowBCase): Promise<PlanView> {
  const plan = planOf(record);
  // A plan that stopped released every stage it had not paid (DOMAIN §4.5).
  const stopped = plan.rechecks.some((r) => r.outcome !== "still-in-hardship");
  const stages = [];
  for (const stage of plan.stages ?? []) {
    const obligation = await deps.payments.getObligation(
      obligationIdFor(record.caseId, stagePurpose(stage.index)),
    );
    const recheck = plan.rechecks.find((r) => r.stage === stage.index);
    stages.push({
      ...stage,
      recheck: recheck
        ? { checkedOn: recheck.checkedOn, outcome: recheck.outcome, checkedBy: recheck.checkedBy }
        : null,
      payment: obligation ? obligation.status : stopped ? ("released" as const) : ("not-due" as const),
    });
  }
  const tasks = await deps.tasks.forCase(record.caseId);
  const { plan: _plan, ...rest } = record;
  return {
    case: publicCaseView(rest),
    plan: { ...plan, stages },
    fund: (await deps.ledger.fund(record.townshipId)) ?? null,
    tasks: tasks.map((t) => ({ ...caseTaskView(t), details: t.details ?? {} })),
  };
}

/** The public notice: only what a notice board shows, name and document number masked. */
export function publicNotice(record: FlowBCase): PublicNotice {
  const notice = planOf(record).notice;
  if (!notice)
    throw new NotFoundError(`Case ${record.caseId} has no public notice`, `案件 ${record.caseId} 没有公示`);
  return {
    ...notice.text,
    round: notice.round,
    status: notice.status,
    startedAt: notice.startedAt,
    endsAt: notice.endsAt,
    days: notice.days,
    objectionsTo: "the township's social-assistance window / 乡镇社会救助窗口",
  };
}
