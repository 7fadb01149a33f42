/**
 * For tests that drive a step's service directly with a scripted Step Functions port (no API, no
 * bank): the flow's dependencies on their tables, and a stored case record — a Flow A fire case of
 * 城关镇 filed by its officer, waiting for the advance decision; `overrides` make it another flow,
 * township, status or applicant.
 */
import type { CaseRecord } from "#adapters/case-store.ts";
import type { WorkflowPort } from "#adapters/step-functions.ts";
import { createFlowDeps } from "#functions/services/deps.ts";
import type { FlowDeps } from "#functions/services/ports.ts";
import type { TestTables } from "./dynamo.ts";

/** The flow's dependencies with `workflow` as its Step Functions port and no bank. */
export function scriptedFlowDeps(tables: TestTables, workflow: WorkflowPort, now: () => Date): FlowDeps {
  return createFlowDeps({
    client: tables.client,
    tables: tables.names,
    identityHashKey: "scripted-flow-test-identity-key-000000000",
    payeeHashSecret: "scripted-flow-test-payee-secret-01",
    bankCallbackUrl: () => "http://127.0.0.1:1/bank/callback",
    gateway: () => {
      throw new Error("no bank in this test");
    },
    workflow,
    now,
  });
}

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
