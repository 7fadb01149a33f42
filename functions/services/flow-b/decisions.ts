/**
 * The human steps of Flow B over HTTP (DOMAIN §4): record the assessment, an objection in the notice,
 * the approval, the fund replenishment, a stage re-check, a suspicion. Each: authorize (core/access:
 * role, township scope, maker ≠ checker) → validate against the case's policy version → the shared
 * `decideHumanTask` (decision + case + audit written first, the execution resumed after).
 */
import { randomUUID } from "node:crypto";
import * as z from "zod";
import type { HumanTaskDecision } from "#adapters/human-task-store.ts";
import type { Actor } from "#core/access/index.ts";
import { localDateOf, startOfLocalDay } from "#core/calendar/localDate.ts";
import { APPROVAL_ACTION, assessStagedAssistance, publicNoticeRequirement } from "#core/cases/index.ts";
import { BusinessRuleError, ConflictError, ValidationError } from "#core/errors.ts";
import { Yuan } from "#core/money/index.ts";
import { authorizeAnyOnCase, authorizeOnCase } from "../case-access.ts";
import { fundIdOf } from "../flow-a/decisions.ts";
import { deciderName, type FlowDeps } from "../ports.ts";
import { decideHumanTask, decisionAuditKey } from "../steps/human-tasks.ts";
import {
  approvedBeforePlan,
  type FlowBCase,
  type Objection,
  type PlanRecord,
  type PlanStage,
  planOf,
  type Recheck,
  stagePurpose,
} from "./plan-record.ts";

const YuanText = z
  .string()
  .refine((text) => Yuan.isValidText(text), { message: 'yuan with at most two decimals, e.g. "800.00"' });
const LocalDateText = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "a date YYYY-MM-DD");
const Text = z.string().trim().min(2).max(2000);

export interface PlanDecisionResponse {
  caseId: string;
  taskType: string;
  decision: Record<string, unknown>;
  decidedBy: string;
  decidedAt: string;
  repeated: boolean;
  delivery: string;
}

interface DecideArgs {
  deps: FlowDeps;
  actor: Actor;
  action: string;
  record: FlowBCase;
  taskType: string;
  decision: Record<string, unknown>;
  output: Record<string, unknown>;
  /** The case change of the decision, computed from the case as it is when the effect runs (idempotent). */
  change: (
    recorded: HumanTaskDecision,
    plan: PlanRecord,
  ) => { set?: Record<string, unknown>; status?: string };
  handledBy?: boolean;
  before?: unknown;
  why: string;
  correlationId: string;
  also?: (recorded: HumanTaskDecision) => Promise<void>;
}

async function decide(args: DecideArgs): Promise<PlanDecisionResponse> {
  const { deps, record } = args;
  const result = await decideHumanTask(deps, {
    caseId: record.caseId,
    taskType: args.taskType,
    actorUserId: args.actor.userId,
    decision: args.decision,
    output: args.output,
    effects: async (recorded, task) => {
      await args.also?.(recorded);
      const fresh = await deps.cases.get(record.caseId);
      const change = args.change(recorded, planOf(fresh));
      await deps.cases.update(record.caseId, {
        ...(change.set ? { set: change.set } : {}),
        ...(change.status ? { status: change.status as never } : {}),
        ...(args.handledBy ? { handledBy: [recorded.decidedBy] } : {}),
      });
      await deps.audit.append({
        actorUserId: recorded.decidedBy,
        actorName: deciderName(args.actor, recorded.decidedBy),
        actorRoles: args.actor.roles,
        action: args.action,
        caseId: record.caseId,
        countyId: record.countyId,
        townshipId: record.townshipId,
        why: args.why,
        ...(args.before !== undefined ? { before: args.before } : {}),
        after: recorded.decision,
        correlationId: args.correlationId,
        dedupKey: decisionAuditKey(task.caseId, task.taskId),
      });
    },
  });
  return {
    caseId: record.caseId,
    taskType: args.taskType,
    decision: result.recorded.decision,
    decidedBy: result.recorded.decidedBy,
    decidedAt: result.recorded.decidedAt,
    repeated: result.repeated,
    delivery: result.delivery,
  };
}

