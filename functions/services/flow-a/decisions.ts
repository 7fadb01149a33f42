/**
 * Every human decision of Flow A: authorize (core/access: role, township scope, maker ≠ checker),
 * validate against the policy version recorded on the case, then `decideHumanTask` — decision and
 * audit written first, the execution resumed after. One function per endpoint.
 */
import * as z from "zod";
import type { CaseRecord, CaseStatus } from "#adapters/case-store.ts";
import type { HumanTaskDecision } from "#adapters/human-task-store.ts";
import { obligationIdFor } from "#adapters/payments/gateway.ts";
import { checkPayee, type PayeeRecord } from "#adapters/payments/payee.ts";
import type { Action, Actor } from "#core/access/index.ts";
import { APPROVAL_ACTION, requireCashHandOver } from "#core/cases/index.ts";
import { BusinessRuleError, ConflictError, ForbiddenError } from "#core/errors.ts";
import { Yuan } from "#core/money/index.ts";
import { authorizeAnyOnCase, authorizeOnCase } from "../case-access.ts";
import {
  type ApprovalLevel,
  CORE_LEVEL,
  checkAdvanceAmount,
  checkInvestigators,
  followUpLevel,
} from "../case-rules.ts";
import { isStagePurpose } from "../flow-b/plan-record.ts";
import { deciderName, type FlowDeps } from "../ports.ts";
import { type DecideHumanTaskResult, decideHumanTask, decisionAuditKey } from "../steps/human-tasks.ts";
import { type PendingPaperwork, startCoSignature } from "./co-signature.ts";

const YuanText = z
  .string()
  .refine((text) => Yuan.isValidText(text), { message: 'yuan with at most two decimals, e.g. "800.00"' });
const Reason = z.string().trim().min(2).max(1000);

export interface DecisionResponse {
  caseId: string;
  taskType: string;
  decision: Record<string, unknown>;
  decidedBy: string;
  decidedAt: string;
  /** True when this request repeated one already recorded (nothing new was written). */
  repeated: boolean;
  /** `delivered`: the case moved on; `stale`: the wait had just timed out — the escalated wait takes the decision over. */
  delivery: string;
}

function response(caseId: string, taskType: string, result: DecideHumanTaskResult): DecisionResponse {
  return {
    caseId,
    taskType,
    decision: result.recorded.decision,
    decidedBy: result.recorded.decidedBy,
    decidedAt: result.recorded.decidedAt,
    repeated: result.repeated,
    delivery: result.delivery,
  };
}

async function policyOf(deps: FlowDeps, record: CaseRecord) {
  return deps.policy.resolveVersion(record.countyId, record.townshipId, record.policyVersionId);
}

interface DecideArgs {
  actor: Actor;
  action: Action;
  record: CaseRecord;
  taskType: string;
  decision: Record<string, unknown>;
  output: Record<string, unknown>;
  /** Case fields set by the decision (idempotent). */
  caseSet: (recorded: HumanTaskDecision) => Record<string, unknown>;
  status?: CaseStatus;
  /** The case statuses in which the decision still applies (a late one changes nothing: 409). */
  expectStatus?: readonly CaseStatus[];
  handledBy?: string[];
  before?: unknown;
  why?: string;
  correlationId: string;
  /** More effects (open a payment obligation …), idempotent. */
  also?: (recorded: HumanTaskDecision) => Promise<void>;
}

async function decide(deps: FlowDeps, args: DecideArgs): Promise<DecisionResponse> {
  const result = await decideHumanTask(deps, {
    caseId: args.record.caseId,
    taskType: args.taskType,
    actorUserId: args.actor.userId,
    decision: args.decision,
    output: args.output,
    effects: async (recorded, task) => {
      await args.also?.(recorded);
      await deps.cases.update(args.record.caseId, {
        set: args.caseSet(recorded),
        ...(args.status ? { status: args.status } : {}),
        ...(args.expectStatus ? { expectStatus: args.expectStatus } : {}),
        ...(args.handledBy ? { handledBy: args.handledBy } : {}),
      });
      await deps.audit.append({
        actorUserId: recorded.decidedBy,
        actorName: deciderName(args.actor, recorded.decidedBy),
        actorRoles: args.actor.roles,
        action: args.action,
        caseId: args.record.caseId,
        countyId: args.record.countyId,
        townshipId: args.record.townshipId,
        ...(args.why ? { why: args.why } : {}),
        ...(args.before !== undefined ? { before: args.before } : {}),
        after: recorded.decision,
        correlationId: args.correlationId,
        dedupKey: decisionAuditKey(task.caseId, task.taskId),
      });
    },
  });
  return response(args.record.caseId, args.taskType, result);
}

