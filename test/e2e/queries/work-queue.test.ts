/**
 * `GET /work-queue` over HTTP on the local runtime (issue 11 §2): each signed-in user's open human
 * tasks, earliest deadline first — advance decisions for the township approver, paperwork for the
 * officer, escalations for county civil affairs — with case id, task type, deadline, overdue flag and
 * township, and never a task token. Roles without a queue are refused.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHENGGUAN, HEDONG } from "#local/seed/demo-county.ts";
import type { ApiClient } from "#test/e2e/support/api.ts";
import { approveAndPay, type FlowAWorld, startFlowAWorld } from "#test/integration/flow-a/world.ts";
import { allPages, fileCase, filingFor, type ListPage, person } from "./support.ts";

interface WorkItem {
  caseId: string;
  taskType: string;
  category: string;
  townshipId: string;
  dueAt: string | null;
  overdue: boolean;
  escalated: boolean;
}

const HOUR_MS = 3_600_000;
let world: FlowAWorld;
let approver: ApiClient;
let officer: ApiClient;
const chengguanCases: string[] = [];
let hedongCase = "";

beforeAll(async () => {
  world = await startFlowAWorld({ label: "q-queue" });
  approver = await world.signIn("approver-chengguan");
  officer = await world.signIn("officer-chengguan-1");
  for (const n of [11, 12, 13]) {
    chengguanCases.push(await fileCase(world, officer, filingFor(CHENGGUAN.townshipId, person(n), "fire")));
    await world.clock.advanceBy(HOUR_MS);
  }
  const hedongOfficer = await world.signIn("officer-hedong-1");
  hedongCase = await fileCase(world, hedongOfficer, filingFor(HEDONG.townshipId, person(14), "flood"));
}, 120_000);

afterAll(async () => {
  await world?.close();
});

describe("the township approver's queue", () => {
  it("lists the advance decisions of their township, earliest deadline first, without tokens", async () => {
    // Act
    const response = await approver.get<ListPage<WorkItem>>("/work-queue");

    // Assess
    expect(response.status).toBe(200);
    const items = response.body.items;
    expect(items.map((i) => i.caseId)).toEqual(chengguanCases);
    expect(items.every((i) => i.taskType === "advance-decision" && i.category === "advance-decision")).toBe(
      true,
    );
    expect(items.every((i) => i.townshipId === CHENGGUAN.townshipId && i.overdue === false)).toBe(true);
    const deadlines = items.map((i) => i.dueAt ?? "");
    expect(deadlines).toEqual([...deadlines].sort());
    expect(response.text).not.toContain(hedongCase);
    for (const caseId of chengguanCases) {
      const task = await world.deps.tasks.current(caseId, "advance-decision");
      const token = await world.deps.tasks.tokenOf(caseId, task?.taskId ?? "");
      expect(token).toBeTruthy();
      expect(response.text).not.toContain(token as string);
    }
    expect(response.text.toLowerCase()).not.toContain("token");
  });

  it("pages one task at a time with the cursor", async () => {
    const { pages, items } = await allPages<WorkItem>(approver, "/work-queue?limit=1");
    expect(pages.length).toBe(3);
    expect(items.map((i) => i.caseId)).toEqual(chengguanCases);
  });
});

describe("the officer's queue after an advance is paid", () => {
  it("shows the paperwork due, and the task-type filter keeps to it", async () => {
    // Prepare
    const [first] = chengguanCases;
    await approveAndPay(world, approver, first as string, "600.00");

    // Act
    const queue = await officer.get<ListPage<WorkItem>>("/work-queue");
    const paperwork = await officer.get<ListPage<WorkItem>>("/work-queue?taskType=paperwork");
    const approverQueue = await approver.get<ListPage<WorkItem>>("/work-queue");

    // Assess
    expect(queue.body.items).toEqual([
      expect.objectContaining({
        caseId: first,
        taskType: "paperwork",
        category: "paperwork",
        overdue: false,
      }),
    ]);
    expect(Date.parse(queue.body.items[0]?.dueAt ?? "")).toBeGreaterThan(world.clock.nowMs());
    expect(paperwork.body.items.map((i) => i.caseId)).toEqual([first]);
    expect(approverQueue.body.items.map((i) => i.caseId)).toEqual(chengguanCases.slice(1));
  });
});

describe("scope", () => {
  it("township staff cannot look into another township's queue; auditors and applicants have none", async () => {
    const hedongOfficer = await world.signIn("officer-hedong-1");
    const other = await hedongOfficer.get(`/work-queue?township=${CHENGGUAN.townshipId}`);
    const auditor = await (await world.signIn("auditor-1")).get("/work-queue");
    const applicant = await (await world.signIn("applicant-zhang")).get("/work-queue");
    const finance = await (await world.signIn("finance-1")).get<ListPage<WorkItem>>("/work-queue");
    expect(other.status).toBe(403);
    expect(auditor.status).toBe(403);
    expect(applicant.status).toBe(403);
    expect(finance.status).toBe(200);
    expect(finance.body.items).toEqual([]);
  });
});

describe("escalations reach the county", () => {
  it("advance decisions nobody took in time move to county civil affairs' queue, escalated, and leave the township approver's", async () => {
    // Prepare
    const county = await world.signIn("county-civil-1");
    const before = await county.get<ListPage<WorkItem>>("/work-queue");
    const policy = await world.deps.policy.resolve(
      "230123",
      CHENGGUAN.townshipId,
      new Date(world.clock.nowMs()),
    );
    const waiting = [...chengguanCases.slice(1), hedongCase];

    // Act
    await world.clock.advanceBy(policy.advanceResponseTimeHours * HOUR_MS + 1_000);
    for (const caseId of waiting) {
      await world.eventually(async () => {
        const task = await world.deps.tasks.current(caseId, "advance-decision");
        return task?.escalated && task.status === "open" ? task : undefined;
      }, `the escalated advance task of ${caseId}`);
    }
    const after = await county.get<ListPage<WorkItem>>("/work-queue");
    const hedongApprover = await (await world.signIn("approver-hedong")).get<ListPage<WorkItem>>(
      "/work-queue",
    );

    // Assess
    expect(before.body.items).toEqual([]);
    expect(after.status).toBe(200);
    expect(new Set(after.body.items.map((i) => i.caseId))).toEqual(new Set(waiting));
    expect(after.body.items.every((i) => i.escalated && i.taskType === "advance-decision")).toBe(true);
    const deadlines = after.body.items.map((i) => i.dueAt ?? "");
    expect(deadlines).toEqual([...deadlines].sort());
    // Escalated, the county decides (DOMAIN §3.2): a township decision would be a 409.
    expect(hedongApprover.body.items.map((i) => i.caseId)).toEqual([]);
  });
});
