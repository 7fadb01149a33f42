/**
 * `GET /cases` over HTTP on the local runtime (issue 10 §1): cases filed through `POST /cases`,
 * listed by deadline with filters and an opaque cursor, scoped by role and township (DOMAIN §1) and
 * masked per role — county finance sees money, not names, ID numbers, phones or narratives; the
 * auditor sees everything with personal data masked.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHENGGUAN, HEDONG } from "#local/seed/demo-county.ts";
import type { ApiClient } from "#test/e2e/support/api.ts";
import { type FlowAWorld, startFlowAWorld } from "#test/integration/flow-a/world.ts";
import { allPages, fileCase, filingFor, type ListPage, person } from "./support.ts";

type Item = Record<string, unknown> & { caseId: string; dueAt: string | null; townshipId: string };
/** What a list item shows of a case (the fields these tests look at). */
interface Shown {
  applicant?: { name: string; document: { numberMasked: string }; phoneMasked?: string; address?: string };
  description?: string;
  amounts: Record<string, string>;
}

const HOUR_MS = 3_600_000;
let world: FlowAWorld;
const chengguanCases: string[] = [];
const hedongCases: string[] = [];
const expenditureCases: string[] = [];
let officer: ApiClient;

beforeAll(async () => {
  world = await startFlowAWorld({ label: "q-list" });
  officer = await world.signIn("officer-chengguan-1");
  const hedongOfficer = await world.signIn("officer-hedong-1");
  // Five cases in 城关镇, one hour apart (so their advance-decision deadlines differ), two in 河东乡.
  const causes = ["fire", "medical", "flood", "traffic-accident", "medical"];
  for (const [index, cause] of causes.entries()) {
    const caseId = await fileCase(world, officer, filingFor(CHENGGUAN.townshipId, person(index + 1), cause));
    chengguanCases.push(caseId);
    if (cause === "medical") expenditureCases.push(caseId);
    await world.clock.advanceBy(HOUR_MS);
  }
  for (const n of [6, 7]) {
    hedongCases.push(await fileCase(world, hedongOfficer, filingFor(HEDONG.townshipId, person(n), "fire")));
    await world.clock.advanceBy(HOUR_MS);
  }
}, 120_000);

afterAll(async () => {
  await world?.close();
});

function dueOrder(items: readonly Item[]): string[] {
  return items.map((i) => i.dueAt ?? "");
}

describe("case list of a township, by deadline", () => {
  it("lists the officer's own township, earliest advance-decision deadline first", async () => {
    // Act
    const response = await officer.get<ListPage<Item>>("/cases");

    // Assess
    expect(response.status).toBe(200);
    const items = response.body.items;
    expect(items.map((i) => i.caseId)).toEqual(chengguanCases);
    expect(items.every((i) => i.townshipId === CHENGGUAN.townshipId)).toBe(true);
    expect(dueOrder(items)).toEqual([...dueOrder(items)].sort());
    expect(items.every((i) => typeof i.dueAt === "string")).toBe(true);
    // What each case waits for, and by when: the open advance decision, due at the case's deadline.
    for (const item of items as unknown as (Item & { nextStep: { taskType: string; dueAt: string } })[]) {
      expect(item.nextStep).toMatchObject({ taskType: "advance-decision", dueAt: item.dueAt });
    }
    expect(response.body.nextCursor).toBeUndefined();
  });

  it("pages with an opaque cursor: two at a time, every case once, in deadline order", async () => {
    // Act
    const { pages, items } = await allPages<Item>(officer, "/cases?limit=2");

    // Assess
    expect(pages.map((p) => p.items.length)).toEqual([2, 2, 1]);
    expect(items.map((i) => i.caseId)).toEqual(chengguanCases);
    const cursor = pages[0]?.nextCursor ?? "";
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(cursor).not.toContain(CHENGGUAN.townshipId);
  });

  it("refuses a cursor handed to another filter set (400) and a limit out of bounds", async () => {
    // Prepare
    const first = await officer.get<ListPage<Item>>("/cases?limit=2");
    const cursor = first.body.nextCursor ?? "";

    // Act
    const otherFilter = await officer.get(`/cases?limit=2&hardshipType=urgent&cursor=${cursor}`);
    const tooMany = await officer.get("/cases?limit=101");
    const none = await officer.get("/cases?limit=0");
    const forged = await officer.get("/cases?cursor=not-a-cursor");

    // Assess
    expect(otherFilter.status).toBe(400);
    expect(otherFilter.text).toContain("cursor");
    expect(tooMany.status).toBe(400);
    expect(none.status).toBe(400);
    expect(forged.status).toBe(400);
  });
});

