/**
 * Filing as hostile and careless callers try it, over HTTP on the local runtime (DOMAIN §2.4, §3.1,
 * §7): impossible birth dates, a forged officer attestation, another person's ID number from another
 * township, and one cause, one aid per household — the spouse after the husband was paid.
 */
import { DynamoDBDocumentClient, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { residentIdCheckCharacter } from "#core/identity/index.ts";
import { CHENGGUAN, HEDONG } from "#local/seed/demo-county.ts";
import type { ApiClient } from "#test/e2e/support/api.ts";
import {
  approveAndPay,
  type FlowAWorld,
  fileAndWait,
  key,
  paperworkThenFollowUp,
  startFlowAWorld,
} from "#test/integration/flow-a/world.ts";

interface ErrorBody {
  code: string;
  message: string;
  messageZh: string;
  fields: Array<{ path: string; message: string; messageZh: string }>;
  details?: Record<string, unknown>;
  caseId?: string;
}
interface Filed {
  caseId: string;
  existing: boolean;
  assessment?: unknown;
}

let world: FlowAWorld;
let officer: ApiClient;
let approver: ApiClient;
let hedongOfficer: ApiClient;
let applicantZhang: ApiClient;
let applicantLi: ApiClient;

beforeAll(async () => {
  world = await startFlowAWorld({ label: "file-trust" });
  officer = await world.signIn("officer-chengguan-1");
  approver = await world.signIn("approver-chengguan");
  hedongOfficer = await world.signIn("officer-hedong-1");
  applicantZhang = await world.signIn("applicant-zhang");
  applicantLi = await world.signIn("applicant-li");
}, 120_000);

afterAll(async () => {
  await world?.close();
});

/** A resident ID of the demo county born on `yyyymmdd` (sequence `seq`), with a correct check digit. */
function idNumber(yyyymmdd: string, seq: number): string {
  const first17 = `230123${yyyymmdd}${String(seq).padStart(3, "0")}`;
  return `${first17}${residentIdCheckCharacter(first17)}`;
}

function body(
  name: string,
  document: Record<string, unknown>,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    townshipId: CHENGGUAN.townshipId,
    hardship: { cause: "fire" },
    description: "房屋失火，家中财物烧毁，急需生活救助",
    requestedAmountYuan: "800.00",
    applicant: { name, document, registration: { countyCode: "230123" } },
    bankAccount: { holderName: name, bankName: "农村信用社", account: "6217000012349876" },
    ...extra,
  };
}

/** Every case item of the table whose applicant has this name (any status). */
async function casesNamed(name: string): Promise<Array<Record<string, unknown>>> {
  const db = DynamoDBDocumentClient.from(world.runtime.dynamo);
  const found: Array<Record<string, unknown>> = [];
  for (const township of [CHENGGUAN.townshipId, HEDONG.townshipId]) {
    for (const status of ["awaiting-advance-decision", "paying", "awaiting-paperwork"]) {
      const out = await db.send(
        new QueryCommand({
          TableName: world.runtime.tables.main,
          IndexName: "gsi1",
          KeyConditionExpression: "gsi1pk = :pk",
          ExpressionAttributeValues: { ":pk": `CASES#TOWNSHIP#${township}#${status}` },
        }),
      );
      found.push(...(out.Items ?? []).filter((i) => (i.applicant as { name: string }).name === name));
    }
  }
  return found;
}

