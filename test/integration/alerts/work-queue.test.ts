/**
 * Early warnings in the work queue (issue 25) on DynamoDB Local and the real Flow A: a township
 * officer's `GET /work-queue` lists the township's alerts awaiting their verification beside the
 * case tasks, each with its deadline, earliest first — not another township's, not the approver's,
 * not when one task type is asked for, not on a later page; county civil affairs sees an alert only
 * once it is escalated (its deadline passed unverified); a verified alert leaves both queues.
 */
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AlertStore } from "#adapters/alert-store.ts";
import { AuditStore } from "#adapters/audit-store.ts";
import { localDateOf } from "#core/calendar/index.ts";
import { residentIdCheckCharacter } from "#core/identity/residentId.ts";
import type { AlertDeps } from "#functions/services/alerts/intake.ts";
import { escalateAllOverdueAlerts } from "#functions/services/alerts/verification.ts";
import type { ApiClient } from "#test/e2e/support/api.ts";
import {
  approveAndPay,
  type FlowAWorld,
  fileAndWait,
  filing,
  key,
  startFlowAWorld,
} from "#test/integration/flow-a/world.ts";

const CHENGGUAN = "230123100";
const HEDONG = "230123200";
const DAY_MS = 24 * 3600 * 1000;

interface AlertItem {
  alertId: string;
  townshipId: string;
  townshipName: string | null;
  personName?: string;
  kindZh: string;
  statusZh: string;
  dueAt: string;
  overdue: boolean;
  escalated: boolean;
}
interface QueuePage {
  items: Array<{ caseId: string; taskType: string; dueAt: string | null }>;
  nextCursor?: string;
  alerts?: AlertItem[];
}

const residentId = (first17: string) => `${first17}${residentIdCheckCharacter(first17)}`;

let world: FlowAWorld;
let deps: AlertDeps;
let officer1: ApiClient;
let officer2: ApiClient;
let approver: ApiClient;
let county: ApiClient;

beforeAll(async () => {
  world = await startFlowAWorld({ label: "alerts-work-queue" });
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
  approver = await world.signIn("approver-chengguan");
  county = await world.signIn("county-civil-1");
}, 120_000);

afterAll(async () => {
  await world?.close();
});

const header = "身份证号,姓名,家庭（户主或住址）,居住地乡镇代码,风险类型,来源,日期,依据摘要";
const csv = (...rows: string[]) => Buffer.from(`${header}\n${rows.join("\n")}\n`).toString("base64");

async function importAlerts(label: string, ...rows: string[]): Promise<string[]> {
  const imported = await county.post<{ alerts: Array<{ alertId: string }> }>(
    "/early-warnings/import",
    { fileName: `${label}.csv`, contentBase64: csv(...rows) },
    key(label),
  );
  if (imported.status !== 201) throw new Error(`import failed: ${imported.status} ${imported.text}`);
  return imported.body.alerts.map((a) => a.alertId);
}

async function queue(client: ApiClient, query = ""): Promise<QueuePage> {
  const answer = await client.get<QueuePage>(`/work-queue${query}`);
  if (answer.status !== 200) throw new Error(`work queue: ${answer.status} ${answer.text}`);
  return answer.body;
}

