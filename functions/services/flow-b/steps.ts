/**
 * The automatic steps of Flow B (DOMAIN §4): enter the flow, commit the approved total, pay a stage
 * through the shared payment step (drawn first by `DrawStage` through the fund's draw queue), reverse a failed stage transfer, close (releasing what is left
 * of the commitment). Each throws named errors for the ASL's Retry/Catch and is idempotent: a
 * retried or resumed task applies its ledger entry once (the entry id is derived, never random).
 */
import type { CaseUpdate } from "#adapters/case-store.ts";
import { obligationIdFor } from "#adapters/payments/gateway.ts";
import { ordinaryProcessingDeadline } from "#core/cases/index.ts";
import { paymentPurposeZh } from "#core/labels/index.ts";
import { FundInsufficientError } from "#core/ledger/errors.ts";
import { Yuan } from "#core/money/index.ts";
import { config } from "#functions/runtime/config.ts";
import type { FlowBSettings } from "#functions/runtime/flow-settings.ts";
import { heldBackByQueue } from "../fund-queue.ts";
import { type DrawnEntry, payByBank, reversePayment } from "../payment-step.ts";
import type { FlowDeps, LedgerRequest } from "../ports.ts";
import {
  closeCaseRecord,
  ledgerReference,
  notifyRegistrationCounty,
  paidAidOf,
  waitForDeadline,
} from "../steps/automatic.ts";
import { supersedeWaiting } from "../steps/human-tasks.ts";
import { PlanStateError } from "./errors.ts";
import { type FlowBCase, paidStages, planOf, stagePurpose } from "./plan-record.ts";

const SYSTEM = "system:flow-b";

/** Entering Flow B — by filing or by Flow A's hand-over — keeps the case id and everything on it. */
export async function startFlowB(
  deps: FlowDeps,
  input: { caseId: string; correlationId: string; handedOverFrom?: string },
  settings: FlowBSettings = config().flow,
): Promise<FlowBSettings & { assessmentTimeoutSeconds: number; assessmentDueAt: string }> {
  const record = await deps.cases.get(input.caseId);
  // DOMAIN §7 ordinary processing limit: the assessment is due N working days (county calendar) from now.
  const wait = await waitForDeadline(deps, record, ordinaryProcessingDeadline);
  const deadline = { assessmentTimeoutSeconds: wait.timeoutSeconds, assessmentDueAt: wait.dueAt };
  const existing = (record as FlowBCase).plan;
  if (!existing) {
    const enteredFrom = input.handedOverFrom === "flow-a" ? "flow-a" : "filing";
    await deps.cases.update(input.caseId, {
      set: {
        flow: "B",
        plan: { ...planOf(record), startedAt: deps.now().toISOString(), enteredFrom },
      },
    });
    await deps.audit.append({
      actorUserId: SYSTEM,
      actorRoles: [],
      action: "plan.start",
      caseId: record.caseId,
      countyId: record.countyId,
      townshipId: record.townshipId,
      why: enteredFrom === "flow-a" ? "handed over from Flow A's follow-up" : "filed for staged assistance",
      before: { status: record.status, flow: record.flow },
      correlationId: input.correlationId,
    });
  }
  return { ...settings, ...deadline };
}

export function commitEntryId(caseId: string): string {
  return `commit:${caseId}`;
}

export function releaseEntryId(caseId: string): string {
  return `release:${caseId}`;
}

export interface StageCursor {
  next: { index: number; dueAt: string };
}

function commitRequest(
  record: FlowBCase,
  totalYuan: string,
  planVersion: number | undefined,
  correlationId: string,
): LedgerRequest {
  return {
    entryId: commitEntryId(record.caseId),
    townshipId: record.townshipId,
    kind: "commit",
    amountYuan: totalYuan,
    reference: {
      ...ledgerReference(record, "B", correlationId),
      decisionId: `plan-approval:${record.caseId}:v${planVersion}`,
    },
  };
}

/**
 * A top-up serves the plans waiting for money oldest first (DOMAIN §8): the approved total is
 * committed here with the very entry `commitPlan` submits when the flow resumes (same id: then a
 * duplicate), so the order holds whichever runs first. The wait's task is left open for the resume.
 */
export async function reserveWaitingCommitment(
  deps: FlowDeps,
  caseId: string,
  correlationId: string,
): Promise<"committed" | "insufficient-funds" | "no-plan"> {
  const record = await deps.cases.get(caseId);
  const plan = planOf(record);
  if (plan.commitment) return "committed";
  if (!plan.totalYuan || plan.approval?.decision !== "approve") return "no-plan";
  const outcome = await deps.ledger.submit(
    commitRequest(record, plan.totalYuan, plan.version, correlationId),
  );
  return outcome === "insufficient-funds" ? "insufficient-funds" : "committed";
}

