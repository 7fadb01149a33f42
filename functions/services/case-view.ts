/**
 * The case as any response shows it: the bank account only masked, never the keyed hash of the
 * identity document (DOMAIN §7). Further role-based masking is the HTTP layer's (core/access).
 */
import type { CaseRecord } from "#adapters/case-store.ts";
import type { HumanTask } from "#adapters/human-task-store.ts";
import type { Reachability } from "#adapters/sms-delivery-store.ts";
import { UNREACHABLE_NOTICE_ZH } from "#core/messages/delivery.ts";
import type { ResolvedPolicy } from "#core/policy/index.ts";
import {
  AdvanceDecisionSchema,
  type CaseStep,
  FollowUpRecordSchema,
  type PolicyFacts,
  type PublicCase,
} from "./case-answers.ts";

export function publicCaseView(record: CaseRecord): PublicCase {
  const { personKey: _personKey, ...applicant } = record.applicant;
  const { householdKeys: _householdKeys, advance, followUp, ...shown } = record;
  const bank = record.payout.bank;
  return {
    ...shown,
    // Stored as the decision recorded them; read through their declared shapes (a stranger fails loudly).
    ...(advance ? { advance: AdvanceDecisionSchema.loose().parse(advance) } : {}),
    ...(followUp ? { followUp: FollowUpRecordSchema.loose().parse(followUp) } : {}),
    applicant,
    payout: {
      ...record.payout,
      ...(bank
        ? {
            bank: { holderName: bank.holderName, bankName: bank.bankName, accountMasked: bank.accountMasked },
          }
        : {}),
    },
  };
}

/** What a view needs of a task (never its token). */
export type OpenTaskLike = Pick<
  HumanTask,
  "taskType" | "status" | "assigneeRoles" | "escalated" | "overdue" | "openedAt" | "dueAt"
>;

/** A step of the case as every page shows it: what, whose, how late — never its token. */
export function caseStepView(task: OpenTaskLike): CaseStep {
  return {
    taskType: task.taskType,
    status: task.status,
    assigneeRoles: task.assigneeRoles,
    escalated: task.escalated,
    overdue: task.overdue,
    openedAt: task.openedAt,
    dueAt: task.dueAt ?? null,
  };
}

/** A human task of the case as its pages show it: the step and who decided it. */
export function caseTaskView(task: HumanTask) {
  return { ...caseStepView(task), decidedBy: task.decided?.decidedBy ?? null };
}

/**
 * Whether the applicant can be texted: once their number failed for good (core/messages/delivery.ts),
 * the township sees "无法短信联系，请电话联系" on the case and phones instead.
 */
export function smsContactView(reach: Reachability): { smsUnreachable: boolean; smsNoticeZh?: string } {
  return reach.unreachable
    ? { smsUnreachable: true, smsNoticeZh: UNREACHABLE_NOTICE_ZH }
    : { smsUnreachable: false };
}

/**
 * The limits of the policy a case was filed under, beside the decision they bound (DOMAIN §3.2,
 * §3.5): the approver sees the rules' suggested advance, the advance ceiling, the township's approval
 * ceiling and the per-case cap before deciding. The version is named by its effective month only.
 */
export function policyFacts(record: CaseRecord, policy: ResolvedPolicy): PolicyFacts {
  return {
    ...(record.assessment?.amountYuan ? { suggestedAdvanceYuan: record.assessment.amountYuan } : {}),
    advanceCeilingYuan: policy.advanceCeilingYuan.toString(),
    townshipApprovalCeilingYuan: policy.townshipApprovalCeilingYuan.toString(),
    perCaseCapYuan: policy.perCaseCapYuan.toString(),
    cashCeilingYuan: policy.cashCeilingYuan.toString(),
    advanceResponseTimeHours: policy.advanceResponseTimeHours,
    paperworkDeadlineWorkingDays: policy.paperworkDeadlineWorkingDays,
  };
}
