/**
 * `npx aidflow notices backfill` on DynamoDB Local (issue 22 §3): cases closed before the 外地受助
 * notices existed get the notice their close would have written — masked, with the case's own close
 * time, Flow A's total or Flow B's — and nothing else: a local applicant's case none, an open case
 * none, a notice a later close wrote is kept. `--dry-run` writes nothing; a second run writes nothing;
 * an unknown county is a usage error (exit 2).
 */
import { DynamoDBDocumentClient, PutCommand, ScanCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RegistrationNoticeStore } from "#adapters/registration-notice-store.ts";
import { main } from "#local/cli/main.ts";
import { CHENGGUAN, DEMO_COUNTY, HEDONG } from "#local/seed/demo-county.ts";
import { createTestTables, type TestTables } from "#test/support/dynamo.ts";

const REGISTRATION = "230184";
let tables: TestTables;
let db: DynamoDBDocumentClient;
const previousEnv = { ...process.env };

/** A case item as the close leaves it (index keys included), personal fields and all. */
async function putCase(caseId: string, fields: Record<string, unknown>) {
  const status = String(fields.status ?? "closed");
  const townshipId = String(fields.townshipId ?? CHENGGUAN.townshipId);
  await db.send(
    new PutCommand({
      TableName: tables.names.main,
      Item: {
        pk: `CASE#${caseId}`,
        sk: "CASE",
        gsi1pk: `CASES#TOWNSHIP#${townshipId}#${status}`,
        gsi1sk: `2026-10-01T00:00:00.000Z#${caseId}`,
        caseId,
        countyId: DEMO_COUNTY.countyId,
        townshipId,
        status,
        flow: "A",
        policyVersionId: "230123-2026-01",
        filedAt: "2026-09-20T02:00:00.000Z",
        hardship: { kind: "urgent", cause: "fire" },
        applicant: {
          name: "王秀英",
          document: { type: "resident-id", numberMasked: "1101**********8515" },
          phoneMasked: "139****2222",
          personKey: "pk-test",
          registration: { countyCode: REGISTRATION },
          local: false,
        },
        description: "房屋失火，家中财物损毁",
        handledBy: [],
        flags: {},
        version: 5,
        ...fields,
      },
    }),
  );
}

async function run(...argv: string[]): Promise<{ code: number; out: string }> {
  let out = "";
  const code = await main(argv, {
    out: (text) => {
      out += text;
    },
    err: (text) => {
      out += text;
    },
    env: process.env,
  });
  return { code, out };
}

/** Every item of the main table, as text: what a run that writes nothing leaves unchanged. */
async function tableText(): Promise<string> {
  const out = await db.send(new ScanCommand({ TableName: tables.names.main, ConsistentRead: true }));
  return JSON.stringify((out.Items ?? []).sort((a, b) => `${a.pk}${a.sk}`.localeCompare(`${b.pk}${b.sk}`)));
}

beforeAll(async () => {
  tables = await createTestTables("notices-backfill");
  db = DynamoDBDocumentClient.from(tables.client, { marshallOptions: { removeUndefinedValues: true } });
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_DYNAMODB: tables.endpoint,
    AWS_REGION: "cn-north-1",
    AWS_ACCESS_KEY_ID: "local",
    AWS_SECRET_ACCESS_KEY: "local",
    AIDFLOW_TABLE_MAIN: tables.names.main,
    AIDFLOW_TABLE_LEDGER: tables.names.ledger,
  });
  // Flow A closed with aid, non-local: a notice is due.
  await putCase("BF-A", {
    closedAt: "2026-10-05T03:00:00.000Z",
    outcome: { result: "aided", paid: { advance: "800.00" }, totalPaidYuan: "800.00" },
  });
  // Flow B closed (plan completed) at 河东乡, non-local: a notice with everything paid on the case.
  await putCase("BF-B", {
    townshipId: HEDONG.townshipId,
    flow: "B",
    hardship: { kind: "expenditure", cause: "medical" },
    closedAt: "2026-11-30T08:00:00.000Z",
    outcome: {
      result: "completed",
      stagesPlanned: 3,
      paidByPlanYuan: "2800.50",
      totalPaidOnCaseYuan: "3600.50",
    },
  });
  // A local applicant: no registration county to tell.
  await putCase("BF-local", {
    applicant: {
      name: "李强",
      document: { type: "resident-id", numberMasked: "2301**********0011" },
      personKey: "pk-local",
      registration: { countyCode: DEMO_COUNTY.countyId },
      local: true,
    },
    closedAt: "2026-10-06T03:00:00.000Z",
    outcome: { result: "aided", totalPaidYuan: "500.00" },
  });
  // Still open: nothing to tell yet.
  await putCase("BF-open", { status: "awaiting-paperwork" });
  // Closed by Flow A on 10-07, its notice since replaced by Flow B's later close: kept as it is.
  await putCase("BF-later", {
    closedAt: "2026-10-07T03:00:00.000Z",
    outcome: { result: "aided", totalPaidYuan: "600.00" },
  });
  await new RegistrationNoticeStore(db, tables.names.main).put({
    caseId: "BF-later",
    registrationCountyId: REGISTRATION,
    countyId: DEMO_COUNTY.countyId,
    townshipId: CHENGGUAN.townshipId,
    flow: "B",
    cause: "fire",
    result: "completed",
    paidFen: 240000,
    applicantNameMasked: "王*",
    idNumberMasked: "1101**********8515",
    filedAt: "2026-09-20T02:00:00.000Z",
    closedAt: "2026-12-01T03:00:00.000Z",
  });
});