/**
 * DOMAIN §4.4: approval commits the whole total against the township fund (promised, not paid).
 * Not enough available → `FundInsufficientError` (the ASL waits for county finance, then retries).
 * A plan re-checking after its wait timed out also waits on while older cases the fund cannot cover
 * are ahead of it (DOMAIN §8: oldest first).
 */
export async function commitPlan(
  deps: FlowDeps,
  caseId: string,
  correlationId: string,
): Promise<StageCursor> {
  const record = await deps.cases.get(caseId);
  const plan = planOf(record);
  const first = plan.stages?.[0];
  if (!plan.totalYuan || !first || plan.approval?.decision !== "approve") {
    throw new PlanStateError(
      `Case ${caseId} has no approved plan to commit`,
      `案件 ${caseId} 没有已批准的救助方案`,
    );
  }
  const entryId = commitEntryId(caseId);
  const waitingCase = { caseId, countyId: record.countyId, townshipId: record.townshipId };
  if (
    !plan.commitment &&
    record.flags?.fundWaited &&
    (await heldBackByQueue(deps, { ...waitingCase, taskType: "plan-funds" }))
  ) {
    throw new FundInsufficientError(
      `Older cases waiting for the fund of township ${record.townshipId} are paid first`,
      "该乡镇备用金先支付更早等待的案件，本方案继续等待",
      { details: { caseId, totalYuan: plan.totalYuan, heldBackByQueue: true } },
    );
  }
  const outcome = await deps.ledger.submit(
    commitRequest(record, plan.totalYuan, plan.version, correlationId),
  );
  if (outcome === "insufficient-funds") {
    throw new FundInsufficientError(
      `The fund of township ${record.townshipId} cannot commit ${Yuan.parse(plan.totalYuan).format()}`,
      `该乡镇备用金可用余额不足以承诺 ${Yuan.parse(plan.totalYuan).format()}`,
      { details: { caseId, totalYuan: plan.totalYuan } },
    );
  }
  // Committed: a top-up request still open from an earlier dry fund is answered (as for Flow A's draw).
  if (record.flags?.fundWaited) await supersedeWaiting(deps, caseId, "plan-funds");
  if (!plan.commitment) {
    const committedAt = deps.now().toISOString();
    await deps.cases.update(caseId, {
      event: { type: "stages.scheduled" },
      set: {
        plan: { ...plan, commitment: { entryId, amountYuan: plan.totalYuan, committedAt } },
        dueAt: first.dueAt,
      },
    });
    await deps.audit.append({
      actorUserId: SYSTEM,
      actorRoles: [],
      action: "plan.commit",
      caseId,
      countyId: record.countyId,
      townshipId: record.townshipId,
      why: "approved plan committed against the township fund",
      after: { entryId, amountYuan: plan.totalYuan },
      correlationId,
    });
  }
  return { next: { index: first.index, dueAt: first.dueAt } };
}

/** The payment step of a stage: its `payment.started` is a staged one (core keeps the case in `stage-paying`). */
function stageDeps(deps: FlowDeps): FlowDeps {
  const cases = Object.create(deps.cases) as FlowDeps["cases"];
  cases.update = (caseId: string, change: CaseUpdate) =>
    deps.cases.update(
      caseId,
      change.event?.type === "payment.started"
        ? { ...change, event: { type: "payment.started", staged: true } }
        : change,
    );
  return { ...deps, cases };
}

/**
 * The bank step of a stage, after `DrawStage` drew it from the plan's commitment through the fund's
 * draw queue (DOMAIN §5: a stage draw lowers balance AND committed, drawKind "stage"): the bank is
 * instructed for the entry drawn only — refused if the queue drew another attempt.
 */
export async function payStage(
  deps: FlowDeps,
  input: { caseId: string; correlationId: string; purpose: string; taskToken: string; draw: DrawnEntry },
): Promise<void> {
  const { draw, ...step } = input;
  await payByBank(stageDeps(deps), { ...step, drawKind: "stage", flow: "B", drawn: draw });
}

/**
 * A stage transfer failed after its draw. The shared reversal puts the money back in the fund
 * (balance += amount) — but the stage draw had also lowered `committed`, and the stage is still
 * owed: so the amount is committed again (`recommit:<obligation>:<attempt>`), or the re-routed draw
 * would take `committed` below what the remaining stages need.
 */
