/**
 * Early warnings (issue 25 items 1–2) on DynamoDB Local and the real Flow A: signed partner intake
 * (bad signature, unknown source, expired, replayed, malformed — each refused, nothing written), the
 * county's CSV import (a malformed row refuses the whole sheet), one alert per person + risk within the
 * window, alert → visit by two officers → filing on the person's behalf → paid, and an alert whose
 * deadline passes → escalated to county civil affairs once.
 */
import { DynamoDBDocumentClient, ScanCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AlertStore } from "#adapters/alert-store.ts";
import { AuditStore } from "#adapters/audit-store.ts";
import { sign } from "#adapters/payments/signature.ts";
import { localDateOf } from "#core/calendar/index.ts";
import type { AlertDeps } from "#functions/services/alerts/intake.ts";
import { escalateAllOverdueAlerts } from "#functions/services/alerts/verification.ts";
import type { ApiClient } from "#test/e2e/support/api.ts";
import { approveAndPay, type FlowAWorld, key, startFlowAWorld } from "#test/integration/flow-a/world.ts";

const SOURCE = "county-medical";
const SOURCE_KEY = "alerts-test-source-key-000000000000000001";
const CHENGGUAN = "230123100";
const DAY_MS = 24 * 3600 * 1000;

/** A valid GB 11643 resident ID number from its first 17 digits. */
function residentId(first17: string): string {
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...first17].reduce((s, d, i) => s + Number(d) * (weights[i] as number), 0);
  return `${first17}${"10X98765432"[sum % 11]}`;
}

function alertBody(overrides: Record<string, unknown> = {}, person: Record<string, unknown> = {}) {
  return {
    person: { idNumber: residentId("23012319750302001"), name: "李秀英", ...person },
    townshipId: CHENGGUAN,
    kind: "medical-expense",
    source: "县医保局",
    date: "2026-03-01",
    evidence: "本月个人自付医疗费用 4.2 万元",
    ...overrides,
  };
}

let world: FlowAWorld;
let deps: AlertDeps;
let officer1: ApiClient;
let officer2: ApiClient;
let county: ApiClient;
let approver: ApiClient;

async function alertItems(): Promise<number> {
  const db = DynamoDBDocumentClient.from(world.runtime.dynamo);
  const out = await db.send(
    new ScanCommand({
      TableName: world.runtime.tables.main,
      FilterExpression: "begins_with(pk, :a)",
      ExpressionAttributeValues: { ":a": "ALERT" },
      Select: "COUNT",
    }),
  );
  return out.Count ?? 0;
}

async function postSigned(
  payload: unknown,
  options: {
    key?: string;
    source?: string;
    nowMs?: number;
    tamper?: boolean;
    signed?: ReturnType<typeof sign>;
  } = {},
) {
  const body = JSON.stringify(payload);
  const signed =
    options.signed ??
    sign(options.key ?? SOURCE_KEY, {
      method: "POST",
      path: "/early-warnings/signed",
      body,
      nowMs: options.nowMs ?? Date.now(),
    });
  const response = await fetch(`${world.api.url}/early-warnings/signed`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-aidflow-source": options.source ?? SOURCE,
      "x-aidflow-timestamp": signed.timestamp,
      "x-aidflow-signature": signed.signature,
    },
    body: options.tamper ? body.replace("4.2", "9.9") : body,
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown>, signed };
}

beforeAll(async () => {
  world = await startFlowAWorld({
    label: "alerts",
    env: { AIDFLOW_ALERT_SOURCE_KEYS: JSON.stringify({ [SOURCE]: SOURCE_KEY }) },
  });
  const db = DynamoDBDocumentClient.from(world.runtime.dynamo, {
    marshallOptions: { removeUndefinedValues: true },
  });
  deps = {
    flow: world.deps,
    alerts: new AlertStore(db, world.runtime.tables.main),
    audit: new AuditStore({ client: world.runtime.dynamo, tableName: world.runtime.tables.main }),
  };
  officer1 = await world.signIn("officer-chengguan-1");
  officer2 = await world.signIn("officer-chengguan-2");
  county = await world.signIn("county-civil-1");
  approver = await world.signIn("approver-chengguan");
}, 120_000);

afterAll(async () => {
  await world?.close();
});

