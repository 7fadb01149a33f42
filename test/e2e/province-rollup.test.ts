/**
 * The province roll-up through the HTTP API (issue 22 item 4, DOMAIN §8): the province viewer reads
 * per county and township the cases filed in the period by type, status and registration, the
 * amounts paid from the ledger (local vs non-local), advance decisions within the response time,
 * overdue paperwork, the funds and their reconciliation — and not one name, ID number, phone or
 * account of the cases behind them. County roles and another province get 403 and nothing is
 * written; a bad period is a 400 naming the field; the XLSX export behind its link holds the same
 * figures under Chinese headers.
 */
import { DynamoDBDocumentClient, PutCommand } from "@aws-sdk/lib-dynamodb";
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LedgerWriter } from "#adapters/ledger/index.ts";
import { localDateOf } from "#core/calendar/index.ts";
import { CHENGGUAN, DEMO_COUNTY, HEDONG } from "#local/seed/demo-county.ts";
import { digestTables } from "./proofs/tables.ts";
import { type ApiClient, startTestApi, type TestApi } from "./support/index.ts";

const NAME = "王秀英";
const ID_NUMBER = "110101199003078515";
const PHONE = "13900002222";
const ACCOUNT = "6217000010002000311";
const FIXTURE_NAME = "赵建国";

let api: TestApi;
let viewer: ApiClient;
let provinceAdmin: ApiClient;
const now = Date.now();
const hourAgo = new Date(now - 3_600_000).toISOString();
const from = localDateOf(now - 2 * 86_400_000);
const to = localDateOf(now);

interface Figures {
  cases: {
    filed: number;
    urgent: number;
    expenditure: number;
    local: number;
    nonLocal: number;
    byStatusGroup: Record<string, number>;
  };
  paid: { count: number; amountFen: number; localFen: number; nonLocalFen: number; reversedFen: number };
  advanceDecisions: { decided: number; withinResponseTime: number };
  overduePaperwork: number;
  funds: { opened: number; quotaFen: number; balanceFen: number; availableFen: number };
  reconciliation: { funds: number; closedThroughPeriodEnd: number; monthsNotClosed: number };
}
interface Rollup {
  provinceId: string;
  from: string;
  to: string;
  figures: Figures;
  counties: Array<{
    countyId: string;
    name: string;
    figures: Figures;
    townships: Array<{ townshipId: string; name: string; figures: Figures }>;
  }>;
}

/** A case item as the flows store it (with its index keys), personal fields included. */
async function putCase(caseId: string, fields: Record<string, unknown>) {
  const status = String(fields.status);
  const townshipId = String(fields.townshipId);
  await DynamoDBDocumentClient.from(api.tables.client).send(
    new PutCommand({
      TableName: api.tables.names.main,
      Item: {
        pk: `CASE#${caseId}`,
        sk: "CASE",
        gsi1pk: `CASES#TOWNSHIP#${townshipId}#${status}`,
        gsi1sk: `${String(fields.dueAt ?? hourAgo)}#${caseId}`,
        caseId,
        countyId: DEMO_COUNTY.countyId,
        flow: "A",
        policyVersionId: "230123-2026-01",
        filedAt: hourAgo,
        applicant: {
          name: FIXTURE_NAME,
          document: { type: "resident-id", numberMasked: "2301**********0011" },
          phoneMasked: "139****3333",
          local: true,
        },
        description: "房屋失火，家中财物损毁",
        handledBy: [],
        flags: {},
        version: 1,
        ...fields,
      },
    }),
  );
}