async function currentTaskOrConflict(deps: FlowDeps, record: CaseRecord, taskType: string) {
  const task = await deps.tasks.current(record.caseId, taskType);
  if (task) return task;
  const latest = await deps.tasks.latest(record.caseId, taskType);
  if (latest?.decided) {
    throw new ConflictError(
      `This step (${taskType}) was already decided by ${latest.decided.decidedBy} at ${latest.decided.decidedAt}; nothing was changed`,
      `此事项（${taskType}）已由 ${latest.decided.decidedBy} 于 ${latest.decided.decidedAt} 办理，本次提交未作任何更改`,
      { details: { taskType } },
    );
  }
  throw new ConflictError(
    `Case ${record.caseId} is not waiting for ${taskType} now`,
    `案件 ${record.caseId} 当前不在等待此项办理（${taskType}）`,
    { details: { taskType } },
  );
}

// ─── advance decision (DOMAIN §3.2) ──────────────────────────────────────────────────────────────

export const AdvanceDecisionSchema = z.discriminatedUnion("decision", [
  z.object({ decision: z.literal("approve"), amountYuan: YuanText, reason: Reason.optional() }).strict(),
  z.object({ decision: z.literal("reject"), reason: Reason }).strict(),
]);
export type AdvanceDecisionRequest = z.output<typeof AdvanceDecisionSchema>;

export async function decideAdvance(
  deps: FlowDeps,
  actor: Actor,
  caseId: string,
  request: AdvanceDecisionRequest,
  correlationId: string,
): Promise<DecisionResponse> {
  const record = await deps.cases.get(caseId);
  // Who may decide at all (role, scope, maker-checker) before anything about the task is told.
  const action = authorizeAnyOnCase(actor, ["advance.decide", "case.escalation.decide"], record);
  const task = await currentTaskOrConflict(deps, record, "advance-decision");
  // Past the response time the decision belongs to the county (DOMAIN §3.2): a township decision
  // then would race the county's, and one of them would be silently dropped.
  if (action === "advance.decide" && (task.escalated || isPastDue(task.dueAt, deps.now()))) {
    throw new ConflictError(
      "The response time has passed: the advance was escalated to the county, which decides it now",
      "先行救助审批已超时，已上报县级审批，请由县民政审批",
      { details: { taskType: "advance-decision", code: "escalated" } },
    );
  }
  if (action === "case.escalation.decide" && !task.escalated) {
    throw new ForbiddenError(
      "The county decides an advance only once it has been escalated (the response time passed)",
      "先行救助审批超时上报后，县民政方可审批",
      { details: { action, code: "not-escalated" } },
    );
  }
  const policy = await policyOf(deps, record);
  const amount = request.decision === "approve" ? Yuan.parse(request.amountYuan) : undefined;
  if (amount) checkAdvanceAmount(amount, policy);
  const decision = {
    decision: request.decision,
    ...(amount ? { amountYuan: amount.toString() } : {}),
    ...(request.reason ? { reason: request.reason } : {}),
    level: action === "case.escalation.decide" ? "county" : "township",
    escalated: task.escalated,
    policyVersionId: record.policyVersionId,
  };
  return decide(deps, {
    actor,
    action,
    record,
    taskType: "advance-decision",
    decision,
    output: { outcome: request.decision === "approve" ? "approved" : "rejected", purpose: "advance" },
    caseSet: (recorded) => ({
      advance: { ...recorded.decision, decidedBy: recorded.decidedBy, decidedAt: recorded.decidedAt },
    }),
    ...(request.decision === "approve"
      ? { status: "paying" as const }
      : { status: "advance-rejected" as const }),
    why: request.reason ?? (request.decision === "approve" ? "advance approved" : "advance rejected"),
    correlationId,
    also: async (recorded) => {
      if (recorded.decision.decision !== "approve") return;
      await deps.payments.openObligation({
        caseId,
        purpose: "advance",
        countyCode: record.countyId,
        township: record.townshipId,
        fund: fundIdOf(record.townshipId),
        amountYuan: String(recorded.decision.amountYuan),
      });
    },
  });
}

