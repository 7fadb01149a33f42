/**
 * A stored case record for tests that drive a step's service directly (a scripted Step Functions
 * port, no API): a Flow A fire case of 城关镇 filed by its officer, waiting for the advance decision;
 * `overrides` make it another flow, township, status or applicant.
 */
import type { CaseRecord } from "#adapters/case-store.ts";

export function storedCaseRecord(
  caseId: string,
  filedAtMs: number,
  overrides: Partial<CaseRecord> = {},
): CaseRecord {
  return {
    caseId,
    countyId: "230123",
    townshipId: "230123100",
    status: "awaiting-advance-decision",
    flow: "A",
    hardship: { kind: "urgent", cause: "fire" },
    description: "房屋失火，急需生活救助",
    applicant: {
      name: "张伟",
      document: { type: "resident-id", numberMasked: "2301**********1238" },
      personKey: `pk-${caseId}`,
      registration: {},
      local: true,
    },
    payout: { method: "bank" },
    filedBy: { userId: "officer-chengguan-1", onBehalf: true },
    filedAt: new Date(filedAtMs).toISOString(),
    policyVersionId: "230123-2026-01",
    correlationId: `corr-${caseId}`,
    handledBy: ["officer-chengguan-1"],
    flags: {},
    version: 1,
    ...overrides,
  };
}
