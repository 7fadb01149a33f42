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
import { GetCommand, PutCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { type AuditEvent, auditStore } from "#adapters/audit-store.ts";
import type { CaseRecord } from "#adapters/case-store.ts";
import type { AccessResource, Actor } from "#core/access/index.ts";
import { config, dynamo } from "#functions/runtime/config.ts";

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

/** Bound on the events of one case read to find its views (TIGER_STYLE: a limit on everything). */
export const CASE_EVENTS_READ_MAX = 2000;

/** The views of some cases (one person's), oldest first, at most `limit`. */
export async function viewsOfCases(
  countyId: string,
  caseIds: readonly string[],
  limit: number,
): Promise<AuditEvent[]> {
  const events: AuditEvent[] = [];
  for (const caseId of caseIds) {
    const all = await auditStore().listForResource("case", caseId, CASE_EVENTS_READ_MAX);
    events.push(...all.filter((e) => e.action === PERSON_VIEW_ACTION && e.countyId === countyId));
  }
  return events.sort((a, b) => a.seq - b.seq).slice(0, limit);
}

/** What one user viewed in the county, oldest first, at most `limit`. */
export async function viewsByViewer(countyId: string, userId: string, limit: number): Promise<AuditEvent[]> {
  const result = await dynamo().send(
    new QueryCommand({
      TableName: config().tables.main,
      KeyConditionExpression: "pk = :pk",
      ExpressionAttributeValues: { ":pk": viewerPk(countyId, userId) },
      Limit: limit,
    }),
  );
  const seqs = (result.Items ?? []).map((item) => Number(item.seq));
  return auditStore().eventsAt(countyId, seqs);
}
