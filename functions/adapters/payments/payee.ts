/**
 * Payee rules (DOMAIN §3.3). Pure helpers apart from the keyed hash.
 * - Aid goes to the applicant's own account: the account holder's name must match the applicant.
 * - A guardian or agent payee (a minor, an incapacitated person, someone in hospital) is an explicit
 *   exception with a written reason, kept for the audit trail.
 * - A bank account is personal data (DOMAIN §7): stored and compared only as a keyed hash, shown
 *   only masked (last 4 digits).
 */
import { createHmac } from "node:crypto";
import { ValidationError } from "#core/errors.ts";
import { PayeeRuleError } from "./errors.ts";

export type PayeeKind = "applicant" | "guardian" | "agent";

export interface PayeeInput {
  kind: PayeeKind;
  name: string;
  bankAccount: string;
  bankName: string;
  /** Required for a guardian or agent payee: why the money does not go to the applicant. */
  exceptionReason?: string;
}

/** What the payment store keeps of a payee: never the full account. */
export interface PayeeRecord {
  kind: PayeeKind;
  name: string;
  bankName: string;
  accountMasked: string;
  accountHash: string;
  exceptionReason?: string;
}

/** A reason short enough to be written by rote ("ok", "代领") is not a reason. */
export const MIN_EXCEPTION_REASON_LENGTH = 4;

/** Digits only: people write accounts with spaces or dashes ("6222 0212 …"). */
export function normalizeAccount(raw: string): string {
  const digits = raw.replace(/[\s-]/g, "");
  if (!/^\d{8,32}$/.test(digits)) {
    throw new ValidationError("bank account must be 8–32 digits", "银行账号须为 8–32 位数字", {
      fields: [{ path: "payee.bankAccount", message: "8–32 digits", messageZh: "须为 8–32 位数字" }],
    });
  }
  return digits;
}

/** `****1234`: the only form of an account outside the bank instruction itself. */
export function maskAccount(account: string): string {
  const digits = account.replace(/[\s-]/g, "");
  return `****${digits.slice(-4)}`;
}

/** Keyed hash (HMAC-SHA-256) of the normalized account, for matching without storing the number. */
export function hashAccount(account: string, secret: string): string {
  return createHmac("sha256", secret).update(normalizeAccount(account)).digest("hex");
}

/**
 * Names compared as written on an ID card: Unicode NFKC (full-width letters), no spaces, one middle
 * dot for the transliterated names of minorities and foreigners (·, •, ・ and . all occur).
 */
export function normalizePersonName(name: string): string {
  return name
    .normalize("NFKC")
    .replace(/\s+/g, "")
    .replace(/[·•・.．]/g, "·")
    .toUpperCase();
}

export function namesMatch(a: string, b: string): boolean {
  return normalizePersonName(a) === normalizePersonName(b);
}

/** Checks the payee rules and returns what may be stored. Throws `PayeeRuleError` (422) otherwise. */
export function checkPayee(applicantName: string, payee: PayeeInput, hashSecret: string): PayeeRecord {
  const account = normalizeAccount(payee.bankAccount);
  const reason = payee.exceptionReason?.trim() ?? "";
  if (payee.kind === "applicant") {
    if (!namesMatch(applicantName, payee.name)) {
      throw new PayeeRuleError(
        "The account holder's name does not match the applicant; pay a guardian or agent only as an explicit exception with a reason",
        "收款账户户名与申请人不一致；如需由监护人或代理人收款，须作为例外登记并说明理由",
        {
          fields: [
            {
              path: "payee.name",
              message: "must match the applicant's name",
              messageZh: "户名须与申请人姓名一致",
            },
          ],
        },
      );
    }
  } else if (reason.length < MIN_EXCEPTION_REASON_LENGTH) {
    throw new PayeeRuleError(
      `A ${payee.kind} payee is an exception and needs a reason`,
      payee.kind === "guardian"
        ? "由监护人收款属于例外情形，须说明理由"
        : "由代理人收款属于例外情形，须说明理由",
      {
        fields: [
          {
            path: "payee.exceptionReason",
            message: `at least ${MIN_EXCEPTION_REASON_LENGTH} characters`,
            messageZh: `至少 ${MIN_EXCEPTION_REASON_LENGTH} 个字`,
          },
        ],
      },
    );
  }
  return {
    kind: payee.kind,
    name: payee.name.trim(),
    bankName: payee.bankName.trim(),
    accountMasked: maskAccount(account),
    accountHash: createHmac("sha256", hashSecret).update(account).digest("hex"),
    ...(payee.kind === "applicant" ? {} : { exceptionReason: reason }),
  };
}
