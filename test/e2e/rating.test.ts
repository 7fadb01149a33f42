/**
 * 好差评 (DOMAIN §8) through the HTTP API: the applicant of an ended case rates it once; the
 * applicant of another case, staff and a second rating are refused and write nothing; a bad level or a
 * dissatisfied rating without a reason is a 400 naming the field in Chinese and English; the county
 * reads each township's count and share satisfied.
 */
import { DynamoDBDocumentClient, PutCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHENGGUAN, DEMO_COUNTY, HEDONG } from "#local/seed/demo-county.ts";
import { digestTables } from "./proofs/tables.ts";
import { type ApiClient, startTestApi, type TestApi } from "./support/index.ts";

interface FieldMessage {
  path: string;
  message: string;
  messageZh: string;
}

let api: TestApi;
let zhang: ApiClient;
let li: ApiClient;
let officer: ApiClient;
let county: ApiClient;
let finance: ApiClient;

/** A case of `owner` in `status` (the flows' own item shape, as putCaseFixture writes it). */
async function putCase(caseId: string, owner: string, status: string, townshipId = CHENGGUAN.townshipId) {
  await DynamoDBDocumentClient.from(api.tables.client).send(
    new PutCommand({
      TableName: api.tables.names.main,
      Item: {
        pk: `CASE#${caseId}`,
        sk: "CASE",
        caseId,
        countyId: DEMO_COUNTY.countyId,
        townshipId,
        status,
        flow: "A",
        policyVersionId: "pv-test",
        applicant: { userId: owner, name: "张伟" },
        handledBy: [],
        version: 1,
      },
    }),
  );
}

let keySeq = 0;
const key = () => `rating-key-${++keySeq}`;

beforeAll(async () => {
  api = await startTestApi({ label: "e2e-rating" });
  await putCase("rt-closed", "applicant-zhang", "closed");
  await putCase("rt-twin", "applicant-zhang", "closed");
  await putCase("rt-open", "applicant-zhang", "awaiting-paperwork");
  await putCase("rt-rejected", "applicant-li", "advance-rejected", HEDONG.townshipId);
  await putCase("rt-bad", "applicant-zhang", "closed");
  zhang = await api.signIn("applicant-zhang");
  li = await api.signIn("applicant-li");
  officer = await api.signIn("officer-chengguan-1");
  county = await api.signIn("county-civil-1");
  finance = await api.signIn("finance-1");
});

afterAll(async () => {
  await api?.close();
});

