/**
 * SMS deliveries: one record per message and recipient, the state of each phone
 * number (sends in the last day, failures in a row, opt-out, unreachable), the applicant's phone a
 * case is texted on, and the case's "cannot be reached by SMS" flag. All in the `main` table.
 *
 * | pk | sk | index | item |
 * |---|---|---|---|
 * | `SMSDLV#<messageId>` | `TO#<recipientKey>` | gsi1 `SMSDUE` / `<nextAttemptAt>#…` while not final; `SMSRCPT` / `<receiptPollAt>#…` while `sent` and its receipt is asked for | a delivery |
 * | `SMSNUM#<phoneKey>` | `STATE` | | a number's sends, failures, opt-out, unreachable |
 * | `SMSCONTACT#<countyId>#<caseId>` | `APPLICANT` | | the applicant's phone for SMS |
 * | `SMSREACH#<countyId>#<caseId>` | `APPLICANT` | | the applicant's number is unreachable by SMS |
 *
 * `recipientKey` is `applicant` or `user:<userId>`. A number is known by `phoneKey`, a keyed hash
 * (the identity hash key) of its E.164 form: the number itself is kept only on the contact item,
 * sealed there like a payee's bank account (field-level envelope encryption under the account key,
 * field `applicant-phone`); deliveries carry it masked.
 *
 * A delivery is sent by whoever claims it: a conditional update from `queued`/`deferred` (due) to
 * `sending` with a lease. Two dispatchers never both hold a claim, so one message is sent once —
 * unless a dispatcher dies after the provider accepted and before `recordOutcome`: the lease then
 * expires and the message is claimed again. A receipt arriving in between (it carries the message id
 * as OutId/SessionContext/Context) records the send first and the second claim fails; without one,
 * the message is sent a second time. That residual risk is accepted (at least once, docs/messages.md).
 *
 * A `sent` delivery of a provider whose receipts are asked for (Alibaba Cloud, Tencent Cloud) stays
 * in the receipt index (`SMSRCPT`) under its next poll time until a receipt moves it on or the
 * dispatcher stops asking (functions/services/messages/receipts.ts).
 */
import { createHmac } from "node:crypto";
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type UpdateCommandInput,
} from "@aws-sdk/lib-dynamodb";
import { maskPhone } from "#core/identity/masking.ts";
import type { DeferReason, DeliveryStatus, SuppressReason } from "#core/messages/delivery.ts";
import type { MessageEventKind } from "#core/messages/events.ts";
import type { SmsProvider } from "#core/messages/smsSettings.ts";
import type { FieldCipher } from "#functions/runtime/field-encryption.ts";
import { applied } from "./conditional-write.ts";
import { queryFirst } from "./query-all.ts";

/** The field a sealed applicant phone is sealed for (the GCM additional data, the KMS encryption context). */
export const APPLICANT_PHONE_PURPOSE = "applicant-phone";

/** Sends remembered per number: the rate limit looks back one day (core/messages/delivery.ts). */
const RECENT_SENDS_MAX = 20;
const DAY_MS = 86_400_000;
/** Steps of a delivery's history kept on its record (a limit on everything). */
const HISTORY_MAX = 20;
/** Due deliveries one `due()` call returns. */
export const DUE_PAGE_MAX = 100;
/** Deliveries of one message (a staff message goes to each user of the role). */
const RECIPIENTS_PER_MESSAGE_MAX = 200;

export interface DeliveryStep {
  at: string;
  status: DeliveryStatus | "sending" | "receipt";
  code?: string;
}

export interface SmsDelivery {
  messageId: string;
  recipientKey: string;
  countyId: string;
  caseId?: string;
  event: MessageEventKind;
  phoneKey?: string;
  phoneMasked?: string;
  status: DeliveryStatus | "sending";
  reason?: DeferReason | SuppressReason;
  /** Provider attempts made (claims that reached the provider). */
  attempts: number;
  nextAttemptAtMs?: number;
  claimUntilMs?: number;
  /** `sent`, receipt asked for: when next (absent once a receipt came or the asking stopped). */
  receiptPollAtMs?: number;
  /** Times the provider was asked for this delivery's receipt. */
  receiptPolls?: number;
  provider?: SmsProvider;
  providerMessageId?: string;
  /** The provider's last code and words (a failure, a receipt). */
  lastCode?: string;
  lastDetail?: string;
  createdAt: string;
  updatedAt: string;
  sentAt?: string;
  deliveredAt?: string;
  history: DeliveryStep[];
}

