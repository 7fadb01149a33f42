/**
 * The audit trail (DOMAIN §1: every action records who did it, when, and why).
 *
 * Append-only and tamper-evident, per county: events live under `AUDIT#<countyId>` with sort key
 * `EVT#<seq>`; each carries the SHA-256 of the previous event (genesis: 64 zeros), like the ledger
 * (ARCHITECTURE §3.3). Appends are conditional puts on the next sequence slot, so two concurrent
 * appends can never share a slot: the loser re-reads the tail and retries. `verify` re-hashes
 * the whole chain and names the first event that does not match.
 *
 * Within one process, appends to a chain take turns (a queue per table and county) and start from the
 * head this process wrote last, so concurrent requests of one process never race each other for the
 * slot (under a surge they used to lose 25 races in a row) and an append is one conditional put; a
 * write of another process makes that put fail, and the loser re-reads the tail as before. A put whose
 * answer was lost (the SDK retried it and the retry met the event it had itself written) is told from
 * another writer's by the slot's `eventId`: it is recorded once, not appended again at the next slot.
 *
 * An event with a `dedupKey` (one effect that several invocations may record: a healed retry, a wait
 * that carries a decision over) is one transaction of the slot and the key's `AUDITDEDUP#` marker; the
 * marker's condition refuses a second event for the key, so the key is not read first (that read
 * cost every such event a request to catch the rare duplicate) unless the caller expects repeats
 * (`dedupReadFirst`: one view per refresh window, where a read is cheaper than a refused transaction).
 *
 * Events are stored as given (so the hash stays verifiable) and masked when read for auditors; an
 * event whose JSON would take its item past one write unit is stored deflated (`eventZ`, see
 * `storedItem`), the rest as readable JSON (`event`).
 * `gsi1` indexes events by resource (`AUDITRES#<type>#<id>`) for "the history of this case".
 */
import { createHash, randomUUID } from "node:crypto";
import { deflateRawSync, inflateRawSync } from "node:zlib";
import { ConditionalCheckFailedException, TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
} from "@aws-sdk/lib-dynamodb";
import { canonicalJson } from "#adapters/idempotency-store.ts";
import type { Actor } from "#core/access/index.ts";
import { ValidationError } from "#core/errors.ts";
import { now } from "#functions/runtime/clock.ts";
import { type AppConfig, config, dynamo } from "#functions/runtime/config.ts";
import { currentLogContext, maskPersonalData } from "#functions/runtime/logger.ts";
import { itemBytes, WRITE_UNIT_BYTES } from "./item-size.ts";
import { queryAll, queryFirst } from "./query-all.ts";

export const GENESIS_HASH = "0".repeat(64);
const SEQ_DIGITS = 12;
/** Bounded retries under contention (TIGER_STYLE: a limit on everything). */
const MAX_APPEND_ATTEMPTS = 25;

export interface AuditInput {
  countyId: string;
  townshipId?: string;
  actor: Pick<Actor, "userId" | "name" | "roles">;
  /** What was done, e.g. `case.file`, `advance.decide` (the core/access action where there is one). */
  action: string;
  resourceType: string;
  resourceId: string;
  /** Why: the reason the actor gave, or the rule that triggered it. */
  reason?: string;
  before?: unknown;
  after?: unknown;
  correlationId?: string;
  /**
   * The effect's own idempotency id (e.g. the task whose decision this records): an append with a
   * key already in the chain writes nothing, so a healed or concurrent retry of one effect is
   * recorded once.
   */
  dedupKey?: string;
  /**
   * Repeats of `dedupKey` are the common case (a read recorded once per refresh window): its marker is
   * read first, so a repeat costs a read instead of a refused transaction. Without it, the
   * transaction's condition on the marker alone refuses the duplicate.
   */
  dedupReadFirst?: boolean;
}

export interface AuditEvent extends Omit<AuditInput, "actor" | "dedupKey" | "dedupReadFirst"> {
  actor: { userId: string; name: string; roles: string[] };
  eventId: string;
  seq: number;
  at: string;
  prevHash: string;
  hash: string;
}