describe("好差评: the applicant of an ended case rates it once", () => {
  it("the applicant of the case rates it (201), audited, and reads it back", async () => {
    const response = await zhang.post(
      "/cases/rt-closed/rating",
      { level: "satisfied", reason: "办理很快" },
      { idempotencyKey: key() },
    );
    expect(response.status, response.text).toBe(201);
    expect(response.body).toMatchObject({ caseId: "rt-closed", level: "satisfied", reason: "办理很快" });

    const read = await zhang.get<{ rating: { level: string } | null; rateable: boolean }>(
      "/cases/rt-closed/rating",
    );
    expect(read.status).toBe(200);
    expect(read.body.rating?.level).toBe("satisfied");
    expect(read.body.rateable).toBe(false);
    const before = await zhang.get<{ rating: null; rateable: boolean }>("/cases/rt-twin/rating");
    expect(before.body).toMatchObject({ rating: null, rateable: true });
    const open = await zhang.get<{ rateable: boolean }>("/cases/rt-open/rating");
    expect(open.body.rateable).toBe(false);
    const audit = await county.get<{ events: Array<{ action: string; reason?: string }> }>(
      "/audit?resourceType=case&resourceId=rt-closed",
    );
    expect(audit.status, audit.text).toBe(200);
    expect(audit.body.events.some((e) => e.action === "case.rate" && e.reason === "满意：办理很快")).toBe(
      true,
    );
  });

  it("the applicant of another case, staff and an unknown case are refused (403/404) and nothing is written", async () => {
    const before = await digestTables(api.tables);
    const other = await li.post(
      "/cases/rt-twin/rating",
      { level: "very-satisfied" },
      { idempotencyKey: key() },
    );
    expect(other.status).toBe(403);
    const staff = await officer.post(
      "/cases/rt-twin/rating",
      { level: "very-satisfied" },
      { idempotencyKey: key() },
    );
    expect(staff.status).toBe(403);
    const missing = await zhang.post(
      "/cases/rt-none/rating",
      { level: "satisfied" },
      { idempotencyKey: key() },
    );
    expect(missing.status).toBe(404);
    const readOther = await li.get("/cases/rt-closed/rating");
    expect(readOther.status).toBe(403);
    expect(await digestTables(api.tables)).toBe(before);
  });

  it("twin ratings of one case at once: one 201, the other 409, one rating stored", async () => {
    const [a, b] = await Promise.all([
      zhang.post("/cases/rt-twin/rating", { level: "very-satisfied" }, { idempotencyKey: key() }),
      zhang.post(
        "/cases/rt-twin/rating",
        { level: "dissatisfied", reason: "等太久" },
        { idempotencyKey: key() },
      ),
    ]);
    expect([a.status, b.status].sort()).toEqual([201, 409]);
    const refused = a.status === 409 ? a : b;
    expect((refused.body as { messageZh: string }).messageZh).toMatch(/已经评价过/);
    const before = await digestTables(api.tables);
    const third = await zhang.post(
      "/cases/rt-twin/rating",
      { level: "satisfied" },
      { idempotencyKey: key() },
    );
    expect(third.status).toBe(409);
    expect(await digestTables(api.tables)).toBe(before);
  });

  it("a retry with the same Idempotency-Key answers the first rating, not a 409", async () => {
    const retryKey = key();
    await putCase("rt-retry", "applicant-zhang", "closed");
    const first = await zhang.post(
      "/cases/rt-retry/rating",
      { level: "basically-satisfied" },
      { idempotencyKey: retryKey },
    );
    const again = await zhang.post(
      "/cases/rt-retry/rating",
      { level: "basically-satisfied" },
      { idempotencyKey: retryKey },
    );
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
  });

  it("a bad level, a dissatisfied rating without a reason, or no key: 400 with Chinese and English field messages, nothing written", async () => {
    const before = await digestTables(api.tables);
    const badLevel = await zhang.post<{ fields: FieldMessage[] }>(
      "/cases/rt-bad/rating",
      { level: "great" },
      { idempotencyKey: key() },
    );
    expect(badLevel.status).toBe(400);
    const level = badLevel.body.fields.find((f) => f.path === "level");
    expect(level?.messageZh).toBe("请选择评价：非常满意、满意、基本满意、不满意或非常不满意");
    expect(level?.message).toMatch(/very-satisfied/);

    const noReason = await zhang.post<{ fields: FieldMessage[] }>(
      "/cases/rt-bad/rating",
      { level: "very-dissatisfied", reason: " " },
      { idempotencyKey: key() },
    );
    expect(noReason.status).toBe(400);
    const reason = noReason.body.fields.find((f) => f.path === "reason");
    expect(reason?.messageZh).toBe("选择不满意或非常不满意时，请写明原因");
    expect(reason?.message).toBe("Say why you are dissatisfied");

    const noKey = await zhang.post("/cases/rt-bad/rating", { level: "satisfied" });
    expect(noKey.status).toBe(400);
    expect(await digestTables(api.tables)).toBe(before);
  });

  it("a case still open cannot be rated yet (422), nothing written", async () => {
    const before = await digestTables(api.tables);
    const response = await zhang.post<{ messageZh: string }>(
      "/cases/rt-open/rating",
      { level: "satisfied" },
      { idempotencyKey: key() },
    );
    expect(response.status).toBe(422);
    expect(response.body.messageZh).toBe("案件办结后才能评价");
    expect(await digestTables(api.tables)).toBe(before);
  });
});

describe("satisfaction by township for the county", () => {
  it("counts each township's ratings and share satisfied (非常满意/满意/基本满意)", async () => {
    await li.post(
      "/cases/rt-rejected/rating",
      { level: "very-dissatisfied", reason: "没有说明理由" },
      { idempotencyKey: key() },
    );
    const response = await county.get<{
      ratings: number;
      townships: Array<{
        townshipId: string;
        name?: string;
        ratings: number;
        satisfied: number;
        satisfiedPercent: string | null;
      }>;
    }>("/satisfaction");
    expect(response.status, response.text).toBe(200);
    const chengguan = response.body.townships.find((t) => t.townshipId === CHENGGUAN.townshipId);
    const hedong = response.body.townships.find((t) => t.townshipId === HEDONG.townshipId);
    // 城关镇: rt-closed satisfied, rt-twin (either level), rt-retry basically satisfied.
    expect(chengguan?.ratings).toBe(3);
    expect(chengguan?.name).toBe(CHENGGUAN.name);
    expect(hedong).toMatchObject({ ratings: 1, satisfied: 0, satisfiedPercent: "0.0" });
    expect(response.body.ratings).toBe(4);
  });

  it("finance, applicants and another county are refused", async () => {
    expect((await finance.get("/satisfaction")).status).toBe(403);
    expect((await zhang.get("/satisfaction")).status).toBe(403);
    expect((await county.get("/satisfaction?countyId=230999")).status).toBe(403);
  });
});
