/**
 * Messages to applicants and staff (docs/messages.md), stored once each: the in-app inbox
 * reads them, the SMS dispatcher sends them. The phone number is not stored here — the dispatcher
 * resolves it at send time from the case or the user directory.
 *
 * | pk | sk | index | item |
 * |---|---|---|---|
 * | `MSG#<countyId>#<messageId>` | `MSG` | gsi1 `INBOX#<countyId>#CASE#<caseId>`, gsi2 the recipient's box | the message (`type: "message"`): its event and of its rendering what the event does not give (`StoredRendering`) |
 * | `MSGREAD#<countyId>#<userId>` | `<createdAt>#<messageId>` | | a staff user's read mark |
 * | `MSGCONF#<countyId>` | `SETTINGS` | | the county's own texts and SMS settings |
 *
 * The recipient's box (gsi2, sort key `<createdAt>#<messageId>`, newest last) is
 * `INBOX#APPLICANT#<userId>` for an applicant with an account (their cases of any county in one
 * query), `INBOX#<countyId>#STAFF#<role>#<townshipId>` for a township role and
 * `INBOX#<countyId>#STAFF#<role>#COUNTY` for a county role. The message id is deterministic
 * (`<caseId>:<event>:<discriminator>`) and the put is conditional, so a retried step writes it once.
 * An applicant's read mark is on the message (one reader); a staff message is read by each user of
 * the role on their own, so a staff user's mark is an item of its own.
 */
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import type { Role } from "#core/access/index.ts";
import { type MessageEvent, parseMessageEvent } from "#core/messages/events.ts";
import type { CountyMessageTemplates } from "#core/messages/overrides.ts";
import { type RenderedMessage, restoredRendering, type StoredRendering } from "#core/messages/render.ts";
import type { SmsSettings } from "#core/messages/smsSettings.ts";
import { conditionFailed } from "./conditional-write.ts";

export type MessageRecipient =
  | { kind: "applicant"; caseId: string }
  | { kind: "staff"; countyId: string; townshipId?: string; role: Role };

export interface StoredMessage {
  /** `<caseId>:<event>:<discriminator>`: the same step writes the same id. */
  messageId: string;
  countyId: string;
  caseId?: string;
  recipient: MessageRecipient;
  /** The applicant's account when the case has one (their inbox is read by it); never shown. */
  applicantUserId?: string;
  event: MessageEvent;
  rendered: RenderedMessage;
  createdAt: string;
  /** When the applicant opened it (applicant messages only; staff marks are per user). */
  readAt?: string;
}

/** What a county stored for its messages: its own texts, its SMS channel and its 好差评 link, each optional. */
export interface CountyMessageSettings {
  countyId: string;
  templates?: CountyMessageTemplates;
  sms?: SmsSettings;
  /** The county's 好差评 link the close message carries (https, at most 30 characters). */
  ratingUrl?: string;
  updatedAt: string;
  updatedBy: string;
}

/** Items one box read looks at before it answers (a page, a count). */
export const BOX_READ_ITEMS_MAX = 500;

/**
 * How long the county settings a message is rendered with (`settingsForMessages`) are reused in this
 * process, as a county's directory is (DIRECTORY_CACHE_MS): a save in this process shows at once, a
 * save in another one (another Lambda instance) within this time. The administration's own reads and
 * saves (`countySettings`, `putCountySettings`) never use it.
 */
export const MESSAGE_SETTINGS_CACHE_MS = 60_000;

/** Settings by `<table>|<countyId>`, with the save generation they were read in. */
const settingsCache = new Map<string, { settings: CountyMessageSettings | undefined; atMs: number }>();
/** Saves this process made, by `<table>|<countyId>`: a read that a save overtook is not cached. */
const settingsSaves = new Map<string, number>();

const pkOf = (countyId: string, messageId: string) => `MSG#${countyId}#${messageId}`;
const readPkOf = (countyId: string, userId: string) => `MSGREAD#${countyId}#${userId}`;
const caseBoxOf = (countyId: string, caseId: string) => `INBOX#${countyId}#CASE#${caseId}`;

