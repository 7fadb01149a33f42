/**
 * One set of case states (core/cases/lifecycle.ts): a service never writes a case status, it names
 * what happened, and the case store writes core's `nextState` from the status it read. So every
 * status a service writes is reachable by core's transition from the status it reads — shown here
 * on every (status, event) pair of the table against DynamoDB Local, and a pair the table refuses
 * (a rejected case paid, a closed case reopened) is a 422 that writes nothing.
 */
import { DynamoDBDocumentClient, PutCommand } from "@aws-sdk/lib-dynamodb";
import { beforeAll, describe, expect, it } from "vitest";
import { CaseStore } from "#adapters/case-store.ts";
import {
  CASE_STATES,
  type CaseEvent,
  type CaseState,
  canTransition,
  IllegalTransitionError,
  nextState,
  WAIT_STATES,
  type WaitOf,
} from "#core/cases/index.ts";
import { createTestTables } from "#test/support/dynamo.ts";

const EVENTS: CaseEvent[] = [
  ...(Object.keys(WAIT_STATES.A) as WaitOf<"A">[]).map(
    (wait): CaseEvent => ({ type: "wait.opened", flow: "A", wait }),
  ),
  ...(Object.keys(WAIT_STATES.B) as WaitOf<"B">[]).map(
    (wait): CaseEvent => ({ type: "wait.opened", flow: "B", wait }),
  ),
  { type: "advance.approved" },
  { type: "advance.rejected" },
  { type: "payment.started" },
  { type: "payment.started", staged: true },
  { type: "paperwork.completed" },
  { type: "followUp.stagedHandover" },
  { type: "assessment.completed", noticeRequired: true },
  { type: "assessment.completed", noticeRequired: false },
  { type: "notice.objection" },
  { type: "plan.rejected" },
  { type: "stages.scheduled" },
  { type: "recheck.passed" },
  { type: "recheck.failed" },
  { type: "step.failed" },
  { type: "case.closed" },
];

let cases: CaseStore;
let doc: DynamoDBDocumentClient;
let table: string;
let counter = 0;

/** A fresh case stored in `status`, version 1. */
async function storedIn(status: CaseState): Promise<string> {
  counter += 1;
  const caseId = `C20260302-${String(counter).padStart(10, "0")}`;
  await doc.send(
    new PutCommand({
      TableName: table,
      Item: {
        pk: `CASE#${caseId}`,
        sk: "CASE",
        caseId,
        flow: "A",
        countyId: "230123",
        townshipId: "230123100",
        status,
        filedAt: "2026-03-02T01:00:00.000Z",
        applicant: { name: "张三", personKey: `person-key-${counter}` },
        hardship: { cause: "fire" },
        handledBy: [],
        version: 1,
      },
    }),
  );
  return caseId;
}

describe("case statuses are written by core's transition only", () => {
  beforeAll(async () => {
    const tables = await createTestTables("case-transitions");
    table = tables.names.main;
    doc = DynamoDBDocumentClient.from(tables.client, { marshallOptions: { removeUndefinedValues: true } });
    cases = new CaseStore(doc, table);
  });

  it("Compliance: every event the table accepts writes core's next status from the status read", async () => {
    // withdrawn is final in the store before the table is asked (409, withdrawn-case.test.ts).
    const pairs = CASE_STATES.filter((s) => s !== "withdrawn").flatMap((status) =>
      EVENTS.filter((event) => canTransition(status, event)).map((event) => ({ status, event })),
    );
    expect(pairs.length).toBeGreaterThan(100);
    for (const { status, event } of pairs) {
      const caseId = await storedIn(status);
      const updated = await cases.update(caseId, { event });
      const stored = await cases.get(caseId);
      expect({ status, event, written: stored.status }).toEqual({
        status,
        event,
        written: nextState(status, event),
      });
      expect(updated.status).toBe(stored.status);
      expect(stored.version).toBe(2);
    }
  });

  it("Noncompliance: an event the table refuses in the status read is a 422 and writes nothing", async () => {
    const refused: Array<{ status: CaseState; event: CaseEvent }> = [
      { status: "advance-rejected", event: { type: "payment.started" } },
      { status: "plan-rejected", event: { type: "payment.started", staged: true } },
      { status: "plan-stopped", event: { type: "recheck.passed" } },
      { status: "closed", event: { type: "wait.opened", flow: "A", wait: "follow-up" } },
      { status: "awaiting-plan-funds", event: { type: "payment.started", staged: true } },
    ];
    for (const { status, event } of refused) {
      expect(canTransition(status, event)).toBe(false);
      const caseId = await storedIn(status);
      const write = cases.update(caseId, { event, set: { closedAt: "2026-03-03T01:00:00.000Z" } });
      await expect(write).rejects.toBeInstanceOf(IllegalTransitionError);
      await expect(write).rejects.toMatchObject({ statusCode: 422 });
      const stored = await cases.get(caseId);
      expect(stored.status).toBe(status);
      expect(stored.version).toBe(1);
      expect(stored.closedAt).toBeUndefined();
    }
  });
});
