/**
 * A conditional write whose answer is lost after it committed (a timeout after commit) is retried by
 * the SDK, and the retry fails its own condition. Each store must recognise its own landed write —
 * found by the county simulation (test/simulation/county/), where it used to end cases in incidents.
 * The fault injector sends the first matching request, lets it commit, then throws a TimeoutError:
 * the SDK's real retry runs against DynamoDB Local.
 */
import { DynamoDBDocumentClient, PutCommand } from "@aws-sdk/lib-dynamodb";
import { afterEach, describe, expect, it } from "vitest";
import { type CaseRecord, CaseStore } from "#adapters/case-store.ts";
import { HumanTaskStore } from "#adapters/human-task-store.ts";
import { IdempotencyStore } from "#adapters/idempotency-store.ts";
import { PaymentStore } from "#adapters/payments/payment-store.ts";
import { isTransientDependencyError } from "#adapters/transient-errors.ts";
import { applicantPayee } from "#test/integration/payments/harness.ts";
import { createTestTables } from "#test/support/dynamo.ts";
import { type FaultRule, faultyClient } from "#test/support/faults.ts";

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

async function storesWithLostAnswer(command: string) {
  const tables = await createTestTables("landed");
  const rule: FaultRule = { kind: "ambiguous-timeout", commands: [command], onCalls: [1] };
  const { client, faults } = faultyClient(tables.endpoint, [rule]);
  cleanups.push(() => client.destroy());
  const doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  const clean = DynamoDBDocumentClient.from(tables.client, {
    marshallOptions: { removeUndefinedValues: true },
  });
  return { tables, doc, clean, faults };
}

const task = {
  caseId: "C20260302-0000000001",
  taskType: "paperwork",
  countyId: "230123",
  townshipId: "230123100",
  assigneeRoles: ["township-officer"],
  escalated: false,
  overdue: false,
  openedAt: "2026-03-02T01:00:00.000Z",
};

describe("writes that landed although their answer was lost", () => {
  it("opening a human task: the retried put finds the task it stored and returns it", async () => {
    // Prepare
    const { tables, doc, faults } = await storesWithLostAnswer("PutItemCommand");
    const tasks = new HumanTaskStore(doc, tables.names.main);

    // Act
    const opened = await tasks.open(task, "token-0001");

    // Assess
    expect(faults.count("ambiguous-timeout")).toBe(1);
    expect(opened).toMatchObject({ taskType: "paperwork", status: "open" });
    expect((await tasks.forCase(task.caseId)).map((t) => t.taskId)).toEqual([opened.taskId]);
  });

  it("recording a decision: the retried update finds its own decision (and still refuses a twin and another)", async () => {
    // Prepare
    const { tables, doc, clean, faults } = await storesWithLostAnswer("UpdateItemCommand");
    const opened = await new HumanTaskStore(clean, tables.names.main).open(task, "token-0002");
    const tasks = new HumanTaskStore(doc, tables.names.main);
    const decided = {
      decision: { result: "recorded" },
      output: { recorded: true },
      decidedBy: "officer-chengguan-1",
      decidedAt: "2026-03-03T02:00:00.000Z",
      requestDigest: "digest-a",
      attemptId: "attempt-a",
    };

    // Act
    const mine = await tasks.recordDecision(task.caseId, opened.taskId, decided);
    // A twin of the same request (same digest, same instant), sent by another attempt: it lost.
    const twin = await tasks.recordDecision(task.caseId, opened.taskId, {
      ...decided,
      attemptId: "attempt-b",
    });
    const another = await tasks.recordDecision(task.caseId, opened.taskId, {
      ...decided,
      requestDigest: "digest-b",
      attemptId: "attempt-c",
    });

    // Assess
    expect(faults.count("ambiguous-timeout")).toBe(1);
    expect(mine).toBe(true);
    expect(twin).toBe(false);
    expect(another).toBe(false);
  });

  it("updating a case that expects its status: the retry sees its own new version, not a conflict", async () => {
    // Prepare
    const { tables, doc, clean, faults } = await storesWithLostAnswer("UpdateItemCommand");
    await clean.send(
      new PutCommand({
        TableName: tables.names.main,
        Item: {
          pk: `CASE#${task.caseId}`,
          sk: "CASE",
          caseId: task.caseId,
          countyId: task.countyId,
          townshipId: task.townshipId,
          status: "awaiting-paperwork",
          filedAt: "2026-03-02T01:00:00.000Z",
          applicant: { name: "张三", personKey: "person-key-1" },
          handledBy: [],
          version: 4,
        },
      }),
    );
    const cases = new CaseStore(doc, tables.names.main);

    // Act
    const updated: CaseRecord = await cases.update(task.caseId, {
      expectStatus: ["awaiting-paperwork"],
      event: { type: "paperwork.completed" },
    });

    // Assess
    expect(faults.count("ambiguous-timeout")).toBe(1);
    expect(updated).toMatchObject({ status: "awaiting-follow-up", version: 5 });
    expect((await new CaseStore(clean, tables.names.main).get(task.caseId)).version).toBe(5);
  });

  it("claiming an idempotency key: the retried claim is ours, not a twin still in progress", async () => {
    // Prepare
    const { tables, doc, faults } = await storesWithLostAnswer("PutItemCommand");
    const store = new IdempotencyStore({ client: doc, tableName: tables.names.main, ttlHours: 24 });

    // Act
    const begun = await store.begin("officer-chengguan-1", "file-1", "hash-1");
    const twin = await store
      .begin("officer-chengguan-1", "file-1", "hash-1")
      .catch((error: Error) => error.name);

    // Assess
    expect(faults.count("ambiguous-timeout")).toBe(1);
    expect(begun).toEqual({ kind: "new" });
    expect(twin).toBe("IdempotencyInProgressError");
  });

  it("starting a payment attempt that a transaction conflict cancelled: tried again, not refused (found at seed 25)", async () => {
    // Prepare: the attempt's transaction is cancelled once for a conflict, before anything is written
    const tables = await createTestTables("landed");
    const conflict: FaultRule = {
      kind: "transaction-conflict",
      commands: ["TransactWriteItemsCommand"],
      onCalls: [1],
    };
    const { client, faults } = faultyClient(tables.endpoint, [conflict], { attemptsMax: 1 });
    cleanups.push(() => client.destroy());
    const payments = new PaymentStore({ client, tableName: tables.names.main });
    const obligation = await new PaymentStore({
      client: tables.client,
      tableName: tables.names.main,
    }).openObligation({
      caseId: task.caseId,
      purpose: "advance",
      countyCode: task.countyId,
      township: task.townshipId,
      fund: task.townshipId,
      amountYuan: "800.00",
    });
    const start = () =>
      payments.startBankAttempt({
        obligationId: obligation.obligationId,
        attempt: 1,
        payee: applicantPayee(),
      });

    // Act
    const refused = await start().catch((error: unknown) => error);
    const retried = await start();

    // Assess: the first answer is a transient error (the flow retries it), the retry starts attempt 1
    expect(faults.count("transaction-conflict")).toBe(1);
    expect(isTransientDependencyError(refused)).toBe(true);
    expect((refused as Error).name).toBe("TransactionCanceledException");
    expect(retried).toMatchObject({ attempt: 1, status: "instructed" });
  });
});