export type ChainVerification =
  | { ok: true; count: number; headHash: string }
  | { ok: false; count: number; brokenAtSeq: number; reason: string };

export const auditPk = (countyId: string): string => `AUDIT#${countyId}`;
const resourceKey = (resourceType: string, resourceId: string) => `AUDITRES#${resourceType}#${resourceId}`;
const auditDedupPk = (countyId: string): string => `AUDITDEDUP#${countyId}`;
const seqSk = (seq: number): string => `EVT#${String(seq).padStart(SEQ_DIGITS, "0")}`;

/** SHA-256 over the canonical encoding of every field except the hash itself. */
export function hashAuditEvent(event: Omit<AuditEvent, "hash">): string {
  return createHash("sha256").update(canonicalJson(event)).digest("hex");
}

export interface AuditStoreOptions {
  client: DynamoDBDocumentClient;
  tableName: string;
}

export interface AuditPage {
  events: AuditEvent[];
  nextCursor?: string;
}

interface ChainTurn {
  /** Settles when the append before this one has. */
  turn: Promise<unknown>;
  /** The head this process wrote last (undefined = unknown: read the tail). */
  head?: Pick<AuditEvent, "seq" | "hash">;
}

/** Per `<table>|<county>`: shared by every AuditStore of the process (handlers build their own). */
const chains = new Map<string, ChainTurn>();

export class AuditStore {
  constructor(private readonly options: AuditStoreOptions) {}

  /** Appends one event; `undefined` when an event with the same `dedupKey` was already appended. */
  append(input: AuditInput & { dedupKey: string }): Promise<AuditEvent | undefined>;
  append(input: AuditInput & { dedupKey?: undefined }): Promise<AuditEvent>;
  append(input: AuditInput): Promise<AuditEvent | undefined>;
  append(input: AuditInput): Promise<AuditEvent | undefined> {
    const key = `${this.options.tableName}|${input.countyId}`;
    let chain = chains.get(key);
    if (!chain) {
      chain = { turn: Promise.resolve() };
      chains.set(key, chain);
    }
    const mine = chain;
    const appended = mine.turn.then(() => this.appendInTurn(input, mine));
    mine.turn = appended.catch(() => undefined);
    return appended;
  }