function isPastDue(dueAt: string | undefined, now: Date): boolean {
  return dueAt !== undefined && Date.parse(dueAt) <= now.getTime();
}

/** One reserve fund per township (DOMAIN §2.3): the fund id is the township code. */
export function fundIdOf(townshipId: string): string {
  return townshipId;
}

// ─── payment route: another own account, or cash (DOMAIN §3.3) ──────────────────────────────────

export const RerouteSchema = z
  .object({
    payee: z.object({
      kind: z.enum(["applicant", "guardian", "agent"]).default("applicant"),
      name: z.string().trim().min(1).max(100),
      bankName: z.string().trim().min(1).max(100),
      bankAccount: z.string().trim().min(8).max(40),
      exceptionReason: z.string().trim().max(500).optional(),
    }),
    reason: Reason.optional(),
  })
  .strict();
export type RerouteRequest = z.output<typeof RerouteSchema>;

export async function reroutePayment(
  deps: FlowDeps,
  actor: Actor,
  caseId: string,
  request: RerouteRequest,
  correlationId: string,
): Promise<DecisionResponse> {
  const record = await deps.cases.get(caseId);
  authorizeOnCase(actor, "payment.reroute", record);
  await currentTaskOrConflict(deps, record, "payment-route");
  const payee: PayeeRecord = checkPayee(
    record.applicant.name,
    {
      kind: request.payee.kind,
      name: request.payee.name,
      bankName: request.payee.bankName,
      bankAccount: request.payee.bankAccount,
      ...(request.payee.exceptionReason ? { exceptionReason: request.payee.exceptionReason } : {}),
    },
    deps.payeeHashSecret(),
  );
  const sealed = await deps.accounts.seal(request.payee.bankAccount);
  return decide(deps, {
    actor,
    action: "payment.reroute",
    record,
    taskType: "payment-route",
    // Recorded without the account number: its keyed hash and masked form only.
    decision: { method: "bank", payee, ...(request.reason ? { reason: request.reason } : {}) },
    output: { method: "bank" },
    caseSet: () => ({
      payout: {
        method: "bank",
        bank: {
          holderName: payee.name,
          bankName: payee.bankName,
          ...sealed,
        },
        ...(payee.kind !== "applicant"
          ? { payeeKind: payee.kind, exceptionReason: payee.exceptionReason }
          : {}),
      },
    }),
    status: "paying",
    handledBy: [actor.userId],
    before: { method: record.payout.method, accountMasked: record.payout.bank?.accountMasked },
    why: request.reason ?? "payment re-routed",
    correlationId,
  });
}

export const CashPaymentSchema = z
  .object({
    receiverName: z.string().trim().min(1).max(100),
    /** References of the uploaded signature images (documents) or signed references. */
    receiverSignatureRef: z.string().trim().min(1).max(200),
    officerSignatureRef: z.string().trim().min(1).max(200),
    reason: Reason.optional(),
  })
  .strict();
export type CashPaymentRequest = z.output<typeof CashPaymentSchema>;

