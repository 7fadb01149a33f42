/**
 * Twenty identical filings at once (DOMAIN §3.1, issue 18 §3): without an Idempotency-Key and with
 * twenty different keys. Exactly one gets 201, the rest the existing case (200) — never a 5xx — and
 * the store holds one case, one execution and one `case.file` audit event.
 */
import { DynamoDBDocumentClient, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AuditStore } from "#adapters/audit-store.ts";
import { CHENGGUAN, HEDONG } from "#local/seed/demo-county.ts";
import type { ApiClient } from "#test/e2e/support/api.ts";
import { type FlowAWorld, startFlowAWorld } from "#test/integration/flow-a/world.ts";
import { filingFor, person } from "../queries/support.ts";

let world: FlowAWorld;
let officer: ApiClient;
let applicant: ApiClient;
let hedongOfficer: ApiClient;

beforeAll(async () => {
  world = await startFlowAWorld({ label: "file-race" });
  officer = await world.signIn("officer-chengguan-1");
  applicant = await world.signIn("applicant-zhang");
  hedongOfficer = await world.signIn("officer-hedong-1");
}, 120_000);

afterAll(async () => {
  await world?.close();
});

const CONCURRENT_FILINGS = 20;

async function casesOf(personN: number): Promise<string[]> {
  const db = DynamoDBDocumentClient.from(world.runtime.dynamo);
  const items = [];
  let start: Record<string, unknown> | undefined;
  do {
    const out = await db.send(
      new QueryCommand({
        TableName: world.runtime.tables.main,
        IndexName: "gsi1",
        KeyConditionExpression: "gsi1pk = :pk",
        ExpressionAttributeValues: {
          ":pk": `CASES#TOWNSHIP#${CHENGGUAN.townshipId}#awaiting-advance-decision`,
        },
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    items.push(...(out.Items ?? []));
    start = out.LastEvaluatedKey;
  } while (start);
  const name = person(personN).name;
  return items.filter((i) => (i.applicant as { name: string }).name === name).map((i) => i.caseId as string);
}

async function fileAtOnce(
  filer: ApiClient,
  body: Record<string, unknown>,
  keys: "none" | "distinct",
  count = CONCURRENT_FILINGS,
) {
  return Promise.all(
    Array.from({ length: count }, (_, i) =>
      filer.post<{ caseId?: string; existing?: boolean }>(
        "/cases",
        body,
        keys === "distinct" ? { idempotencyKey: `race-${Math.random().toString(36).slice(2)}-${i}` } : {},
      ),
    ),
  );
}

describe("twenty identical filings at once", () => {
  it.each([
    ["no Idempotency-Key", "none", 41, "officer"],
    ["twenty different keys", "distinct", 42, "officer"],
    ["no Idempotency-Key, by the applicant herself", "none", 43, "applicant"],
    ["twenty different keys, by the applicant herself", "distinct", 44, "applicant"],
  ] as const)(
    "with %s: one 201, the rest 200 with that case, never a 5xx; one case, one execution, one audit event",
    async (_, keys, n, who) => {
      const filer = who === "officer" ? officer : applicant;
      const responses = await fileAtOnce(filer, filingFor(CHENGGUAN.townshipId, person(n), "fire"), keys);
      const statuses = responses.map((r) => r.status);
      expect(
        statuses.filter((s) => s >= 500),
        responses.map((r) => r.text).join("\n"),
      ).toEqual([]);
      expect(statuses.filter((s) => s === 201)).toHaveLength(1);
      expect(statuses.filter((s) => s === 200)).toHaveLength(CONCURRENT_FILINGS - 1);
      const ids = new Set(responses.map((r) => r.body.caseId));
      expect(ids.size).toBe(1);
      const caseId = [...ids][0] as string;
      expect(await casesOf(n)).toEqual([caseId]);
      await world.openTask(caseId, "advance-decision");
      expect(await world.executionStatus(caseId)).toBe("RUNNING");
      expect((await world.deps.cases.get(caseId)).executionName).toBe(`${caseId}-1`);
      const audit = new AuditStore({
        client: DynamoDBDocumentClient.from(world.runtime.dynamo),
        tableName: world.runtime.tables.main,
      });
      const filed = (await audit.listForResource("case", caseId, 100)).filter((e) =>
        e.action.startsWith("case.file"),
      );
      expect(filed).toHaveLength(1);
    },
  );

  it("ten from the township of the emergency and ten from another at once: one case; readers get it (200), the others 409 without it; never a 5xx", async () => {
    const who = person(45);
    const [here, there] = await Promise.all([
      fileAtOnce(officer, filingFor(CHENGGUAN.townshipId, who, "fire"), "distinct", CONCURRENT_FILINGS / 2),
      fileAtOnce(
        hedongOfficer,
        filingFor(HEDONG.townshipId, who, "fire"),
        "distinct",
        CONCURRENT_FILINGS / 2,
      ),
    ]);
    const all = [...here, ...there];
    expect(all.filter((r) => r.status >= 500).map((r) => r.text)).toEqual([]);
    const winner = all.filter((r) => r.status === 201);
    expect(winner).toHaveLength(1);
    const caseId = winner[0]?.body.caseId as string;
    const winners = here.includes(winner[0] as never) ? here : there;
    const others = winners === here ? there : here;
    expect(winners.filter((r) => r.status === 200).every((r) => r.body.caseId === caseId)).toBe(true);
    expect(winners.filter((r) => r.status === 200)).toHaveLength(CONCURRENT_FILINGS / 2 - 1);
    expect(others.map((r) => r.status)).toEqual(Array(CONCURRENT_FILINGS / 2).fill(409));
    expect(others.some((r) => JSON.stringify(r.body).includes(caseId))).toBe(false);
    expect((await world.deps.cases.get(caseId)).duplicateFilingCount).toBe(CONCURRENT_FILINGS / 2);
  });
});