  private async appendInTurn(input: AuditInput, chain: ChainTurn): Promise<AuditEvent | undefined> {
    if (input.dedupKey && input.dedupReadFirst && (await this.recorded(input.countyId, input.dedupKey))) {
      return undefined;
    }
    for (let attempt = 1; attempt <= MAX_APPEND_ATTEMPTS; attempt++) {
      const tail = chain.head ?? (await this.tail(input.countyId));
      const seq = (tail?.seq ?? 0) + 1;
      const correlationId = input.correlationId ?? currentLogContext().correlationId;
      const { dedupKey, dedupReadFirst: _readFirst, ...fields } = input;
      const unsigned: Omit<AuditEvent, "hash"> = {
        ...stripUndefined({ ...fields, correlationId }),
        actor: { userId: input.actor.userId, name: input.actor.name, roles: [...input.actor.roles] },
        eventId: randomUUID(),
        seq,
        at: now().toISOString(),
        prevHash: tail?.hash ?? GENESIS_HASH,
      };
      const event: AuditEvent = { ...unsigned, hash: hashAuditEvent(unsigned) };
      try {
        await this.put(input.countyId, event, dedupKey);
        chain.head = { seq: event.seq, hash: event.hash };
        return event;
      } catch (error) {
        if (error instanceof TransactionCanceledException) {
          const [slot, marker] = error.CancellationReasons ?? [];
          // The dedup marker is the second item: its condition failing means the effect is recorded.
          // Nothing was written; the head is still ours unless another writer took the slot too.
          if (marker?.Code === "ConditionalCheckFailed") {
            if (slot?.Code === "ConditionalCheckFailed") chain.head = undefined;
            return undefined;
          }
          chain.head = undefined;
          if (slot?.Code !== "ConditionalCheckFailed") throw error;
        } else {
          // Unknown outcome or another writer: the next attempt (or append) reads the tail again.
          chain.head = undefined;
          if (!(error instanceof ConditionalCheckFailedException)) throw error;
          // The slot is taken: by this very put when the SDK retried it after a lost answer?
          if ((await this.eventAt(input.countyId, event.seq))?.eventId === event.eventId) {
            chain.head = { seq: event.seq, hash: event.hash };
            return event;
          }
        }
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * attempt));
      }
    }
    throw new Error(`audit append for county ${input.countyId} lost ${MAX_APPEND_ATTEMPTS} races in a row`);
  }

  /** The event in its sequence slot; with a dedup key, one transaction with the key's marker. */
  private async put(countyId: string, event: AuditEvent, dedupKey: string | undefined): Promise<void> {
    const item = storedItem({
      pk: auditPk(countyId),
      sk: seqSk(event.seq),
      gsi1pk: resourceKey(event.resourceType, event.resourceId),
      gsi1sk: `${event.at}#${seqSk(event.seq)}`,
      event: JSON.stringify(event),
    });
    const slot = {
      TableName: this.options.tableName,
      Item: item,
      ConditionExpression: "attribute_not_exists(sk)",
    };
    if (!dedupKey) {
      await this.options.client.send(new PutCommand(slot));
      return;
    }
    await this.options.client.send(
      new TransactWriteCommand({
        TransactItems: [
          { Put: slot },
          {
            Put: {
              TableName: this.options.tableName,
              Item: { pk: auditDedupPk(countyId), sk: dedupKey, seq: event.seq },
              ConditionExpression: "attribute_not_exists(sk)",
            },
          },
        ],
      }),
    );
  }

  /** True when an event with this dedup key is in the county's chain. */
  private async recorded(countyId: string, dedupKey: string): Promise<boolean> {
    const result = await this.options.client.send(
      new GetCommand({
        TableName: this.options.tableName,
        Key: { pk: auditDedupPk(countyId), sk: dedupKey },
        ConsistentRead: true,
      }),
    );
    return result.Item !== undefined;
  }

  /** The event in one slot of the chain, read consistently (undefined: the slot is free). */
  private async eventAt(countyId: string, seq: number): Promise<AuditEvent | undefined> {
    const result = await this.options.client.send(
      new GetCommand({
        TableName: this.options.tableName,
        Key: { pk: auditPk(countyId), sk: seqSk(seq) },
        ConsistentRead: true,
      }),
    );
    return result.Item ? storedAuditEvent(result.Item) : undefined;
  }

  private async tail(countyId: string): Promise<AuditEvent | undefined> {
    const result = await this.options.client.send(
      new QueryCommand({
        TableName: this.options.tableName,
        KeyConditionExpression: "pk = :pk AND begins_with(sk, :evt)",
        ExpressionAttributeValues: { ":pk": auditPk(countyId), ":evt": "EVT#" },
        ScanIndexForward: false,
        Limit: 1,
        ConsistentRead: true,
      }),
    );
    const item = result.Items?.[0];
    return item ? storedAuditEvent(item) : undefined;
  }

  /** Events of a county in order, `limit` at a time; `cursor` is the last seq seen (opaque to callers). */
  async list(countyId: string, options: { limit: number; cursor?: string }): Promise<AuditPage> {
    const after = options.cursor ? decodeCursor(options.cursor) : 0;
    const result = await this.options.client.send(
      new QueryCommand({
        TableName: this.options.tableName,
        KeyConditionExpression: "pk = :pk AND sk > :after",
        ExpressionAttributeValues: { ":pk": auditPk(countyId), ":after": seqSk(after) },
        Limit: options.limit,
      }),
    );
    const events = (result.Items ?? []).map(storedAuditEvent);
    const last = events.at(-1);
    return { events, ...(result.LastEvaluatedKey && last ? { nextCursor: encodeCursor(last.seq) } : {}) };
  }

  /** The first `limit` events about one resource (e.g. a case), oldest first (tests, tools). */
  async listForResource(resourceType: string, resourceId: string, limit: number): Promise<AuditEvent[]> {
    return (await this.pageForResource(resourceType, resourceId, { limit })).events;
  }

  /**
   * Events about one resource (e.g. a case), oldest first, `limit` at a time; `cursor` is the
   * `nextCursor` of the page before (absent on the last page).
   */
  async pageForResource(
    resourceType: string,
    resourceId: string,
    options: { limit: number; cursor?: string },
  ): Promise<AuditPage> {
    const pk = resourceKey(resourceType, resourceId);
    const page = await queryFirst(
      this.options.client,
      {
        TableName: this.options.tableName,
        IndexName: "gsi1",
        KeyConditionExpression: "gsi1pk = :pk",
        ExpressionAttributeValues: { ":pk": pk },
        ...(options.cursor ? { ExclusiveStartKey: decodeResourceCursor(options.cursor, pk) } : {}),
      },
      options.limit,
    );
    return {
      events: page.items.map(storedAuditEvent),
      ...(page.lastKey ? { nextCursor: encodeResourceCursor(page.lastKey) } : {}),
    };
  }

  /** Every event about one resource, oldest first (every page: what a decision over them needs). */
  async allForResource(resourceType: string, resourceId: string): Promise<AuditEvent[]> {
    const items = await queryAll(this.options.client, {
      TableName: this.options.tableName,
      IndexName: "gsi1",
      KeyConditionExpression: "gsi1pk = :pk",
      ExpressionAttributeValues: { ":pk": resourceKey(resourceType, resourceId) },
    });
    return items.map(storedAuditEvent);
  }

  /** Re-hashes the county's whole chain: sequence without gaps, each prevHash = previous hash. */
  async verify(countyId: string): Promise<ChainVerification> {
    let expectedPrev = GENESIS_HASH;
    let expectedSeq = 1;
    let cursor: Record<string, unknown> | undefined;
    do {
      const result = await this.options.client.send(
        new QueryCommand({
          TableName: this.options.tableName,
          KeyConditionExpression: "pk = :pk AND begins_with(sk, :evt)",
          ExpressionAttributeValues: { ":pk": auditPk(countyId), ":evt": "EVT#" },
          ConsistentRead: true,
          ...(cursor ? { ExclusiveStartKey: cursor } : {}),
        }),
      );
      for (const item of result.Items ?? []) {
        const count = expectedSeq - 1;
        const event = readableEvent(item);
        if (!event) return { ok: false, count, brokenAtSeq: expectedSeq, reason: "event cannot be read" };
        if (event.seq !== expectedSeq || item.sk !== seqSk(expectedSeq)) {
          return { ok: false, count, brokenAtSeq: expectedSeq, reason: "sequence gap or moved event" };
        }
        if (event.prevHash !== expectedPrev) {
          return { ok: false, count, brokenAtSeq: event.seq, reason: "previous-hash link broken" };
        }
        const { hash, ...unsigned } = event;
        if (hashAuditEvent(unsigned) !== hash) {
          return {
            ok: false,
            count,
            brokenAtSeq: event.seq,
            reason: "event content does not match its hash",
          };
        }
        expectedPrev = hash;
        expectedSeq++;
      }
      cursor = result.LastEvaluatedKey;
    } while (cursor);
    return { ok: true, count: expectedSeq - 1, headHash: expectedPrev };
  }

  /** The events in these sequence slots of the county's chain (an index beside it points here), in that order. */
  async eventsAt(countyId: string, seqs: readonly number[]): Promise<AuditEvent[]> {
    const events: AuditEvent[] = [];
    for (const seq of seqs) {
      const result = await this.options.client.send(
        new QueryCommand({
          TableName: this.options.tableName,
          KeyConditionExpression: "pk = :pk AND sk = :sk",
          ExpressionAttributeValues: { ":pk": auditPk(countyId), ":sk": seqSk(seq) },
        }),
      );
      const item = result.Items?.[0];
      if (item) events.push(storedAuditEvent(item));
    }
    return events;
  }
}

