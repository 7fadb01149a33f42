/**
 * The case as any response shows it: the bank account only masked, never the keyed hash of the
 * identity document (DOMAIN §7). Further role-based masking is the HTTP layer's (core/access).
 */
import type { CaseRecord } from "#adapters/case-store.ts";

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
