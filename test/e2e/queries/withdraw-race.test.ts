/**
 * Withdrawal against a decision on the same case, over HTTP on the local runtime (DOMAIN §1, §5):
 * exactly one of them wins, and money moves only for a case that was approved and not withdrawn.
 * A decision already recorded on its task but not yet carried into the case refuses the
 * withdrawal (409); concurrent approvals and withdrawals end each case one way or the other, never
 * `withdrawn` with money drawn nor `paying` with the flow stopped.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { obligationIdFor } from "#adapters/payments/gateway.ts";
import { CHENGGUAN } from "#local/seed/demo-county.ts";
import type { ApiClient } from "#test/e2e/support/api.ts";
import { type FlowAWorld, key, startFlowAWorld } from "#test/integration/flow-a/world.ts";
import { fileCase, filingFor, person } from "./support.ts";

let world: FlowAWorld;
let officer: ApiClient;
let approver: ApiClient;
let auditor: ApiClient;

beforeAll(async () => {
  world = await startFlowAWorld({ label: "q-race" });
  officer = await world.signIn("officer-chengguan-1");
  approver = await world.signIn("approver-chengguan");
  auditor = await world.signIn("county-civil-1");
}, 120_000);

afterAll(async () => {
  await world?.close();
});

async function openCaseFor(n: number, cause: string): Promise<string> {
  const caseId = await fileCase(world, officer, filingFor(CHENGGUAN.townshipId, person(n), cause));
  await world.openTask(caseId, "advance-decision");
  return caseId;
}

async function attemptsDrawn(caseId: string): Promise<number> {
  return (await world.deps.payments.getObligation(obligationIdFor(caseId, "advance")))?.currentAttempt ?? 0;
}

describe("a withdrawal and a decision on the same case", () => {
  it("a decision recorded but not yet carried into the case refuses the withdrawal with 409", async () => {
    // Prepare: the approver's decision is on its task; its effects and the flow have not run yet.
    const caseId = await openCaseFor(31, "fire");
    const task = await world.deps.tasks.current(caseId, "advance-decision");
    expect(task).toBeDefined();
    const recorded = await world.deps.tasks.recordDecision(caseId, task?.taskId as string, {
      decision: { decision: "approve", amountYuan: "500.00" },
      output: { outcome: "approved", amountYuan: "500.00" },
      decidedBy: "approver-chengguan",
      decidedAt: new Date(world.clock.nowMs()).toISOString(),
      requestDigest: "digest-of-the-approval",
    });
    expect(recorded).toBe(true);

    // Act
    const response = await officer.post<{ error: { code: string; messageZh: string; details?: unknown } }>(
      `/cases/${caseId}/withdraw`,
      { reason: "申请人电话告知撤回" },
      key("withdraw"),
    );

    // Assess
    expect(response.status).toBe(409);
    expect(response.text).toContain("being carried out");
    expect(response.text).toContain("正在办理");
    expect((await world.deps.cases.get(caseId)).status).toBe("awaiting-advance-decision");
    expect(await world.executionStatus(caseId)).toBe("RUNNING");
  });

  it("approvals and withdrawals sent at once: on every case exactly one wins, and only approved cases are paid", async () => {
    // Prepare
    const caseIds = [];
    for (const [i, cause] of ["flood", "traffic-accident", "sudden-illness", "crime"].entries()) {
      caseIds.push(await openCaseFor(32 + i, cause));
    }

    // Act: each case gets its approval and its withdrawal at the same moment.
    const answers = await Promise.all(
      caseIds.map(async (caseId, i) => {
        const approve = () =>
          approver.post(
            `/cases/${caseId}/advance-decision`,
            { decision: "approve", amountYuan: "500.00" },
            key("approve"),
          );
        const withdraw = () =>
          officer.post(`/cases/${caseId}/withdraw`, { reason: "申请人已获亲友资助" }, key("withdraw"));
        // Half the cases send the approval first, half the withdrawal: both orders meet on the wire.
        const [approval, withdrawal] =
          i % 2 === 0
            ? await Promise.all([approve(), withdraw()])
            : await Promise.all([withdraw(), approve()]).then(([w, a]) => [a, w] as const);
        return { caseId, approval: approval.status, withdrawal: withdrawal.status };
      }),
    );
    const approved = answers.filter((a) => a.approval === 200).map((a) => a.caseId);
    console.log(`race: ${approved.length} approved, ${answers.length - approved.length} withdrawn`);
    if (approved.length > 0) await world.settleBank(...approved);

    // Assess
    for (const answer of answers) {
      expect(
        [answer.approval, answer.withdrawal].filter((s) => s === 200),
        JSON.stringify(answer),
      ).toHaveLength(1);
      const record = await world.deps.cases.get(answer.caseId);
      if (answer.withdrawal === 200) {
        expect(answer.approval).toBe(409);
        expect(record.status).toBe("withdrawn");
        expect(await attemptsDrawn(answer.caseId)).toBe(0);
        expect(await world.executionStatus(answer.caseId)).toBe("ABORTED");
      } else {
        expect([409, 422]).toContain(answer.withdrawal);
        await world.eventually(
          async () => (await world.deps.cases.get(answer.caseId)).status === "awaiting-paperwork",
          `case ${answer.caseId} paid and waiting for its paperwork`,
        );
        const obligation = await world.deps.payments.getObligation(obligationIdFor(answer.caseId, "advance"));
        expect(obligation?.status).toBe("paid");
      }
    }
  });

  it("the audit trail names whoever decided or withdrew, not only their account id", async () => {
    // Prepare
    const approvedCase = await openCaseFor(36, "fire");
    const withdrawnCase = await openCaseFor(37, "flood");

    // Act
    const approval = await approver.post(
      `/cases/${approvedCase}/advance-decision`,
      { decision: "approve", amountYuan: "500.00" },
      key("approve"),
    );
    const withdrawal = await officer.post(
      `/cases/${withdrawnCase}/withdraw`,
      { reason: "申请人撤回" },
      key("withdraw"),
    );

    // Assess: DOMAIN §7 — who did what, by name.
    expect([approval.status, withdrawal.status]).toEqual([200, 200]);
    const actors = async (caseId: string) =>
      (
        await auditor.get<{ events: { actor: { userId: string; name: string } }[] }>(
          `/audit?resourceType=case&resourceId=${caseId}`,
        )
      ).body.events.map((e) => e.actor);
    expect(await actors(approvedCase)).toContainEqual(
      expect.objectContaining({ userId: "approver-chengguan", name: "陈静" }),
    );
    expect(await actors(withdrawnCase)).toContainEqual(
      expect.objectContaining({ userId: "officer-chengguan-1", name: "王芳" }),
    );
  });
});
