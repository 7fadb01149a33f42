/**
 * The county's message texts as county data (issue 24), through the MessageTemplates handler on
 * this run's DynamoDB Local:
 * - the county administrator reads every event's text (default at first), its variables and length;
 * - saves its own text and 好差评 link: audited with what changed, and the next message of that
 *   event is written with the county's text and the link;
 * - a text over two segments, with a variable its event lacks, with 【】, or a link that is not
 *   https is refused field by field in zh-CN and English, and writes nothing;
 * - another county's administrator, or a township officer, is refused (403).
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DynamoDBDocumentClient, QueryCommand, ScanCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { storedAuditEvent } from "#adapters/audit-store.ts";
import { DirectoryStore } from "#adapters/directory-store.ts";
import { MessageStore } from "#adapters/message-store.ts";
import { DEFAULT_TEMPLATES } from "#core/messages/index.ts";
import { resetConfig } from "#functions/runtime/config.ts";
import { logger } from "#functions/runtime/logger.ts";
import { type NotifyDeps, notify } from "#functions/services/messages/notify.ts";
import { createTestTables, type TestTables } from "#test/support/dynamo.ts";
import { claimsOf, httpEvent } from "#test/unit/http/support.ts";

const COUNTY = "230123";
const countyAdmin = claimsOf({
  userId: "county-admin-1",
  name: "孙丽",
  roles: ["county-admin"],
  countyId: COUNTY,
});
const otherCountyAdmin = claimsOf({ userId: "county-admin-9", roles: ["county-admin"], countyId: "230124" });
const officer = claimsOf({
  userId: "officer-chengguan-1",
  roles: ["township-officer"],
  countyId: COUNTY,
  townshipId: "230123100",
});

const READ = "GET /admin/counties/{countyId}/message-templates";
const SAVE = "PUT /admin/counties/{countyId}/message-templates";

let tables: TestTables;
let documentsDir: string;
let handler: (event: unknown) => Promise<{ statusCode: number; body: string }>;
const previousEnv = { ...process.env };

interface EventView {
  event: string;
  template: string;
  own: boolean;
  defaultTemplate: string;
  variables: { name: string; labelZh: string }[];
  charsMax: number;
  segments: number;
}
interface View {
  signName: string;
  ratingUrl: string | null;
  events: EventView[];
  updatedBy: string | null;
}
interface Refusal {
  code: string;
  messageZh: string;
  fields: { path: string; message: string; messageZh: string }[];
}

async function call<T>(claims: Record<string, string>, routeKey: string, body?: unknown, countyId = COUNTY) {
  const result = await handler(
    httpEvent(routeKey, {
      claims,
      path: `/admin/counties/${countyId}/message-templates`,
      pathParameters: { countyId },
      ...(body ? { body } : {}),
    }),
  );
  return { status: result.statusCode, body: JSON.parse(result.body || "null") as T };
}

async function written(): Promise<string> {
  const db = DynamoDBDocumentClient.from(tables.client);
  const out = await db.send(new ScanCommand({ TableName: tables.names.main, ConsistentRead: true }));
  return JSON.stringify(
    (out.Items ?? [])
      .filter((i) => !String(i.pk).startsWith("IDEMPOTENCY#"))
      .map((i) => `${i.pk}|${i.sk}|${JSON.stringify(i)}`)
      .sort(),
  );
}

async function auditEvents(action: string): Promise<{ before: unknown; after: unknown; reason?: string }[]> {
  const out = await DynamoDBDocumentClient.from(tables.client).send(
    new QueryCommand({
      TableName: tables.names.main,
      KeyConditionExpression: "pk = :pk",
      ExpressionAttributeValues: { ":pk": `AUDIT#${COUNTY}` },
      ConsistentRead: true,
    }),
  );
  return (out.Items ?? [])
    .map((i) => storedAuditEvent(i) as { action: string; before: unknown; after: unknown; reason?: string })
    .filter((e) => e.action === action);
}

beforeAll(async () => {
  tables = await createTestTables("admin-message-templates");
  documentsDir = await mkdtemp(join(tmpdir(), "aidflow-templates-"));
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_DYNAMODB: tables.endpoint,
    AWS_REGION: "cn-north-1",
    AWS_ACCESS_KEY_ID: "local",
    AWS_SECRET_ACCESS_KEY: "local",
    AIDFLOW_RUNTIME: "local",
    AIDFLOW_TABLE_MAIN: tables.names.main,
    AIDFLOW_TABLE_LEDGER: tables.names.ledger,
    AIDFLOW_IDENTITY_HASH_KEY: "templates-test-identity-hash-key-0123456789abcdef",
    AIDFLOW_DOCUMENTS_DIR: documentsDir,
  });
  resetConfig();
  const directory = new DirectoryStore(DynamoDBDocumentClient.from(tables.client), tables.names.main);
  await directory.createCounty({
    countyId: COUNTY,
    name: "示例县",
    townships: [{ townshipId: "230123100", name: "城关镇", registeredPopulation: 58_000, area: "urban" }],
  });
  handler = (await import("#functions/handlers/admin/message-templates.ts")).handler as never;
});

afterAll(async () => {
  process.env = previousEnv;
  resetConfig();
  tables?.client.destroy();
  await rm(documentsDir, { recursive: true, force: true });
});

describe("the county's message texts", () => {
  it("reads every event with the default text, its variables and its longest length within 2 segments", async () => {
    const read = await call<View>(countyAdmin, READ);
    expect(read.status, JSON.stringify(read.body)).toBe(200);
    expect(read.body.ratingUrl).toBeNull();
    expect(read.body.events).toHaveLength(Object.keys(DEFAULT_TEMPLATES).length);
    for (const event of read.body.events) {
      expect(event.own).toBe(false);
      expect(event.template).toBe(event.defaultTemplate);
      expect(event.charsMax).toBeLessThanOrEqual(134);
      expect(event.segments).toBeLessThanOrEqual(2);
    }
    const closed = read.body.events.find((e) => e.event === "case-closed");
    expect(closed?.variables.map((v) => v.name)).toEqual(["salutation", "caseNumber", "ratingUrl"]);
    expect(closed?.variables.find((v) => v.name === "ratingUrl")?.labelZh).toBe("好差评链接");
  });

  it("refuses texts that break the SMS rules, field by field, and writes nothing", async () => {
    const before = await written();
    const refused = await call<Refusal>(countyAdmin, SAVE, {
      templates: {
        "withdrawal-confirmed": `{salutation}，${"您的临时救助申请已经撤回，".repeat(10)}{caseNumber}`,
        "money-sent": "{salutation}，救助金{amount}元已发放，身份证{idNumber}。",
        "advance-approved": "【民政局】{salutation}，您的申请{caseNumber}已批准。",
        "not-an-event": "你好",
      },
      ratingUrl: "http://hcp.example.gov.cn/r",
    });
    expect(refused.status).toBe(400);
    const byPath = new Map(refused.body.fields.map((f) => [f.path, f]));
    expect(byPath.get("body.templates.withdrawal-confirmed")?.messageZh).toMatch(/超过 2 条短信/);
    expect(byPath.get("body.templates.money-sent")?.messageZh).toContain("使用了本消息不提供的变量 idNumber");
    expect(byPath.get("body.templates.advance-approved")?.messageZh).toContain("不能含【】");
    expect(byPath.get("body.templates.not-an-event")?.message).toContain("not a message event");
    expect(byPath.get("body.ratingUrl")?.messageZh).toContain("https");
    for (const field of refused.body.fields) {
      expect(field.message).not.toBe("");
      expect(field.messageZh).toMatch(/\p{Script=Han}/u);
    }
    expect(await written()).toBe(before);
  });

  it("refuses another county's administrator and a township officer (403)", async () => {
    const before = await written();
    const body = { templates: {}, ratingUrl: "https://hcp.example.gov.cn/r" };
    expect((await call(otherCountyAdmin, SAVE, body)).status).toBe(403);
    expect((await call(otherCountyAdmin, READ)).status).toBe(403);
    expect((await call(officer, SAVE, body)).status).toBe(403);
    expect(await written()).toBe(before);
  });

  it("saves the county's own text and 好差评 link, audited; the next message uses them", async () => {
    // Act
    const own = "{salutation}，您的临时救助案件{caseNumber}已办结，请为本次服务评价：{ratingUrl}";
    const saved = await call<View>(countyAdmin, SAVE, {
      templates: {
        "case-closed": own,
        // The default text given back is not the county's own.
        "money-sent": DEFAULT_TEMPLATES["money-sent"],
      },
      ratingUrl: "https://hcp.example.gov.cn/r",
    });

    // Assess: the view, the audit, and a message written after it
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    const closed = saved.body.events.find((e) => e.event === "case-closed");
    expect(closed).toMatchObject({ template: own, own: true });
    expect(saved.body.events.find((e) => e.event === "money-sent")?.own).toBe(false);
    expect(saved.body.ratingUrl).toBe("https://hcp.example.gov.cn/r");
    expect(saved.body.updatedBy).toBe("county-admin-1");
    expect(
      (await call<View>(countyAdmin, READ)).body.events.find((e) => e.event === "case-closed")?.own,
    ).toBe(true);
    const audits = await auditEvents("messageSettings.update");
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({
      reason: "county message settings updated",
      before: { templates: { "case-closed": null }, ratingUrl: null },
      after: { templates: { "case-closed": own }, ratingUrl: "https://hcp.example.gov.cn/r" },
    });

    const db = DynamoDBDocumentClient.from(tables.client, {
      marshallOptions: { removeUndefinedValues: true },
    });
    const messages = new MessageStore(db, tables.names.main);
    const deps = {
      messages,
      directory: new DirectoryStore(db, tables.names.main),
      now: () => new Date("2026-12-07T02:00:00.000Z"),
      log: logger,
    } as unknown as NotifyDeps;
    const message = await notify(
      deps,
      {
        kind: "case-closed",
        values: {
          salutation: "张*",
          caseNumber: "C20261207-0a1b2c3d4e",
          ratingUrl: "https://hcp.example.gov.cn/r",
        },
      },
      { kind: "applicant", caseId: "C20261207-0a1b2c3d4e" },
      { caseId: "C20261207-0a1b2c3d4e", discriminator: "closed", countyId: COUNTY, applicantUserId: "" },
    );
    expect(message?.rendered.text).toBe(
      "张*，您的临时救助案件C20261207-0a1b2c3d4e已办结，请为本次服务评价：https://hcp.example.gov.cn/r",
    );

    // Act: the link removed
    const removed = await call<View>(countyAdmin, SAVE, {
      templates: { "case-closed": own },
      ratingUrl: null,
    });
    expect(removed.body.ratingUrl).toBeNull();
  });

  it("twin saves write and audit once; the same texts again change nothing", async () => {
    // Prepare
    const before = (await auditEvents("messageSettings.update")).length;
    const text = "{salutation}，您的申请{caseNumber}已撤回，如有困难可再次申请。";
    const body = { templates: { "withdrawal-confirmed": text } };

    // Act: ten identical saves at once, then the same save again
    const twins = await Promise.all(Array.from({ length: 10 }, () => call<View>(countyAdmin, SAVE, body)));
    const again = await call<View>(countyAdmin, SAVE, body);

    // Assess: no 5xx, one audit event; each answer either the save or a 409 asking to reload
    expect(twins.map((t) => t.status).filter((s) => s !== 200 && s !== 409)).toEqual([]);
    expect(twins.some((t) => t.status === 200)).toBe(true);
    expect(again.status).toBe(200);
    expect(again.body.events.find((e) => e.event === "withdrawal-confirmed")).toMatchObject({
      template: text,
    });
    expect((await auditEvents("messageSettings.update")).length - before).toBe(1);
  });
});
