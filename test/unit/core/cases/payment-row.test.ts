/**
 * A case's payment as its applicant and staff read it: one mapping for the server's `GET /me/payments`
 * and the consoles' view of the progress answer (core/cases/payment-row.ts).
 */
import { describe, expect, it } from "vitest";
import { paymentRow } from "#core/cases/payment-row.ts";

const obligation = {
  obligationId: "obl-1",
  purpose: "advance",
  amountYuan: "800.00",
  status: "paid" as const,
  createdAt: "2026-12-01T02:00:00.000Z",
};

describe("paymentRow", () => {
  it("takes the method and masked payee of the last attempt and the settlement of the confirmed one", () => {
    // Prepare
    const attempts = [
      {
        attempt: 1,
        method: "bank" as const,
        status: "failed" as const,
        instructedAt: "2026-12-01T02:01:00.000Z",
        settledAt: "2026-12-01T03:00:00.000Z",
        reason: "账户已销户",
        payee: { bankName: "农业银行", accountMasked: "**** 1111" },
      },
      {
        attempt: 2,
        method: "bank" as const,
        status: "confirmed" as const,
        instructedAt: "2026-12-02T02:01:00.000Z",
        settledAt: "2026-12-02T02:30:00.000Z",
        payee: { bankName: "工商银行", accountMasked: "**** 2222" },
      },
    ];
    // Act
    const row = paymentRow("case-1", obligation, attempts);
    // Assess
    expect(row).toEqual({
      paymentId: "obl-1",
      caseId: "case-1",
      purpose: "advance",
      amountYuan: "800.00",
      status: "paid",
      method: "bank",
      bankName: "工商银行",
      accountMasked: "**** 2222",
      createdAt: "2026-12-01T02:00:00.000Z",
      confirmedAt: "2026-12-02T02:30:00.000Z",
      attempts: [
        {
          attempt: 1,
          method: "bank",
          status: "failed",
          instructedAt: "2026-12-01T02:01:00.000Z",
          settledAt: "2026-12-01T03:00:00.000Z",
          reason: "账户已销户",
        },
        {
          attempt: 2,
          method: "bank",
          status: "confirmed",
          instructedAt: "2026-12-02T02:01:00.000Z",
          settledAt: "2026-12-02T02:30:00.000Z",
          reason: null,
        },
      ],
    });
  });

  it("an obligation not yet attempted has no method, payee or confirmation", () => {
    // Act
    const row = paymentRow("case-1", { ...obligation, status: "open" as const }, []);
    // Assess
    expect(row).toMatchObject({
      method: null,
      bankName: null,
      accountMasked: null,
      confirmedAt: null,
      attempts: [],
    });
  });
});
