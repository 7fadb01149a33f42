/**
 * County finance over HTTP on the local API server: allocation with Idempotency-Key, county-wide
 * reconciliation, the signed close, maker-checker replenishment, auditor read-only access, and the
 * exports downloaded as CSV (BOM) and XLSX (binary). The handlers' clock is set per step.
 */
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LedgerWriter } from "#adapters/ledger/index.ts";
import { SUMMARY_HEADERS, UTF8_BOM } from "#core/reconciliation/index.ts";
import { installClock, resetClock } from "#functions/runtime/clock.ts";
import { type ApiClient, startTestApi, type TestApi } from "#test/e2e/support/index.ts";

const CHENGGUAN = "230123100";
let nowMs = Date.parse("2026-10-05T02:00:00Z");
const at = (iso: string) => {
  nowMs = Date.parse(iso);
};

describe("county finance API", () => {
  let api: TestApi;
  let finance1: ApiClient;
  let finance2: ApiClient;
  let auditor: ApiClient;
  let officer: ApiClient;

  beforeAll(async () => {
    installClock({ nowMs: () => nowMs });
    api = await startTestApi({ label: "fin-api" });
    finance1 = await api.signIn("finance-1");
    finance2 = await api.signIn("finance-2");
    auditor = await api.signIn("auditor-1");
    officer = await api.signIn("officer-chengguan-1");
  });
  afterAll(async () => {
    await api.close();
    resetClock();
  });

  it("allocation needs county finance and an Idempotency-Key, and is applied once", async () => {
    const body = { townshipId: CHENGGUAN, amountYuan: "58000.00", reason: "2026 年度备用金" };
    expect((await finance1.post("/allocations", body)).status).toBe(400);
    expect((await auditor.post("/allocations", body, { idempotencyKey: "alloc-a" })).status).toBe(403);
    expect((await officer.post("/allocations", body, { idempotencyKey: "alloc-o" })).status).toBe(403);
    const first = await finance1.post<{ quotaYuan: string; outcome: string }>("/allocations", body, {
      idempotencyKey: "alloc-1",
    });
    const again = await finance1.post<{ quotaYuan: string }>("/allocations", body, {
      idempotencyKey: "alloc-1",
    });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ quotaYuan: "58000.00", outcome: "applied" });
    expect(again.body.quotaYuan).toBe("58000.00");
    const funds = await auditor.get<{ funds: { townshipId: string; balanceYuan: string }[] }>("/funds");
    expect(funds.body.funds.find((f) => f.townshipId === CHENGGUAN)?.balanceYuan).toBe("58000.00");
  });

  it("reconcile, close with an explanation, replenish by a second user, export", async () => {
    // A draw nobody approved or paid: two discrepancies on the month.
    const writer = new LedgerWriter({ client: api.tables.client, tables: api.tables.names });
    const drawn = await writer.submit({
      entryId: "draw:orphan:1",
      fundId: CHENGGUAN,
      kind: "draw",
      drawKind: "advance",
      amountYuan: "1234.56",
      bookedAt: "2026-10-06T02:00:00.000Z",
      reference: { caseId: "orphan", flow: "A", hardshipType: "fire", residency: "local" },
    });
    expect(drawn.status).toBe("applied");
    at("2026-11-02T02:00:00Z");

    const runs = await finance1.post<{
      runs: { townshipId: string; report: { discrepancyCount: number } }[];
    }>("/reconciliations", { period: "2026-10" });
    expect(runs.status).toBe(200);
    expect(runs.body.runs.map((r) => [r.townshipId, r.report.discrepancyCount])).toEqual([[CHENGGUAN, 2]]);
    expect((await auditor.post("/reconciliations", { period: "2026-10" })).status).toBe(403);
    expect((await auditor.get(`/funds/${CHENGGUAN}/periods/2026-10/reconciliation`)).status).toBe(200);
    expect((await finance1.post("/reconciliations", { period: "2026-13" })).status).toBe(400);

    expect((await finance1.post(`/funds/${CHENGGUAN}/periods/2026-10/close`, {})).status).toBe(422);
    const closed = await finance1.post<{ proposal: { amountYuan: string; proposedBy: string } }>(
      `/funds/${CHENGGUAN}/periods/2026-10/close`,
      {
        explanation: "孤立支出已移交核查，先行关账",
      },
    );
    expect(closed.status).toBe(200);
    expect(closed.body.proposal).toMatchObject({ amountYuan: "1234.56", proposedBy: "finance-1" });

    const proposals = await auditor.get<{ proposals: { proposalId: string }[] }>("/replenishments");
    expect(proposals.body.proposals.map((p) => p.proposalId)).toEqual([`${CHENGGUAN}:2026-10`]);
    const execute = `/funds/${CHENGGUAN}/periods/2026-10/replenishment/execute`;
    const refused = await finance1.post<{ code: string; messageZh: string }>(execute, {});
    expect(refused.status).toBe(403);
    expect(refused.body.messageZh).toContain("另一名财务人员");
    expect((await auditor.post(execute, {})).status).toBe(403);
    const done = await finance2.post<{ proposal: { status: string; executedBy: string } }>(execute, {});
    expect(done.status).toBe(200);
    expect(done.body.proposal).toMatchObject({ status: "executed", executedBy: "finance-2" });
    const fund = await finance1.get<{ funds: { townshipId: string; balanceYuan: string }[] }>("/funds");
    expect(fund.body.funds.find((f) => f.townshipId === CHENGGUAN)?.balanceYuan).toBe("58000.00");

    // An export is a short-lived link to a file, fetched without the bearer token.
    type Link = { download: { url: string; fileName: string; contentType: string; sizeBytes: number } };
    const csvLink = await auditor.get<Link>("/exports/reconciliation?period=2026-10&kind=summary");
    expect(csvLink.status).toBe(200);
    expect(csvLink.body.download).toMatchObject({
      contentType: expect.stringContaining("text/csv"),
      fileName: expect.stringMatching(/summary\.csv$/),
    });
    const raw = await fetch(csvLink.body.download.url);
    expect(raw.status).toBe(200);
    expect(raw.headers.get("content-type")).toContain("text/csv");
    expect(raw.headers.get("content-disposition")).toContain(csvLink.body.download.fileName);
    // The bytes themselves must start with EF BB BF (fetch's text() would drop a BOM while decoding).
    const bytes = Buffer.from(await raw.arrayBuffer());
    expect(bytes.length).toBe(csvLink.body.download.sizeBytes);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const csvText = bytes.toString("utf8");
    expect(csvText.startsWith(UTF8_BOM)).toBe(true);
    expect(csvText).toContain(SUMMARY_HEADERS.join('","'));
    expect(csvText).toContain('"1234.56"');
    // The link is signed: a tampered one gets nothing.
    expect((await fetch(`${csvLink.body.download.url}x`)).status).toBeGreaterThanOrEqual(400);

    const xlsxLink = await finance1.get<Link>("/exports/reconciliation?period=2026-10&format=xlsx");
    expect(xlsxLink.status).toBe(200);
    const response = await fetch(xlsxLink.body.download.url);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-disposition")).toContain(".xlsx");
    const book = new ExcelJS.Workbook();
    await book.xlsx.load((await response.arrayBuffer()) as never);
    expect(book.worksheets.map((w) => w.name)).toEqual(["对账汇总", "支出明细", "差异清单"]);
    expect(book.getWorksheet("差异清单")?.rowCount).toBe(3);
  });

  it("low-balance alerts are readable by auditors; officers see no county finance data", async () => {
    expect((await auditor.get("/alerts")).status).toBe(200);
    expect((await officer.get("/alerts")).status).toBe(403);
    expect((await officer.get("/replenishments")).status).toBe(403);
  });
});