export async function routeToCash(
  deps: FlowDeps,
  actor: Actor,
  caseId: string,
  request: CashPaymentRequest,
  correlationId: string,
): Promise<DecisionResponse> {
  const record = await deps.cases.get(caseId);
  authorizeOnCase(actor, "payment.cash", record);
  const task = await currentTaskOrConflict(deps, record, "payment-route");
  const policy = await policyOf(deps, record);
  const purpose = String(task.details?.purpose ?? "advance");
  if (isStagePurpose(purpose)) {
    // DOMAIN §3.3: cash is for urgent first aid; a staged plan is paid by transfer, stage after stage.
    throw new BusinessRuleError(
      "A stage of a staged plan is paid by bank transfer: give the applicant's own account (reroute), not cash",
      "分阶段救助按期转账发放，不能现金发放：请重新指定本人收款账户",
      { details: { purpose } },
    );
  }
  const obligation = await deps.payments.getObligation(obligationIdFor(caseId, purpose));
  if (!obligation)
    throw new ConflictError("There is no approved payment to hand over", "没有待发放的已批准救助金");
  // DOMAIN §3.3: the ceiling and both signatures, judged by core before the hand-over is recorded.
  requireCashHandOver(
    {
      hardshipType: record.hardship.kind,
      amountYuan: Yuan.parse(obligation.amountYuan),
      receiverSignatureRef: request.receiverSignatureRef,
      officerSignatureRef: request.officerSignatureRef,
    },
    policy,
  );
  const handedOverAt = deps.now().toISOString();
  return decide(deps, {
    actor,
    action: "payment.cash",
    record,
    taskType: "payment-route",
    decision: {
      method: "cash",
      receiverName: request.receiverName,
      receiverSignatureRef: request.receiverSignatureRef,
      officerSignatureRef: request.officerSignatureRef,
      amountYuan: obligation.amountYuan,
      ...(request.reason ? { reason: request.reason } : {}),
    },
    output: { method: "cash" },
    caseSet: (recorded) => ({
      payout: {
        method: "cash",
        cash: {
          // The payment this hand-over is for (payment-step.ts pays no other one with it).
          purpose,
          receiverName: request.receiverName,
          receiverSignatureRef: request.receiverSignatureRef,
          officerSignatureRef: request.officerSignatureRef,
          officerUserId: recorded.decidedBy,
          handedOverAt,
        },
      },
    }),
    status: "paying",
    handledBy: [actor.userId],
    why: request.reason ?? "paid in cash",
    correlationId,
  });
}

// ─── paperwork (补齐手续, DOMAIN §3.4) ────────────────────────────────────────────────────────────

export const PaperworkSchema = z
  .object({
    investigators: z
      .array(
        z
          .object({ userId: z.string().trim().min(1).max(100), visitedAt: z.iso.datetime({ offset: true }) })
          .strict(),
      )
      .min(1)
      .max(10),
    economicCheck: z.object({
      /** 家庭经济状况核对 result. */
      result: z.enum(["eligible", "not-eligible", "inconclusive"]),
      reference: z.string().trim().max(200).optional(),
    }),
    facts: z.string().trim().min(1).max(4000),
    /** 容错免责: why the officers acted in good faith (required even if the advance later proves unnecessary). */
    goodFaithBasis: z.string().trim().min(2).max(2000),
    /** The paperwork shows the aid was obtained by fraud (opens recovery and the fraud bar). */
    fraudFound: z.boolean().default(false),
  })
  .strict();
export type PaperworkRequest = z.output<typeof PaperworkSchema>;

/**
 * Records the paperwork as one officer; it is decided only once every other named investigator has
 * confirmed it with their own sign-in (co-signature.ts), so this answers a pending recording.
 */
export async function recordPaperwork(
  deps: FlowDeps,
  actor: Actor,
  caseId: string,
  request: PaperworkRequest,
  correlationId: string,
): Promise<PendingPaperwork> {
  const record = await deps.cases.get(caseId);
  authorizeOnCase(actor, "paperwork.record", record);
  const task = await currentTaskOrConflict(deps, record, "paperwork");
  const policy = await policyOf(deps, record);
  const now = deps.now();
  const officers = await deps.users.activeOfficersOf(record.countyId, record.townshipId);
  checkInvestigators(
    {
      investigators: request.investigators.map((i) => ({
        userId: i.userId,
        visitedAt: Date.parse(i.visitedAt),
      })),
      townshipOfficerIds: new Set(officers.map((o) => o.userId)),
      ...(record.applicant.userId ? { applicantUserId: record.applicant.userId } : {}),
      ...(typeof record.advance?.decidedBy === "string"
        ? { advanceDeciderUserId: record.advance.decidedBy }
        : {}),
      filedAt: Date.parse(record.filedAt),
      now,
    },
    policy,
  );
  const late = task.overdue || (task.dueAt !== undefined && now.toISOString() > task.dueAt);
  return startCoSignature(deps, {
    record,
    actor,
    decision: { ...request, late, dueAt: task.dueAt ?? null },
    output: { recorded: true, fraudFound: request.fraudFound, late },
    investigatorIds: request.investigators.map((i) => i.userId),
    ...(task.dueAt ? { dueAt: task.dueAt } : {}),
    correlationId,
  });
}

