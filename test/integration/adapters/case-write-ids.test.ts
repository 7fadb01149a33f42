/**
 * A case change made under a caller-given write id (`CaseUpdate.writeId`, a decision's
 * `decisionWriteId`) lands once, however often its effects run (functions/adapters/case-store.ts): the
 * case keeps the last `APPLIED_WRITE_IDS_KEPT` of them, each as a 16-character key (`writeKeyOf`), so
 * a decision's 70-byte id does not grow every update and every index copy of the case; a case stored
 * with the ids themselves (before the keys) still recognises them.
 */
import { DynamoDBDocumentClient, GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { beforeAll, describe, expect, it } from "vitest";
import { APPLIED_WRITE_IDS_KEPT, CaseStore, hasApplied, writeKeyOf } from "#adapters/case-store.ts";
import { storedCaseRecord } from "#test/support/case-record.ts";
import { createTestTables } from "#test/support/dynamo.ts";

let doc: DynamoDBDocumentClient;
let table: string;
let cases: CaseStore;
const nowMs = Date.parse("2026-03-02T01:00:00Z");

const decisionId = (caseId: string, n: number) =>
  `decision#${caseId}#follow-up#${String(n).padStart(24, "0")}`;

async function storedItem(caseId: string): Promise<Record<string, unknown>> {
  const out = await doc.send(new GetCommand({ TableName: table, Key: { pk: `CASE#${caseId}`, sk: "CASE" } }));
  return out.Item ?? {};
}

beforeAll(async () => {
  const tables = await createTestTables("case-write-ids", { demoCounty: false });
  table = tables.names.main;
  doc = DynamoDBDocumentClient.from(tables.client, { marshallOptions: { removeUndefinedValues: true } });
  cases = new CaseStore(doc, table);
});

describe("a case change under a write id lands once", () => {
  it("Compliance: a repeat of the same write id changes nothing; the last 16 ids are kept as 16-character keys", async () => {
    // Prepare
    const caseId = "C20260302-0000000901";
    await cases.create(storedCaseRecord(caseId, nowMs, { payout: { method: "none" } }));

    // Act: 20 changes, each under its own id, then the first kept one and the last again
    for (let n = 1; n <= 20; n += 1) {
      await cases.update(caseId, { set: { description: `第${n}次` }, writeId: decisionId(caseId, n) });
    }
    const before = await cases.get(caseId);
    await cases.update(caseId, { set: { description: "重复" }, writeId: decisionId(caseId, 20) });
    await cases.update(caseId, { set: { description: "重复" }, writeId: decisionId(caseId, 5) });

    // Assess
    const after = await cases.get(caseId);
    expect(after.version).toBe(before.version);
    expect(after.description).toBe("第20次");
    const item = await storedItem(caseId);
    const kept = item.appliedWriteIds as string[];
    expect(kept).toHaveLength(APPLIED_WRITE_IDS_KEPT);
    expect(kept.every((key) => key.length === 16)).toBe(true);
    expect(kept.at(-1)).toBe(writeKeyOf(decisionId(caseId, 20)));
    expect(JSON.stringify(item)).not.toContain(decisionId(caseId, 20));
    expect(hasApplied(after, decisionId(caseId, 20))).toBe(true);
    expect(hasApplied(after, decisionId(caseId, 5))).toBe(true);
    expect(hasApplied(after, decisionId(caseId, 4))).toBe(false);
  });

  it("a case stored with the write ids themselves recognises them, and keeps keys from its next change on", async () => {
    // Prepare: an item written before the keys
    const caseId = "C20260302-0000000902";
    const record = {
      ...storedCaseRecord(caseId, nowMs, { payout: { method: "none" } }),
      appliedWriteIds: [decisionId(caseId, 1)],
      lastWriteId: decisionId(caseId, 1),
    };
    await doc.send(
      new PutCommand({ TableName: table, Item: { pk: `CASE#${caseId}`, sk: "CASE", ...record } }),
    );

    // Act
    const repeated = await cases.update(caseId, {
      set: { description: "重复" },
      writeId: decisionId(caseId, 1),
    });
    const next = await cases.update(caseId, {
      set: { description: "下一步" },
      writeId: decisionId(caseId, 2),
    });

    // Assess
    expect(repeated.version).toBe(record.version);
    expect(repeated.description).toBe(record.description);
    expect(next.appliedWriteIds).toEqual([decisionId(caseId, 1), writeKeyOf(decisionId(caseId, 2))]);
    expect(hasApplied(next, decisionId(caseId, 1))).toBe(true);
    expect(hasApplied(next, decisionId(caseId, 2))).toBe(true);
  });
});
