/**
 * The case as any response shows it: the bank account only masked, never the keyed hash of the
 * identity document (DOMAIN §7). Further role-based masking is the HTTP layer's (core/access).
 */
import type { CaseRecord } from "#adapters/case-store.ts";
import type { ResolvedPolicy } from "#core/policy/index.ts";

export function publicCaseView(record: CaseRecord): Record<string, unknown> {
  const { personKey: _personKey, ...applicant } = record.applicant;
  const { householdKeys: _householdKeys, ...shown } = record;
  const bank = record.payout.bank;
  return {
    ...shown,
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

/**
 * The limits of the policy a case was filed under, beside the decision they bound (DOMAIN §3.2,
 * §3.5): the approver sees the rules' suggested advance, the advance ceiling, the township's approval
 * ceiling and the per-case cap before deciding. The version is named by its effective month only.
 */
export function policyFacts(record: CaseRecord, policy: ResolvedPolicy): Record<string, unknown> {
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