async function waitingTask(deps: FlowDeps, caseId: string, taskType: string) {
  const task = await deps.tasks.current(caseId, taskType);
  if (task) return task;
  const latest = await deps.tasks.latest(caseId, taskType);
  if (latest?.decided) {
    throw new ConflictError(
      `This step (${taskType}) was already decided by ${latest.decided.decidedBy} at ${latest.decided.decidedAt}; nothing was changed`,
      `此事项（${taskType}）已由 ${latest.decided.decidedBy} 于 ${latest.decided.decidedAt} 办理，本次提交未作任何更改`,
      { details: { taskType } },
    );
  }
  throw new ConflictError(
    `Case ${caseId} is not waiting for ${taskType} now`,
    `案件 ${caseId} 当前不在等待此项办理（${taskType}）`,
    { details: { taskType } },
  );
}

async function policyOf(deps: FlowDeps, record: FlowBCase) {
  return deps.policy.resolveVersion(record.countyId, record.townshipId, record.policyVersionId);
}

function summary(plan: PlanRecord) {
  return plan.totalYuan
    ? {
        version: plan.version,
        totalYuan: plan.totalYuan,
        stageAmountsYuan: (plan.stages ?? []).map((s) => s.amountYuan),
      }
    : null;
}

// ─── investigate and assess (DOMAIN §4.2) ────────────────────────────────────────────────────────

export const AssessmentSchema = z
  .object({
    household: z.object({
      members: z
        .array(
          z
            .object({
              relation: z.string().trim().min(1).max(20),
              age: z.number().int().min(0).max(130).optional(),
            })
            .strict(),
        )
        .min(1)
        .max(30),
    }),
    monthlyIncomeYuan: YuanText,
    rigidExpenditure: z
      .object({ medicalMonthlyYuan: YuanText, educationMonthlyYuan: YuanText, otherMonthlyYuan: YuanText })
      .strict(),
    expectedDurationMonths: z.number().int().min(1).max(60),
    firstStageDate: LocalDateText,
    /** The officer's own monthly amounts (may differ), within policy, with a reason. */
    adjustment: z
      .object({ monthlyAmountsYuan: z.array(YuanText).min(1).max(60), reason: Text })
      .strict()
      .optional(),
    facts: Text,
    /** After an objection: what the re-investigation found about it (required then). */
    objectionResponse: Text.optional(),
  })
  .strict();
export type AssessmentRequest = z.output<typeof AssessmentSchema>;

