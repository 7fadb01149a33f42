/**
 * The automatic (non-human) steps of Flow A after the payment: the paperwork deadline, referrals,
 * the recovery entry, the hand-over to Flow B, the close and the incident record.
 */

import { paperworkDeadline } from "#core/cases/index.ts";
import { referralZh } from "#core/labels/index.ts";
import { Yuan } from "#core/money/index.ts";
import { notifyClosed, notifyPaperworkDue } from "../messages/notify.ts";
import type { FlowDeps } from "../ports.ts";
import {
  closeCaseRecord,
  ledgerReference,
  notifyRegistrationCounty,
  paidAidOf,
  waitForDeadline,
} from "../steps/automatic.ts";
import { startFirstExecution } from "../steps/filing.ts";

/** DOMAIN §3.4: the paperwork is due N working days of the county calendar after the advance was paid (core). */
export async function planPaperwork(
  deps: FlowDeps,
  caseId: string,
): Promise<{ dueAt: string; timeoutSeconds: number; workingDays: number }> {
  const record = await deps.cases.get(caseId);
  const { policy, ...ahead } = await waitForDeadline(deps, record, paperworkDeadline);
  await notifyPaperworkDue(deps, record, ahead.dueAt);
  return { ...ahead, workingDays: policy.paperworkDeadlineWorkingDays };
}

/** 转介: each referral is sent to its receiving body through the outbox and marked referred. */
export async function recordReferrals(
  deps: FlowDeps,
  caseId: string,
  correlationId: string,
): Promise<boolean> {
  const record = await deps.cases.get(caseId);
  const now = deps.now();
  const referrals = record.referrals ?? [];
  for (const [index, referral] of referrals.entries()) {
    await deps.outbox.put(
      {
        messageId: `${caseId}:referral:${index}`,
        caseId,
        kind: "case.referral",
        recipient: { kind: "body", id: String(referral.receivingBody) },
        subject: `Referral (${String(referral.to)}) from township ${record.townshipId}`,
        subjectZh: `临时救助转介（${referralZh(String(referral.to))}）`,
        details: {
          to: referral.to,
          note: referral.note,
          townshipId: record.townshipId,
          applicantName: record.applicant.name,
        },
        correlationId,
      },
      now,
    );
  }
  await deps.cases.update(caseId, {
    set: { referrals: referrals.map((r) => ({ ...r, status: "referred", referredAt: now.toISOString() })) },
  });
  return true;
}

/** DOMAIN §5: recovered money returns to the fund — a `recovery` entry, once per case. */
export async function recordRecovery(
  deps: FlowDeps,
  caseId: string,
  correlationId: string,
): Promise<boolean> {
  const record = await deps.cases.get(caseId);
  const recovered = String(record.recovery?.recoveredYuan ?? "");
  const amount = Yuan.parse(recovered);
  await deps.ledger.submit({
    entryId: `recovery:${caseId}`,
    townshipId: record.townshipId,
    kind: "recovery",
    amountYuan: amount.toString(),
    reference: ledgerReference(record, "A", correlationId),
  });
  await deps.cases.update(caseId, { set: { recovery: { ...record.recovery, status: "returned-to-fund" } } });
  return true;
}

/**
 * Staged assistance: the case continues in Flow B under the same case id (first execution `<caseId>-1`), so
 * a retried hand-over cannot start it twice. Without a Flow B state machine configured the hand-over
 * is recorded and county civil affairs is notified to start it.
 *
 * The case is marked handed over BEFORE Flow B starts: Flow B's first step sets its own status
 * ("assessing"), which a later write of ours would overwrite. A retry after a crash between the two
 * finds the hand-over recorded, leaves the case alone and starts Flow B again — a no-op when it
 * already runs (same execution name).
 */
