/**
 * The 外地受助 notices (functions/adapters/registration-notice-store.ts) and their reading service
 * (functions/services/registration-notices.ts) on DynamoDB Local: one notice per case, a later close
 * (Flow B's after Flow A's) replacing an earlier one and never the reverse; newest close first, paged
 * without a gap or a repeat; a period of Asia/Shanghai close dates; one registration county's notices
 * never in another's list; figures per county where aided and cause in integer fen.
 */
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { beforeAll, describe, expect, it } from "vitest";
import {
  type RegistrationNoticeRecord,
  RegistrationNoticeStore,
} from "#adapters/registration-notice-store.ts";
import type { Actor } from "#core/access/index.ts";
import {
  type RegistrationNoticeDeps,
  registrationNoticePage,
  registrationNoticeStats,
} from "#functions/services/registration-notices.ts";
import { createTestTables } from "#test/support/dynamo.ts";

let deps: RegistrationNoticeDeps;
let store: RegistrationNoticeStore;

const READER = "230184";
const civilAffairs = (countyId: string): Actor => ({
  userId: `civil-${countyId}`,
  roles: ["county-civil-affairs"],
  countyId,
  name: "县民政",
});

function notice(caseId: string, closedAt: string, overrides: Partial<RegistrationNoticeRecord> = {}) {
  return {
    caseId,
    registrationCountyId: READER,
    countyId: "230183",
    countyName: "甲县",
    townshipId: "230183100",
    townshipName: "甲县城关镇",
    flow: "A" as const,
    cause: "fire",
    result: "aided",
    paidFen: 50000,
    applicantNameMasked: "张*",
    idNumberMasked: "2301**********1230",
    filedAt: "2026-11-01T02:00:00.000Z",
    closedAt,
    ...overrides,
  };
}

beforeAll(async () => {
  const tables = await createTestTables("reg-notices", { demoCounty: false });
  const db = DynamoDBDocumentClient.from(tables.client, { marshallOptions: { removeUndefinedValues: true } });
  deps = { db, table: tables.names.main };
  store = new RegistrationNoticeStore(db, tables.names.main);
});

describe("registration notices", () => {
  it("a later close replaces the case's notice, an earlier one (a retried Flow A step) does not", async () => {
    // Prepare
    await store.put(notice("C-replace", "2026-11-10T02:00:00.000Z"));
    // Act
    await store.put(
      notice("C-replace", "2026-12-01T02:00:00.000Z", { flow: "B", result: "completed", paidFen: 180000 }),
    );
    await store.put(notice("C-replace", "2026-11-10T02:00:00.000Z"));
    // Assess
    const page = await store.page({ registrationCountyId: READER, limit: 100 });
    const stored = page.notices.filter((n) => n.caseId === "C-replace");
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ flow: "B", result: "completed", paidFen: 180000 });
  });

  it("pages newest close first without a gap or a repeat, within a period of Shanghai dates", async () => {
    // Prepare: five closes on 2026-10-01 … 2026-10-05 at 23:30 Beijing time (15:30 UTC, the same date).
    for (let day = 1; day <= 5; day++) {
      await store.put(
        notice(`C-page-${day}`, `2026-10-0${day}T15:30:00.000Z`, { cause: day % 2 ? "fire" : "medical" }),
      );
    }
    // Another registration county's notice, closed in the same days.
    await store.put(notice("C-other", "2026-10-03T15:30:00.000Z", { registrationCountyId: "230185" }));
    const actor = civilAffairs(READER);
    const seen: string[] = [];
    // Act
    let cursor: string | undefined;
    for (let i = 0; i < 5; i++) {
      const page = await registrationNoticePage(deps, actor, {
        from: "2026-10-02",
        to: "2026-10-04",
        limit: 2,
        ...(cursor ? { cursor } : {}),
      });
      seen.push(...page.items.map((n) => n.caseId));
      cursor = page.nextCursor;
      if (!cursor) break;
    }
    const stats = await registrationNoticeStats(deps, actor, { from: "2026-10-01", to: "2026-10-05" });
    const other = await registrationNoticePage(deps, civilAffairs("230185"), { limit: 20 });
    // Assess
    expect(seen).toEqual(["C-page-4", "C-page-3", "C-page-2"]);
    expect(stats).toMatchObject({
      countyId: READER,
      total: { count: 5, paidFen: 250000, paidYuan: "2500.00" },
      rows: [
        {
          countyId: "230183",
          countyName: "甲县",
          cause: "fire",
          count: 3,
          paidFen: 150000,
          paidYuan: "1500.00",
        },
        {
          countyId: "230183",
          countyName: "甲县",
          cause: "medical",
          count: 2,
          paidFen: 100000,
          paidYuan: "1000.00",
        },
      ],
      complete: true,
    });
    expect(other.items.map((n) => n.caseId)).toEqual(["C-other"]);
    const first = (
      await registrationNoticePage(deps, actor, { from: "2026-10-05", to: "2026-10-05", limit: 20 })
    ).items[0];
    expect(first).toMatchObject({ caseId: "C-page-5", closedOn: "2026-10-05", filedOn: "2026-11-01" });
  });

  it("a role without the grant and another county's cursor are refused", async () => {
    // Prepare
    const officer: Actor = { ...civilAffairs(READER), roles: ["township-officer"], townshipId: "230184100" };
    const page = await registrationNoticePage(deps, civilAffairs(READER), { limit: 1 });
    // Act
    const refused = registrationNoticePage(deps, officer, { limit: 1 });
    const foreignCursor = registrationNoticePage(deps, civilAffairs("230185"), {
      limit: 1,
      ...(page.nextCursor ? { cursor: page.nextCursor } : {}),
    });
    // Assess
    expect(page.nextCursor).toBeDefined();
    await expect(refused).rejects.toMatchObject({ statusCode: 403 });
    await expect(foreignCursor).rejects.toMatchObject({ statusCode: 400 });
  });
});
