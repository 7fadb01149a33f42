/**
 * The facts an approver decides with (DOMAIN §2.1, §3.2, §3.5) are read from the progress answer's
 * case record as its schema types it (web/src/api/schema.ts PublicCase): contact, registration as the
 * reader may see it, household, the payee's account, the officer's follow-up proposal. A list row
 * carries no record, so it shows no facts rather than guessed ones.
 */
import { describe, expect, it } from "vitest";
import type { CaseRecord, CaseView } from "../../../web/src/api/types.ts";
import { caseFacts } from "../../../web/src/components/caseFacts.ts";

const RECORD: CaseRecord = {
  caseId: "C20261207-0a1b2c",
  countyId: "230123",
  townshipId: "chengguan",
  status: "awaiting-additional-aid-approval",
  flow: "A",
  hardship: { kind: "urgent", cause: "fire" },
  requestedAmountYuan: "1200.00",
  applicant: {
    name: "赵建华",
    document: { type: "resident-id", numberMasked: "1301**********321X" },
    phoneMasked: "139****5678",
    registration: { countyCode: "130102", province: "河北省", description: "河北省石家庄市户籍" },
    residence: { address: "城关镇幸福路18号" },
    local: false,
  },
  household: [
    { name: "孙丽", relation: "spouse", document: { type: "resident-id", numberMasked: "1301**8" } },
  ],
  duplicateFilingCount: 2,
  payout: {
    method: "bank",
    bank: { holderName: "赵建华", bankName: "中国农业银行示例县支行", accountMasked: "6228********0001" },
  },
  assessment: {
    eligible: true,
    amountYuan: "1000.00",
    approvalLevel: "township",
    paymentMethods: ["bank"],
    reasons: [],
  },
  filedBy: { userId: "officer-chengguan-1", onBehalf: true },
  filedAt: "2026-12-07T15:33:00.000Z",
  policyVersionId: "pv-2026",
  handledBy: ["officer-chengguan-1"],
  flags: { noDocument: false },
  followUp: {
    additionalAid: { amountYuan: "500.00", reason: "房屋修缮仍缺资金" },
    approvalLevel: "township",
    totalAfterYuan: "1500.00",
    paidYuan: "1000.00",
  },
  version: 7,
};

function view(detail?: CaseRecord): CaseView {
  return {
    caseId: RECORD.caseId,
    flow: RECORD.flow,
    status: RECORD.status,
    townshipId: RECORD.townshipId,
    hardshipType: RECORD.hardship.kind,
    ...(detail ? { detail } : {}),
  };
}

describe("the approver's facts from the case record", () => {
  it("reads contact, registration, household, account, suggestion and the officer's proposal", () => {
    expect(caseFacts(view(RECORD))).toEqual({
      requestedAmountYuan: "1200.00",
      suggestedAdvanceYuan: "1000.00",
      phone: "139****5678",
      registration: "河北省 · 河北省石家庄市户籍",
      local: false,
      address: "城关镇幸福路18号",
      household: [{ name: "孙丽", relation: "spouse", documentType: "resident-id", numberMasked: "1301**8" }],
      payoutMethod: "bank",
      bank: { holderName: "赵建华", bankName: "中国农业银行示例县支行", accountMasked: "6228********0001" },
      noDocument: false,
      duplicateFilings: 2,
      proposal: {
        amountYuan: "500.00",
        reason: "房屋修缮仍缺资金",
        totalAfterYuan: "1500.00",
        approvalLevel: "township",
      },
    });
  });

  it("shows registration as a masked reader gets it (the province only), and no address when hidden", () => {
    const masked: CaseRecord = {
      ...RECORD,
      applicant: { ...RECORD.applicant, registration: { province: "河北省" }, residence: {} },
    };
    const facts = caseFacts(view(masked));
    expect(facts.registration).toBe("河北省");
    expect(facts.address).toBeUndefined();
  });

  it("a list row carries no record: no facts, no proposal", () => {
    expect(caseFacts(view())).toEqual({ household: [], noDocument: false, duplicateFilings: 0 });
  });
});