export async function recordAssessment(
  deps: FlowDeps,
  actor: Actor,
  caseId: string,
  request: AssessmentRequest,
  correlationId: string,
): Promise<PlanDecisionResponse & { plan: Record<string, unknown> }> {
  const record = (await deps.cases.get(caseId)) as FlowBCase;
  authorizeOnCase(actor, "plan.assess", record);
  await waitingTask(deps, caseId, "assessment");
  const plan = planOf(record);
  const unanswered = plan.objections.filter((o) => o.response === undefined);
  if (unanswered.length > 0 && !request.objectionResponse) {
    throw new ValidationError(
      "The plan came back from the public notice with an objection: say what the re-investigation found",
      "公示期间有异议，须说明复核情况",
      {
        fields: [
          { path: "objectionResponse", message: "required after an objection", messageZh: "有异议时必填" },
        ],
      },
    );
  }
  const policy = await policyOf(deps, record);
  const assessment = assessStagedAssistance(
    {
      householdMembers: request.household.members.length,
      monthlyIncomeYuan: Yuan.parse(request.monthlyIncomeYuan),
      rigidExpenditure: {
        medicalMonthlyYuan: Yuan.parse(request.rigidExpenditure.medicalMonthlyYuan),
        educationMonthlyYuan: Yuan.parse(request.rigidExpenditure.educationMonthlyYuan),
        otherMonthlyYuan: Yuan.parse(request.rigidExpenditure.otherMonthlyYuan),
      },
      expectedDurationMonths: request.expectedDurationMonths,
      firstStageDate: request.firstStageDate,
      ...(request.adjustment
        ? {
            adjustment: {
              monthlyAmountsYuan: request.adjustment.monthlyAmountsYuan.map((a) => Yuan.parse(a)),
              reason: request.adjustment.reason,
            },
          }
        : {}),
      approvedSoFarYuan: await approvedBeforePlan(deps, caseId),
    },
    policy,
  );
  const notice = publicNoticeRequirement(record.hardship.kind, policy);
  const stages: PlanStage[] = assessment.plan.stages.map((s) => ({
    index: s.index,
    dueDate: s.dueDate,
    dueAt: new Date(startOfLocalDay(s.dueDate)).toISOString(),
    amountYuan: s.amountYuan.toString(),
  }));
  const version = plan.version + 1;
  const computed = {
    version,
    householdMembers: request.household.members.length,
    members: request.household.members,
    monthlyIncomeYuan: Yuan.parse(request.monthlyIncomeYuan).toString(),
    rigidExpenditureMonthlyYuan: assessment.rigidExpenditureMonthlyYuan.toString(),
    monthlyNeedYuan: assessment.monthlyNeedYuan.toString(),
    monthlyShortfallYuan: assessment.monthlyShortfallYuan.toString(),
    computedTotalYuan: assessment.computedTotalYuan.toString(),
    cappedAtPerCaseCap: assessment.cappedAtPerCaseCap,
    adjusted: assessment.adjusted,
    ...(request.adjustment ? { adjustmentReason: request.adjustment.reason } : {}),
    totalYuan: assessment.plan.totalYuan.toString(),
    caseTotalYuan: assessment.caseTotalYuan.toString(),
    stageAmountsYuan: stages.map((s) => s.amountYuan),
    firstStageDate: request.firstStageDate,
    approvalLevel: assessment.approvalLevel,
    noticeRequired: notice.required,
    facts: request.facts,
    ...(request.objectionResponse ? { objectionResponse: request.objectionResponse } : {}),
    policyVersionId: assessment.policyVersionId,
  };
  const response = await decide({
    deps,
    actor,
    action: "plan.assess",
    record,
    taskType: "assessment",
    decision: computed,
    output: {
      noticeRequired: notice.required,
      ...(notice.required ? { noticeSeconds: notice.days * 24 * 3600 } : {}),
      totalYuan: computed.totalYuan,
      approvalLevel: assessment.approvalLevel,
      planVersion: version,
    },
    change: (recorded, current) => ({
      status: notice.required ? "in-notice" : "awaiting-plan-approval",
      set: {
        plan: {
          ...current,
          version,
          assessment: {
            ...recorded.decision,
            recordedBy: recorded.decidedBy,
            recordedAt: recorded.decidedAt,
          },
          totalYuan: computed.totalYuan,
          approvalLevel: assessment.approvalLevel,
          stages,
          versions: [
            ...current.versions.filter((v) => v.version !== version),
            {
              version,
              totalYuan: computed.totalYuan,
              stageAmountsYuan: computed.stageAmountsYuan,
              approvalLevel: assessment.approvalLevel,
              adjusted: assessment.adjusted,
              recordedBy: recorded.decidedBy,
              recordedAt: recorded.decidedAt,
            },
          ],
          objections: current.objections.map((o) =>
            o.response === undefined && request.objectionResponse
              ? { ...o, response: request.objectionResponse }
              : o,
          ),
          ...(notice.required ? {} : { noticeExempt: "urgent-case" }),
        } satisfies PlanRecord,
      },
    }),
    handledBy: true,
    before: summary(plan),
    why: request.adjustment ? `assessed and adjusted: ${request.adjustment.reason}` : "household assessed",
    correlationId,
  });
  return {
    ...response,
    plan: { totalYuan: computed.totalYuan, approvalLevel: assessment.approvalLevel, stages },
  };
}