export const applicantBoxOf = (userId: string) => `INBOX#APPLICANT#${userId}`;

export function staffBoxOf(countyId: string, role: Role, townshipId?: string): string {
  return `INBOX#${countyId}#STAFF#${role}#${townshipId ?? "COUNTY"}`;
}

/** The box a message is listed in; undefined for an applicant without an account (case box only). */
function recipientBoxOf(message: StoredMessage): string | undefined {
  const r = message.recipient;
  if (r.kind === "staff") return staffBoxOf(r.countyId, r.role, r.townshipId);
  return message.applicantUserId ? applicantBoxOf(message.applicantUserId) : undefined;
}

const sortKeyOf = (message: Pick<StoredMessage, "createdAt" | "messageId">) =>
  `${message.createdAt}#${message.messageId}`;

/**
 * What of a rendering is stored: the text as rendered (the county's template then), its signature and
 * the template's placeholder order. The rest is a function of these and the stored event — kind and
 * audience, the signed text, each placeholder's value (`variableText`, as `renderMessage` formats it),
 * the length and segments — and is computed on read (`restoredRendering`, core/messages/render.ts):
 * the item stays under one write unit (1 KB) where the whole rendering took it over, and each of its
 * index copies with it.
 */
function storedRendering(rendered: RenderedMessage): StoredRendering {
  return { text: rendered.text, signName: rendered.signName, paramOrder: rendered.paramOrder };
}

function renderedOf(
  stored: StoredRendering & Partial<RenderedMessage>,
  event: MessageEvent,
): RenderedMessage {
  // Stored before the compact form: the whole rendering is there.
  if (stored.signedText !== undefined && stored.params !== undefined) return stored as RenderedMessage;
  return restoredRendering(event, stored);
}

function messageOf(item: Record<string, unknown>): StoredMessage {
  const event = item.event as MessageEvent;
  return {
    messageId: String(item.messageId),
    countyId: String(item.countyId),
    ...(typeof item.caseId === "string" ? { caseId: item.caseId } : {}),
    recipient: item.recipient as MessageRecipient,
    ...(typeof item.applicantUserId === "string" ? { applicantUserId: item.applicantUserId } : {}),
    event,
    rendered: renderedOf(item.rendered as StoredRendering, event),
    createdAt: String(item.createdAt),
    ...(typeof item.readAt === "string" ? { readAt: item.readAt } : {}),
  };
}

/** One page of a box, newest first; `after` is the sort key the next page starts below. */
export interface BoxPage {
  messages: StoredMessage[];
  /** The sort key of the last message of the page, when another page may follow. */
  next?: string;
}

