/**
 * Flow B's endpoints over HTTP, answered before any workflow runs (issue 7): filing short and small
 * hardship into staged assistance is refused with a pointer to Flow A; a step the case is not waiting
 * for is a 409; the public notice of a case without one is a 404, in both
 * languages; the plan view stays inside the township.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiClient, putCaseFixture, startTestApi, type TestApi } from "#test/e2e/support/index.ts";

let api: TestApi;
let officer: ApiClient;

beforeAll(async () => {
  api = await startTestApi({ label: "e2e-plans" });
  officer = await api.signIn("officer-xinhua-1");
});

afterAll(async () => {
  await api?.close();
});

interface ErrorBody {
  code: string;
  message: string;
  messageZh: string;
  fields: Array<{ path: string; message: string; messageZh: string }>;
}

function filing(overrides: Record<string, unknown> = {}) {
  return {
    townshipId: "230123300",
    hardship: { cause: "medical" },
    description: "家中老人住院，医疗支出较大",
    expectedDurationMonths: 1,
    estimatedTotalYuan: "600.00",
    applicant: {
      name: "吴芳",
      document: { type: "resident-id", number: "230123197502031232" },
      registration: { countyCode: "230123" },
    },
    ...overrides,
  };
}

describe("Flow B endpoints", () => {
  it("short and small hardship is not staged assistance: 422 pointing to Flow A", async () => {
    const refused = await officer.post<ErrorBody>("/plans", filing());
    expect(refused.status).toBe(422);
    expect(refused.body.message).toContain("POST /cases");
    expect(refused.body.messageZh).toContain("先行救助");
    expect(refused.body.fields[0]?.path).toBe("expectedDurationMonths");
  });

  it("a filing without the expected duration is a field-level 400 in English and Chinese", async () => {
    const { expectedDurationMonths: _d, ...withoutDuration } = filing();
    const invalid = await officer.post<ErrorBody>("/plans", withoutDuration);
    expect(invalid.status).toBe(400);
    const field = invalid.body.fields.find((f) => f.path === "expectedDurationMonths");
    expect(field?.messageZh).toBeTruthy();
  });

  it("an assessment for a case that is not waiting for one is a 409", async () => {
    await putCaseFixture(api.tables, { caseId: "C20260302-e2eplan1", townshipId: "230123300" });
    const late = await officer.post<ErrorBody>("/plans/C20260302-e2eplan1/assessment", {
      household: { members: [{ relation: "本人" }] },
      monthlyIncomeYuan: "0.00",
      rigidExpenditure: {
        medicalMonthlyYuan: "500.00",
        educationMonthlyYuan: "0.00",
        otherMonthlyYuan: "0.00",
      },
      expectedDurationMonths: 6,
      firstStageDate: "2026-04-01",
      facts: "入户调查记录",
    });
    expect(late.status).toBe(409);
    expect(late.body.messageZh).toContain("当前不在等待");
  });

  it("the public notice of a case without one is a 404; no sign-in is needed to read a notice", async () => {
    const none = await api.anonymous.get<ErrorBody>("/plans/C20260302-e2eplan1/notice");
    expect(none.status).toBe(404);
    expect(none.body.messageZh).toContain("没有公示");
  });

  it("the plan view stays inside the township: another township's officer is refused", async () => {
    await putCaseFixture(api.tables, { caseId: "C20260302-e2eplan2", townshipId: "230123300" });
    const other = await api.signIn("officer-hedong-1");
    const refused = await other.get("/plans/C20260302-e2eplan2");
    expect(refused.status).toBe(403);
  });
});
