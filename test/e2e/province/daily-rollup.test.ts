/**
 * The stored daily province roll-up (issue 22 §4) on DynamoDB Local, through the real DailyRollup
 * handler and the HTTP API. Before any run every county is computed for the request; twin runs of the
 * job store one row per county for the Asia/Shanghai day, a third run stores nothing; the route then
 * serves the stored figures — the same figures, `source: stored`, as of the run — and a case filed
 * after the run shows only in a period the stored months do not make up (computed). A county created
 * after the run is computed until the next run stores its row. The province roles read the 外地受助
 * statistics (per registration county × county where aided, counts and fen) in the roll-up and its
 * XLSX, never the masked notice lists (403). The export says as of when (数据截至).
 */
import { DynamoDBDocumentClient, PutCommand } from "@aws-sdk/lib-dynamodb";
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RegistrationNoticeStore } from "#adapters/registration-notice-store.ts";
import { RollupStore } from "#adapters/rollup-store.ts";
import { addLocalDays, localDateOf } from "#core/calendar/index.ts";
import { zhDateTime } from "#core/labels/index.ts";
import { handler as dailyRollup } from "#functions/handlers/daily-rollup.ts";
import { CHENGGUAN, DEMO_COUNTY, HEDONG } from "#local/seed/demo-county.ts";
import { digestTables } from "../proofs/tables.ts";
import { type ApiClient, startTestApi, type TestApi } from "../support/index.ts";

const SCHEDULED = { source: "aws.events", "detail-type": "Scheduled Event" };
/** The registration county of the notices: a county of the same province, created through the API. */
const LATER_COUNTY = {
  countyId: "230125",
  name: "后开通县",
  townships: [{ townshipId: "230125100", name: "新城镇", registeredPopulation: 18_000, area: "urban" }],
};
const NOTICE_NAME = "李*";
const NOTICE_ID = "2301**********4321";

interface Figures {
  cases: { filed: number; urgent: number; nonLocal: number };
  paid: { amountFen: number };
}
interface CountyRollup {
  countyId: string;
  name: string;
  source: "stored" | "computed";
  asOf: string;
  figures: Figures;
  townships: Array<{ townshipId: string; figures: Figures }>;
}
interface Rollup {
  asOf: string;
  generatedAt: string;
  figures: Figures;
  counties: CountyRollup[];
  registrationNotices: Array<{
    registrationCountyId: string;
    registrationCountyName: string;
    countyId: string;
    countyName?: string;
    count: number;
    paidFen: number;
  }>;
}

let api: TestApi;
let db: DynamoDBDocumentClient;
let viewer: ApiClient;
let provinceAdmin: ApiClient;
const today = localDateOf(Date.now());
const monthStart = `${today.slice(0, 7)}-01`;
const hourAgo = new Date(Date.now() - 3_600_000).toISOString();

/** A case item as the flows store it (index keys included), filed an hour ago unless told. */
async function putCase(caseId: string, fields: Record<string, unknown>) {
  const status = String(fields.status);
  const townshipId = String(fields.townshipId);
  await db.send(
    new PutCommand({
      TableName: api.tables.names.main,
      Item: {
        pk: `CASE#${caseId}`,
        sk: "CASE",
        gsi1pk: `CASES#TOWNSHIP#${townshipId}#${status}`,
        gsi1sk: `${hourAgo}#${caseId}`,
        caseId,
        countyId: DEMO_COUNTY.countyId,
        flow: "A",
        policyVersionId: "230123-2026-01",
        filedAt: hourAgo,
        applicant: { name: "赵建国", local: true },
        hardship: { kind: "urgent", cause: "fire" },
        description: "房屋失火",
        handledBy: [],
        flags: {},
        version: 1,
        ...fields,
      },
    }),
  );
}

async function rollup(client: ApiClient, query = ""): Promise<Rollup> {
  const answer = await client.get<Rollup>(`/province/rollup${query}`);
  expect(answer.status, answer.text).toBe(200);
  return answer.body;
}

const countyOf = (body: Rollup, countyId: string) => body.counties.find((c) => c.countyId === countyId);

/** The day's rows: one per county, whatever ran. */
async function storedDays(countyId: string): Promise<string[]> {
  return new RollupStore(db, api.tables.names.main).days(countyId);
}