// ─── objection during the public notice (DOMAIN §4.3) ───────────────────────────────────────────

export const ObjectionSchema = z
  .object({
    receivedOn: LocalDateText,
    grounds: Text,
    /** Who objected, as they gave it (may be anonymous: 匿名). */
    objector: z.string().trim().min(1).max(100).default("匿名"),
  })
  .strict();
export type ObjectionRequest = z.output<typeof ObjectionSchema>;

export async function recordObjection(
  deps: FlowDeps,
  actor: Actor,
  caseId: string,
  request: ObjectionRequest,
  correlationId: string,
): Promise<PlanDecisionResponse> {
  const record = (await deps.cases.get(caseId)) as FlowBCase;
  authorizeOnCase(actor, "notice.objection.record", record);
  const task = await waitingTask(deps, caseId, "public-notice");
  const plan = planOf(record);
  if (plan.notice && deps.now().getTime() >= Date.parse(plan.notice.endsAt)) {
    // The notice ran out: its wait is timing out into the approval. A late objection is no objection
    // to this notice (an officer may still raise it with the approver, who can reject).
    throw new ConflictError(
      `The public notice ended at ${plan.notice.endsAt}; the objection is too late for it`,
      `公示期已于 ${plan.notice.endsAt} 结束，异议已超出公示期`,
      { details: { endsAt: plan.notice.endsAt } },
    );
  }
  const objectionId = `objection-${task.taskId.split("#")[1] ?? randomUUID()}`;
  return decide({
    deps,
    actor,
    action: "notice.objection.record",
    record,
    taskType: "public-notice",
    decision: { objectionId, noticeRound: plan.notice?.round ?? 1, ...request },
    output: { objected: true, objectionId },
    change: (recorded, current) => {
      const objection: Objection = {
        objectionId,
        noticeRound: current.notice?.round ?? 1,
        receivedOn: request.receivedOn,
        grounds: request.grounds,
        objector: request.objector,
        recordedBy: recorded.decidedBy,
        recordedAt: recorded.decidedAt,
      };
      return {
        // Back to the officer (DOMAIN §4.3): the case is assessed again, then noticed again.
        status: "assessing",
        set: {
          plan: {
            ...current,
            ...(current.notice ? { notice: { ...current.notice, status: "objected" } } : {}),
            objections: [...current.objections.filter((o) => o.objectionId !== objectionId), objection],
          } satisfies PlanRecord,
        },
      };
    },
    why: `objection in public notice: ${request.grounds}`,
    correlationId,
  });
}

// ─── one approval of the whole plan (DOMAIN §4.4) ───────────────────────────────────────────────

export const ApprovalSchema = z.discriminatedUnion("decision", [
  z.object({ decision: z.literal("approve"), reason: Text.optional() }).strict(),
  z.object({ decision: z.literal("reject"), reason: Text }).strict(),
]);
export type ApprovalRequest = z.output<typeof ApprovalSchema>;

