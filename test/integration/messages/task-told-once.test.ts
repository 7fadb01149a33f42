/**
 * A human task's opening tells each of its roles once (functions/services/steps/human-tasks.ts
 * `notifyTaskOpened`), on DynamoDB Local with a scripted Step Functions port: a role that gets a staff
 * message (the consoles' inbox, SMS) has no outbox item besides — the notification is only published
 * to the outbox's topic, with the same message id — and a role that gets none (a task without deadline,
 * not escalated) gets the outbox item. A retried opening writes nothing new. The case's notifications
 * (`caseNotifications`, what `GET /cases/{caseId}/progress` lists) name each role once.
 */
import { DynamoDBDocumentClient, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Outbox, type OutboxMessage } from "#adapters/outbox.ts";
import type { WorkflowPort } from "#adapters/step-functions.ts";
import { caseNotifications } from "#functions/services/messages/case-notifications.ts";
import type { FlowDeps } from "#functions/services/ports.ts";
import { openHumanTask } from "#functions/services/steps/human-tasks.ts";
import { scriptedFlowDeps, storedCaseRecord } from "#test/support/case-record.ts";
import { createTestTables, type TestTables } from "#test/support/dynamo.ts";

/** The outbox as deployed with a topic, the topic being this list (what would be published to SNS). */
class RecordingOutbox extends Outbox {
  readonly published: string[] = [];
  override async publish(message: OutboxMessage, at: Date): Promise<void> {
    this.published.push(message.messageId);
    await super.publish(message, at);
  }
}

const workflow: WorkflowPort = {
  startExecution: async () => ({ started: true }),
  sendTaskSuccess: async () => "delivered",
  sendTaskFailure: async () => "delivered",
};

let tables: TestTables;
let doc: DynamoDBDocumentClient;
let deps: FlowDeps;
let outbox: RecordingOutbox;
const nowMs = Date.parse("2026-03-02T01:00:00Z");

/** Every item of a kind about the case (`OUTBOXMSG#` or `MSG#` pk prefix), read from the table. */
async function itemsAbout(caseId: string): Promise<{ outbox: string[]; messages: string[] }> {
  const read = async (index: "gsi1", pk: string) =>
    (
      await doc.send(
        new QueryCommand({
          TableName: tables.names.main,
          IndexName: index,
          KeyConditionExpression: "gsi1pk = :pk",
          ExpressionAttributeValues: { ":pk": pk },
        }),
      )
    ).Items?.map((item) => String(item.messageId)) ?? [];
  return {
    outbox: await read("gsi1", `OUTBOX#CASE#${caseId}`),
    messages: await read("gsi1", `INBOX#230123#CASE#${caseId}`),
  };
}

function open(caseId: string, token: string, options: { timeoutSeconds?: number; escalated?: boolean }) {
  return openHumanTask(deps, {
    token,
    caseId,
    taskType: "advance-decision",
    assigneeRoles: ["township-approver", "county-civil-affairs"],
    ...(options.timeoutSeconds ? { timeoutSeconds: options.timeoutSeconds } : {}),
    escalated: options.escalated ?? false,
    caseEvent: { type: "wait.opened", flow: "A", wait: "advance-decision" },
    notify: [
      { kind: "township", id: "230123100", role: "township-approver" },
      { kind: "county", id: "230123", role: "county-civil-affairs" },
    ],
    subject: "Advance aid decision overdue — escalated to the county",
    subjectZh: "先行救助审批超时，已上报县民政",
    correlationId: `corr-${caseId}`,
  });
}

beforeAll(async () => {
  tables = await createTestTables("task-told-once");
  doc = DynamoDBDocumentClient.from(tables.client);
  outbox = new RecordingOutbox(doc, tables.names.main);
  deps = { ...scriptedFlowDeps(tables, workflow, () => new Date(nowMs)), outbox };
});

afterAll(() => {
  tables?.client.destroy();
});

describe("a task's roles are told once each", () => {
  it("Compliance: a role with a staff message has no outbox item (published only, same id); a retried opening writes nothing new", async () => {
    // Prepare
    const caseId = "C20260302-0000000701";
    await deps.cases.create(storedCaseRecord(caseId, nowMs, { payout: { method: "none" } }));

    // Act: the escalated advance-decision wait opens, and its handler is retried with the same token
    const { task } = await open(caseId, "token-told-once-1", { timeoutSeconds: 86_400, escalated: true });
    await open(caseId, "token-told-once-1", { timeoutSeconds: 86_400, escalated: true });

    // Assess
    const stored = await itemsAbout(caseId);
    const digest = task.taskId.split("#")[1] as string;
    expect(stored.outbox).toEqual([]);
    expect(stored.messages.sort()).toEqual([
      `${caseId}:task-escalated:advance-decision.${digest}-county-civil-affairs`,
      `${caseId}:task-escalated:advance-decision.${digest}-township-approver`,
    ]);
    expect([...new Set(outbox.published)].sort()).toEqual([
      `${caseId}:${task.taskId}:county:county-civil-affairs`,
      `${caseId}:${task.taskId}:township:township-approver`,
    ]);
    const told = await caseNotifications(deps, { caseId, countyId: "230123" });
    expect(told.map((n) => [n.kind, n.recipient.kind, n.recipient.role]).sort()).toEqual([
      ["task.advance-decision.escalated", "county", "county-civil-affairs"],
      ["task.advance-decision.escalated", "township", "township-approver"],
    ]);
  });

  it("Compliance: a role that gets no staff message (a wait without deadline, not escalated) is told through the outbox, once", async () => {
    // Prepare
    const caseId = "C20260302-0000000702";
    await deps.cases.create(storedCaseRecord(caseId, nowMs, { payout: { method: "none" } }));
    outbox.published.length = 0;

    // Act
    const { task } = await open(caseId, "token-told-once-2", {});
    await open(caseId, "token-told-once-2", {});

    // Assess
    const stored = await itemsAbout(caseId);
    expect(stored.messages).toEqual([]);
    expect(stored.outbox.sort()).toEqual([
      `${caseId}:${task.taskId}:county:county-civil-affairs`,
      `${caseId}:${task.taskId}:township:township-approver`,
    ]);
    expect(outbox.published).toEqual([]);
    const told = await caseNotifications(deps, { caseId, countyId: "230123" });
    expect(told.map((n) => [n.kind, n.recipient.role]).sort()).toEqual([
      ["task.advance-decision", "county-civil-affairs"],
      ["task.advance-decision", "township-approver"],
    ]);
  });
});
