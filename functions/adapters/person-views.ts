/**
 * Who looked at whom (DOMAIN §8): a staff read of a person's unmasked data is an audit event
 * (`person.view`) in the county's hash-chained trail, found by case through the trail's resource
 * index and by viewer through an index item kept beside it:
 *
 * | item | pk | sk | why |
 * |---|---|---|---|
 * | viewer index | `PERSONVIEWS#<countyId>#<userId>` | `<at>#<seq>` | "what did this user view": the event's sequence number in the chain |
 *
 * The event itself is the evidence (hashed, chained); the index item only points at it.
 */
import { GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import {
  type AuditEvent,
  auditStore,
  decodeCursor,
  encodeCursor,
  invalidCursor,
} from "#adapters/audit-store.ts";
import type { CaseRecord } from "#adapters/case-store.ts";
import type { AccessResource, Actor } from "#core/access/index.ts";
import { config, dynamo } from "#functions/runtime/config.ts";
import { queryFirst } from "./query-all.ts";

export const PERSON_VIEW_ACTION = "person.view";

/** A case as far as the response boundary needs it: whose it is and the personal values it holds. */
export interface CaseSubject {
  caseId: string;
  resource: AccessResource & { townshipId: string };
  /** Keyed hash of the applicant's document: finds the person's other cases. */
  personKey?: string;
  names: string[];
  addresses: string[];
}

/** The case's scope and the names and addresses it holds; undefined when there is no such case. */
export async function readCaseSubject(caseId: string): Promise<CaseSubject | undefined> {
  const result = await dynamo().send(
    new GetCommand({
      TableName: config().tables.main,
      Key: { pk: `CASE#${caseId}`, sk: "CASE" },
      ProjectionExpression: "countyId, townshipId, applicant, handledBy, payout, household",
    }),
  );
  const item = result.Item as
    | (Pick<CaseRecord, "countyId" | "townshipId" | "handledBy" | "household"> & {
        applicant?: Partial<CaseRecord["applicant"]>;
        payout?: Partial<CaseRecord["payout"]>;
      })
    | undefined;
  if (!item) return undefined;
  const text = (value: unknown): value is string => typeof value === "string" && value.trim() !== "";
  const names = [
    item.applicant?.name,
    item.payout?.bank?.holderName,
    ...(item.household ?? []).map((m) => m.name),
  ];
  const addresses = [item.applicant?.residence?.address];
  return {
    caseId,
    resource: {
      countyId: item.countyId,
      townshipId: item.townshipId,
      ...(item.applicant?.userId ? { ownerUserId: item.applicant.userId } : {}),
      handledBy: item.handledBy ?? [],
    },
    ...(item.applicant?.personKey ? { personKey: item.applicant.personKey } : {}),
    names: [...new Set(names.filter(text))],
    addresses: [...new Set(addresses.filter(text))],
  };
}

export interface PersonViewInput {
  subject: CaseSubject;
  actor: Pick<Actor, "userId" | "name" | "roles">;
  /** What was read: `case` (the case page), `plan`, `documents` (the list and its download links). */
  kind: string;
  route: string;
  /** Why the role may see it: the grant that allowed the read. */
  reason: string;
  /** Reads of one (viewer, case, kind) with the same key are one event (the refresh window). */
  dedupKey: string;
  details?: Record<string, unknown>;
}

const viewerPk = (countyId: string, userId: string) => `PERSONVIEWS#${countyId}#${userId}`;

/** Appends the view to the chain and indexes it by viewer; undefined when the window already has it. */
export async function recordPersonView(input: PersonViewInput): Promise<AuditEvent | undefined> {
  const { subject } = input;
  const event = await auditStore().append({
    countyId: subject.resource.countyId,
    townshipId: subject.resource.townshipId,
    actor: input.actor,
    action: PERSON_VIEW_ACTION,
    resourceType: "case",
    resourceId: subject.caseId,
    reason: input.reason,
    after: { kind: input.kind, route: input.route, ...input.details },
    dedupKey: input.dedupKey,
    // A page refreshed within its window is the common repeat: one read answers it.
    dedupReadFirst: true,
  });
  if (!event) return undefined;
  await dynamo().send(
    new PutCommand({
      TableName: config().tables.main,
      Item: {
        pk: viewerPk(event.countyId, event.actor.userId),
        sk: `${event.at}#${String(event.seq).padStart(12, "0")}`,
        seq: event.seq,
        caseId: subject.caseId,
        kind: input.kind,
      },
    }),
  );
  return event;
}

export interface ViewPage {
  events: AuditEvent[];
  /** Where the next page starts (the `cursor` of the next call); absent on the last page. */
  nextCursor?: string;
}

/**
 * The views of some cases (one person's), oldest first, `limit` at a time after `cursor`. Every
 * event of each case is read (all pages): a view may sit behind any number of other events.
 */
export async function viewsOfCases(
  countyId: string,
  caseIds: readonly string[],
  page: { limit: number; cursor?: string },
): Promise<ViewPage> {
  const afterSeq = page.cursor ? decodeCursor(page.cursor) : 0;
  const events: AuditEvent[] = [];
  for (const caseId of caseIds) {
    const all = await auditStore().allForResource("case", caseId);
    events.push(
      ...all.filter((e) => e.action === PERSON_VIEW_ACTION && e.countyId === countyId && e.seq > afterSeq),
    );
  }
  const sorted = events.sort((a, b) => a.seq - b.seq);
  const shown = sorted.slice(0, page.limit);
  const last = shown.at(-1);
  return {
    events: shown,
    ...(sorted.length > shown.length && last ? { nextCursor: encodeCursor(last.seq) } : {}),
  };
}

/** What one user viewed in the county, oldest first, `limit` at a time after `cursor`. */
export async function viewsByViewer(
  countyId: string,
  userId: string,
  page: { limit: number; cursor?: string },
): Promise<ViewPage> {
  const pk = viewerPk(countyId, userId);
  const found = await queryFirst(
    dynamo(),
    {
      TableName: config().tables.main,
      KeyConditionExpression: "pk = :pk",
      ExpressionAttributeValues: { ":pk": pk },
      ...(page.cursor ? { ExclusiveStartKey: { pk, sk: decodeViewerCursor(page.cursor) } } : {}),
    },
    page.limit,
  );
  const seqs = found.items.map((item) => Number(item.seq));
  const last = found.items.at(-1);
  return {
    events: await auditStore().eventsAt(countyId, seqs),
    ...(found.lastKey && last ? { nextCursor: encodeViewerCursor(String(last.sk)) } : {}),
  };
}

/** The viewer index's sort key (`<at>#<seq>`) of the last view of a page. */
function encodeViewerCursor(sk: string): string {
  return Buffer.from(JSON.stringify({ at: sk })).toString("base64url");
}

function decodeViewerCursor(cursor: string): string {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as { at?: unknown };
    if (typeof parsed.at === "string" && /^[\d:.TZ-]{1,40}#\d{12}$/.test(parsed.at)) return parsed.at;
  } catch {
    // not a cursor of this list
  }
  throw invalidCursor();
}