describe("filters", () => {
  it("hardship type: only the expenditure (支出型) cases", async () => {
    const response = await officer.get<ListPage<Item>>("/cases?hardshipType=expenditure");
    expect(response.status).toBe(200);
    expect(response.body.items.map((i) => i.caseId)).toEqual(expenditureCases);
  });

  it("status: the cases waiting for an advance decision; none closed", async () => {
    const waiting = await officer.get<ListPage<Item>>("/cases?status=awaiting-advance-decision");
    const closed = await officer.get<ListPage<Item>>("/cases?status=closed,withdrawn");
    const unknown = await officer.get("/cases?status=sleeping");
    expect(waiting.body.items.map((i) => i.caseId)).toEqual(chengguanCases);
    expect(closed.status).toBe(200);
    expect(closed.body.items).toEqual([]);
    expect(unknown.status).toBe(400);
  });

  it("deadline: only cases due before the given time, paged the same way", async () => {
    // Prepare: between the second and the third case's deadline
    const all = (await officer.get<ListPage<Item>>("/cases")).body.items;
    const third = Date.parse(all[2]?.dueAt ?? "");
    const dueBefore = new Date(third - 1).toISOString();

    // Act
    const { items } = await allPages<Item>(
      officer,
      `/cases?limit=1&dueBefore=${encodeURIComponent(dueBefore)}`,
    );

    // Assess
    expect(items.map((i) => i.caseId)).toEqual(chengguanCases.slice(0, 2));
  });
});

describe("scope by role and township", () => {
  it("an officer of another township is refused 城关镇 and never sees its cases", async () => {
    const hedongOfficer = await world.signIn("officer-hedong-1");
    const named = await hedongOfficer.get(`/cases?township=${CHENGGUAN.townshipId}`);
    const own = await hedongOfficer.get<ListPage<Item>>("/cases");
    expect(named.status).toBe(403);
    expect(own.body.items.map((i) => i.caseId)).toEqual(hedongCases);
  });

  it("county civil affairs lists every township of the county by deadline, and no other county", async () => {
    const county = await world.signIn("county-civil-1");
    const { items } = await allPages<Item>(county, "/cases?limit=3");
    const otherCounty = await county.get("/cases?township=230999100");
    expect(items.map((i) => i.caseId)).toEqual([...chengguanCases, ...hedongCases]);
    expect(dueOrder(items)).toEqual([...dueOrder(items)].sort());
    expect(otherCounty.status).toBe(403);
  });

  it("applicants have no case list (their own cases are /me/cases)", async () => {
    const applicant = await world.signIn("applicant-zhang");
    const response = await applicant.get("/cases");
    expect(response.status).toBe(403);
  });
});

describe("masking per role", () => {
  it("township staff see the applicant, the narrative and the amounts; the ID number only masked", async () => {
    const response = await officer.get<ListPage<Item>>("/cases?limit=1");
    const item = response.body.items[0] as unknown as Shown;
    const who = person(1);
    expect(item.applicant?.name).toBe(who.name);
    expect(item.applicant?.document.numberMasked).toBe(
      `${who.idNumber.slice(0, 4)}**********${who.idNumber.slice(-4)}`,
    );
    expect(item.applicant?.phoneMasked).toBe(`${who.phone.slice(0, 3)}****${who.phone.slice(-4)}`);
    expect(item.description).toContain("测试案情");
    expect(item.amounts.requestedYuan).toBe("800.00");
    expect(response.text).not.toContain(who.idNumber);
    expect(response.text).not.toContain(who.phone);
    expect(response.text).not.toContain(who.account);
  });

  it("county finance sees the money of every case, and no name, ID, phone, address or narrative", async () => {
    // Act
    const finance = await world.signIn("finance-1");
    const response = await finance.get<ListPage<Item> & { view: string }>("/cases?limit=100");

    // Assess
    expect(response.status).toBe(200);
    expect(response.body.view).toBe("finance");
    expect(response.body.items.map((i) => i.caseId)).toEqual([...chengguanCases, ...hedongCases]);
    for (const item of response.body.items as unknown as Shown[]) {
      expect(Object.keys(item)).not.toEqual(expect.arrayContaining(["applicant"]));
      expect(item.description).toBeUndefined();
      expect(Object.keys(item)).not.toEqual(expect.arrayContaining(["tasks"]));
      expect(item.amounts.requestedYuan).toBe("800.00");
    }
    for (let n = 1; n <= 7; n += 1) {
      const who = person(n);
      expect(response.text).not.toContain(who.name);
      expect(response.text).not.toContain(who.idNumber.slice(-4) + '"');
      expect(response.text).not.toContain(who.phone.slice(-4));
    }
    expect(response.text).not.toContain("测试案情");
    expect(response.text).not.toContain("幸福路");
  });

  it("the auditor reads every case with names, phones and addresses masked, the narrative kept", async () => {
    const auditor = await world.signIn("auditor-1");
    const response = await auditor.get<ListPage<Item>>(`/cases?township=${CHENGGUAN.townshipId}&limit=1`);
    const item = response.body.items[0] as unknown as Shown;
    const who = person(1);
    expect(response.status).toBe(200);
    expect(item.applicant?.name).toBe(`${who.name.slice(0, 1)}**`);
    const address = "黑龙江省哈尔滨市示例县城关镇幸福路 8 号";
    expect(item.applicant?.address).toBe(`黑龙江省哈尔${"*".repeat([...address].length - 6)}`);
    expect(item.applicant?.phoneMasked).toBe(`${who.phone.slice(0, 3)}****${who.phone.slice(-4)}`);
    expect(item.description).toContain("测试案情");
    expect(response.text).not.toContain(who.name);
    expect(response.text).not.toContain("幸福路");
  });
});