beforeAll(async () => {
  api = await startTestApi({ label: "e2e-province-rollup" });
  viewer = await api.signIn("province-viewer-1");
  provinceAdmin = await api.signIn("province-admin-1");
  const finance = await api.signIn("finance-1");
  const allocated = await finance.post(
    "/allocations",
    { townshipId: HEDONG.townshipId, amountYuan: "30000.00", reason: "2026 年度备用金" },
    { idempotencyKey: "rollup-allocation" },
  );
  expect(allocated.status, allocated.text).toBe(200);
  // 河东: a closed urgent case (local), a refused expenditure case (non-local), overdue paperwork.
  await putCase("ru-closed", {
    townshipId: HEDONG.townshipId,
    status: "closed",
    hardship: { kind: "urgent", cause: "fire" },
  });
  await putCase("ru-refused", {
    townshipId: HEDONG.townshipId,
    status: "advance-rejected",
    hardship: { kind: "expenditure", cause: "medical" },
    applicant: { name: FIXTURE_NAME, local: false },
  });
  await putCase("ru-paperwork", {
    townshipId: HEDONG.townshipId,
    status: "awaiting-paperwork",
    hardship: { kind: "urgent", cause: "flood" },
    filedAt: "2026-01-05T02:00:00.000Z",
    dueAt: "2026-01-12T09:00:00.000Z",
  });
  // Draws of the period: 800.00 local, 500.00 non-local, and 500.00 reversed.
  const writer = new LedgerWriter({ client: api.tables.client, tables: api.tables.names });
  for (const [entryId, kind, amountYuan, residency] of [
    ["draw:ru:1", "draw", "800.00", "local"],
    ["draw:ru:2", "draw", "500.00", "non-local"],
    ["reversal:ru:2", "reversal", "500.00", "non-local"],
  ] as const) {
    const outcome = await writer.submit({
      entryId,
      fundId: HEDONG.townshipId,
      kind,
      ...(kind === "draw" ? { drawKind: "advance" as const } : {}),
      amountYuan,
      bookedAt: hourAgo,
      reference: { caseId: "ru-closed", flow: "A", hardshipType: "fire", residency },
    });
    expect(outcome.status).toBe("applied");
  }
  // 城关镇: two non-local cases with a name, an ID number, a phone and an account; one decided within
  // the response time (2 h after filing), one after it (30 h).
  const filedAt = new Date(now - 40 * 3_600_000).toISOString();
  for (const [caseId, hours] of [
    ["ru-in-time", 2],
    ["ru-late", 30],
  ] as const) {
    await putCase(caseId, {
      townshipId: CHENGGUAN.townshipId,
      status: "paying",
      hardship: { kind: "urgent", cause: "traffic-accident" },
      filedAt,
      applicant: {
        name: NAME,
        document: { type: "resident-id", numberMasked: ID_NUMBER },
        phoneMasked: PHONE,
        registration: { province: "河北省", description: "外省户籍" },
        local: false,
      },
      payout: {
        method: "bank",
        bank: { holderName: NAME, bankName: "中国建设银行示例县支行", accountMasked: ACCOUNT },
      },
      advance: {
        decision: "approve",
        amountYuan: "600.00",
        decidedBy: "approver-chengguan",
        decidedAt: new Date(Date.parse(filedAt) + hours * 3_600_000).toISOString(),
      },
    });
  }
}, 120_000);

afterAll(async () => {
  await api?.close();
});

describe("province roll-up: the figures per county and township", () => {
  it("counts the period's cases, money, decisions in time, overdue paperwork and funds of each township", async () => {
    // Act
    const response = await viewer.get<Rollup>(`/province/rollup?from=${from}&to=${to}`);

    // Assess
    expect(response.status, response.text).toBe(200);
    expect(response.body).toMatchObject({ provinceId: "230000", from, to });
    const county = response.body.counties.find((c) => c.countyId === DEMO_COUNTY.countyId);
    expect(county?.name).toBe(DEMO_COUNTY.name);
    const hedong = county?.townships.find((t) => t.townshipId === HEDONG.townshipId)?.figures;
    expect(hedong?.cases).toMatchObject({
      filed: 2,
      urgent: 1,
      expenditure: 1,
      local: 1,
      nonLocal: 1,
      byStatusGroup: { "in-progress": 0, closed: 1, refused: 1, withdrawn: 0 },
    });
    expect(hedong?.paid).toEqual({
      count: 2,
      amountFen: 130_000,
      localFen: 80_000,
      nonLocalFen: 50_000,
      reversedFen: 50_000,
    });
    // Filed in January, still open and past its deadline: counted whatever the period.
    expect(hedong?.overduePaperwork).toBe(1);
    expect(hedong?.funds).toMatchObject({ opened: 1, quotaFen: 3_000_000 });
    expect(hedong?.reconciliation).toMatchObject({ funds: 1, closedThroughPeriodEnd: 0 });
    const chengguan = county?.townships.find((t) => t.townshipId === CHENGGUAN.townshipId)?.figures;
    expect(chengguan?.cases).toMatchObject({ filed: 2, urgent: 2, nonLocal: 2 });
    expect(chengguan?.advanceDecisions).toEqual({ decided: 2, withinResponseTime: 1 });
    // The county and the province add their townships up.
    expect(county?.figures.cases.filed).toBe(4);
    expect(county?.figures.cases.byStatusGroup["in-progress"]).toBe(2);
    expect(response.body.figures.paid.amountFen).toBe(130_000);
    expect(response.body.figures.overduePaperwork).toBe(1);
  });

  it("carries no personal data of the cases behind the figures", async () => {
    const response = await viewer.get<Rollup>(`/province/rollup?from=${from}&to=${to}`);
    const text = response.text;
    for (const personal of [
      NAME,
      ID_NUMBER,
      PHONE,
      ACCOUNT,
      FIXTURE_NAME,
      "2301**********0011",
      "139****3333",
      "ru-in-time",
    ]) {
      expect(text, personal).not.toContain(personal);
    }
    expect(text).not.toContain("ru-closed");
    expect(text).not.toContain("applicant");
  });

  it("the province administrator reads it too; this month so far without dates", async () => {
    const response = await provinceAdmin.get<Rollup>("/province/rollup");
    expect(response.status, response.text).toBe(200);
    expect(response.body.to).toBe(localDateOf(Date.now()));
    expect(response.body.from).toBe(`${response.body.to.slice(0, 7)}-01`);
  });
});