describe("birth dates in resident ID numbers (DOMAIN §7)", () => {
  it.each([
    ["2026-12-31", "20261231"],
    ["2027-03-01", "20270301"],
    ["2099-12-31", "20991231"],
  ])(
    "an ID with a valid check digit born %s (after today in Shanghai) is a 400 on applicant.document.number, writing nothing",
    async (_, birth) => {
      const name = `未来${birth}`;
      const res = await officer.post<ErrorBody>(
        "/cases",
        body(name, { type: "resident-id", number: idNumber(birth, 11) }),
        key("future-birth"),
      );
      expect(res.status, res.text).toBe(400);
      const field = res.body.fields.find((f) => f.path === "applicant.document.number");
      expect(field?.message).toMatch(/after today/);
      expect(field?.messageZh).toMatch(/出生日期.*晚于今天/);
      expect(await casesNamed(name)).toEqual([]);
    },
  );

  it("a household member's ID born after today is a 400 on that member's document number", async () => {
    const res = await officer.post<ErrorBody>(
      "/cases",
      body(
        "户主甲",
        { type: "resident-id", number: idNumber("19800101", 21) },
        {
          household: [
            {
              name: "子女乙",
              relation: "child",
              document: { type: "resident-id", number: idNumber("20300101", 22) },
            },
          ],
        },
      ),
      key("member-future-birth"),
    );
    expect(res.status, res.text).toBe(400);
    expect(res.body.fields.map((f) => f.path)).toContain("household.0.document.number");
    expect(await casesNamed("户主甲")).toEqual([]);
  });
});

describe("an identity without a document is attested only by the filing officer (DOMAIN §7)", () => {
  const attested = (extra: Record<string, unknown> = {}) => ({
    type: "none-officer-attests",
    reason: "证件在火灾中烧毁，经村委会确认身份",
    ...extra,
  });

  it("an applicant naming an officer who does not exist is refused (403) and no case is created", async () => {
    const res = await applicantZhang.post<ErrorBody>(
      "/cases",
      body("冒名者", attested({ attestingOfficerId: "ghost-officer-999" })),
      key("forged"),
    );
    expect(res.status, res.text).toBe(403);
    expect(res.body.messageZh).toMatch(/经办人代为申请/);
    expect(await casesNamed("冒名者")).toEqual([]);
  });

  it("an officer cannot name another officer as the attesting one (400 on attestingOfficerId)", async () => {
    const res = await officer.post<ErrorBody>(
      "/cases",
      body("王无证", attested({ attestingOfficerId: "officer-chengguan-2" })),
      key("other-attester"),
    );
    expect(res.status, res.text).toBe(400);
    expect(res.body.fields.map((f) => f.path)).toContain("applicant.document.attestingOfficerId");
  });

  it("the filing officer attests; filed three times for the same name, township and cause it is one case, flagged 'no document' for the approver", async () => {
    const first = await officer.post<Filed>("/cases", body("赵无证", attested()), key("attest"));
    const again = await officer.post<Filed>("/cases", body("赵无证", attested()), key("attest"));
    const third = await officer.post<Filed>(
      "/cases",
      body("赵无证", attested({ attestingOfficerId: "officer-chengguan-1" })),
      key("attest"),
    );
    expect(first.status, first.text).toBe(201);
    expect([again.status, third.status]).toEqual([200, 200]);
    expect(new Set([first.body.caseId, again.body.caseId, third.body.caseId]).size).toBe(1);
    expect(await casesNamed("赵无证")).toHaveLength(1);
    const stored = await world.deps.cases.get(first.body.caseId);
    expect(stored.flags.noDocument).toBe(true);
    expect(stored.applicant.document.attestedBy).toBe("officer-chengguan-1");
    const listed = await approver.get<{ items: Array<{ caseId: string; noDocument?: boolean }> }>(
      `/cases?townshipId=${CHENGGUAN.townshipId}&status=awaiting-advance-decision`,
    );
    expect(listed.body.items.find((c) => c.caseId === first.body.caseId)?.noDocument).toBe(true);
  });
});

