/**
 * Issue 12 §2: the local county in a child process on disk is killed with SIGKILL in the middle of
 * a surge of Flow A cases, restarted on the same data directory, and the surge finishes: totals
 * before and after agree, nothing is paid twice, no case is lost, the ledger still proves itself.
 */
import { describe, expect, it } from "vitest";
import { formatReport, runRestartSurge } from "../../scripts/restart-surge.ts";

describe("restart durability of the local county", () => {
  it("a surge survives kill -9 of the county: equal totals, 0 double payments, 0 lost cases", {
    timeout: 600_000,
  }, async () => {
    // Act
    const report = await runRestartSurge({ cases: 12, killAfter: 4, concurrency: 4, timeoutMs: 540_000 });
    console.log(formatReport(report));

    // Assess
    expect(report.problems).toEqual([]);
    expect(report.distinctCases).toBe(12);
    expect(report.paidCases).toBe(12);
    expect(report.lostCases).toBe(0);
    expect(report.doublePayments).toBe(0);
    expect(report.totalsEqual).toBe(true);
    expect(report.paidTotal).toBe("1200.00");
    expect(report.bankConfirmedTotal).toBe(report.paidTotal);
    expect(report.ledgerNetDraws).toBe(report.paidTotal);
    expect(report.sumOfEntriesMatches).toBe(true);
    expect(report.balanceCoversCommitted).toBe(true);
    expect(report.chainVerified).toBe(true);
    expect(report.headEqualsReplay).toBe(true);
    expect(report.waitingWithOwnerAndDeadline + report.closed).toBe(12);
    expect(report.resumedExecutions).toBeGreaterThan(0);
  });
});
