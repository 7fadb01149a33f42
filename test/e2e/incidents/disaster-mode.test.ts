/**
 * Disaster mode end to end on the local county (issue 25 "must be shown"): an incident over two
 * townships, 200 households imported from spreadsheets, approved in batches by each township's
 * approver, 河东乡's fund running dry midway (its cases wait for money), county finance topping up
 * every affected fund in one step, then every household paid exactly once, the month's reconciliation
 * clean and the dashboard's figures equal to the ledger's. The real Flow A ASL runs on an accelerated
 * clock against one DynamoDB Local; everything is observed through the HTTP API and the ledger.
 */
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { LedgerStore } from "#adapters/ledger/index.ts";
import { localDateOf } from "#core/calendar/localDate.ts";
import { Yuan } from "#core/money/index.ts";
import { resetConfig } from "#functions/runtime/config.ts";
import { resetFlowDeps } from "#functions/services/deps.ts";
import { type LocalCounty, startLocalCounty } from "#local/services.ts";
import { type ApiClient, signIn } from "#test/e2e/support/api.ts";
import { type Household, household, householdWorkbook } from "./support.ts";

const CHENGGUAN = "230123100";
const HEDONG = "230123200";
const PER_TOWNSHIP = 100;
const STANDARD = "500.00";
const BATCH = 50;

interface CaseRow {
  caseId: string;
  townshipId: string;
  stage: string;
  handledByReader: boolean;
}
interface Counts {
  registered: number;
  approved: number;
  waitingForFunds: number;
  paid: number;
  approvedYuan: string;
  paidYuan: string;
}
interface Dashboard {
  totals: Counts;
  townships: Array<Counts & { townshipId: string; name: string }>;
  registrationToPayment: { count: number; medianMinutes?: number };
}
interface BatchAnswer {
  approved: number;
  refused: number;
  results: Array<{ caseId: string; status: number; outcome: string; code?: string; messageZh?: string }>;
}

let county: LocalCounty;
const users: Record<string, ApiClient> = {};

beforeAll(async () => {
  county = await startLocalCounty({
    dynamoEndpoint: inject("dynamoEndpoint"),
    tablePrefix: `incident-e2e-${Math.random().toString(36).slice(2, 8)}-`,
    clock: { mode: "accelerated", speed: 60 },
    workflows: [{ name: "flow-a", file: "workflows/flow-a.asl.json" }],
  });
  resetConfig();
  resetFlowDeps();
  for (const id of [
    "county-civil-1",
    "officer-chengguan-1",
    "officer-hedong-1",
    "approver-chengguan",
    "approver-hedong",
    "finance-1",
  ]) {
    users[id] = await signIn(county.apiUrl, id);
  }
});

afterAll(async () => {
  await county?.stop();
  resetFlowDeps();
});

const as = (id: string) => users[id] as ApiClient;

async function until<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  what: string,
  ms = 600_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value).slice(0, 2000)}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

async function dashboard(incidentId: string): Promise<Dashboard> {
  const answer = await as("county-civil-1").get<Dashboard>(`/incidents/${incidentId}/dashboard`);
  expect(answer.status, answer.text).toBe(200);
  return answer.body;
}

const township = (d: Dashboard, townshipId: string) =>
  d.townships.find((t) => t.townshipId === townshipId) as Counts;

/** Approves the listed cases in batches; a case whose decision task has not opened yet (409) is tried again. */
async function approveAll(
  approver: string,
  incidentId: string,
  caseIds: readonly string[],
): Promise<BatchAnswer[]> {
  const answers: BatchAnswer[] = [];
  for (let start = 0; start < caseIds.length; start += BATCH) {
    let pending = caseIds.slice(start, start + BATCH);
    const deadline = Date.now() + 180_000;
    while (pending.length > 0) {
      const answer = await as(approver).post<BatchAnswer>(
        `/incidents/${incidentId}/advance-decisions`,
        { caseIds: pending },
        { idempotencyKey: `batch-${approver}-${start}-${Date.now()}` },
      );
      expect(answer.status, answer.text).toBe(200);
      answers.push(answer.body);
      pending = answer.body.results.filter((r) => r.outcome === "refused").map((r) => r.caseId);
      if (pending.length > 0 && Date.now() > deadline)
        throw new Error(`still refused: ${JSON.stringify(answer.body)}`);
      if (pending.length > 0) await new Promise((r) => setTimeout(r, 500));
    }
  }
  return answers;
}