describe("province roll-up: who may not read it, and bad periods", () => {
  it("county roles and another province are refused (403) and nothing is written", async () => {
    const before = await digestTables(api.tables);
    for (const userId of [
      "county-civil-1",
      "finance-1",
      "auditor-1",
      "county-admin-1",
      "officer-chengguan-1",
    ]) {
      const client = await api.signIn(userId);
      expect((await client.get("/province/rollup")).status, userId).toBe(403);
      expect((await client.get("/province/rollup/export")).status, userId).toBe(403);
    }
    expect((await viewer.get("/province/rollup?provinceId=310000")).status).toBe(403);
    expect((await viewer.get("/province/rollup/export?provinceId=310000")).status).toBe(403);
    expect(await digestTables(api.tables)).toBe(before);
  });

  it("a bad period is a 400 naming the field in Chinese and English", async () => {
    type Invalid = { fields: Array<{ path: string; message: string; messageZh: string }> };
    const backwards = await viewer.get<Invalid>("/province/rollup?from=2026-10-31&to=2026-10-01");
    expect(backwards.status).toBe(400);
    expect(backwards.body.fields).toEqual([
      expect.objectContaining({ path: "query.to", messageZh: "结束日期不能早于开始日期" }),
    ]);
    const long = await viewer.get<Invalid>("/province/rollup?from=2025-01-01&to=2026-10-01");
    expect(long.status).toBe(400);
    expect(long.body.fields[0]?.messageZh).toContain("366");
    const notDate = await viewer.get<Invalid>("/province/rollup?from=2026-02-30&to=2026-03-01");
    expect(notDate.status).toBe(400);
    expect(notDate.body.fields[0]).toMatchObject({ path: "query.from" });
    const alone = await viewer.get<Invalid>("/province/rollup?from=2026-10-01");
    expect(alone.status).toBe(400);
    expect(alone.body.fields[0]).toMatchObject({ path: "query.to" });
  });
});

describe("province roll-up: the XLSX export", () => {
  it("is a workbook behind a short-lived link: counties with the province total, townships, yuan with 2 decimals", async () => {
    // Act
    const link = await viewer.get<{ download: { url: string; fileName: string; sizeBytes: number } }>(
      `/province/rollup/export?from=${from}&to=${to}`,
    );

    // Assess
    expect(link.status, link.text).toBe(200);
    expect(link.body.download.fileName).toBe(`aidflow-230000-rollup-${from}-${to}.xlsx`);
    const file = await fetch(link.body.download.url);
    expect(file.status).toBe(200);
    const bytes = await file.arrayBuffer();
    expect(bytes.byteLength).toBe(link.body.download.sizeBytes);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(bytes as never);
    expect(book.worksheets.map((w) => w.name)).toEqual(["各县汇总", "乡镇明细", "外地受助"]);
    const counties = book.getWorksheet("各县汇总");
    if (!counties) throw new Error("sheet 各县汇总 missing");
    const headers = (counties.getRow(1).values as unknown[]).slice(1);
    expect(headers.slice(0, 4)).toEqual(["统计期间", "县（市、区）", "受理件数", "急难型"]);
    const total = counties.getRow(counties.rowCount);
    expect(total?.getCell(2).value).toBe("全省合计");
    const paidAt = headers.indexOf("支出金额（元）") + 1;
    expect(total?.getCell(paidAt).value).toBe(1300);
    expect(total?.getCell(paidAt).numFmt).toBe("0.00");
    const townships = book.getWorksheet("乡镇明细");
    const hedong = townships
      ?.getRows(2, (townships?.rowCount ?? 1) - 1)
      ?.find((row) => row.getCell(3).value === HEDONG.name);
    expect(hedong?.getCell(4).value).toBe(2);
    const sheetText = JSON.stringify(book.worksheets.map((w) => w.getSheetValues()));
    for (const personal of [NAME, ID_NUMBER, PHONE, ACCOUNT, FIXTURE_NAME])
      expect(sheetText).not.toContain(personal);
  });
});