describe("signed intake refusals write nothing", () => {
  it("a bad signature, an unknown source and an expired timestamp are 401", async () => {
    const before = await alertItems();
    const tampered = await postSigned({ alerts: [alertBody()] }, { tamper: true });
    expect(tampered.status).toBe(401);
    expect(tampered.body.messageZh).toBe("签名无效");
    const wrongKey = await postSigned(
      { alerts: [alertBody()] },
      { key: "another-key-0000000000000000000000000001" },
    );
    expect(wrongKey.status).toBe(401);
    const unknown = await postSigned({ alerts: [alertBody()] }, { source: "nobody" });
    expect(unknown.status).toBe(401);
    const expired = await postSigned({ alerts: [alertBody()] }, { nowMs: Date.now() - 3600_000 });
    expect(expired.status).toBe(401);
    expect(await alertItems()).toBe(before);
  });

  it("a malformed alert refuses the whole message, each field named in Chinese and English", async () => {
    const before = await alertItems();
    const bad = await postSigned({
      alerts: [
        alertBody({}, { idNumber: residentId("23012319800101002") }),
        alertBody({ kind: "lottery", townshipId: "999999999" }, { idNumber: "230123198001010000" }),
      ],
    });
    expect(bad.status).toBe(400);
    const fields = bad.body.fields as Array<{ path: string; message: string; messageZh: string }>;
    const paths = fields.map((f) => f.path);
    expect(paths).toEqual(expect.arrayContaining(["alerts.1.person.idNumber", "alerts.1.kind"]));
    expect(fields.find((f) => f.path === "alerts.1.kind")?.messageZh).toContain("风险类型");
    expect(await alertItems()).toBe(before);
  });

  it("a signed message is taken once: the replay is 409 and writes nothing; a repeat alert answers the standing one", async () => {
    const first = await postSigned({ alerts: [alertBody()] });
    expect(first.status).toBe(201);
    const [receipt] = first.body.alerts as Array<{ alertId: string; repeat: boolean }>;
    expect(receipt?.repeat).toBe(false);
    const after = await alertItems();

    const replay = await postSigned({ alerts: [alertBody()] }, { signed: first.signed });
    expect(replay.status).toBe(409);
    expect(replay.body.code).toBe("REPLAYED");
    expect(await alertItems()).toBe(after);

    // The same person + risk in a newly signed message: answered with the standing alert, not stored again.
    const repeat = await postSigned({ alerts: [alertBody({ evidence: "再次报送" })] });
    expect(repeat.status).toBe(201);
    const [again] = repeat.body.alerts as Array<{ alertId: string; repeat: boolean }>;
    expect(again).toMatchObject({ alertId: receipt?.alertId, repeat: true });
    // Only the replay guard of the new message was written.
    expect(await alertItems()).toBe(after + 1);
  });
});

describe("the county's spreadsheet import", () => {
  const header = "身份证号,姓名,家庭（户主或住址）,居住地乡镇代码,风险类型,来源,日期,依据摘要";
  const csv = (...rows: string[]) => Buffer.from(`${header}\n${rows.join("\n")}\n`).toString("base64");

  it("a malformed row refuses the sheet with its row and column, nothing written", async () => {
    const before = await alertItems();
    const refused = await county.post(
      "/early-warnings/import",
      {
        fileName: "医保预警.csv",
        contentBase64: csv(
          `,王建国,"王建国户，东街 12 号",${CHENGGUAN},失业断收,县人社局,2026-03-01,失业保险金停发`,
          `,赵丽,,${CHENGGUAN},意外事故,县应急局,2026-03-01,交通事故致残`,
        ),
      },
      key("import"),
    );
    expect(refused.status).toBe(400);
    const fields = (refused.body as { fields: Array<{ messageZh: string }> }).fields;
    expect(fields.map((f) => f.messageZh).join("\n")).toContain("第 3 行 C 列（家庭（户主或住址））");
    expect(await alertItems()).toBe(before);
  });

  it("every row passes: each alert received, masked by role for the auditor", async () => {
    const imported = await county.post<{
      received: number;
      repeats: number;
      alerts: Array<{ alertId: string }>;
    }>(
      "/early-warnings/import",
      {
        fileName: "人社预警.csv",
        contentBase64: csv(
          `,王建国,"王建国户，东街 12 号",${CHENGGUAN},失业断收,县人社局,2026-03-01,失业保险金停发`,
          `${residentId("23012319900505003")},赵丽,,${CHENGGUAN},意外事故,县应急局,2026-03-01,交通事故致残`,
        ),
      },
      key("import"),
    );
    expect(imported.status).toBe(201);
    expect(imported.body).toMatchObject({ received: 2, repeats: 0 });
    const auditor = await world.signIn("auditor-1");
    const seen = await auditor.get<{ person: { name: string; idNumberMasked?: string } }>(
      `/early-warnings/${imported.body.alerts[1]?.alertId}`,
    );
    expect(seen.status).toBe(200);
    expect(seen.body.person.name).not.toBe("赵丽");
    expect(seen.body.person.idNumberMasked).toMatch(/\*/);
  });
});