describe("disaster mode: an incident over two townships, 200 households, one fund runs dry", () => {
  it("imports, approves in batches, waits for money, tops up in one step, pays each household once", async () => {
    // Prepare
    const civil = as("county-civil-1");
    const today = localDateOf(county.runtime.clock.nowMs());
    const funds = await as("finance-1").get<{ funds: Array<{ townshipId: string; availableYuan: string }> }>(
      "/funds",
    );
    const hedongAvailable = Yuan.parse(
      funds.body.funds.find((f) => f.townshipId === HEDONG)?.availableYuan ?? "0",
    );
    const chengguanAvailable = Yuan.parse(
      funds.body.funds.find((f) => f.townshipId === CHENGGUAN)?.availableYuan ?? "0",
    );
    const need = Yuan.parse(STANDARD).times(PER_TOWNSHIP);
    // The scenario needs 河东乡 short and 城关镇 not.
    expect(hedongAvailable.lessThan(need)).toBe(true);
    expect(chengguanAvailable.greaterThanOrEqual(need)).toBe(true);

    // Act 1: a declaration above the advance ceiling is refused and writes nothing; then the incident.
    const tooMuch = await civil.post(
      "/incidents",
      {
        name: "7·20 暴雨洪涝",
        cause: "flood",
        townshipIds: [CHENGGUAN, HEDONG],
        startDate: today,
        standardAdvanceYuan: "1500.00",
      },
      { idempotencyKey: "incident-too-much" },
    );
    const noneYet = await civil.get<{ incidents: unknown[] }>("/incidents");
    const declared = await civil.post<{ incidentId: string; townships: Array<{ name: string }> }>(
      "/incidents",
      {
        name: "7·20 暴雨洪涝",
        cause: "flood",
        townshipIds: [CHENGGUAN, HEDONG],
        startDate: today,
        standardAdvanceYuan: STANDARD,
      },
      { idempotencyKey: "incident-declare" },
    );
    expect(declared.status, declared.text).toBe(201);
    const incidentId = declared.body.incidentId;

    // Act 2: a sheet with one bad ID number is refused whole; then each township's 100 households.
    const chengguan: Household[] = Array.from({ length: PER_TOWNSHIP }, (_, n) => household(CHENGGUAN, n));
    const hedong: Household[] = Array.from({ length: PER_TOWNSHIP }, (_, n) => household(HEDONG, n));
    const badSheet = await householdWorkbook(chengguan, (row, i) =>
      i === 1 ? row.with(2, "230123199001011234") : row,
    );
    const refused = await as("officer-chengguan-1").post<{
      fields: Array<{ path: string; messageZh: string }>;
    }>(
      `/incidents/${incidentId}/households/import`,
      { workbook: badSheet },
      { idempotencyKey: "import-bad" },
    );
    const afterRefusal = await dashboard(incidentId);
    const imports = await Promise.all([
      as("officer-chengguan-1").post<{ households: number; refused: number }>(
        `/incidents/${incidentId}/households/import`,
        { workbook: await householdWorkbook(chengguan) },
        { idempotencyKey: "import-chengguan" },
      ),
      as("officer-hedong-1").post<{ households: number; refused: number }>(
        `/incidents/${incidentId}/households/import`,
        { workbook: await householdWorkbook(hedong) },
        { idempotencyKey: "import-hedong" },
      ),
    ]);

    // Act 3: each approver approves their township's cases in batches of 50; the officer may not.
    const listOf = async (approver: string) =>
      (await as(approver).get<{ cases: CaseRow[] }>(`/incidents/${incidentId}/cases?stage=awaiting-decision`))
        .body.cases;
    const chengguanCases = await listOf("approver-chengguan");
    const hedongCases = await listOf("approver-hedong");
    const byOfficer = await as("officer-hedong-1").post(
      `/incidents/${incidentId}/advance-decisions`,
      { caseIds: hedongCases.slice(0, 1).map((c) => c.caseId) },
      { idempotencyKey: "batch-by-officer" },
    );
    const [cgAnswers, hdAnswers] = await Promise.all([
      approveAll(
        "approver-chengguan",
        incidentId,
        chengguanCases.map((c) => c.caseId),
      ),
      approveAll(
        "approver-hedong",
        incidentId,
        hedongCases.map((c) => c.caseId),
      ),
    ]);
    const again = await as("approver-hedong").post<BatchAnswer>(
      `/incidents/${incidentId}/advance-decisions`,
      { caseIds: hedongCases.slice(0, 2).map((c) => c.caseId) },
      { idempotencyKey: "batch-again" },
    );

    // 河东乡's fund runs dry: what it had is paid out, the rest waits for money.
    const dry = await until(
      () => dashboard(incidentId),
      (d) =>
        township(d, CHENGGUAN).paid === PER_TOWNSHIP &&
        township(d, HEDONG).paid + township(d, HEDONG).waitingForFunds === PER_TOWNSHIP,
      "城关镇 paid and 河东乡 paid or waiting",
    );

    // Act 4: county finance tops up every affected fund in one step.
    const topUp = await as("finance-1").post<{
      townships: Array<{
        townshipId: string;
        allocatedYuan: string;
        outcome: string;
        resumedCases: string[];
      }>;
    }>(
      `/incidents/${incidentId}/top-up`,
      { reason: "灾情资金不足，一次补足" },
      { idempotencyKey: "incident-top-up" },
    );
    const final = await until(
      () => dashboard(incidentId),
      (d) => d.totals.paid === 2 * PER_TOWNSHIP,
      "every household paid",
    );

    // Assess: the refusals wrote nothing.
    expect(tooMuch.status, tooMuch.text).toBe(422);
    expect(JSON.stringify(tooMuch.body)).toContain("standardAdvanceYuan");
    expect(noneYet.body.incidents).toEqual([]);
    expect(declared.body.townships.map((t) => t.name)).toEqual(["城关镇", "河东乡"]);
    expect(refused.status, refused.text).toBe(400);
    expect(refused.body.fields.map((f) => f.path)).toEqual(["workbook.受灾户.3.C（身份证号码）"]);
    expect(afterRefusal.totals.registered).toBe(0);
    for (const answer of imports) {
      expect(answer.status, answer.text).toBe(200);
      expect(answer.body).toMatchObject({ households: PER_TOWNSHIP, refused: 0 });
    }
    expect(chengguanCases).toHaveLength(PER_TOWNSHIP);
    expect(hedongCases).toHaveLength(PER_TOWNSHIP);
    expect(chengguanCases.every((c) => c.townshipId === CHENGGUAN && !c.handledByReader)).toBe(true);
    // Batches: each case approved once, by its own decision; a second approval is that case's 409.
    expect(byOfficer.status).toBe(403);
    const approvedOnce = [...cgAnswers, ...hdAnswers].flatMap((a) =>
      a.results.filter((r) => r.outcome === "approved"),
    );
    expect(approvedOnce).toHaveLength(2 * PER_TOWNSHIP);
    expect(new Set(approvedOnce.map((r) => r.caseId)).size).toBe(2 * PER_TOWNSHIP);
    expect(again.body.results.map((r) => r.status)).toEqual([409, 409]);
    // The dry fund: some paid, the rest waited, and the top-up went to 河东乡 only.
    const hedongShort = township(dry, HEDONG).waitingForFunds;
    expect(hedongShort).toBeGreaterThan(0);
    expect(topUp.status, topUp.text).toBe(200);
    const hedongTopUp = topUp.body.townships.find((t) => t.townshipId === HEDONG);
    expect(hedongTopUp?.outcome).toBe("allocated");
    expect(Yuan.parse(hedongTopUp?.allocatedYuan ?? "0").greaterThan(Yuan.zero)).toBe(true);
    expect(topUp.body.townships.find((t) => t.townshipId === CHENGGUAN)?.outcome).toBe("covered");

    // Every household paid exactly once: one advance draw per case, and the dashboard equals the ledger.
    const caseTownship = new Map([...chengguanCases, ...hedongCases].map((c) => [c.caseId, c.townshipId]));
    const ledger = new LedgerStore(county.runtime.dynamo, county.runtime.tables);
    for (const townshipId of [CHENGGUAN, HEDONG]) {
      const draws = new Map<string, number>();
      let drawn = Yuan.zero;
      for await (const entry of ledger.streamEntries(townshipId, { pageSize: 500 })) {
        const caseId = entry.reference.caseId;
        if (entry.kind !== "draw" || !caseId || caseTownship.get(caseId) !== townshipId) continue;
        draws.set(caseId, (draws.get(caseId) ?? 0) + 1);
        drawn = drawn.plus(entry.amountYuan);
      }
      expect(draws.size).toBe(PER_TOWNSHIP);
      expect([...draws.values()].every((n) => n === 1)).toBe(true);
      const figures = township(final, townshipId);
      expect(figures.paid).toBe(draws.size);
      expect(figures.paidYuan).toBe(drawn.toString());
      expect(figures.approvedYuan).toBe(drawn.toString());
    }
    expect(final.totals).toMatchObject({
      registered: 200,
      approved: 200,
      waitingForFunds: 0,
      paid: 200,
      paidYuan: "100000.00",
    });
    expect(final.registrationToPayment.count).toBe(200);

    // Reconciliation of the month is clean for both townships.
    const runs = await as("finance-1").post<{
      runs: Array<{ townshipId: string; report: { discrepancyCount: number } }>;
    }>("/reconciliations", { period: today.slice(0, 7) });
    expect(runs.status, runs.text).toBe(200);
    for (const townshipId of [CHENGGUAN, HEDONG]) {
      expect(runs.body.runs.find((r) => r.townshipId === townshipId)?.report.discrepancyCount).toBe(0);
    }

    // The export holds the same figures (合计 row) for the county report.
    const link = await civil.get<{ download: { url: string; headers: Record<string, string> } }>(
      `/incidents/${incidentId}/export`,
    );
    expect(link.status, link.text).toBe(200);
    const file = await fetch(link.body.download.url, { headers: link.body.download.headers });
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(await file.arrayBuffer());
    const summary = book.getWorksheet("灾情汇总");
    const total = summary?.getRows(1, summary.rowCount)?.find((r) => r.getCell(1).value === "合计");
    expect(total?.getCell(2).value).toBe(200);
    expect(total?.getCell(7).value).toBe(200);
    expect(book.getWorksheet("受灾户明细")?.rowCount).toBe(201);
  }, 1_500_000);
});
