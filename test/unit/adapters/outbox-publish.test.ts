/**
 * The outbox's topic (functions/adapters/outbox.ts), the SNS client mocked with aws-sdk-client-mock: a
 * notification stored elsewhere (a task's staff message) is published as `put` publishes a stored one
 * — the same body, id and attributes, personal data masked — and nothing is written to the table.
 */
import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { Outbox, type OutboxMessage } from "#adapters/outbox.ts";

const sns = mockClient(SNSClient);
const TOPIC = "arn:aws:sns:cn-north-1:123456789012:aidflow-notifications";

/** A table client that records what it is sent and accepts every write. */
function recordingDb(): { db: DynamoDBDocumentClient; sent: string[] } {
  const sent: string[] = [];
  const db = {
    send: async (command: { constructor: { name: string } }) => {
      sent.push(command.constructor.name);
      return {};
    },
  } as unknown as DynamoDBDocumentClient;
  return { db, sent };
}

const message: OutboxMessage = {
  messageId: "C20260302-0000000801:advance-decision#abc:township:township-approver",
  caseId: "C20260302-0000000801",
  kind: "task.advance-decision",
  recipient: { kind: "township", id: "230123100", role: "township-approver" },
  subject: "Advance aid decision needed",
  subjectZh: "请审批先行救助",
  details: { taskType: "advance-decision", phone: "13812345678" },
};
const at = new Date("2026-03-02T01:00:00Z");

beforeEach(() => {
  sns.reset();
  sns.on(PublishCommand).resolves({ MessageId: "sns-1" });
});

describe("the outbox's topic", () => {
  it("Compliance: publish sends what put publishes (same body and attributes, masked) and writes nothing to the table", async () => {
    const stored = recordingDb();
    await new Outbox(stored.db, "main", TOPIC).put(message, at);
    const onlyPublished = recordingDb();
    await new Outbox(onlyPublished.db, "main", TOPIC).publish(message, at);

    const [fromPut, fromPublish] = sns.commandCalls(PublishCommand).map((call) => call.args[0].input);
    expect(stored.sent).toEqual(["PutCommand"]);
    expect(onlyPublished.sent).toEqual([]);
    expect(fromPublish).toEqual(fromPut);
    const body = JSON.parse(String(fromPublish?.Message)) as Record<string, unknown>;
    expect(body).toMatchObject({ messageId: message.messageId, createdAt: at.toISOString() });
    expect(JSON.stringify(body)).not.toContain("13812345678");
    expect(fromPublish?.MessageAttributes?.recipient?.StringValue).toBe(
      "OUTBOX#township#230123100#township-approver",
    );
  });

  it("Compliance: without a topic, publish sends nothing anywhere", async () => {
    const none = recordingDb();
    await new Outbox(none.db, "main").publish(message, at);
    expect(none.sent).toEqual([]);
    expect(sns.commandCalls(PublishCommand)).toEqual([]);
  });
});