beforeAll(async () => {
  api = await startTestApi({ label: "e2e-daily-rollup" });
  db = DynamoDBDocumentClient.from(api.tables.client, { marshallOptions: { removeUndefinedValues: true } });
  viewer = await api.signIn("province-viewer-1");
  provinceAdmin = await api.signIn("province-admin-1");
  await putCase("dr-closed", { townshipId: HEDONG.townshipId, status: "closed" });
  await putCase("dr-open", {
    townshipId: CHENGGUAN.townshipId,
    status: "paying",
    applicant: { name: "赵建国", local: false },
  });
  // Two residents of the demo county aided and closed in 230125 this month, one last month (not in a
  // period of this month): notices as the close writes them, masked.
  const notices = new RegistrationNoticeStore(db, api.tables.names.main);
  for (const [caseId, closedAt, paidFen] of [
    ["dr-notice-1", hourAgo, 80_000],
    ["dr-notice-2", hourAgo, 45_050],
    ["dr-notice-old", `${addLocalDays(monthStart, -10)}T04:00:00.000Z`, 99_900],
  ] as const) {
    await notices.put({
      caseId,
      registrationCountyId: DEMO_COUNTY.countyId,
      countyId: LATER_COUNTY.countyId,
      townshipId: LATER_COUNTY.townships[0]?.townshipId as string,
      flow: "A",
      cause: "fire",
      result: "aided",
      paidFen,
      applicantNameMasked: NOTICE_NAME,
      idNumberMasked: NOTICE_ID,
      filedAt: closedAt,
      closedAt,
    });
  }
}, 120_000);

afterAll(async () => {
  await api?.close();
});

describe("the daily roll-up job", () => {
  let computed: Rollup;

  it("before any run, every county is computed for the request, as of now", async () => {
    const before = Date.now();
    computed = await rollup(viewer);
    const demo = countyOf(computed, DEMO_COUNTY.countyId);
    expect(demo?.source).toBe("computed");
    expect(Date.parse(demo?.asOf ?? "")).toBeGreaterThanOrEqual(before - 1000);
    expect(demo?.figures.cases).toMatchObject({ filed: 2, urgent: 2, nonLocal: 1 });
    expect(await storedDays(DEMO_COUNTY.countyId)).toEqual([]);
  });

  it("twin runs store one row per county of the day; a third run stores nothing", async () => {
    // Act
    const twins = await Promise.all([dailyRollup(SCHEDULED), dailyRollup(SCHEDULED)]);
    const third = await dailyRollup(SCHEDULED);

    // Assess
    expect(twins.map((run) => run.day)).toEqual([today, today]);
    expect(twins[0]?.counties).toBe(1);
    expect(twins.reduce((sum, run) => sum + run.stored, 0)).toBe(1);
    expect(third).toEqual({ day: today, counties: 1, stored: 0 });
    expect(await storedDays(DEMO_COUNTY.countyId)).toEqual([today]);
  });

  it("refuses anything but a scheduled event", async () => {
    await expect(dailyRollup({ source: "someone" })).rejects.toThrow("scheduled event");
  });

  it("the route serves the stored figures: the same figures, as of the run", async () => {
    // Act
    const served = await rollup(viewer);

    // Assess
    const demo = countyOf(served, DEMO_COUNTY.countyId);
    expect(demo?.source).toBe("stored");
    expect(demo?.figures).toEqual(countyOf(computed, DEMO_COUNTY.countyId)?.figures);
    expect(demo?.townships).toEqual(countyOf(computed, DEMO_COUNTY.countyId)?.townships);
    expect(served.asOf).toBe(demo?.asOf);
    expect(Date.parse(served.asOf)).toBeLessThanOrEqual(Date.parse(served.generatedAt));
    // Whole months: last month through today is served from the row too.
    const lastMonth = `${addLocalDays(monthStart, -1).slice(0, 7)}-01`;
    const twoMonths = await rollup(viewer, `?from=${lastMonth}&to=${today}`);
    expect(countyOf(twoMonths, DEMO_COUNTY.countyId)?.source).toBe("stored");
  });

  it("a case filed after the run is not in the stored figures; a period of not whole months is computed and has it", async () => {
    // Arrange
    await putCase("dr-after", { townshipId: HEDONG.townshipId, status: "closed" });

    // Act
    const stored = await rollup(viewer);
    const partial = await rollup(viewer, `?from=${addLocalDays(today, -1)}&to=${today}`);

    // Assess
    expect(countyOf(stored, DEMO_COUNTY.countyId)?.figures.cases.filed).toBe(2);
    const demo = countyOf(partial, DEMO_COUNTY.countyId);
    expect(demo?.source).toBe("computed");
    expect(demo?.figures.cases.filed).toBe(3);
  });

  it("a county created after the run is computed until the next run stores its row", async () => {
    // Arrange
    const created = await provinceAdmin.post("/admin/counties", LATER_COUNTY, {
      idempotencyKey: "daily-rollup-later-county",
    });
    expect(created.status, created.text).toBe(201);

    // Act
    const beforeRun = await rollup(viewer);
    const run = await dailyRollup(SCHEDULED);
    const afterRun = await rollup(viewer);

    // Assess
    expect(countyOf(beforeRun, LATER_COUNTY.countyId)).toMatchObject({
      name: LATER_COUNTY.name,
      source: "computed",
    });
    expect(countyOf(beforeRun, DEMO_COUNTY.countyId)?.source).toBe("stored");
    expect(run).toEqual({ day: today, counties: 2, stored: 1 });
    expect(countyOf(afterRun, LATER_COUNTY.countyId)).toMatchObject({
      source: "stored",
      townships: [expect.objectContaining({ townshipId: LATER_COUNTY.townships[0]?.townshipId })],
    });
    expect(await storedDays(LATER_COUNTY.countyId)).toEqual([today]);
    expect(await storedDays(DEMO_COUNTY.countyId)).toEqual([today]);
  });
});