export async function reverseStagePayment(
  deps: FlowDeps,
  input: { caseId: string; correlationId: string; purpose: string },
): Promise<{ reversedAttempt: number; amountYuan: string; recommitted: true }> {
  const reversed = await reversePayment(deps, { ...input, drawKind: "stage", flow: "B" });
  const record = await deps.cases.get(input.caseId);
  const obligationId = obligationIdFor(input.caseId, input.purpose);
  const outcome = await deps.ledger.submit({
    entryId: `recommit:${obligationId}:${reversed.reversedAttempt}`,
    townshipId: record.townshipId,
    kind: "commit",
    amountYuan: reversed.amountYuan,
    reference: { ...ledgerReference(record, "B", input.correlationId), obligationId },
  });
  if (outcome === "insufficient-funds") {
    throw new FundInsufficientError(
      `The reversed stage ${input.purpose} of case ${input.caseId} cannot be committed again`,
      `案件 ${input.caseId} 冲回的${paymentPurposeZh(input.purpose)}款项无法重新承诺`,
    );
  }
  return { ...reversed, recommitted: true };
}

/**
 * DOMAIN §4.5–4.6: close when the last stage is paid or the plan stops early. What is still
 * committed for the case (commitment − stages paid) is released in one entry; outcome and totals
 * are recorded; the registration county of a non-local applicant is notified.
 */
export async function closePlan(
  deps: FlowDeps,
  caseId: string,
  correlationId: string,
): Promise<Record<string, unknown>> {
  const record = await deps.cases.get(caseId);
  const plan = planOf(record);
  const now = deps.now();
  const paid = await paidStages(deps, record);
  const paidYuan = Yuan.sum(paid.map((p) => Yuan.parse(p.amountYuan)));
  const committed = plan.commitment ? Yuan.parse(plan.commitment.amountYuan) : Yuan.zero;
  const leftYuan = committed.minus(paidYuan);
  if (leftYuan.isPositive()) await releaseRemaining(deps, record, leftYuan, correlationId);
  const lastRecheck = plan.rechecks.at(-1);
  const stages = plan.stages ?? [];
  const result =
    plan.approval?.decision !== "approve"
      ? "rejected"
      : paid.length === stages.length
        ? "completed"
        : "stopped";
  const before = Object.values(await paidAidOf(deps, caseId)).map((text) => Yuan.parse(text));
  const totalPaid = Yuan.sum(before).plus(paidYuan);
  const outcome = {
    result,
    planTotalYuan: plan.totalYuan ?? "0.00",
    committedYuan: committed.toString(),
    stagesPlanned: stages.length,
    stagesPaid: paid.map((p) => p.index),
    paidByPlanYuan: paidYuan.toString(),
    releasedYuan: Yuan.max(Yuan.zero, leftYuan).toString(),
    totalPaidOnCaseYuan: totalPaid.toString(),
    ...(result === "stopped" && lastRecheck
      ? {
          stoppedAtStage: lastRecheck.stage,
          stopReason: lastRecheck.outcome,
          stopCheckedOn: lastRecheck.checkedOn,
        }
      : {}),
    registrationCountyNotified: false,
  };
  outcome.registrationCountyNotified = await noticeToRegistrationCounty(
    deps,
    record,
    result,
    totalPaid,
    correlationId,
    now,
  );
  if (record.status !== "closed") {
    await closeCaseRecord(deps, record, {
      outcome,
      aided: totalPaid.isPositive(),
      fraud: false,
      actorUserId: SYSTEM,
      why: `Flow B ${result}`,
      correlationId,
      now,
    });
  }
  return outcome;
}

/** The registration county of a non-local applicant hears of the closed plan (true when it was told). */
async function noticeToRegistrationCounty(
  deps: FlowDeps,
  record: FlowBCase,
  result: string,
  totalPaid: Yuan,
  correlationId: string,
  now: Date,
): Promise<boolean> {
  return notifyRegistrationCounty(
    deps,
    record,
    {
      messageId: `${record.caseId}:close-flow-b:registration-county`,
      subject: `A resident of your county received staged assistance in county ${record.countyId}`,
      subjectZh: (aidCountyZh) => `贵县户籍人员在${aidCountyZh}获得分阶段临时救助，请关注后续帮扶`,
      flow: "B",
      result,
      totalPaidYuan: totalPaid.toString(),
    },
    correlationId,
    now,
  );
}

/** What is still committed for the case goes back to the fund's available money, in one entry. */
async function releaseRemaining(
  deps: FlowDeps,
  record: FlowBCase,
  leftYuan: Yuan,
  correlationId: string,
): Promise<void> {
  await deps.ledger.submit({
    entryId: releaseEntryId(record.caseId),
    townshipId: record.townshipId,
    kind: "release",
    amountYuan: leftYuan.toString(),
    reference: ledgerReference(record, "B", correlationId),
  });
}

export { stagePurpose };
