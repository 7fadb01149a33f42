/**
 * The applicant's pages and withdrawal over HTTP on the local runtime (DOMAIN §1: applicants see
 * their own cases and payments, and withdraw): `/me/cases` with the next step and by when,
 * `/me/payments` with the account masked, and `POST /cases/{id}/withdraw` — the case withdrawn via
 * the core lifecycle, its tasks closed, its execution ABORTED, the audit trail appended; refused
 * (422) once a payment is drawn, 409 on a repeat, 403 for anyone else's case.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHENGGUAN } from "#local/seed/demo-county.ts";
import type { ApiClient } from "#test/e2e/support/api.ts";
import { approveAndPay, type FlowAWorld, key, startFlowAWorld } from "#test/integration/flow-a/world.ts";
import { allPages, fileCase, filingFor, type ListPage, person } from "./support.ts";

interface MyCase {
  caseId: string;
  status: string;
  withdrawable: boolean;
  nextStep: { taskType: string; dueAt: string | null; overdue: boolean; waitingOn: string[] } | null;
}
interface MyPayment {
  caseId: string;
  purpose: string;
  amountYuan: string;
  status: string;
  method: string;
  accountMasked: string;
}

const HOUR_MS = 3_600_000;
let world: FlowAWorld;
let zhang: ApiClient;
let li: ApiClient;
let approver: ApiClient;
let officer: ApiClient;
const zhangPerson = person(8);
const liPerson = person(9);
let paidCase = "";
let openCase = "";
let liCase = "";

beforeAll(async () => {
  world = await startFlowAWorld({ label: "q-me" });
  zhang = await world.signIn("applicant-zhang");
  li = await world.signIn("applicant-li");
  approver = await world.signIn("approver-chengguan");
  officer = await world.signIn("officer-chengguan-1");
  paidCase = await fileCase(world, zhang, filingFor(CHENGGUAN.townshipId, zhangPerson, "fire"));
  await world.clock.advanceBy(HOUR_MS);
  openCase = await fileCase(world, zhang, filingFor(CHENGGUAN.townshipId, zhangPerson, "flood"));
  liCase = await fileCase(world, li, filingFor(CHENGGUAN.townshipId, liPerson, "fire"));
  await approveAndPay(world, approver, paidCase, "800.00");
}, 120_000);

afterAll(async () => {
  await world?.close();
});

describe("my cases", () => {
  it("lists only my own cases, newest first, with the next step, by when, and whether I may withdraw", async () => {
    // Act
    const response = await zhang.get<ListPage<MyCase>>("/me/cases");

    // Assess
    expect(response.status).toBe(200);
    const [newest, older] = response.body.items;
    expect(response.body.items.map((c) => c.caseId)).toEqual([openCase, paidCase]);
    expect(newest?.status).toBe("awaiting-advance-decision");
    expect(newest?.nextStep?.taskType).toBe("advance-decision");
    expect(newest?.nextStep?.waitingOn).toEqual(["township-approver"]);
    expect(Date.parse(newest?.nextStep?.dueAt ?? "")).toBeGreaterThan(world.clock.nowMs());
    expect(newest?.withdrawable).toBe(true);
    expect(older?.nextStep?.taskType).toBe("paperwork");
    expect(older?.withdrawable).toBe(false);
    expect(response.text).not.toContain(liCase);
    expect(response.text).not.toContain(zhangPerson.idNumber);
    expect(response.text).not.toContain(zhangPerson.account);
  });

  it("pages one case at a time with the cursor", async () => {
    const { pages, items } = await allPages<MyCase>(zhang, "/me/cases?limit=1");
    expect(pages.length).toBe(2);
    expect(items.map((c) => c.caseId)).toEqual([openCase, paidCase]);
  });

  it("is the applicant's page only: staff are refused", async () => {
    const response = await officer.get("/me/cases");
    expect(response.status).toBe(403);
  });
});

describe("my payments", () => {
  it("shows the paid advance: amount, bank transfer, paid, the account only masked", async () => {
    // Act
    const response = await zhang.get<ListPage<MyPayment>>("/me/payments");
    const others = await li.get<ListPage<MyPayment>>("/me/payments");

    // Assess
    expect(response.status).toBe(200);
    expect(response.body.items).toEqual([
      expect.objectContaining({
        caseId: paidCase,
        purpose: "advance",
        amountYuan: "800.00",
        status: "paid",
        method: "bank",
        accountMasked: `****${zhangPerson.account.slice(-4)}`,
      }),
    ]);
    expect(response.text).not.toContain(zhangPerson.account);
    expect(others.body.items).toEqual([]);
  });
});

describe("withdrawal", () => {
  it("is refused with 422 and a Chinese message once the payment is drawn", async () => {
    // Act
    const response = await zhang.post<{ code: string; messageZh: string }>(
      `/cases/${paidCase}/withdraw`,
      { reason: "已自行解决困难" },
      key("withdraw"),
    );

    // Assess
    expect(response.status).toBe(422);
    expect(response.body.messageZh).toContain("不能撤回");
    expect(await world.executionStatus(paidCase)).toBe("RUNNING");
  });

  it("someone else's case is refused (403): another applicant, and the approver", async () => {
    const byLi = await li.post(`/cases/${openCase}/withdraw`, { reason: "不是我的" }, key("withdraw"));
    const byApprover = await approver.post(
      `/cases/${openCase}/withdraw`,
      { reason: "审批人代撤" },
      key("withdraw"),
    );
    expect(byLi.status).toBe(403);
    expect(byApprover.status).toBe(403);
  });

  it("withdraws my open case: withdrawn, tasks closed, execution ABORTED, audited; a repeat is a 409", async () => {
    // Act
    const response = await zhang.post<{
      status: string;
      onBehalf: boolean;
      tasksClosed: number;
      execution: string;
    }>(`/cases/${openCase}/withdraw`, { reason: "亲友已资助，不再需要救助" }, key("withdraw"));
    const repeat = await zhang.post(`/cases/${openCase}/withdraw`, { reason: "再次撤回" }, key("withdraw"));
    const lateDecision = await approver.post(
      `/cases/${openCase}/advance-decision`,
      { decision: "approve", amountYuan: "500.00" },
      key("approve"),
    );

    // Assess
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      status: "withdrawn",
      onBehalf: false,
      tasksClosed: 1,
      execution: "stopped",
    });
    expect(repeat.status).toBe(409);
    expect(lateDecision.status).toBe(409);
    expect(await world.executionStatus(openCase)).toBe("ABORTED");
    expect(await world.deps.tasks.current(openCase, "advance-decision")).toBeUndefined();
    const record = await world.deps.cases.get(openCase);
    expect(record.status).toBe("withdrawn");
    const county = await world.signIn("county-civil-1");
    const audit = await county.get<{
      events: { action: string; reason?: string; actor: { userId: string; name: string } }[];
    }>(`/audit?resourceType=case&resourceId=${openCase}`);
    expect(audit.body.events.filter((e) => e.action === "case.withdraw")).toEqual([
      expect.objectContaining({
        reason: "亲友已资助，不再需要救助",
        // The trail names the person (DOMAIN §7: who did what), not only the account id.
        actor: expect.objectContaining({ userId: "applicant-zhang", name: "张伟" }),
      }),
    ]);
    const mine = await zhang.get<ListPage<MyCase>>("/me/cases");
    expect(mine.body.items.find((c) => c.caseId === openCase)).toMatchObject({
      status: "withdrawn",
      withdrawable: false,
      nextStep: null,
    });
  });

  it("leaves the person free to apply again for the same cause (the open-case guard is released)", async () => {
    const again = await zhang.post<{ caseId: string; existing: boolean }>(
      "/cases",
      filingFor(CHENGGUAN.townshipId, zhangPerson, "flood"),
      key("file"),
    );
    expect(again.status).toBe(201);
    expect(again.body.caseId).not.toBe(openCase);
    expect(again.body.existing).toBe(false);
  });

  it("an officer of the township withdraws on the applicant's behalf", async () => {
    const response = await officer.post<{ status: string; onBehalf: boolean; withdrawnBy: string }>(
      `/cases/${liCase}/withdraw`,
      { reason: "申请人电话告知撤回，经办人代为办理" },
      key("withdraw"),
    );
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      status: "withdrawn",
      onBehalf: true,
      withdrawnBy: "officer-chengguan-1",
    });
    expect(await world.executionStatus(liCase)).toBe("ABORTED");
  });

  it("a withdrawal without a reason is a 400 that changes nothing", async () => {
    const caseId = await fileCase(world, li, filingFor(CHENGGUAN.townshipId, person(10), "crime"));
    const response = await li.post(`/cases/${caseId}/withdraw`, {}, key("withdraw"));
    expect(response.status).toBe(400);
    expect((await world.deps.cases.get(caseId)).status).toBe("awaiting-advance-decision");
  });
});