describe("early warnings in the work queue", () => {
  it("the officer's alerts beside the case tasks by deadline; the county's once escalated; gone once verified", async () => {
    // Prepare: a paid case of 城关镇 (its paperwork task is the officers'), then two alerts of 城关镇
    // a day apart and one of 河东乡.
    const caseId = await fileAndWait(world, officer1, filing());
    await approveAndPay(world, approver, caseId, "800");
    const otherCaseId = await fileAndWait(
      world,
      officer1,
      filing({
        hardship: { cause: "traffic-accident" },
        applicant: {
          name: "赵磊",
          document: { type: "resident-id", number: residentId("23012319820404004") },
          phone: "13812340000",
          registration: { countyCode: "230123" },
        },
        bankAccount: { holderName: "赵磊", bankName: "农村信用社", account: "6217000012340000" },
      }),
    );
    await approveAndPay(world, approver, otherCaseId, "500");
    const [early] = await importAlerts(
      "first",
      `${residentId("23012319700303001")},刘芳,,${CHENGGUAN},大额医疗支出,县医保局,2026-03-01,自付医疗费用 3.8 万元`,
    );
    await world.clock.advanceBy(DAY_MS);
    const [late, elsewhere] = await importAlerts(
      "second",
      `${residentId("23012319660606002")},陈强,,${CHENGGUAN},失业断收,县人社局,2026-03-02,失业保险金停发`,
      `${residentId("23012319720707003")},黄敏,,${HEDONG},意外事故,县应急局,2026-03-02,交通事故致残`,
    );

    // Act 1: each role's first page, a filtered page and a later page.
    const readAt = world.clock.nowMs();
    const officerPage = await queue(officer1);
    const approverPage = await queue(approver);
    const countyBefore = await queue(county);
    const paperworkOnly = await queue(officer1, "?taskType=paperwork");
    const firstOfOne = await queue(officer1, "?limit=1");
    const laterPage = await queue(
      officer1,
      `?limit=1&cursor=${encodeURIComponent(firstOfOne.nextCursor ?? "")}`,
    );

    // Act 2: the deadline passes unverified; the scan escalates to the county.
    await world.clock.advanceBy(8 * DAY_MS);
    const escalated = await escalateAllOverdueAlerts(deps);
    const officerOverdue = await queue(officer1);
    const countyEscalated = await queue(county);

    // Act 3: the earlier alert verified by two officers (not needed) leaves both queues.
    const today = localDateOf(world.clock.nowMs());
    const visit = await officer1.post(
      `/early-warnings/${early}/visits`,
      {
        visitedOn: today,
        coVisitorUserId: "officer-chengguan-2",
        outcome: { kind: "not-needed", reason: "已获医保报销" },
      },
      key("visit"),
    );
    const awaitingCoSign = await queue(officer1);
    const confirmed = await officer2.post(
      `/early-warnings/${early}/visits/co-sign`,
      { decision: "confirm" },
      key("cosign"),
    );
    const officerAfter = await queue(officer1);
    const countyAfter = await queue(county);

    // Assess
    expect(officerPage.items.map((i) => [i.caseId, i.taskType])).toEqual(
      expect.arrayContaining([
        [caseId, "paperwork"],
        [otherCaseId, "paperwork"],
      ]),
    );
    expect(officerPage.alerts?.map((a) => a.alertId)).toEqual([early, late]);
    const [first, second] = officerPage.alerts ?? [];
    expect(first).toMatchObject({
      townshipId: CHENGGUAN,
      townshipName: "城关镇",
      kindZh: "大额医疗支出",
      statusZh: "待核查",
      overdue: false,
      escalated: false,
    });
    expect(first?.personName).toBeDefined();
    expect(Date.parse(first?.dueAt ?? "")).toBeLessThan(Date.parse(second?.dueAt ?? ""));
    expect(Date.parse(first?.dueAt ?? "")).toBeGreaterThan(readAt);
    expect(officerPage.alerts?.some((a) => a.alertId === elsewhere)).toBe(false);
    expect(approverPage.alerts).toEqual([]);
    expect(countyBefore.alerts).toEqual([]);
    expect(paperworkOnly.alerts).toEqual([]);
    expect(paperworkOnly.items.every((i) => i.taskType === "paperwork")).toBe(true);
    expect(firstOfOne.alerts?.length).toBe(2);
    expect(firstOfOne.nextCursor).toBeDefined();
    expect(laterPage.items.length).toBe(1);
    expect(laterPage.alerts).toBeUndefined();

    expect(escalated.escalated).toBe(3);
    expect(officerOverdue.alerts?.map((a) => [a.alertId, a.overdue, a.escalated])).toEqual([
      [early, true, true],
      [late, true, true],
    ]);
    expect(countyEscalated.alerts?.map((a) => a.alertId).sort()).toEqual([early, elsewhere, late].sort());
    const countyDue = countyEscalated.alerts?.map((a) => a.dueAt) ?? [];
    expect(countyDue).toEqual([...countyDue].sort());
    expect(countyEscalated.alerts?.every((a) => a.escalated && a.overdue)).toBe(true);
    expect(countyEscalated.alerts?.find((a) => a.alertId === elsewhere)?.townshipName).toBe("河东乡");

    expect(visit.status).toBe(201);
    expect(awaitingCoSign.alerts?.find((a) => a.alertId === early)?.statusZh).toBe("待第二名经办人确认");
    expect(confirmed.status).toBe(200);
    expect(officerAfter.alerts?.map((a) => a.alertId)).toEqual([late]);
    expect(countyAfter.alerts?.map((a) => a.alertId).sort()).toEqual([elsewhere, late].sort());
  }, 180_000);
});