export interface NumberState {
  phoneKey: string;
  recentSendsMs: number[];
  consecutiveFailures: number;
  /** `applicant`: in 掌上办; `township`: an officer recorded it for them (a phone call). */
  optedOut?: { at: string; by: string; via: "sms-reply" | "applicant" | "township" };
  /**
   * The last opt-out lifted (SMS turned back on), with the opt-out it lifted (`optedOutAt`): the
   * number is texted again from then on; messages suppressed while it was opted out stay so.
   */
  optedIn?: { at: string; by: string; via: "applicant" | "township"; optedOutAt: string };
  unreachable?: { at: string; reason: "invalid-number" | "repeated-failures" };
}

export interface Reachability {
  unreachable: boolean;
  since?: string;
}

const deliveryPk = (messageId: string) => `SMSDLV#${messageId}`;
const deliverySk = (recipientKey: string) => `TO#${recipientKey}`;
const numberKey = (phoneKey: string) => ({ pk: `SMSNUM#${phoneKey}`, sk: "STATE" });
const contactKey = (countyId: string, caseId: string) => ({
  pk: `SMSCONTACT#${countyId}#${caseId}`,
  sk: "APPLICANT",
});
const reachKey = (countyId: string, caseId: string) => ({
  pk: `SMSREACH#${countyId}#${caseId}`,
  sk: "APPLICANT",
});
const DUE_PK = "SMSDUE";
const RECEIPT_PK = "SMSRCPT";
const dueSk = (atMs: number, messageId: string, recipientKey: string) =>
  `${new Date(atMs).toISOString()}#${messageId}#${recipientKey}`;
const FINAL: ReadonlySet<string> = new Set(["sent", "delivered", "failed", "suppressed"]);

function deliveryOf(item: Record<string, unknown>): SmsDelivery {
  const {
    pk: _pk,
    sk: _sk,
    gsi1pk: _g1,
    gsi1sk: _g1s,
    type: _type,
    ...fields
  } = item as Record<string, unknown> & { history?: DeliveryStep[] };
  return { ...(fields as unknown as SmsDelivery), history: (fields.history as DeliveryStep[]) ?? [] };
}

/** What changes on a delivery at one step. */
export interface DeliveryChange {
  status: SmsDelivery["status"];
  at: Date;
  reason?: SmsDelivery["reason"];
  nextAttemptAtMs?: number;
  /** With `sent`: the provider is asked for its receipt from then on (the receipt index). */
  receiptPollAtMs?: number;
  attempts?: number;
  provider?: SmsProvider;
  providerMessageId?: string;
  code?: string;
  detail?: string;
}

