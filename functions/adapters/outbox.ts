/**
 * Notifications to the role that must act next, to the county on escalation, to a receiving body on
 * referral and to the registration county of a non-local applicant (DOMAIN §3.6). Written to the
 * `main` table as an outbox (a case's notifications on `GET /cases/{caseId}/progress` read it); when the
 * deployment configures an SNS topic (`AIDFLOW_NOTIFICATIONS_TOPIC_ARN`) each message is also
 * published to it. The message id is deterministic, so a retried task writes the message once.
 *
 * A human task's opening tells each of its roles once (functions/services/steps/human-tasks.ts
 * `notifyTaskOpened`): through the role's staff message (message-store.ts: the consoles' inbox, SMS)
 * when one is stored, the notification then only published (`publish`, the same message and id), not
 * stored here too; through this outbox when the role gets no staff message (a task without deadline,
 * not escalated; a message the message rules refused). Referrals, registration-county notices, fund
 * alerts and the other notices to outside bodies are stored here (`put`). `GET /cases/{caseId}/progress`
 * lists both.
 */
import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import { type DynamoDBDocumentClient, PutCommand } from "@aws-sdk/lib-dynamodb";
import { maskPersonalData } from "#functions/runtime/logger.ts";
import { queryAll, queryFirst } from "./query-all.ts";

export interface Recipient {
  /** `township` = staff of a role in one township; `county` = a county role; `body` = an outside body. */
  kind: "township" | "county" | "registration-county" | "body";
  /** Township code, county code or the receiving body's name. */
  id: string;
  role?: string;
}

export interface OutboxMessage {
  /** Stable per event (`<caseId>:<kind>:<discriminator>`), so a retry does not notify twice. */
  messageId: string;
  caseId: string;
  kind: string;
  recipient: Recipient;
  subject: string;
  subjectZh: string;
  /** No unmasked personal data: masked again here before it is stored. */
  details?: Record<string, unknown>;
  correlationId?: string;
}

export interface StoredOutboxMessage extends OutboxMessage {
  createdAt: string;
}

export function recipientKey(recipient: Recipient): string {
  return `OUTBOX#${recipient.kind}#${recipient.id}${recipient.role ? `#${recipient.role}` : ""}`;
}

export class Outbox {
  private sns: SNSClient | undefined;

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
    /** Where a message is also published (SNS); without it, the table only. */
    private readonly topicArn?: string,
  ) {}

  async put(message: OutboxMessage, at: Date): Promise<void> {
    const item = storedOf(message, at);
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: {
            // Keyed by the message id: a retried task finds it there and writes nothing.
            pk: `OUTBOXMSG#${message.messageId}`,
            sk: "MSG",
            gsi1pk: `OUTBOX#CASE#${message.caseId}`,
            gsi1sk: `${item.createdAt}#${message.messageId}`,
            gsi2pk: recipientKey(message.recipient),
            gsi2sk: `${item.createdAt}#${message.messageId}`,
            type: "outbox",
            ...item,
          },
          ConditionExpression: "attribute_not_exists(pk)",
        }),
      );
    } catch (error) {
      if ((error as Error).name !== "ConditionalCheckFailedException") throw error;
    }
    // Published on every put, also a repeated one: SNS delivery is at-least-once anyway, and the
    // subscriber dedupes on `messageId` — a publish that failed the first time is not lost.
    await this.publishItem(item);
  }

  /**
   * Publishes a notification that is stored elsewhere (a task's staff message) to the topic only,
   * as `put` publishes it; nothing is written to the table. Without a topic, nothing to do.
   */
  async publish(message: OutboxMessage, at: Date): Promise<void> {
    await this.publishItem(storedOf(message, at));
  }

  private async publishItem(item: StoredOutboxMessage): Promise<void> {
    if (!this.topicArn) return;
    this.sns ??= new SNSClient({});
    await this.sns.send(
      new PublishCommand({
        TopicArn: this.topicArn,
        Message: JSON.stringify(item),
        MessageAttributes: {
          kind: { DataType: "String", StringValue: item.kind },
          recipient: { DataType: "String", StringValue: recipientKey(item.recipient) },
        },
      }),
    );
  }

  /** Every message about one case, oldest first (the case timeline, tests): every page is read. */
  async forCase(caseId: string): Promise<StoredOutboxMessage[]> {
    const items = await queryAll(this.db, {
      TableName: this.table,
      IndexName: "gsi1",
      KeyConditionExpression: "gsi1pk = :pk",
      ExpressionAttributeValues: { ":pk": `OUTBOX#CASE#${caseId}` },
    });
    return items.map(stripKeys) as unknown as StoredOutboxMessage[];
  }

  /** The messages for one recipient, oldest first, at most `limit`. */
  async forRecipient(recipient: Recipient, limit = 100): Promise<StoredOutboxMessage[]> {
    const { items } = await queryFirst(
      this.db,
      {
        TableName: this.table,
        IndexName: "gsi2",
        KeyConditionExpression: "gsi2pk = :pk",
        ExpressionAttributeValues: { ":pk": recipientKey(recipient) },
      },
      limit,
    );
    return items.map(stripKeys) as unknown as StoredOutboxMessage[];
  }
}

function storedOf(message: OutboxMessage, at: Date): StoredOutboxMessage {
  return { ...message, details: maskPersonalData(message.details ?? {}), createdAt: at.toISOString() };
}

function stripKeys(item: Record<string, unknown>): Record<string, unknown> {
  const { pk: _pk, sk: _sk, gsi1pk: _g1, gsi1sk: _g1s, gsi2pk: _g2, gsi2sk: _g2s, type: _t, ...rest } = item;
  return rest;
}
