/**
 * Disaster mode's household rules (issue 25) on the local county (DynamoDB Local, the real Flow A
 * ASL): a household is registered once per incident — registering it again answers its case
 * (`existing`), a sheet naming it twice is refused whole with both rows named — and under one
 * incident only: the same household under a second incident is a 409 naming the first, on the short
 * form and as a refused row of a sheet whose other rows go on; once an incident has ended nothing is
 * registered under it.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { localDateOf } from "#core/calendar/localDate.ts";
import { resetConfig } from "#functions/runtime/config.ts";
import { resetFlowDeps } from "#functions/services/deps.ts";
import { type LocalCounty, startLocalCounty } from "#local/services.ts";
import { type ApiClient, signIn } from "#test/e2e/support/api.ts";
import { type Household, household, householdWorkbook } from "./support.ts";

const CHENGGUAN = "230123100";

interface Registered {
  caseId: string;
  existing: boolean;
}
interface Refusal {
  code: string;
  message: string;
  messageZh: string;
  fields?: Array<{ path: string; messageZh: string }>;
  details?: { code?: string };
}
interface ImportAnswer {
  households: number;
  refused: number;
  rows: Array<{ row: number; caseId?: string; refused?: { messageZh: string } }>;
}

let county: LocalCounty;
let civil: ApiClient;
let officer: ApiClient;
let sequence = 0;
const key = (label: string) => ({ idempotencyKey: `${label}-${++sequence}` });

beforeAll(async () => {
  county = await startLocalCounty({
    dynamoEndpoint: inject("dynamoEndpoint"),
    tablePrefix: `incident-rules-${Math.random().toString(36).slice(2, 8)}-`,
    clock: { mode: "accelerated", speed: 60 },
    workflows: [{ name: "flow-a", file: "workflows/flow-a.asl.json" }],
  });
  resetConfig();
  resetFlowDeps();
  civil = await signIn(county.apiUrl, "county-civil-1");
  officer = await signIn(county.apiUrl, "officer-chengguan-1");
});

afterAll(async () => {
  await county?.stop();
  resetFlowDeps();
});

async function declare(name: string): Promise<string> {
  const declared = await civil.post<{ incidentId: string }>(
    "/incidents",
    {
      name,
      cause: "flood",
      townshipIds: [CHENGGUAN],
      startDate: localDateOf(new Date()),
      standardAdvanceYuan: "500.00",
    },
    key("declare"),
  );
  expect(declared.status, declared.text).toBe(201);
  return declared.body.incidentId;
}

const register = (incidentId: string, h: Household) =>
  officer.post<Registered & Refusal>(
    `/incidents/${incidentId}/households`,
    { townshipId: CHENGGUAN, name: h.name, document: { type: "resident-id", number: h.idNumber } },
    key("register"),
  );

const importSheet = async (incidentId: string, households: readonly Household[]) =>
  officer.post<ImportAnswer & Refusal>(
    `/incidents/${incidentId}/households/import`,
    { workbook: await householdWorkbook(households) },
    key("import"),
  );

async function caseIdsOf(incidentId: string): Promise<string[]> {
  const answer = await civil.get<{ cases: Array<{ caseId: string }> }>(`/incidents/${incidentId}/cases`);
  expect(answer.status, answer.text).toBe(200);
  return answer.body.cases.map((c) => c.caseId).sort();
}

describe("a household is registered once, under one incident", () => {
  it("again under the same incident answers its case; under another is a 409; a sheet's repeat is refused; none after the end", async () => {
    // Prepare: two incidents over 城关镇, the same cause.
    const first = await declare("12·9 甲村山洪");
    const second = await declare("12·9 乙村内涝");
    const [h0, h1, h2] = [0, 1, 2].map((n) => household(CHENGGUAN, 700 + n)) as [
      Household,
      Household,
      Household,
    ];

    // Act
    const registered = await register(first, h0);
    const again = await register(first, h0);
    const elsewhere = await register(second, h0);
    const repeatedRows = await importSheet(first, [h1, h1]);
    const afterRepeatedRows = await caseIdsOf(first);
    const mixed = await importSheet(second, [h0, h1]);
    const ended = await civil.post(`/incidents/${first}/end`, { reason: "受灾户已登记完毕" }, key("end"));
    const afterEnd = await register(first, h2);

    // Assess
    expect(registered.status, registered.text).toBe(201);
    expect(registered.body.existing).toBe(false);
    expect(again.status, again.text).toBe(201);
    expect(again.body).toMatchObject({ caseId: registered.body.caseId, existing: true });
    expect(elsewhere.status, elsewhere.text).toBe(409);
    expect(elsewhere.body.messageZh).toContain("12·9 甲村山洪");
    expect(repeatedRows.status, repeatedRows.text).toBe(400);
    expect(repeatedRows.body.fields?.map((f) => [f.path, f.messageZh])).toEqual([
      ["workbook.受灾户.3.C（身份证号码）", "与第 2 行的身份证号码重复"],
    ]);
    expect(afterRepeatedRows).toEqual([registered.body.caseId]);
    expect(mixed.status, mixed.text).toBe(200);
    expect(mixed.body).toMatchObject({ households: 1, refused: 1 });
    expect(mixed.body.rows.find((r) => r.row === 2)?.refused?.messageZh).toContain("12·9 甲村山洪");
    const h1Case = mixed.body.rows.find((r) => r.row === 3)?.caseId;
    expect(h1Case).toBeDefined();
    expect(await caseIdsOf(second)).toEqual([h1Case]);
    expect(ended.status, ended.text).toBe(200);
    expect(afterEnd.status, afterEnd.text).toBe(409);
    expect(afterEnd.body.messageZh).toContain("已结束");
    expect(await caseIdsOf(first)).toEqual([registered.body.caseId]);
  }, 300_000);
});
