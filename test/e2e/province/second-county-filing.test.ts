/**
 * Issue 22 item 4: an applicant applies where the emergency happened, in any county of the deployment
 * (DOMAIN §2.1). On the local county with both demo counties (示例县, and 示例二县 onboarded through
 * the import path as `npm start` does): the applicant of 示例县 lists the deployment's counties
 * (`GET /counties`, codes and names only) and 示例二县's townships (`GET /townships?countyId=`), files
 * at 东山镇, and the case belongs to 示例二县 — decided by its approver under its own policy (advance
 * ceiling 800), paid from its township's fund — while 示例县's staff neither read its townships nor the
 * case. Staff keep their own county's lists.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { resetConfig } from "#functions/runtime/config.ts";
import { resetFlowDeps } from "#functions/services/deps.ts";
import { seedSecondDemoCounty } from "#local/seed/seed.ts";
import { type LocalCounty, startLocalCounty } from "#local/services.ts";
import { type ApiClient, signIn } from "#test/e2e/support/api.ts";

const SECOND = "230191";
const DONGSHAN = `${SECOND}100`;

interface Progress {
  case: { status: string; countyId: string; townshipId: string };
  policy: { advanceCeilingYuan: string };
  tasks: Array<{ taskType: string; status: string }>;
  payments: Array<{ obligation: { status: string; amountYuan?: string } }>;
}

let county: LocalCounty;
const key = () => randomUUID();

async function until(client: ApiClient, caseId: string, check: (p: Progress) => boolean, what: string) {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const progress = await client.get<Progress>(`/cases/${caseId}/progress`);
    if (progress.status === 200 && check(progress.body)) return progress.body;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${progress.text}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

beforeAll(async () => {
  county = await startLocalCounty({
    dynamoEndpoint: inject("dynamoEndpoint"),
    tablePrefix: `second-county-${Math.random().toString(36).slice(2, 8)}-`,
    clock: { mode: "accelerated", speed: 60 },
    workflows: [{ name: "flow-a", file: "workflows/flow-a.asl.json" }],
  });
  await seedSecondDemoCounty({
    client: county.runtime.dynamo,
    tables: county.runtime.tables,
    nowMs: () => county.runtime.clock.nowMs(),
  });
  resetConfig();
  resetFlowDeps();
}, 180_000);

afterAll(async () => {
  await county?.stop();
  resetFlowDeps();
});

describe("filing in another county of the deployment", () => {
  it("the applicant of 示例县 files at 东山镇 of 示例二县; the case is 示例二县's, paid under its policy", async () => {
    // Prepare
    const applicant = await signIn(county.apiUrl, "applicant-zhang");
    const ownOfficer = await signIn(county.apiUrl, "officer-chengguan-1");
    const ownApprover = await signIn(county.apiUrl, "approver-chengguan");
    const province = await signIn(county.apiUrl, "province-admin-1");
    const staff = await province.get<{ users: Array<{ userId: string; name: string }> }>(
      `/admin/counties/${SECOND}/users`,
    );
    const idOf = (name: string) => staff.body.users.find((u) => u.name === name)?.userId ?? "";
    const approver = await signIn(county.apiUrl, idOf("邱实"));
    const finance = await signIn(county.apiUrl, idOf("贺年"));

    // Act: the lists
    const counties = await applicant.get<{ counties: Array<{ countyId: string; name: string }> }>(
      "/counties",
    );
    const townships = await applicant.get<{ countyId: string; townships: Array<{ name: string }> }>(
      `/townships?countyId=${SECOND}`,
    );
    const unknown = await applicant.get(`/townships?countyId=230999`);
    const staffCounties = await ownOfficer.get<{ counties: Array<{ countyId: string }> }>("/counties");
    const staffOther = await ownOfficer.get(`/townships?countyId=${SECOND}`);
    const staffOwn = await ownOfficer.get<{ countyId: string }>("/townships");

    // Act: filing at 东山镇
    const filed = await applicant.post<{ caseId: string }>(
      "/cases",
      {
        townshipId: DONGSHAN,
        hardship: { cause: "fire" },
        description: "外出务工期间租住房屋失火",
        requestedAmountYuan: "700.00",
        applicant: {
          name: "张伟",
          document: { type: "resident-id", number: "230123198001011238" },
          registration: { countyCode: "230123" },
        },
        bankAccount: { holderName: "张伟", bankName: "农村信用社", account: "6217000012340000" },
      },
      { idempotencyKey: key() },
    );
    expect(filed.status, filed.text).toBe(201);
    const caseId = filed.body.caseId;
    const deciding = await until(
      applicant,
      caseId,
      (p) => p.tasks.some((t) => t.taskType === "advance-decision" && t.status === "open"),
      "the advance decision",
    );
    const byOwnApprover = await ownApprover.post(
      `/cases/${caseId}/advance-decision`,
      { decision: "approve", amountYuan: "700.00" },
      { idempotencyKey: key() },
    );
    const approved = await approver.post(
      `/cases/${caseId}/advance-decision`,
      { decision: "approve", amountYuan: "700.00" },
      { idempotencyKey: key() },
    );
    const paid = await until(
      approver,
      caseId,
      (p) => p.payments.some((payment) => payment.obligation.status === "paid"),
      "the payment",
    );
    const readByOwnOfficer = await ownOfficer.get(`/cases/${caseId}/progress`);
    const funds = await finance.get<{ funds: Array<{ townshipId: string; balanceYuan: string }> }>("/funds");

    // Assess: the lists
    expect(counties.status, counties.text).toBe(200);
    expect(counties.body.counties).toEqual([
      { countyId: "230123", name: "示例县" },
      { countyId: SECOND, name: "示例二县" },
    ]);
    expect(townships.status, townships.text).toBe(200);
    expect(townships.body.countyId).toBe(SECOND);
    expect(townships.body.townships.map((t) => t.name)).toEqual(["东山镇", "西河街道"]);
    expect(unknown.status).toBe(404);
    expect(staffCounties.body.counties.map((c) => c.countyId)).toEqual(["230123"]);
    expect(staffOther.status).toBe(403);
    expect(staffOwn.body.countyId).toBe("230123");
    // Assess: the case is 示例二县's, under its own policy, paid from 东山镇's fund
    expect(deciding.case.townshipId).toBe(DONGSHAN);
    expect(deciding.policy.advanceCeilingYuan).toBe("800.00");
    expect([403, 404]).toContain(byOwnApprover.status);
    expect(approved.status, approved.text).toBe(200);
    expect(paid.case.countyId).toBe(SECOND);
    expect([403, 404]).toContain(readByOwnOfficer.status);
    expect(funds.body.funds.find((f) => f.townshipId === DONGSHAN)?.balanceYuan).toBe("35300.00");
  });
});