export async function decideApproval(
  deps: FlowDeps,
  actor: Actor,
  caseId: string,
  request: ApprovalRequest,
  correlationId: string,
): Promise<PlanDecisionResponse> {
  const record = (await deps.cases.get(caseId)) as FlowBCase;
  const plan = planOf(record);
  // Maker ≠ checker and the level: township approver within the ceiling, county above (DOMAIN §1, §4.4).
  authorizeOnCase(actor, "plan.approve", record);
  const level = plan.approvalLevel ?? "township";
  authorizeOnCase(actor, APPROVAL_ACTION[level], record);
  await waitingTask(deps, caseId, "plan-approval");
  if (plan.notice?.status === "running" && deps.now().getTime() < Date.parse(plan.notice.endsAt)) {
    throw new BusinessRuleError("The public notice has not ended", "公示期未满，不能审批");
  }
  return decide({
    deps,
    actor,
    action: "plan.approve",
    record,
    taskType: "plan-approval",
    decision: {
      decision: request.decision,
      ...(request.reason ? { reason: request.reason } : {}),
      level,
      planVersion: plan.version,
      totalYuan: plan.totalYuan,
      policyVersionId: record.policyVersionId,
    },
    output: { outcome: request.decision === "approve" ? "approved" : "rejected" },
    change: (recorded, current) => ({
      // Approved: the commitment step moves the case on (to its stages, or to waiting for funds).
      ...(request.decision === "approve" ? {} : { status: "plan-rejected" }),
      set: {
        plan: {
          ...current,
          approval: { ...recorded.decision, decidedBy: recorded.decidedBy, decidedAt: recorded.decidedAt },
        } satisfies PlanRecord,
      },
    }),
    why: request.reason ?? (request.decision === "approve" ? "staged plan approved" : "staged plan rejected"),
    correlationId,
  });
}

// ─── fund replenished: retry the commitment now (DOMAIN §4.4) ───────────────────────────────────

export async function resumePlanFunds(
  deps: FlowDeps,
  actor: Actor,
  caseId: string,
  correlationId: string,
): Promise<PlanDecisionResponse> {
  const record = (await deps.cases.get(caseId)) as FlowBCase;
  authorizeOnCase(actor, "fund.allocate", record);
  await waitingTask(deps, caseId, "plan-funds");
  const fund = await deps.ledger.fund(fundIdOf(record.townshipId));
  return decide({
    deps,
    actor,
    action: "fund.allocate",
    record,
    taskType: "plan-funds",
    decision: { resumed: true, availableYuan: fund?.availableYuan ?? null },
    output: { resumed: true },
    change: () => ({}),
    why: "fund replenished; commitment retried",
    correlationId,
  });
}

// ─── stage re-check (DOMAIN §4.5, §2.5) ─────────────────────────────────────────────────────────

export const RECHECK_OUTCOMES = [
  "still-in-hardship",
  "covered-by-dibao",
  "covered-by-tekun",
  "moved",
  "died",
  "recovered",
] as const;

export const RecheckSchema = z
  .object({
    stage: z.number().int().positive(),
    /** The date the officer checked (a dated re-check; never in the future, never before the stage fell due). */
    checkedOn: LocalDateText,
    outcome: z.enum(RECHECK_OUTCOMES),
    findings: Text,
    /** Every open suspicion must be answered by the re-check that follows it (DOMAIN §2.5). */
    suspicionsReviewed: z
      .array(z.object({ suspicionId: z.string().min(1), finding: Text }).strict())
      .max(50)
      .default([]),
  })
  .strict();
export type RecheckRequest = z.output<typeof RecheckSchema>;

