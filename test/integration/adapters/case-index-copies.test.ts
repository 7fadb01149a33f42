/**
 * The case item is rewritten by every step, and each index that holds a copy of it is rewritten with
 * it. A case is in the applicant index (gsi2) only when its applicant has an account (`/me/cases`
 * reads it); a case filed for someone without one is in no gsi2 partition — nothing reads a person's
 * cases through an index (the household rules read `PERSON#` items). A case stored before, with a
 * `CASES#PERSON#` key, leaves gsi2 at its next update.
 */
import { DynamoDBDocumentClient, GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { beforeAll, describe, expect, it } from "vitest";
import { CaseStore } from "#adapters/case-store.ts";
import { localDynamoClient } from "#local/dynamodb/engine.ts";
import { createTestTables } from "#test/support/dynamo.ts";

let doc: DynamoDBDocumentClient;
let table: string;
let cases: CaseStore;

beforeAll(async () => {
  const tables = await createTestTables("case-index-copies");
  doc = DynamoDBDocumentClient.from(localDynamoClient(tables.endpoint));
  table = tables.names.main;
  cases = new CaseStore(doc, table);
});

/** A case as stored before this change: gsi2 keys whatever the applicant. */
async function storedWith(caseId: string, applicant: Record<string, unknown>, gsi2pk: string): Promise<void> {
  await doc.send(
    new PutCommand({
      TableName: table,
      Item: {
        pk: `CASE#${caseId}`,
        sk: "CASE",
        gsi1pk: "CASES#TOWNSHIP#230123100#awaiting-advance-decision",
        gsi1sk: `2026-03-02T01:00:00.000Z#${caseId}`,
        gsi2pk,
        gsi2sk: `2026-03-02T01:00:00.000Z#${caseId}`,
        caseId,
        flow: "A",
        countyId: "230123",
        townshipId: "230123100",
        status: "awaiting-advance-decision",
        filedAt: "2026-03-02T01:00:00.000Z",
        applicant,
        hardship: { cause: "fire" },
        handledBy: [],
        flags: {},
        version: 1,
      },
    }),
  );
}

async function keysOf(caseId: string): Promise<Record<string, unknown>> {
  const out = await doc.send(new GetCommand({ TableName: table, Key: { pk: `CASE#${caseId}`, sk: "CASE" } }));
  const item = out.Item ?? {};
  return { gsi1pk: item.gsi1pk, gsi2pk: item.gsi2pk, gsi2sk: item.gsi2sk };
}

describe("a case's index copies", () => {
  it("a case of an applicant without an account leaves the applicant index at its next update; its township list stays", async () => {
    // Prepare
    const caseId = "C20260302-0000000401";
    await storedWith(caseId, { name: "张三", personKey: "person-key-401" }, "CASES#PERSON#person-key-401");

    // Act
    await cases.update(caseId, { set: { dueAt: "2026-03-05T01:00:00.000Z" } });

    // Assess
    expect(await keysOf(caseId)).toEqual({
      gsi1pk: "CASES#TOWNSHIP#230123100#awaiting-advance-decision",
      gsi2pk: undefined,
      gsi2sk: undefined,
    });
  });

  it("a case of an applicant with an account stays in their list after an update", async () => {
    // Prepare
    const caseId = "C20260302-0000000402";
    await storedWith(
      caseId,
      { name: "李四", personKey: "person-key-402", userId: "applicant-402" },
      "CASES#APPLICANT#applicant-402",
    );

    // Act
    await cases.update(caseId, { set: { dueAt: "2026-03-05T01:00:00.000Z" } });
    const listed = await cases.byApplicant("applicant-402", 10, undefined);

    // Assess
    expect(await keysOf(caseId)).toEqual({
      gsi1pk: "CASES#TOWNSHIP#230123100#awaiting-advance-decision",
      gsi2pk: "CASES#APPLICANT#applicant-402",
      gsi2sk: `2026-03-02T01:00:00.000Z#${caseId}`,
    });
    expect(listed.records.map((r) => r.record.caseId)).toEqual([caseId]);
  });
});