export class SmsDeliveryStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
    /** Key of the keyed hash numbers are known by (the identity hash key). */
    private readonly hashKey: string,
    /** Seals and opens the applicant's phone; a store without it neither records nor reads one. */
    private readonly phoneCipher?: Pick<FieldCipher, "seal" | "open">,
  ) {}

  /** The keyed hash a phone number (E.164) is known by. */
  phoneKey(phoneE164: string): string {
    return createHmac("sha256", this.hashKey).update(`sms-number:${phoneE164}`).digest("hex").slice(0, 40);
  }

  /**
   * Creates the delivery in `queued` unless it exists (another dispatcher, a redelivered stream
   * record): answers the stored record either way.
   */
  async ensure(
    delivery: Omit<SmsDelivery, "status" | "attempts" | "history" | "createdAt" | "updatedAt">,
    at: Date,
  ): Promise<SmsDelivery> {
    const record: SmsDelivery = {
      ...delivery,
      status: "queued",
      attempts: 0,
      createdAt: at.toISOString(),
      updatedAt: at.toISOString(),
      history: [{ at: at.toISOString(), status: "queued" }],
    };
    const created = await applied(
      this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: {
            pk: deliveryPk(delivery.messageId),
            sk: deliverySk(delivery.recipientKey),
            type: "sms-delivery",
            gsi1pk: DUE_PK,
            gsi1sk: dueSk(at.getTime(), delivery.messageId, delivery.recipientKey),
            ...record,
          },
          ConditionExpression: "attribute_not_exists(pk)",
        }),
      ),
    );
    return created ? record : ((await this.get(delivery.messageId, delivery.recipientKey)) as SmsDelivery);
  }

  async get(messageId: string, recipientKey: string): Promise<SmsDelivery | undefined> {
    const out = await this.db.send(
      new GetCommand({
        TableName: this.table,
        Key: { pk: deliveryPk(messageId), sk: deliverySk(recipientKey) },
        ConsistentRead: true,
      }),
    );
    return out.Item ? deliveryOf(out.Item) : undefined;
  }

  /** Every delivery of one message (one per recipient). */
  async ofMessage(messageId: string): Promise<SmsDelivery[]> {
    const out = await this.db.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: "pk = :pk",
        ExpressionAttributeValues: { ":pk": deliveryPk(messageId) },
        ConsistentRead: true,
        Limit: RECIPIENTS_PER_MESSAGE_MAX,
      }),
    );
    return (out.Items ?? []).map(deliveryOf);
  }

  /** Deliveries waiting (queued, deferred, or a lapsed claim) that are due at `nowMs`, oldest first. */
  async due(
    nowMs: number,
    limit = DUE_PAGE_MAX,
  ): Promise<Array<{ messageId: string; recipientKey: string }>> {
    const out = await this.db.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: "gsi1",
        KeyConditionExpression: "gsi1pk = :pk AND gsi1sk <= :now",
        ExpressionAttributeValues: { ":pk": DUE_PK, ":now": `${new Date(nowMs).toISOString()}#~` },
        Limit: Math.min(limit, DUE_PAGE_MAX),
      }),
    );
    return (out.Items ?? []).map((item) => ({
      messageId: String(item.messageId),
      recipientKey: String(item.recipientKey),
    }));
  }

  /**
   * Claims a delivery for sending until `leaseUntilMs`: granted when it is queued, deferred and due,
   * or `sending` under a lapsed lease. At most one caller holds a claim at a time.
   */
  async claim(messageId: string, recipientKey: string, at: Date, leaseUntilMs: number): Promise<boolean> {
    return this.updateDelivery(messageId, recipientKey, {
      UpdateExpression:
        "SET #status = :sending, claimUntilMs = :lease, updatedAt = :at, gsi1sk = :due, history = list_append(history, :step)",
      ConditionExpression:
        "(#status IN (:queued, :deferred) AND (attribute_not_exists(nextAttemptAtMs) OR nextAttemptAtMs <= :now)) OR (#status = :sending AND claimUntilMs < :now)",
      ExpressionAttributeNames: { "#status": "status" },
      ExpressionAttributeValues: {
        ":sending": "sending",
        ":queued": "queued",
        ":deferred": "deferred",
        ":lease": leaseUntilMs,
        ":now": at.getTime(),
        ":at": at.toISOString(),
        ":due": dueSk(leaseUntilMs, messageId, recipientKey),
        ":step": [{ at: at.toISOString(), status: "sending" }],
      },
    });
  }

  /**
   * Moves a delivery on, only from one of `from` (a claim's holder from `sending`; a decision from
   * `queued`/`deferred`); a final status leaves the due index. False when the delivery was elsewhere.
   */
  async advance(
    messageId: string,
    recipientKey: string,
    from: ReadonlyArray<SmsDelivery["status"]>,
    change: DeliveryChange,
  ): Promise<boolean> {
    const current = await this.get(messageId, recipientKey);
    if (!current || !from.includes(current.status)) return false;
    const next = nextRecord(current, change);
    return applied(
      this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: {
            pk: deliveryPk(messageId),
            sk: deliverySk(recipientKey),
            type: "sms-delivery",
            ...indexOf(next, change.at.getTime()),
            ...next,
          },
          ConditionExpression: "#status = :was AND updatedAt = :updated",
          ExpressionAttributeNames: { "#status": "status" },
          ExpressionAttributeValues: { ":was": current.status, ":updated": current.updatedAt },
        }),
      ),
    );
  }

  /** `sent` deliveries whose receipt is to be asked for at `nowMs`, earliest first, at most `limit`. */
  async receiptsDue(
    nowMs: number,
    limit = DUE_PAGE_MAX,
  ): Promise<Array<{ messageId: string; recipientKey: string }>> {
    const { items } = await queryFirst(
      this.db,
      {
        TableName: this.table,
        IndexName: "gsi1",
        KeyConditionExpression: "gsi1pk = :pk AND gsi1sk <= :now",
        ExpressionAttributeValues: { ":pk": RECEIPT_PK, ":now": `${new Date(nowMs).toISOString()}#~` },
      },
      Math.min(limit, DUE_PAGE_MAX),
    );
    return items.map((item) => ({
      messageId: String(item.messageId),
      recipientKey: String(item.recipientKey),
    }));
  }

  /**
   * After asking for a `sent` delivery's receipt without getting one: asks again at `nextAtMs`, or
   * (undefined) stops asking — the delivery stays `sent` and leaves the receipt index. Only while
   * it is `sent` (a receipt may have come meanwhile); `updatedAt` is left alone, so a receipt
   * recorded concurrently is not refused for it.
   */
  async rescheduleReceipt(
    messageId: string,
    recipientKey: string,
    nextAtMs: number | undefined,
    at: Date,
    code?: string,
  ): Promise<boolean> {
    const step = [{ at: at.toISOString(), status: "receipt", ...(code ? { code } : {}) }];
    return this.updateDelivery(messageId, recipientKey, {
      UpdateExpression:
        nextAtMs === undefined
          ? "SET receiptPolls = if_not_exists(receiptPolls, :zero) + :one, history = list_append(history, :step) REMOVE receiptPollAtMs, gsi1pk, gsi1sk"
          : "SET receiptPolls = if_not_exists(receiptPolls, :zero) + :one, receiptPollAtMs = :next, gsi1sk = :sk",
      ConditionExpression: "#status = :sent",
      ExpressionAttributeNames: { "#status": "status" },
      ExpressionAttributeValues: {
        ":sent": "sent",
        ":zero": 0,
        ":one": 1,
        ...(nextAtMs === undefined
          ? { ":step": step }
          : { ":next": nextAtMs, ":sk": dueSk(nextAtMs, messageId, recipientKey) }),
      },
    });
  }

  /** One conditional update of a delivery: false when its condition failed. */
  private updateDelivery(
    messageId: string,
    recipientKey: string,
    update: Omit<UpdateCommandInput, "TableName" | "Key">,
  ): Promise<boolean> {
    const Key = { pk: deliveryPk(messageId), sk: deliverySk(recipientKey) };
    return applied(this.db.send(new UpdateCommand({ TableName: this.table, Key, ...update })));
  }

  async numberState(phoneKey: string): Promise<NumberState> {
    const out = await this.db.send(
      new GetCommand({ TableName: this.table, Key: numberKey(phoneKey), ConsistentRead: true }),
    );
    if (!out.Item) return { phoneKey, recentSendsMs: [], consecutiveFailures: 0 };
    const { pk: _pk, sk: _sk, type: _type, ...state } = out.Item;
    return state as NumberState;
  }

  /** Changes a number's state by a pure function of it, retried when another writer came first. */
  async updateNumber(phoneKey: string, change: (state: NumberState) => NumberState): Promise<NumberState> {
    for (let round = 0; round < 8; round++) {
      const current = await this.numberState(phoneKey);
      const next = change(structuredClone(current));
      const version = (current as { version?: number }).version ?? 0;
      const written = await applied(
        this.db.send(
          new PutCommand({
            TableName: this.table,
            Item: { ...numberKey(phoneKey), type: "sms-number", ...next, phoneKey, version: version + 1 },
            ConditionExpression: version === 0 ? "attribute_not_exists(pk)" : "version = :v",
            ...(version === 0 ? {} : { ExpressionAttributeValues: { ":v": version } }),
          }),
        ),
      );
      if (written) return next;
    }
    throw new Error("sms number state: too many concurrent writers");
  }

  /** A send to the number at `atMs`, counted for the rate limit. */
  recordSend(phoneKey: string, atMs: number): Promise<NumberState> {
    return this.updateNumber(phoneKey, (state) => ({
      ...state,
      recentSendsMs: [...state.recentSendsMs.filter((t) => t > atMs - DAY_MS), atMs].slice(-RECENT_SENDS_MAX),
    }));
  }

  /** A message reached the number: its failures in a row start again. */
  recordDelivered(phoneKey: string): Promise<NumberState> {
    return this.updateNumber(phoneKey, (state) => ({ ...state, consecutiveFailures: 0 }));
  }

  /**
   * The applicant's phone (E.164) their case is texted on, recorded at filing: sealed, with its masked
   * form. Written once per case (a retried filing finds it written and changes nothing).
   */
  async putApplicantPhone(countyId: string, caseId: string, phoneE164: string, at: Date): Promise<void> {
    const sealed = await this.cipher().seal(phoneE164, APPLICANT_PHONE_PURPOSE);
    await applied(
      this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: {
            ...contactKey(countyId, caseId),
            type: "sms-contact",
            phoneSealed: sealed,
            phoneMasked: maskPhone(phoneE164),
            at: at.toISOString(),
          },
          ConditionExpression: "attribute_not_exists(pk)",
        }),
      ),
    );
  }

  async applicantPhone(countyId: string, caseId: string): Promise<string | undefined> {
    const out = await this.db.send(
      new GetCommand({ TableName: this.table, Key: contactKey(countyId, caseId) }),
    );
    const sealed = out.Item?.phoneSealed;
    return typeof sealed === "string" ? this.cipher().open(sealed, APPLICANT_PHONE_PURPOSE) : undefined;
  }

  private cipher(): Pick<FieldCipher, "seal" | "open"> {
    if (!this.phoneCipher) throw new Error("sms delivery store: no field cipher for the applicant's phone");
    return this.phoneCipher;
  }

  /** Marks the case's applicant unreachable by SMS (the township phones instead). */
  async markUnreachable(countyId: string, caseId: string, at: Date): Promise<void> {
    await applied(
      this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: {
            ...reachKey(countyId, caseId),
            type: "sms-reach",
            unreachable: true,
            since: at.toISOString(),
          },
          ConditionExpression: "attribute_not_exists(pk)",
        }),
      ),
    );
  }

  async reachability(countyId: string, caseId: string): Promise<Reachability> {
    const out = await this.db.send(
      new GetCommand({ TableName: this.table, Key: reachKey(countyId, caseId) }),
    );
    return out.Item ? { unreachable: true, since: String(out.Item.since) } : { unreachable: false };
  }
}

