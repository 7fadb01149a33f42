/**
 * A queue of open tasks is read whole when no limit is given: DynamoDB answers a query one page at
 * a time (at most 1 MB), and a top-up walking the county's fund waits, or the deadline reminders,
 * must see every task, not the first page. Pages are made small here by a middleware that gives
 * each query without a limit a page size of 2, as a 1 MB boundary would on a large county.
 */
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HumanTaskStore } from "#adapters/human-task-store.ts";
import { localDynamoClient } from "#local/dynamodb/engine.ts";
import { createTestTables, type TestTables } from "#test/support/dynamo.ts";

const PAGE = 2;
let tables: TestTables;
let client: DynamoDBClient;
let queries = 0;

beforeAll(async () => {
  tables = await createTestTables("task-queues");
  client = localDynamoClient(tables.endpoint);
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as { Limit?: number };
      if (context.commandName === "QueryCommand") {
        queries += 1;
        input.Limit ??= PAGE;
      }
      return next(args);
    },
    { step: "initialize", name: "smallPages" },
  );
});

afterAll(() => client.destroy());

const base = {
  countyId: "230123",
  townshipId: "230123100",
  escalated: false,
  overdue: false,
  openedAt: "2026-03-02T01:00:00.000Z",
};

describe("open task queues are read to their end", () => {
  it("the county finance queue and a township queue return every open task, earliest deadline first", async () => {
    // Prepare: 5 county-finance waits and 5 township-officer tasks, more than two pages each
    const store = new HumanTaskStore(DynamoDBDocumentClient.from(client), tables.names.main);
    for (let i = 0; i < 5; i++) {
      await store.open(
        {
          ...base,
          caseId: `C20260302-000000010${i}`,
          taskType: "fund-replenishment",
          assigneeRoles: ["county-finance"],
          dueAt: `2026-03-1${5 - i}T01:00:00.000Z`,
        },
        `token-finance-${i}`,
      );
      await store.open(
        {
          ...base,
          caseId: `C20260302-000000020${i}`,
          taskType: "paperwork",
          assigneeRoles: ["township-officer"],
          dueAt: `2026-03-1${i}T01:00:00.000Z`,
        },
        `token-officer-${i}`,
      );
    }
    queries = 0;

    // Act
    const finance = await store.openForCounty("230123", "county-finance");
    const financeQueries = queries;
    const officer = await store.openForTownship("230123100", "township-officer");
    const firstTwo = await store.openForCounty("230123", "county-finance", 2);

    // Assess
    expect(finance.map((t) => t.caseId)).toEqual([
      "C20260302-0000000104",
      "C20260302-0000000103",
      "C20260302-0000000102",
      "C20260302-0000000101",
      "C20260302-0000000100",
    ]);
    expect(financeQueries).toBe(3);
    expect(officer.map((t) => t.caseId)).toEqual([
      "C20260302-0000000200",
      "C20260302-0000000201",
      "C20260302-0000000202",
      "C20260302-0000000203",
      "C20260302-0000000204",
    ]);
    expect(firstTwo.map((t) => t.caseId)).toEqual(["C20260302-0000000104", "C20260302-0000000103"]);
  });
});

describe("a decided task leaves the work queues with its decision", () => {
  it("no queue lists it once decided, and the writes that follow on it rewrite no index copy", async () => {
    // Prepare: an escalated advance decision, in a township queue and the county's
    const store = new HumanTaskStore(DynamoDBDocumentClient.from(client), tables.names.main);
    const caseId = "C20260302-0000000300";
    const opened = await store.open(
      {
        ...base,
        caseId,
        taskType: "advance-decision",
        assigneeRoles: ["township-approver", "county-civil-affairs"],
        dueAt: "2026-03-20T01:00:00.000Z",
      },
      "token-decided-0",
    );
    const listed = async () => [
      ...(await store.openForTownship("230123100", "township-approver")),
      ...(await store.openForCounty("230123", "county-civil-affairs")),
    ];
    const before = (await listed()).filter((t) => t.caseId === caseId);
    // Per update: how many indexes it wrote (the document client shares the base client's stack).
    const indexUnits: number[] = [];
    const metered = DynamoDBDocumentClient.from(client);
    metered.middlewareStack.add(
      (next, context) => async (args) => {
        if (!context.commandName?.startsWith("Update")) return next(args);
        (args.input as { ReturnConsumedCapacity?: string }).ReturnConsumedCapacity = "INDEXES";
        const out = await next(args);
        const consumed = (out.output as { ConsumedCapacity?: { GlobalSecondaryIndexes?: object } })
          .ConsumedCapacity;
        indexUnits.push(Object.keys(consumed?.GlobalSecondaryIndexes ?? {}).length);
        return out;
      },
      { step: "initialize", name: "indexUnits" },
    );
    const meteredStore = new HumanTaskStore(metered, tables.names.main);

    // Act: decided (with the recorder's claim on its effects), audited, finished
    const decided = await meteredStore.recordDecision(caseId, opened.taskId, {
      decision: { decision: "approve" },
      output: { decision: "approve" },
      decidedBy: "approver-1",
      decidedAt: "2026-03-03T01:00:00.000Z",
      requestDigest: "digest-1",
      attemptId: "attempt-1",
      effectsClaim: { by: "attempt-1", atMs: 1 },
    });
    const afterDecision = (await listed()).filter((t) => t.caseId === caseId);
    await meteredStore.markAudited(caseId, opened.taskId);
    await meteredStore.finish(caseId, opened.taskId, "completed", "2026-03-03T01:00:01.000Z");

    // Assess: listed in both queues while open, in none once decided; the decision's write removed
    // both index copies, the two writes after it touched no index
    expect(decided).toBe(true);
    expect(before).toHaveLength(2);
    expect(afterDecision).toEqual([]);
    expect(indexUnits).toEqual([2, 0, 0]);
    expect((await store.findById(caseId, opened.taskId))?.decided).toMatchObject({
      audited: true,
      effectsClaim: { by: "attempt-1" },
    });
  });
});