export async function recordRecheck(
  deps: FlowDeps,
  actor: Actor,
  caseId: string,
  request: RecheckRequest,
  correlationId: string,
): Promise<PlanDecisionResponse> {
  const record = (await deps.cases.get(caseId)) as FlowBCase;
  authorizeOnCase(actor, "stage.recheck", record);
  const task = await waitingTask(deps, caseId, "stage-recheck");
  const plan = planOf(record);
  const stages = plan.stages ?? [];
  const stage = stages.find((s) => s.index === request.stage);
  if (!stage || task.details?.stage !== request.stage) {
    throw new ConflictError(
      `Stage ${request.stage} is not the stage waiting for its re-check (${String(task.details?.stage)})`,
      `第 ${request.stage} 期不是当前待复核的期次（当前为第 ${String(task.details?.stage)} 期）`,
      { details: { waitingStage: task.details?.stage } },
    );
  }
  const today = localDateOf(deps.now());
  if (request.checkedOn > today || request.checkedOn < stage.dueDate) {
    throw new ValidationError(
      `The re-check must be dated between the stage's due date ${stage.dueDate} and today ${today}`,
      `复核日期须在本期到期日 ${stage.dueDate} 与今天 ${today} 之间`,
      {
        fields: [
          {
            path: "checkedOn",
            message: `between ${stage.dueDate} and ${today}`,
            messageZh: `须在 ${stage.dueDate} 至 ${today} 之间`,
          },
        ],
      },
    );
  }
  const open = plan.suspicions.filter((s) => s.status === "open");
  const reviewed = new Set(request.suspicionsReviewed.map((r) => r.suspicionId));
  const missing = open.filter((s) => !reviewed.has(s.suspicionId));
  if (missing.length > 0) {
    throw new ValidationError(
      `Open suspicions must be checked in this re-check: ${missing.map((s) => s.suspicionId).join(", ")}`,
      `本次复核须核实尚未处理的疑点：${missing.map((s) => s.suspicionId).join("、")}`,
      {
        fields: [
          { path: "suspicionsReviewed", message: "answer every open suspicion", messageZh: "须逐条核实疑点" },
        ],
      },
    );
  }
  const proceed = request.outcome === "still-in-hardship";
  const last = stage.index === stages.length;
  const next = stages.find((s) => s.index === stage.index + 1);
  const current = {
    index: stage.index,
    purpose: stagePurpose(stage.index),
    amountYuan: stage.amountYuan,
    last,
  };
  return decide({
    deps,
    actor,
    action: "stage.recheck",
    record,
    taskType: "stage-recheck",
    decision: { ...request, escalated: task.escalated },
    // The stage cursor of the ASL: pay this stage, then wait for the next one (or close).
    output: proceed
      ? { decision: "continue", current, ...(next ? { next: { index: next.index, dueAt: next.dueAt } } : {}) }
      : { decision: "stop", current, reason: request.outcome },
    also: async () => {
      if (!proceed) return;
      await deps.payments.openObligation({
        caseId,
        purpose: stagePurpose(stage.index),
        countyCode: record.countyId,
        township: record.townshipId,
        fund: fundIdOf(record.townshipId),
        amountYuan: stage.amountYuan,
      });
    },
    change: (recorded, currentPlan) => {
      const recheck: Recheck = {
        stage: stage.index,
        checkedOn: request.checkedOn,
        outcome: request.outcome,
        findings: request.findings,
        checkedBy: recorded.decidedBy,
        recordedAt: recorded.decidedAt,
        escalated: task.escalated,
      };
      return {
        status: proceed ? "stage-paying" : "plan-stopped",
        set: {
          dueAt: null,
          plan: {
            ...currentPlan,
            rechecks: [...currentPlan.rechecks.filter((r) => r.stage !== stage.index), recheck],
            suspicions: currentPlan.suspicions.map((s) => {
              const review = request.suspicionsReviewed.find((r) => r.suspicionId === s.suspicionId);
              return review && s.status === "open"
                ? {
                    ...s,
                    status: "reviewed" as const,
                    review: {
                      finding: review.finding,
                      by: recorded.decidedBy,
                      at: recorded.decidedAt,
                      stage: stage.index,
                    },
                  }
                : s;
            }),
          } satisfies PlanRecord,
        },
      };
    },
    handledBy: true,
    why: proceed
      ? `stage ${stage.index} re-checked: still in hardship`
      : `plan stopped at stage ${stage.index}: ${request.outcome}`,
    correlationId,
  });
}

// ─── suspicious data opens a check, never stops the plan (DOMAIN §2.5) ──────────────────────────

export const SuspicionSchema = z
  .object({
    /** Where the signal came from, e.g. 低保 roll match, 大数据比对, a tip-off. */
    source: z.string().trim().min(2).max(100),
    description: Text,
  })
  .strict();