describe("verification", () => {
  it("alert → visit by two officers → filing on the person's behalf → paid", async () => {
    const idNumber = residentId("23012319680808004");
    const sent = await postSigned({ alerts: [alertBody({}, { idNumber, name: "周桂兰" })] });
    expect(sent.status).toBe(201);
    const alertId = (sent.body.alerts as Array<{ alertId: string }>)[0]?.alertId as string;

    const list = await officer1.get<{ alerts: Array<{ alertId: string; statusZh: string; dueAt: string }> }>(
      "/early-warnings",
    );
    expect(list.body.alerts.find((a) => a.alertId === alertId)?.statusZh).toBe("待核查");

    const today = localDateOf(world.clock.nowMs());
    // The recorder cannot name themself as the second officer.
    const self = await officer1.post(
      `/early-warnings/${alertId}/visits`,
      { visitedOn: today, coVisitorUserId: "officer-chengguan-1", outcome: { kind: "file-on-behalf" } },
      key("visit"),
    );
    expect(self.status).toBe(400);
    const visit = await officer1.post(
      `/early-warnings/${alertId}/visits`,
      { visitedOn: today, coVisitorUserId: "officer-chengguan-2", outcome: { kind: "file-on-behalf" } },
      key("visit"),
    );
    expect(visit.status).toBe(201);
    // Filing waits for the second officer's confirmation; the recorder cannot confirm it.
    const early = await officer1.post(`/early-warnings/${alertId}/filing`, filingBody(idNumber), key("file"));
    expect(early.status).toBe(422);
    expect(
      (await officer1.post(`/early-warnings/${alertId}/visits/co-sign`, { decision: "confirm" }, key("c")))
        .status,
    ).toBe(403);
    const confirmed = await officer2.post<{ status: string }>(
      `/early-warnings/${alertId}/visits/co-sign`,
      { decision: "confirm" },
      key("cosign"),
    );
    expect(confirmed.status).toBe(200);
    expect(confirmed.body.status).toBe("to-file");

    // Another person's ID number is refused.
    const wrong = await officer1.post(
      `/early-warnings/${alertId}/filing`,
      filingBody(residentId("23012319700101005")),
      key("file"),
    );
    expect(wrong.status).toBe(400);
    const filed = await officer1.post<{ case: { caseId: string; status: string } }>(
      `/early-warnings/${alertId}/filing`,
      filingBody(idNumber),
      key("file"),
    );
    expect(filed.status).toBe(201);
    const caseId = filed.body.case.caseId;
    await world.openTask(caseId, "advance-decision");
    const record = await world.deps.cases.get(caseId);
    expect(record.filedBy.onBehalf).toBe(true);
    expect(record.hardship.cause).toBe("medical");
    expect(record.townshipId).toBe(CHENGGUAN);

    await approveAndPay(world, approver, caseId, "800");
    const stats = await county.get<{
      townships: Array<{
        townshipId: string;
        received: number;
        aided: number;
        visitedInTime: number;
        medianHoursToMoney: number | null;
      }>;
    }>("/early-warnings/statistics");
    const chengguan = stats.body.townships.find((t) => t.townshipId === CHENGGUAN);
    expect(chengguan?.aided).toBe(1);
    expect(chengguan?.visitedInTime).toBe(1);
    expect(chengguan?.medianHoursToMoney).not.toBeNull();
    const view = await officer1.get<{ status: string; caseId: string }>(`/early-warnings/${alertId}`);
    expect(view.body).toMatchObject({ status: "verified", caseId });
  }, 120_000);

  it("an alert whose deadline passes is escalated to county civil affairs once", async () => {
    const sent = await postSigned({
      alerts: [
        alertBody(
          { kind: "disaster", evidence: "房屋受损" },
          { idNumber: residentId("23012319550202006"), name: "孙国强" },
        ),
      ],
    });
    const alertId = (sent.body.alerts as Array<{ alertId: string }>)[0]?.alertId as string;
    expect((await escalateAllOverdueAlerts(deps)).escalated).toBe(0);
    // Five working days and a weekend later, past the end of the deadline's day.
    await world.clock.advanceBy(8 * DAY_MS);
    const first = await escalateAllOverdueAlerts(deps);
    expect(first.escalated).toBeGreaterThanOrEqual(1);
    expect((await escalateAllOverdueAlerts(deps)).escalated).toBe(0);
    const view = await county.get<{ overdue: boolean; escalated: boolean }>(`/early-warnings/${alertId}`);
    expect(view.body).toMatchObject({ overdue: true, escalated: true });
    const inbox = await county.get<{ messages: Array<{ caseId?: string; rendered?: { text?: string } }> }>(
      "/inbox",
    );
    expect(JSON.stringify(inbox.body)).toContain(alertId);
  }, 60_000);
});

function filingBody(idNumber: string) {
  return {
    applicant: {
      name: "周桂兰",
      document: { type: "resident-id", number: idNumber },
      phone: "13812345679",
      registration: { countyCode: "230123" },
    },
    requestedAmountYuan: "800",
    bankAccount: { holderName: "周桂兰", bankName: "农村信用社", account: "6217000012349999" },
  };
}
