/**
 * One dependency graph per process: the flows and county finance draw on a fund through the same
 * ledger writer (its group commit batches a fund's entries; two writers would race for the head).
 */
import { afterAll, beforeEach, describe, expect, it, vi } from "vitest";
import { resetConfig } from "#functions/runtime/config.ts";
import { flowDeps, processAdapters, resetFlowDeps } from "#functions/services/deps.ts";
import { financeDeps } from "#functions/services/finance/deps.ts";

const previousEnv = { ...process.env };

function configure(prefix: string): void {
  Object.assign(process.env, {
    AIDFLOW_RUNTIME: "local",
    AIDFLOW_TABLE_MAIN: `${prefix}-main`,
    AIDFLOW_TABLE_LEDGER: `${prefix}-ledger`,
    AIDFLOW_IDENTITY_HASH_KEY: "process-wiring-identity-hash-key-0123",
    AIDFLOW_DOCUMENTS_DIR: "/tmp/aidflow-process-wiring",
    AWS_REGION: "cn-north-1",
  });
  delete process.env.AIDFLOW_FUNCTION;
  resetConfig();
}

beforeEach(() => {
  resetFlowDeps();
  configure("wiring");
});

afterAll(() => {
  process.env = previousEnv;
  resetConfig();
  resetFlowDeps();
});

describe("one dependency graph per process", () => {
  it("the flows and finance share the process's DynamoDB client and ledger writer", async () => {
    const { client, ledgerWriter } = processAdapters();
    expect(financeDeps().writer).toBe(ledgerWriter);
    expect(financeDeps().client).toBe(client);
    const submit = vi.spyOn(ledgerWriter, "submit").mockResolvedValue({ status: "duplicate" } as never);
    await expect(
      flowDeps().ledger.submit({
        entryId: "e-1",
        townshipId: "230123100",
        kind: "draw",
        amountYuan: "100.00",
        reference: { caseId: "c-1" },
      } as never),
    ).resolves.toBe("duplicate");
    expect(submit).toHaveBeenCalledWith(expect.objectContaining({ entryId: "e-1", fundId: "230123100" }));
  });

  it("a new configuration (the local server's restart, a test's tables) gets a new graph for both", () => {
    const before = processAdapters().ledgerWriter;
    expect(financeDeps().writer).toBe(before);
    configure("wiring-2");
    const after = processAdapters().ledgerWriter;
    expect(after).not.toBe(before);
    expect(financeDeps().writer).toBe(after);
    expect(flowDeps()).toBe(flowDeps());
  });
});