// ─── follow-up (跟进救助, DOMAIN §3.5) ────────────────────────────────────────────────────────────

export const REFERRAL_TARGETS = [
  "dibao",
  "tekun",
  "medical-aid",
  "education-aid",
  "housing-aid",
  "employment-aid",
  "charity",
  "social-work",
] as const;

export const FollowUpSchema = z
  .object({
    additionalAid: z.object({ amountYuan: YuanText, reason: Reason }).optional(),
    staged: z.object({ reason: Reason }).optional(),
    referrals: z
      .array(
        z.object({
          to: z.enum(REFERRAL_TARGETS),
          receivingBody: z.string().trim().min(2).max(200),
          note: z.string().max(500).optional(),
        }),
      )
      .max(8)
      .optional(),
    recovery: z.object({ amountYuan: YuanText, reason: Reason }).optional(),
    close: z.object({ summary: z.string().trim().min(2).max(2000) }).optional(),
  })
  .strict()
  .refine(
    (v) => v.additionalAid || v.staged || (v.referrals && v.referrals.length > 0) || v.recovery || v.close,
    {
      message:
        "choose at least one follow-up (additional aid, staged assistance, referral, recovery or close)",
    },
  )
  .refine((v) => !(v.staged && v.close), {
    message: "staged assistance hands the case to Flow B; it is not closed here",
  });
export type FollowUpRequest = z.output<typeof FollowUpSchema>;

async function paidAmounts(deps: FlowDeps, caseId: string): Promise<string[]> {
  const amounts: string[] = [];
  for (const purpose of ["advance", "follow-up"]) {
    const obligation = await deps.payments.getObligation(obligationIdFor(caseId, purpose));
    if (obligation?.status === "paid") amounts.push(obligation.amountYuan);
  }
  return amounts;
}

