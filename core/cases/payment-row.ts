/**
 * One payment of a case as its applicant and staff read it (`GET /me/payments`, the consoles' payment
 * rows): an obligation and its attempts, the last attempt's method and payee (only the masked account
 * exists outside the bank instruction), and when the confirmed attempt settled. Pure and without
 * imports, so the server's answer and the consoles' view of the progress answer are the same mapping.
 */

export interface PaymentRowObligation {
  obligationId: string;
  purpose: string;
  amountYuan: string;
  status: string;
  createdAt: string;
}

export interface PaymentRowAttempt {
  attempt: number;
  method: string;
  status: string;
  instructedAt: string;
  settledAt?: string | null | undefined;
  reason?: string | null | undefined;
  payee?:
    | { bankName?: string | null | undefined; accountMasked?: string | null | undefined }
    | null
    | undefined;
}

/** The row, its status and methods typed as the caller's obligation and attempts declare them. */
export interface PaymentRow<O extends PaymentRowObligation, A extends PaymentRowAttempt> {
  paymentId: string;
  caseId: string;
  purpose: string;
  amountYuan: string;
  status: O["status"];
  method: A["method"] | null;
  bankName: string | null;
  accountMasked: string | null;
  createdAt: string;
  confirmedAt: string | null;
  attempts: Array<{
    attempt: number;
    method: A["method"];
    status: A["status"];
    instructedAt: string;
    settledAt: string | null;
    reason: string | null;
  }>;
}

export function paymentRow<O extends PaymentRowObligation, A extends PaymentRowAttempt>(
  caseId: string,
  obligation: O,
  attempts: readonly A[],
): PaymentRow<O, A> {
  const last = attempts.at(-1);
  const confirmed = attempts.find((a) => a.status === "confirmed");
  return {
    paymentId: obligation.obligationId,
    caseId,
    purpose: obligation.purpose,
    amountYuan: obligation.amountYuan,
    status: obligation.status,
    method: last?.method ?? null,
    bankName: last?.payee?.bankName ?? null,
    accountMasked: last?.payee?.accountMasked ?? null,
    createdAt: obligation.createdAt,
    confirmedAt: confirmed?.settledAt ?? null,
    attempts: attempts.map((a) => ({
      attempt: a.attempt,
      method: a.method,
      status: a.status,
      instructedAt: a.instructedAt,
      settledAt: a.settledAt ?? null,
      reason: a.reason ?? null,
    })),
  };
}