export type SuspicionRequest = z.output<typeof SuspicionSchema>;

/** Tries to add a suspicion against a case changed meanwhile before answering 409 (a limit on everything). */
const SUSPICION_ATTEMPTS_MAX = 10;

class CaseChangedMeanwhile extends Error {}

export async function raiseSuspicion(
  deps: FlowDeps,
  actor: Actor,
  caseId: string,
  request: SuspicionRequest,
  correlationId: string,
): Promise<{ caseId: string; suspicionId: string; planChanged: false; status: string; repeated: boolean }> {
  for (let attempt = 1; attempt <= SUSPICION_ATTEMPTS_MAX; attempt += 1) {
    const record = (await deps.cases.get(caseId)) as FlowBCase;
    authorizeAnyOnCase(actor, ["stage.recheck", "case.escalation.decide"], record);
    const plan = planOf(record);
    if (!plan.stages || record.status === "closed") {
      throw new ConflictError("The case has no running plan", "案件没有执行中的救助方案");
    }
    // The same signal while its check is still open is that suspicion, not a second one.
    const open = plan.suspicions.find(
      (s) => s.status === "open" && s.source === request.source && s.description === request.description,
    );
    if (open) {
      return {
        caseId,
        suspicionId: open.suspicionId,
        planChanged: false,
        status: record.status,
        repeated: true,
      };
    }
    const now = deps.now();
    const suspicionId = `suspicion-${plan.suspicions.length + 1}`;
    try {
      await deps.cases.update(caseId, {
        // The list is written whole: only onto the case it was read from, else read again.
        guard: (current) => (current.version === record.version ? undefined : new CaseChangedMeanwhile()),
        // Only the plan's list of checks changes: status, stages and amounts stay as they are.
        set: {
          plan: {
            ...plan,
            suspicions: [
              ...plan.suspicions,
              {
                suspicionId,
                ...request,
                raisedBy: actor.userId,
                raisedAt: now.toISOString(),
                status: "open",
              },
            ],
          } satisfies PlanRecord,
        },
      });
    } catch (error) {
      if (error instanceof CaseChangedMeanwhile) continue;
      throw error;
    }
    await announceSuspicion(deps, actor, record, suspicionId, request, correlationId, now);
    return { caseId, suspicionId, planChanged: false, status: record.status, repeated: false };
  }
  throw new ConflictError(
    "The case kept changing while the suspicion was recorded; nothing was recorded, please try again",
    "案件正在被其他操作更新，疑点未登记，请稍后重试",
  );
}

/** The township is told and the audit trail records it, once per suspicion (healed retries included). */
async function announceSuspicion(
  deps: FlowDeps,
  actor: Actor,
  record: FlowBCase,
  suspicionId: string,
  request: SuspicionRequest,
  correlationId: string,
  now: Date,
): Promise<void> {
  const caseId = record.caseId;
  await deps.outbox.put(
    {
      messageId: `${caseId}:${suspicionId}`,
      caseId,
      kind: "plan.suspicion",
      recipient: { kind: "township", id: record.townshipId, role: "township-officer" },
      subject: "A suspicion about a staged plan needs checking at the next re-check",
      subjectZh: "分阶段救助出现疑点，请在下次复核时核实（疑点本身不停发）",
      details: { suspicionId, source: request.source },
      correlationId,
    },
    now,
  );
  await deps.audit.append({
    actorUserId: actor.userId,
    actorName: actor.name,
    actorRoles: actor.roles,
    action: "plan.suspicion.raise",
    caseId,
    countyId: record.countyId,
    townshipId: record.townshipId,
    why: `${request.source}: ${request.description}`,
    after: { suspicionId },
    correlationId,
    dedupKey: `plan.suspicion.raise:${caseId}:${suspicionId}`,
  });
}