describe("外地受助 statistics for the province roles", () => {
  it("per registration county × county where aided, this month's closes: counts and fen, stored or computed alike", async () => {
    for (const client of [viewer, provinceAdmin]) {
      // Act
      const stored = await rollup(client);
      const computedNow = await rollup(client, `?from=${addLocalDays(today, -1)}&to=${today}`);

      // Assess
      for (const body of [stored, computedNow]) {
        expect(body.registrationNotices).toEqual([
          {
            registrationCountyId: DEMO_COUNTY.countyId,
            registrationCountyName: DEMO_COUNTY.name,
            countyId: LATER_COUNTY.countyId,
            countyName: LATER_COUNTY.name,
            count: 2,
            paidFen: 125_050,
          },
        ]);
      }
      const text = JSON.stringify(stored);
      for (const personal of [NOTICE_NAME, NOTICE_ID, "dr-notice-1", "赵建国", "applicant"]) {
        expect(text, personal).not.toContain(personal);
      }
    }
  });

  it("the masked notice lists and their figures stay with the registration county: the province roles get 403, nothing written", async () => {
    const before = await digestTables(api.tables);
    for (const client of [viewer, provinceAdmin]) {
      expect((await client.get("/registration-notices")).status).toBe(403);
      expect((await client.get("/registration-notices/stats")).status).toBe(403);
    }
    expect(await digestTables(api.tables)).toBe(before);
  });

  it("the XLSX says as of when per county and holds the 外地受助 sheet", async () => {
    // Act
    const body = await rollup(viewer);
    const link = await viewer.get<{ download: { url: string } }>("/province/rollup/export");
    expect(link.status, link.text).toBe(200);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load((await (await fetch(link.body.download.url)).arrayBuffer()) as never);

    // Assess
    expect(book.worksheets.map((w) => w.name)).toEqual(["各县汇总", "乡镇明细", "外地受助"]);
    const counties = book.getWorksheet("各县汇总");
    const notices = book.getWorksheet("外地受助");
    if (!counties || !notices) throw new Error("a sheet is missing");
    const headers = (counties.getRow(1).values as unknown[]).slice(1);
    const asOfAt = headers.indexOf("数据截至") + 1;
    expect(asOfAt).toBeGreaterThan(0);
    const demoRow = counties
      .getRows(2, counties.rowCount - 1)
      ?.find((row) => row.getCell(2).value === DEMO_COUNTY.name);
    const demoAsOf = countyOf(body, DEMO_COUNTY.countyId)?.asOf ?? "";
    expect(demoRow?.getCell(asOfAt).value).toBe(zhDateTime(demoAsOf));
    expect(String(demoRow?.getCell(asOfAt).value)).toMatch(/^\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}$/);
    expect((notices.getRow(1).values as unknown[]).slice(1)).toEqual([
      "统计期间",
      "户籍所在县",
      "救助地县",
      "外地受助办结件数",
      "支出金额（元）",
    ]);
    expect((notices.getRow(2).values as unknown[]).slice(2)).toEqual([
      DEMO_COUNTY.name,
      LATER_COUNTY.name,
      2,
      1250.5,
    ]);
  });
});