export class MessageStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
    /** The county settings this invocation read (`forInvocation`); absent on the process-wide store. */
    private readonly settingsSeen?: Map<string, Promise<CountyMessageSettings | undefined>>,
  ) {}

  /**
   * A store for one invocation (one HTTP request or one state-machine task): each county's message
   * settings are read once in it (a step sends several messages). Never shared between invocations.
   */
  forInvocation(): MessageStore {
    return new MessageStore(this.db, this.table, new Map());
  }

  /**
   * Stores a message once: true when this call wrote it, false when a message of that id was
   * already there (a retried step; nothing is changed). The event is checked again before it is
   * written.
   */
  async record(message: StoredMessage): Promise<boolean> {
    const event = parseMessageEvent(message.event);
    const box = recipientBoxOf(message);
    const { readAt: _unread, ...fields } = message;
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: {
            pk: pkOf(message.countyId, message.messageId),
            sk: "MSG",
            type: "message",
            ...(message.caseId
              ? { gsi1pk: caseBoxOf(message.countyId, message.caseId), gsi1sk: sortKeyOf(message) }
              : {}),
            ...(box ? { gsi2pk: box, gsi2sk: sortKeyOf(message) } : {}),
            ...fields,
            event,
            rendered: storedRendering(message.rendered),
          },
          ConditionExpression: "attribute_not_exists(pk)",
        }),
      );
      return true;
    } catch (error) {
      if (conditionFailed(error)) return false;
      throw error;
    }
  }

  async get(countyId: string, messageId: string): Promise<StoredMessage | undefined> {
    const out = await this.db.send(
      new GetCommand({
        TableName: this.table,
        Key: { pk: pkOf(countyId, messageId), sk: "MSG" },
        ConsistentRead: true,
      }),
    );
    return out.Item ? messageOf(out.Item) : undefined;
  }

  /** The messages about one case, oldest first (the case timeline, tests). */
  async forCase(countyId: string, caseId: string): Promise<StoredMessage[]> {
    const out = await this.db.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: "gsi1",
        KeyConditionExpression: "gsi1pk = :pk",
        ExpressionAttributeValues: { ":pk": caseBoxOf(countyId, caseId) },
        Limit: BOX_READ_ITEMS_MAX,
      }),
    );
    return (out.Items ?? []).map(messageOf);
  }

  /** One page of a box (`applicantBoxOf`, `staffBoxOf`), newest first, below `before` when given. */
  async box(box: string, limit: number, before?: string): Promise<BoxPage> {
    const out = await this.db.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: "gsi2",
        KeyConditionExpression: before ? "gsi2pk = :pk AND gsi2sk < :before" : "gsi2pk = :pk",
        ExpressionAttributeValues: { ":pk": box, ...(before ? { ":before": before } : {}) },
        ScanIndexForward: false,
        // One more than asked tells whether another page exists.
        Limit: limit + 1,
      }),
    );
    const items = out.Items ?? [];
    const messages = items.slice(0, limit).map(messageOf);
    const last = messages.at(-1);
    return {
      messages,
      ...(last && (items.length > limit || out.LastEvaluatedKey) ? { next: sortKeyOf(last) } : {}),
    };
  }

  /** An applicant's unread messages, counted over their newest `BOX_READ_ITEMS_MAX`. */
  async applicantUnread(userId: string): Promise<number> {
    const out = await this.db.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: "gsi2",
        KeyConditionExpression: "gsi2pk = :pk",
        FilterExpression: "attribute_not_exists(readAt)",
        ExpressionAttributeValues: { ":pk": applicantBoxOf(userId) },
        ScanIndexForward: false,
        Limit: BOX_READ_ITEMS_MAX,
        Select: "COUNT",
      }),
    );
    return out.Count ?? 0;
  }

  /**
   * Marks an applicant's message read; the first time wins, a second mark changes nothing. Returns
   * the message as stored, or undefined when there is no such message.
   */
  async markApplicantRead(countyId: string, messageId: string, at: Date): Promise<StoredMessage | undefined> {
    try {
      const out = await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: pkOf(countyId, messageId), sk: "MSG" },
          UpdateExpression: "SET readAt = :at",
          ConditionExpression: "attribute_exists(pk) AND attribute_not_exists(readAt)",
          ExpressionAttributeValues: { ":at": at.toISOString() },
          ReturnValues: "ALL_NEW",
        }),
      );
      return out.Attributes ? messageOf(out.Attributes) : undefined;
    } catch (error) {
      if (conditionFailed(error)) return this.get(countyId, messageId);
      throw error;
    }
  }

  /** Records that one staff user read a message (once; a repeated mark keeps the first time). */
  async markStaffRead(userId: string, message: StoredMessage, at: Date): Promise<void> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: {
            pk: readPkOf(message.countyId, userId),
            sk: sortKeyOf(message),
            type: "message-read",
            messageId: message.messageId,
            readAt: at.toISOString(),
          },
          ConditionExpression: "attribute_not_exists(pk)",
        }),
      );
    } catch (error) {
      if (!conditionFailed(error)) throw error;
    }
  }

  /**
   * Which of these messages the staff user has read (message id → when). The marks are read from
   * the oldest message's sort key on, so the query covers exactly the window of the messages given.
   */
  async staffReadMarks(
    countyId: string,
    userId: string,
    messages: StoredMessage[],
  ): Promise<Map<string, string>> {
    const marks = new Map<string, string>();
    if (messages.length === 0) return marks;
    const oldest = messages.map(sortKeyOf).sort()[0] as string;
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.db.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: "pk = :pk AND sk >= :from",
          ExpressionAttributeValues: { ":pk": readPkOf(countyId, userId), ":from": oldest },
          Limit: BOX_READ_ITEMS_MAX,
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      for (const item of out.Items ?? []) marks.set(String(item.messageId), String(item.readAt));
      start = out.LastEvaluatedKey;
    } while (start && marks.size < BOX_READ_ITEMS_MAX * 4);
    return marks;
  }

  /** The county's stored message settings, if it stored any. */
  async countySettings(countyId: string): Promise<CountyMessageSettings | undefined> {
    if (!this.settingsSeen) return this.readCountySettings(countyId);
    let settings = this.settingsSeen.get(countyId);
    if (!settings) {
      settings = this.readCountySettings(countyId);
      this.settingsSeen.set(countyId, settings);
      // A failed read is not remembered: the next use reads again.
      settings.catch(() => this.settingsSeen?.delete(countyId));
    }
    return structuredClone(await settings);
  }

  /**
   * The county's settings as a message is rendered with them (its texts, signature, 好差评 link):
   * read at most once per `MESSAGE_SETTINGS_CACHE_MS` in this process — a step, a decision and the
   * task openings of a case each render messages, and a county changes its texts rarely.
   */
  async settingsForMessages(countyId: string): Promise<CountyMessageSettings | undefined> {
    const key = `${this.table}|${countyId}`;
    const hit = settingsCache.get(key);
    if (hit && Date.now() - hit.atMs < MESSAGE_SETTINGS_CACHE_MS) return structuredClone(hit.settings);
    const saves = settingsSaves.get(key) ?? 0;
    const settings = await this.countySettings(countyId);
    if ((settingsSaves.get(key) ?? 0) === saves) {
      settingsCache.set(key, { settings: structuredClone(settings), atMs: Date.now() });
    }
    return settings;
  }

  private async readCountySettings(countyId: string): Promise<CountyMessageSettings | undefined> {
    const out = await this.db.send(
      new GetCommand({ TableName: this.table, Key: { pk: `MSGCONF#${countyId}`, sk: "SETTINGS" } }),
    );
    if (!out.Item) return undefined;
    const { pk: _pk, sk: _sk, type: _type, ...settings } = out.Item;
    return settings as CountyMessageSettings;
  }

  /**
   * Stores the county's message settings (checked by the caller: parseCountyTemplates, parseSmsSettings)
   * over the version read (`replacing`: its `updatedAt`, none when there was none). False when someone
   * else saved in between: nothing was written. A put whose answer was lost is recognised as ours.
   */
  async putCountySettings(settings: CountyMessageSettings, replacing: string | undefined): Promise<boolean> {
    this.settingsSeen?.delete(settings.countyId);
    const key = `${this.table}|${settings.countyId}`;
    try {
      return await this.writeCountySettings(settings, replacing);
    } finally {
      // Whatever the answer (a lost one may have landed): the next message reads the settings again.
      settingsSaves.set(key, (settingsSaves.get(key) ?? 0) + 1);
      settingsCache.delete(key);
    }
  }

  private async writeCountySettings(
    settings: CountyMessageSettings,
    replacing: string | undefined,
  ): Promise<boolean> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: { pk: `MSGCONF#${settings.countyId}`, sk: "SETTINGS", type: "message-settings", ...settings },
          ConditionExpression:
            replacing === undefined ? "attribute_not_exists(pk)" : "updatedAt = :replacing",
          ...(replacing === undefined ? {} : { ExpressionAttributeValues: { ":replacing": replacing } }),
        }),
      );
      return true;
    } catch (error) {
      if ((error as Error).name !== "ConditionalCheckFailedException") throw error;
      const stored = await this.readCountySettings(settings.countyId);
      return stored?.updatedAt === settings.updatedAt && stored.updatedBy === settings.updatedBy;
    }
  }
}