afterAll(() => {
  for (const key of Object.keys(process.env)) if (!(key in previousEnv)) delete process.env[key];
  Object.assign(process.env, previousEnv);
});

describe("aidflow notices backfill", () => {
  it("--dry-run counts the missing notices and writes nothing", async () => {
    // Prepare
    const before = await tableText();
    // Act
    const { code, out } = await run("notices", "backfill", "--county", DEMO_COUNTY.countyId, "--dry-run");
    // Assess
    expect(code, out).toBe(0);
    expect(out).toContain("示例县：已办结 4 件，其中外地户籍 3 件，将补写通报 2 条，已有 1 条");
    expect(out).toContain("试运行，未写入");
    expect(await tableText()).toBe(before);
  });

  it("writes each missing notice once, masked, and keeps the later close's", async () => {
    // Act
    const first = await run("notices", "backfill", "--county", DEMO_COUNTY.countyId);
    const afterFirst = await tableText();
    const second = await run("notices", "backfill");
    // Assess
    expect(first.code, first.out).toBe(0);
    expect(first.out).toContain("已补写通报 2 条，已有 1 条");
    const store = new RegistrationNoticeStore(db, tables.names.main);
    const page = await store.page({ registrationCountyId: REGISTRATION, limit: 10 });
    expect(page.notices.map((n) => n.caseId)).toEqual(["BF-later", "BF-B", "BF-A"]);
    expect(await store.find(REGISTRATION, "BF-A")).toEqual({
      caseId: "BF-A",
      registrationCountyId: REGISTRATION,
      countyId: DEMO_COUNTY.countyId,
      countyName: "示例县",
      townshipId: CHENGGUAN.townshipId,
      townshipName: "城关镇",
      flow: "A",
      cause: "fire",
      result: "aided",
      paidFen: 80000,
      applicantNameMasked: "王**",
      idNumberMasked: "1101**********8515",
      filedAt: "2026-09-20T02:00:00.000Z",
      closedAt: "2026-10-05T03:00:00.000Z",
    });
    expect(await store.find(REGISTRATION, "BF-B")).toMatchObject({
      flow: "B",
      result: "completed",
      paidFen: 360050,
      townshipName: "河东乡",
      closedAt: "2026-11-30T08:00:00.000Z",
    });
    expect(await store.find(REGISTRATION, "BF-later")).toMatchObject({
      flow: "B",
      paidFen: 240000,
      closedAt: "2026-12-01T03:00:00.000Z",
    });
    expect(JSON.stringify(page.notices)).not.toMatch(/王秀英|139\*|房屋失火/);
    // Every county of the deployment the second time: nothing left to write.
    expect(second.code, second.out).toBe(0);
    expect(second.out).toContain("已补写通报 0 条，已有 3 条");
    expect(await tableText()).toBe(afterFirst);
  });

  it("an unknown county is a usage error and writes nothing", async () => {
    // Prepare
    const before = await tableText();
    // Act
    const { code, out } = await run("notices", "backfill", "--county", "239999");
    // Assess
    expect(code).toBe(2);
    expect(out).toContain("County 239999 does not exist / 该县（市、区）不存在");
    expect(await tableText()).toBe(before);
  });
});