/**
 * The event's item: its JSON as it is (`event`), or deflated (`eventZ`) when the JSON would take the
 * item past one write unit (paperwork with its investigators and findings: 1.2 KB, 0.8 KB deflated),
 * which halves what the event costs in the table and in `gsi1`. Either form reads back as the same
 * JSON, so the hash over it verifies alike.
 */
function storedItem(item: { event: string } & Record<string, string>): Record<string, string | Uint8Array> {
  if (itemBytes(item) <= WRITE_UNIT_BYTES) return item;
  const { event, ...keys } = item;
  return { ...keys, eventZ: deflateRawSync(Buffer.from(event, "utf8")) };
}

/** The event an audit item holds, in either stored form (tools and tests reading raw items use it too). */
export function storedAuditEvent(item: Record<string, unknown>): AuditEvent {
  if (typeof item.event === "string") return JSON.parse(item.event) as AuditEvent;
  if (item.eventZ instanceof Uint8Array) {
    return JSON.parse(inflateRawSync(item.eventZ).toString("utf8")) as AuditEvent;
  }
  throw new Error(`audit item ${String(item.pk)}/${String(item.sk)} holds no event`);
}

/** The event, or undefined when the item's event cannot be read (tampered bytes, not JSON). */
function readableEvent(item: Record<string, unknown>): AuditEvent | undefined {
  try {
    return storedAuditEvent(item);
  } catch {
    return undefined;
  }
}