/** Where a delivery is indexed: due (not final), waiting for its receipt to be asked (sent), or nowhere. */
function indexOf(next: SmsDelivery, atMs: number): Record<string, string> {
  if (next.status === "sent" && next.receiptPollAtMs !== undefined) {
    return { gsi1pk: RECEIPT_PK, gsi1sk: dueSk(next.receiptPollAtMs, next.messageId, next.recipientKey) };
  }
  if (FINAL.has(next.status)) return {};
  return { gsi1pk: DUE_PK, gsi1sk: dueSk(next.nextAttemptAtMs ?? atMs, next.messageId, next.recipientKey) };
}

function nextRecord(current: SmsDelivery, change: DeliveryChange): SmsDelivery {
  const at = change.at.toISOString();
  const {
    claimUntilMs: _claim,
    nextAttemptAtMs: _next,
    reason: _reason,
    receiptPollAtMs: _poll,
    ...kept
  } = current;
  return {
    ...kept,
    status: change.status,
    updatedAt: at,
    attempts: change.attempts ?? current.attempts,
    ...(change.reason ? { reason: change.reason } : {}),
    ...(change.nextAttemptAtMs !== undefined ? { nextAttemptAtMs: change.nextAttemptAtMs } : {}),
    ...(change.receiptPollAtMs !== undefined ? { receiptPollAtMs: change.receiptPollAtMs } : {}),
    ...(change.provider ? { provider: change.provider } : {}),
    ...(change.providerMessageId ? { providerMessageId: change.providerMessageId } : {}),
    ...(change.code ? { lastCode: change.code } : {}),
    ...(change.detail ? { lastDetail: change.detail.slice(0, 200) } : {}),
    ...(change.status === "sent" ? { sentAt: at } : {}),
    ...(change.status === "delivered" ? { deliveredAt: at, sentAt: current.sentAt ?? at } : {}),
    history: [
      ...current.history,
      { at, status: change.status, ...(change.code ? { code: change.code } : {}) },
    ].slice(-HISTORY_MAX),
  };
}