export async function recordFollowUp(
  deps: FlowDeps,
  actor: Actor,
  caseId: string,
  request: FollowUpRequest,
  correlationId: string,
): Promise<DecisionResponse> {
  const record = await deps.cases.get(caseId);
  authorizeOnCase(actor, "followUp.propose", record);
  if (request.referrals?.length) authorizeOnCase(actor, "referral.record", record);
  if (request.recovery) authorizeOnCase(actor, "recovery.record", record);
  await currentTaskOrConflict(deps, record, "follow-up");
  const policy = await policyOf(deps, record);
  const paid = await paidAmounts(deps, caseId);
  const paidTotal = paid.reduce((sum, text) => sum.plus(Yuan.parse(text)), Yuan.zero);
  let approvalLevel: ApprovalLevel | undefined;
  let totalAfter: Yuan | undefined;
  if (request.additionalAid) {
    const additional = Yuan.parse(request.additionalAid.amountYuan);
    if (!additional.isPositive()) {
      throw new BusinessRuleError("Additional aid must be more than zero", "跟进救助金额须大于零", {
        fields: [
          { path: "additionalAid.amountYuan", message: "must be more than zero", messageZh: "须大于零" },
        ],
      });
    }
    ({ totalYuan: totalAfter, level: approvalLevel } = followUpLevel(
      paid.map((text) => Yuan.parse(text)),
      additional,
      policy,
    ));
  }
  if (request.recovery) {
    if (record.paperwork?.fraudFound !== true) {
      throw new BusinessRuleError(
        "Recovery (追回) follows only when the paperwork shows fraud",
        "仅当补齐手续查实骗取救助时方可追回",
        {
          fields: [
            {
              path: "recovery",
              message: "no fraud recorded on the paperwork",
              messageZh: "补齐手续未记录骗取情形",
            },
          ],
        },
      );
    }
    const recovery = Yuan.parse(request.recovery.amountYuan);
    if (!recovery.isPositive() || recovery.greaterThan(paidTotal)) {
      throw new BusinessRuleError(
        `Recovery must be more than zero and at most what was paid (${paidTotal.format()})`,
        `追回金额须大于零且不超过已发放金额（${paidTotal.format()}）`,
        {
          fields: [
            {
              path: "recovery.amountYuan",
              message: `at most ${paidTotal.format()}`,
              messageZh: `不超过 ${paidTotal.format()}`,
            },
          ],
        },
      );
    }
  }
  const decision = {
    ...request,
    ...(approvalLevel
      ? { approvalLevel, totalAfterYuan: totalAfter?.toString(), paidYuan: paidTotal.toString() }
      : {}),
  };
  return decide(deps, {
    actor,
    action: "followUp.propose",
    record,
    taskType: "follow-up",
    decision,
    output: {
      additionalAid: request.additionalAid !== undefined,
      ...(approvalLevel ? { approvalLevel } : {}),
      referrals: (request.referrals?.length ?? 0) > 0,
      recovery: request.recovery !== undefined,
      staged: request.staged !== undefined,
    },
    caseSet: (recorded) => ({
      followUp: { ...recorded.decision, decidedBy: recorded.decidedBy, decidedAt: recorded.decidedAt },
      ...(request.referrals?.length
        ? { referrals: request.referrals.map((r) => ({ ...r, status: "proposed" })) }
        : {}),
      ...(request.recovery
        ? {
            recovery: {
              receivableYuan: Yuan.parse(request.recovery.amountYuan).toString(),
              reason: request.recovery.reason,
              status: "open",
            },
          }
        : {}),
    }),
    handledBy: [actor.userId],
    why: "follow-up decided",
    correlationId,
  });
}

export const AdditionalAidDecisionSchema = z.discriminatedUnion("decision", [
  z.object({ decision: z.literal("approve"), amountYuan: YuanText, reason: Reason.optional() }).strict(),
  z.object({ decision: z.literal("reject"), reason: Reason }).strict(),
]);
export type AdditionalAidDecisionRequest = z.output<typeof AdditionalAidDecisionSchema>;

/** The access action per Flow A level is core's (`APPROVAL_ACTION`), keyed by the wire names. */
const LEVEL_ACTION: Record<ApprovalLevel, Action> = {
  township: APPROVAL_ACTION[CORE_LEVEL.township],
  county: APPROVAL_ACTION[CORE_LEVEL.county],
  coordination: APPROVAL_ACTION[CORE_LEVEL.coordination],
};

export async function decideAdditionalAid(
  deps: FlowDeps,
  actor: Actor,
  caseId: string,
  request: AdditionalAidDecisionRequest,
  correlationId: string,
): Promise<DecisionResponse> {
  const record = await deps.cases.get(caseId);
  authorizeAnyOnCase(actor, Object.values(LEVEL_ACTION), record);
  const task = await currentTaskOrConflict(deps, record, "additional-aid-approval");
  const level = (task.details?.approvalLevel ?? "township") as ApprovalLevel;
  const action = LEVEL_ACTION[level];
  authorizeOnCase(actor, action, record);
  const proposed = Yuan.parse(
    String(
      record.followUp?.additionalAid && (record.followUp.additionalAid as { amountYuan: string }).amountYuan,
    ),
  );
  let amount: Yuan | undefined;
  if (request.decision === "approve") {
    amount = Yuan.parse(request.amountYuan);
    if (!amount.isPositive() || amount.greaterThan(proposed)) {
      throw new BusinessRuleError(
        `The approved amount must be more than zero and at most the proposed ${proposed.format()}`,
        `批准金额须大于零且不超过拟议金额 ${proposed.format()}`,
        {
          fields: [
            {
              path: "amountYuan",
              message: `at most ${proposed.format()}`,
              messageZh: `不超过 ${proposed.format()}`,
            },
          ],
        },
      );
    }
  }
  return decide(deps, {
    actor,
    action,
    record,
    taskType: "additional-aid-approval",
    decision: {
      decision: request.decision,
      level,
      ...(amount ? { amountYuan: amount.toString() } : {}),
      ...(request.reason ? { reason: request.reason } : {}),
    },
    output: { outcome: request.decision === "approve" ? "approved" : "rejected", purpose: "follow-up" },
    caseSet: (recorded) => ({
      additionalAid: { ...recorded.decision, decidedBy: recorded.decidedBy, decidedAt: recorded.decidedAt },
    }),
    ...(request.decision === "approve" ? { status: "paying" as const } : {}),
    why: request.reason ?? `additional aid ${request.decision}d (${level})`,
    correlationId,
    also: async (recorded) => {
      if (recorded.decision.decision !== "approve") return;
      await deps.payments.openObligation({
        caseId,
        purpose: "follow-up",
        countyCode: record.countyId,
        township: record.townshipId,
        fund: fundIdOf(record.townshipId),
        amountYuan: String(recorded.decision.amountYuan),
      });
    },
  });
}

