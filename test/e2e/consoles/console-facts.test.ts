/**
 * What the desktop consoles read to let people decide and finish their work (DOMAIN §3.2, §6):
 * the case's progress names the policy limits beside the decision (suggested advance, advance
 * ceiling, township approval ceiling, per-case cap); the case list finds a case by part of the
 * applicant's name, by its case number in any letter case, or by the whole ID number (only masked
 * numbers are stored); a reconciliation says whether its period is over and whether it was closed.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHENGGUAN } from "#local/seed/demo-county.ts";
import type { ApiClient } from "#test/e2e/support/api.ts";
import { type FlowAWorld, startFlowAWorld } from "#test/integration/flow-a/world.ts";
import { fileCase, filingFor, type ListPage, person } from "../queries/support.ts";

let world: FlowAWorld;
let officer: ApiClient;
const cases: string[] = [];

beforeAll(async () => {
  world = await startFlowAWorld({ label: "consoles-facts" });
  officer = await world.signIn("officer-chengguan-1");
  for (const n of [1, 2, 3]) {
    cases.push(await fileCase(world, officer, filingFor(CHENGGUAN.townshipId, person(n), "fire")));
  }
}, 120_000);

afterAll(async () => {
  await world?.close();
});

type Item = { caseId: string; applicant: { name: string } };

describe("the approver sees the policy's limits beside the decision", () => {
  it("progress carries the suggested advance, the advance ceiling, the township ceiling and the per-case cap", async () => {
    // Act
    const approver = await world.signIn("approver-chengguan");
    const response = await approver.get<{ policy: Record<string, unknown> }>(`/cases/${cases[0]}/progress`);

    // Assess
    expect(response.status, response.text).toBe(200);
    expect(response.body.policy).toMatchObject({
      advanceCeilingYuan: expect.stringMatching(/^\d+\.\d{2}$/),
      townshipApprovalCeilingYuan: expect.stringMatching(/^\d+\.\d{2}$/),
      perCaseCapYuan: expect.stringMatching(/^\d+\.\d{2}$/),
      suggestedAdvanceYuan: expect.stringMatching(/^\d+\.\d{2}$/),
    });
  });
});

describe("the township queue finds a case by name, case number or ID number", () => {
  it("part of a name finds that person's case only", async () => {
    const who = person(2);
    const response = await officer.get<ListPage<Item>>(`/cases?q=${encodeURIComponent(who.name.slice(1))}`);
    expect(response.status, response.text).toBe(200);
    expect(response.body.items.map((i) => i.caseId)).toEqual([cases[1]]);
  });

  it("a case number typed in small letters finds the case", async () => {
    const caseId = cases[2] as string;
    const response = await officer.get<ListPage<Item>>(
      `/cases?q=${encodeURIComponent(caseId.toLowerCase())}`,
    );
    expect(response.status, response.text).toBe(200);
    expect(response.body.items.map((i) => i.caseId)).toEqual([caseId]);
  });

  it("the whole ID number finds the case though only the masked number is stored", async () => {
    const response = await officer.get<ListPage<Item>>(`/cases?q=${person(1).idNumber}`);
    expect(response.status, response.text).toBe(200);
    expect(response.body.items.map((i) => i.caseId)).toEqual([cases[0]]);
  });

  it("a search of an unknown number finds nothing (never everything)", async () => {
    const response = await officer.get<ListPage<Item>>(`/cases?q=${person(9).idNumber}`);
    expect(response.status, response.text).toBe(200);
    expect(response.body.items).toEqual([]);
  });
});

describe("a reconciliation says where its period stands", () => {
  it("the current month is not over: it can be closed only from its end, and nothing is signed yet", async () => {
    // Prepare
    const finance = await world.signIn("finance-1");
    // The world's clock starts on 2 March 2026 (Beijing time).
    const month = "2026-03";

    // Act
    const response = await finance.post<{
      runs: Array<{ townshipId: string; state: Record<string, unknown> }>;
    }>("/reconciliations", { period: month, townshipId: CHENGGUAN.townshipId });

    // Assess
    expect(response.status, response.text).toBe(200);
    const state = response.body.runs[0]?.state;
    expect(state).toMatchObject({ periodOver: false, closableFrom: expect.any(String) });
    expect(state?.close).toBeUndefined();
  });
});