/** An event as an auditor reads it: ID numbers, phones and bank accounts masked (DOMAIN §1). */
export function maskAuditEvent(event: AuditEvent): AuditEvent {
  return { ...maskPersonalData(event), hash: event.hash, prevHash: event.prevHash };
}

function stripUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** A page cursor over the chain (or anything ordered by it): the last sequence number seen. */
export function encodeCursor(seq: number): string {
  return Buffer.from(JSON.stringify({ seq })).toString("base64url");
}

export function decodeCursor(cursor: string): number {
  const parsed = parseCursor(cursor) as { seq?: unknown } | undefined;
  if (typeof parsed?.seq === "number" && Number.isInteger(parsed.seq) && parsed.seq >= 0) return parsed.seq;
  throw invalidCursor();
}

/** A resource page's cursor: the chain and index sort key of the last event read (its sk follows). */
function encodeResourceCursor(key: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify({ pk: key.pk, at: key.gsi1sk })).toString("base64url");
}

/** Where the resource's next page starts, from its cursor (else 400). */
function decodeResourceCursor(cursor: string, gsi1pk: string): Record<string, string> {
  const parsed = parseCursor(cursor) as { pk?: unknown; at?: unknown } | undefined;
  const pk = parsed?.pk;
  const gsi1sk = parsed?.at;
  if (typeof pk !== "string" || !/^AUDIT#[A-Za-z0-9_-]{1,64}$/.test(pk)) throw invalidCursor();
  if (typeof gsi1sk !== "string" || !/^[\d:.TZ-]{1,40}#EVT#\d{1,20}$/.test(gsi1sk)) throw invalidCursor();
  return { gsi1pk, gsi1sk, pk, sk: gsi1sk.slice(gsi1sk.indexOf("#") + 1) };
}

function parseCursor(cursor: string): unknown {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    return parsed && typeof parsed === "object" && !Array.isArray(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

export function invalidCursor(): ValidationError {
  return new ValidationError("The page cursor is not valid", "分页游标无效", {
    fields: [
      {
        path: "query.cursor",
        message: "Use the nextCursor of the previous page",
        messageZh: "请使用上一页返回的 nextCursor",
      },
    ],
  });
}

let current: { config: AppConfig; store: AuditStore } | undefined;

/** The store of this process, rebuilt when the configuration is reset (local server, tests). */
export function auditStore(): AuditStore {
  const active = config();
  if (current?.config !== active) {
    current = { config: active, store: new AuditStore({ client: dynamo(), tableName: active.tables.main }) };
  }
  return current.store;
}

/** For other handlers: append one audit event (who/when/what/why/before/after) to the county's chain. */
export function appendAudit(input: AuditInput & { dedupKey?: undefined }): Promise<AuditEvent> {
  return auditStore().append(input);
}