// ─── recovery receipt (追回, DOMAIN §3.5) ─────────────────────────────────────────────────────────

export const RecoveryReceiptSchema = z
  .object({
    amountYuan: YuanText,
    reference: z.string().trim().min(1).max(200),
    note: z.string().max(500).optional(),
  })
  .strict();
export type RecoveryReceiptRequest = z.output<typeof RecoveryReceiptSchema>;

export async function recordRecoveryReceipt(
  deps: FlowDeps,
  actor: Actor,
  caseId: string,
  request: RecoveryReceiptRequest,
  correlationId: string,
): Promise<DecisionResponse> {
  const record = await deps.cases.get(caseId);
  authorizeOnCase(actor, "recovery.record", record);
  await currentTaskOrConflict(deps, record, "recovery");
  const amount = Yuan.parse(request.amountYuan);
  const receivable = Yuan.parse(String(record.recovery?.receivableYuan ?? "0"));
  if (!amount.isPositive() || amount.greaterThan(receivable)) {
    throw new BusinessRuleError(
      `The recovered amount must be more than zero and at most the receivable ${receivable.format()}`,
      `追回金额须大于零且不超过应追回金额 ${receivable.format()}`,
      {
        fields: [
          {
            path: "amountYuan",
            message: `at most ${receivable.format()}`,
            messageZh: `不超过 ${receivable.format()}`,
          },
        ],
      },
    );
  }
  return decide(deps, {
    actor,
    action: "recovery.record",
    record,
    taskType: "recovery",
    decision: {
      amountYuan: amount.toString(),
      reference: request.reference,
      ...(request.note ? { note: request.note } : {}),
    },
    output: { amountYuan: amount.toString() },
    caseSet: (recorded) => ({
      recovery: {
        ...record.recovery,
        recoveredYuan: amount.toString(),
        reference: request.reference,
        recordedBy: recorded.decidedBy,
        status: "recovered",
      },
    }),
    handledBy: [actor.userId],
    why: "money recovered",
    correlationId,
  });
}

// ─── fund replenished: resume the payments waiting for money (DOMAIN §4.4, §6) ───────────────────

export async function resumeFundWait(
  deps: FlowDeps,
  actor: Actor,
  caseId: string,
  correlationId: string,
  /** The top-up (its ledger entry id) that resumes the case: two top-ups are two decisions, one wins. */
  topUpEntryId?: string,
): Promise<DecisionResponse> {
  const record = await deps.cases.get(caseId);
  authorizeOnCase(actor, "fund.allocate", record);
  await currentTaskOrConflict(deps, record, "fund-replenishment");
  return decide(deps, {
    actor,
    action: "fund.allocate",
    record,
    taskType: "fund-replenishment",
    decision: { resumed: true, ...(topUpEntryId ? { topUp: topUpEntryId } : {}) },
    output: { resumed: true },
    caseSet: () => ({}),
    status: "paying",
    expectStatus: ["awaiting-fund-replenishment"],
    why: "fund replenished; payment retried",
    correlationId,
  });
}