export async function handOverToFlowB(
  deps: FlowDeps,
  caseId: string,
  correlationId: string,
): Promise<{ flowBStarted: boolean }> {
  const record = await deps.cases.get(caseId);
  const now = deps.now();
  const arn = deps.stateMachines.flowB;
  const flowBStarted = Boolean(arn);
  if (record.handOver === undefined) {
    await deps.cases.update(caseId, {
      event: { type: "followUp.stagedHandover" },
      set: { flow: "B", handOver: { at: now.toISOString(), flowBStarted, from: "A" }, dueAt: null },
    });
  }
  if (arn) {
    // From now on the case's execution is Flow B's (its continuations count on from this one).
    await startFirstExecution(deps, arn, caseId, {
      caseId,
      countyId: record.countyId,
      townshipId: record.townshipId,
      correlationId,
      policyVersionId: record.policyVersionId,
      handedOverFrom: "flow-a",
      reason: (record.followUp?.staged as { reason?: string } | undefined)?.reason ?? "",
    });
  }
  await deps.outbox.put(
    {
      messageId: `${caseId}:handover-flow-b`,
      caseId,
      kind: "case.handed-over",
      recipient: { kind: "township", id: record.townshipId, role: "township-officer" },
      subject: "Case handed over to staged assistance (Flow B)",
      subjectZh: "案件已转入分阶段救助",
      details: { flowBStarted },
      correlationId,
    },
    now,
  );
  return { flowBStarted };
}

/** DOMAIN §3.6: outcome recorded; for a non-local applicant the registration county is notified. */
export async function closeCase(
  deps: FlowDeps,
  caseId: string,
  correlationId: string,
): Promise<Record<string, unknown>> {
  const record = await deps.cases.get(caseId);
  const now = deps.now();
  const paid = await paidAidOf(deps, caseId);
  const totalPaid = Object.values(paid).reduce((sum, text) => sum.plus(Yuan.parse(text)), Yuan.zero);
  const fraud = record.paperwork?.fraudFound === true;
  const outcome = {
    result: record.advance?.decision === "reject" ? "rejected" : "aided",
    paid,
    totalPaidYuan: totalPaid.toString(),
    referrals: (record.referrals ?? []).map((r) => ({ to: r.to, receivingBody: r.receivingBody })),
    recovery: record.recovery ?? null,
    fraudFound: fraud,
    summary: (record.followUp?.close as { summary?: string } | undefined)?.summary ?? null,
    registrationCountyNotified: false,
  };
  outcome.registrationCountyNotified = await notifyRegistrationCounty(
    deps,
    record,
    {
      messageId: `${caseId}:close:registration-county`,
      subject: `A resident of your county was aided in county ${record.countyId}`,
      subjectZh: (aidCountyZh) => `贵县户籍人员在${aidCountyZh}获得临时救助，请关注后续帮扶`,
      details: { cause: record.hardship.cause },
      flow: "A",
      result: outcome.result,
      totalPaidYuan: outcome.totalPaidYuan,
    },
    correlationId,
    now,
  );
  await closeCaseRecord(deps, record, {
    outcome,
    aided: totalPaid.isPositive(),
    fraud,
    actorUserId: "system:flow-a",
    why: "Flow A finished",
    correlationId,
    now,
  });
  await notifyClosed(deps, record);
  return outcome;
}

/** An unexpected error: recorded on the case, the county notified — a person takes it from here. */
export async function recordIncident(
  deps: FlowDeps,
  caseId: string,
  correlationId: string,
  error: { Error?: string; Cause?: string } | undefined,
): Promise<{ recorded: true }> {
  const record = await deps.cases.get(caseId);
  const now = deps.now();
  const name = error?.Error ?? "UnknownError";
  await deps.cases.update(caseId, {
    event: { type: "step.failed" },
    set: { flags: { ...record.flags, incident: name } },
  });
  await deps.outbox.put(
    {
      messageId: `${caseId}:incident:${name}:${now.toISOString()}`,
      caseId,
      kind: "case.incident",
      recipient: { kind: "county", id: record.countyId, role: "county-civil-affairs" },
      subject: `Case ${caseId} stopped on an unexpected error (${name}) and needs a person`,
      subjectZh: `案件 ${caseId} 因意外错误暂停，需人工处理`,
      details: { error: name },
      correlationId,
    },
    now,
  );
  return { recorded: true };
}