describe("a duplicate filing never discloses a case the caller may not read (DOMAIN §3.1, §7)", () => {
  it("another township's officer filing with someone else's ID and cause gets 409 without the case; the holding township sees the match; the owner and its staff get the case", async () => {
    const own = body("张伟", { type: "resident-id", number: idNumber("19850505", 31) });
    const filed = await applicantZhang.post<Filed>("/cases", own, key("own"));
    expect(filed.status, filed.text).toBe(201);

    const probe = await hedongOfficer.post<ErrorBody>(
      "/cases",
      { ...own, townshipId: HEDONG.townshipId },
      key("probe"),
    );
    expect(probe.status, probe.text).toBe(409);
    expect(probe.body.messageZh).toBe("该申请人就同一事由已有在办申请，请联系受理乡镇");
    expect(probe.text).not.toContain(filed.body.caseId);
    expect(probe.text).not.toMatch(/800|assessment|amountYuan/);
    const stored = await world.deps.cases.get(filed.body.caseId);
    expect(stored.duplicateFilingCount).toBe(1);

    const mine = await applicantZhang.post<Filed>("/cases", own, key("own-again"));
    const staff = await officer.post<Filed>("/cases", own, key("staff"));
    expect([mine.status, staff.status]).toEqual([200, 200]);
    expect([mine.body.caseId, staff.body.caseId]).toEqual([filed.body.caseId, filed.body.caseId]);
    expect(mine.body.existing && staff.body.existing).toBe(true);
  });
});

describe("one cause, one aid, per household (DOMAIN §2.4, §7)", () => {
  const husbandId = idNumber("19780303", 41);
  const wifeId = idNumber("19800404", 42);

  it("the spouse filing for the same fire after the husband was paid is refused; another cause is allowed; 13 months after payment the fire is allowed again", async () => {
    // Prepare: the husband files listing his wife; the advance is paid and the case closed.
    const husbandCase = await fileAndWait(
      world,
      officer,
      body(
        "李建军",
        { type: "resident-id", number: husbandId },
        {
          household: [
            { name: "王秀兰", relation: "spouse", document: { type: "resident-id", number: wifeId } },
          ],
        },
      ),
    );
    await approveAndPay(world, approver, husbandCase, "800.00");
    await paperworkThenFollowUp(world, officer, husbandCase, { close: { summary: "结案" } });
    const wifeKey = world.deps.identity.check({ type: "resident-id", number: wifeId } as never).personKey;
    await world.eventually(
      async () => (await world.deps.cases.openCaseFor(wifeKey, "fire")) === undefined,
      "the husband's case to close and release its household's guards",
    );
    const wife = (cause: string) =>
      body("王秀兰", { type: "resident-id", number: wifeId }, { hardship: { cause } });

    // Act + Assess: the same fire, by the wife herself and by the officer for her.
    const byHerself = await applicantLi.post<ErrorBody>("/cases", wife("fire"), key("wife-fire"));
    expect(byHerself.status, byHerself.text).toBe(422);
    expect(byHerself.body.messageZh).toMatch(/该家庭.*同一事由/);
    expect(byHerself.body.messageZh).not.toMatch(/\d{4}年|C\d{8}|T\d{2}:/);
    expect(byHerself.text).not.toContain(husbandCase);
    const byOfficer = await officer.post<ErrorBody>("/cases", wife("fire"), key("wife-fire-staff"));
    expect(byOfficer.status, byOfficer.text).toBe(422);
    expect(byOfficer.body.messageZh).toMatch(/前次救助于2026年3月\d+日发放/);
    expect(byOfficer.text).not.toContain(husbandCase);
    expect(await casesNamed("王秀兰")).toEqual([]);

    // The same household, another cause, within the window: allowed (withdrawn again, so no deadline runs on).
    const flood = await officer.post<Filed>(
      "/cases",
      body("李建军", { type: "resident-id", number: husbandId }, { hardship: { cause: "flood" } }),
      key("husband-flood"),
    );
    expect(flood.status, flood.text).toBe(201);
    await world.openTask(flood.body.caseId, "advance-decision");
    const withdrawn = await officer.post(
      `/cases/${flood.body.caseId}/withdraw`,
      { reason: "申请人电话告知撤回" },
      key("withdraw-flood"),
    );
    expect(withdrawn.status, withdrawn.text).toBe(200);

    // Thirteen months after the payment, the fire is no longer within the window.
    await world.clock.advanceBy(13 * 31 * 24 * 3600 * 1000);
    const later = await officer.post<Filed>("/cases", wife("fire"), key("wife-fire-later"));
    expect(later.status, later.text).toBe(201);
  });
});
