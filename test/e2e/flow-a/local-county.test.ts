/**
 * Flow A end to end on the whole local county exactly as `npm start` composes it (local/services.ts):
 * demo seed, bank simulator with signed requests and its own settlement delays, the API server, the
 * state machine on an ACCELERATED clock — observed only through HTTP (`GET /cases/{id}/progress`).
 */
import { GetExecutionHistoryCommand, SFNClient } from "@aws-sdk/client-sfn";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { resetConfig } from "#functions/runtime/config.ts";
import { resetFlowDeps } from "#functions/services/deps.ts";
import { type LocalCounty, startLocalCounty } from "#local/services.ts";
import { type ApiClient, signIn } from "#test/e2e/support/api.ts";

interface Progress {
  case: { status: string; outcome?: { totalPaidYuan: string } };
  tasks: Array<{ taskType: string; status: string }>;
  payments: Array<{
    obligation: { status: string };
    attempts: Array<{ status: string; payee?: { accountMasked: string } }>;
  }>;
}

let county: LocalCounty;

beforeAll(async () => {
  county = await startLocalCounty({
    dynamoEndpoint: inject("dynamoEndpoint"),
    tablePrefix: `fa-e2e-${Math.random().toString(36).slice(2, 8)}-`,
    clock: { mode: "accelerated", speed: 60 },
    workflows: [{ name: "flow-a", file: "workflows/flow-a.asl.json" }],
  });
  resetConfig();
  resetFlowDeps();
});

afterAll(async () => {
  await county?.stop();
  resetFlowDeps();
});

async function until(
  client: ApiClient,
  caseId: string,
  check: (p: Progress) => boolean,
  what: string,
): Promise<Progress> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const progress = await client.get<Progress>(`/cases/${caseId}/progress`);
    if (progress.status === 200 && check(progress.body)) return progress.body;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${progress.text}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const openTask = (type: string) => (p: Progress) =>
  p.tasks.some((t) => t.taskType === type && t.status === "open");

describe("Flow A on the local county (npm start composition)", () => {
  it("file → approve → paid by the bank → paperwork → closed, visible through the API", async () => {
    // Prepare
    const applicant = await signIn(county.apiUrl, "applicant-zhang");
    const approver = await signIn(county.apiUrl, "approver-chengguan");
    const officer = await signIn(county.apiUrl, "officer-chengguan-1");

    // Act
    const filed = await applicant.post<{ caseId: string }>(
      "/cases",
      {
        townshipId: "230123100",
        hardship: { cause: "fire" },
        description: "房屋失火",
        requestedAmountYuan: "800.00",
        applicant: {
          name: "张伟",
          document: { type: "resident-id", number: "230123198001011238" },
          registration: { countyCode: "230123" },
        },
        bankAccount: { holderName: "张伟", bankName: "农村信用社", account: "6217000012345678" },
      },
      { idempotencyKey: "e2e-file-1" },
    );
    expect(filed.status, filed.text).toBe(201);
    const caseId = filed.body.caseId;
    await until(applicant, caseId, openTask("advance-decision"), "the advance decision task");
    const approved = await approver.post(
      `/cases/${caseId}/advance-decision`,
      { decision: "approve", amountYuan: "800.00" },
      { idempotencyKey: "e2e-approve-1" },
    );
    const paid = await until(
      officer,
      caseId,
      openTask("paperwork"),
      "the paperwork task after the bank confirmed",
    );
    // The visit is today on the county's business clock; the second investigator confirms it.
    const visitedAt = new Date(county.runtime.clock.nowMs()).toISOString();
    const paperwork = await officer.post(
      `/cases/${caseId}/paperwork`,
      {
        investigators: [
          { userId: "officer-chengguan-1", visitedAt },
          { userId: "officer-chengguan-2", visitedAt },
        ],
        economicCheck: { result: "eligible" },
        facts: "入户核实属实",
        goodFaithBasis: "现场照片及村委会证明",
      },
      { idempotencyKey: "e2e-paperwork-1" },
    );
    const coSigned = await (await signIn(county.apiUrl, "officer-chengguan-2")).post(
      `/cases/${caseId}/paperwork/co-sign`,
      { decision: "confirm" },
      { idempotencyKey: "e2e-co-sign-1" },
    );
    await until(officer, caseId, openTask("follow-up"), "the follow-up task");
    const closed = await officer.post(
      `/cases/${caseId}/follow-up`,
      { close: { summary: "结案" } },
      { idempotencyKey: "e2e-close-1" },
    );
    const final = await until(applicant, caseId, (p) => p.case.status === "closed", "the case to close");

    // Assess
    expect(approved.status, approved.text).toBe(200);
    expect(paid.payments[0]?.obligation.status).toBe("paid");
    expect(paid.payments[0]?.attempts[0]?.payee?.accountMasked).toBe("****5678");
    expect(paperwork.status, paperwork.text).toBe(202);
    expect(coSigned.status, coSigned.text).toBe(200);
    expect(closed.status, closed.text).toBe(200);
    expect(final.case.outcome?.totalPaidYuan).toBe("800.00");
    const sfn = new SFNClient({
      endpoint: county.runtime.sfnEndpoint,
      region: "cn-north-1",
      credentials: { accessKeyId: "l", secretAccessKey: "l" },
    });
    const arn = `${(county.runtime.stateMachines["flow-a"] as string).replace(":stateMachine:", ":execution:")}:${caseId}-1`;
    const history = await sfn.send(new GetExecutionHistoryCommand({ executionArn: arn }));
    sfn.destroy();
    const entered = (history.events ?? []).filter((e) => e.type?.endsWith("StateEntered")).length;
    console.log(`Flow A on the local county: ${entered} state transitions`);
    expect(entered).toBeLessThanOrEqual(15);
  });
});
