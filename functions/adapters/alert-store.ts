/**
 * Early warnings (主动发现, core/alerts): the alerts of a county, one repeat guard per person + risk
 * kind, and the signed partner messages already taken (replay guard).
 *
 * | pk | sk | item |
 * |---|---|---|
 * | `ALERT#<countyId>` | `<townshipId>#<alertId>` | the alert: person (keyed hash + masked number), risk, source, deadline, visits, outcome |
 * | `ALERTGUARD#<countyId>#<personKey>#<kind>` | `GUARD` | the alert of this person + kind and the last day a new one is a repeat of it |
 * | `ALERTID#<alertId>` | `ALERT` | where the alert is: its county and township |
 * | `ALERTMSG#<sourceId>#<signature>` | `MSG` | a signed partner message taken once; `ttl` after the replay window |
 *
 * The person's ID number is never stored: its keyed hash (`personKey`, core/identity — the key cases
 * use) and the masked number only. Names are stored as cases store the applicant's name and masked by
 * role when read (functions/services/alerts). Keyed by county, the township first in the sort key, so
 * one query reads a township's alerts and one the county's.
 */
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import {
  ALERT_STATUSES,
  type AlertStatus,
  awaitsVerification,
  type RiskKind,
  type VisitOutcome,
} from "#core/alerts/index.ts";
import { putNew } from "./put-new.ts";

export interface AlertPerson {
  /** Keyed hash of the ID number, or of township + name + household without one. */
  personKey: string;
  /** The ID number masked (core/identity `maskIdNumber`); absent when the source gave none. */
  idMasked?: string;
  name?: string;
  household?: string;
}

export interface AlertSignature {
  userId: string;
  name: string;
  at: string;
}

/** One visit: recorded by one officer, confirmed by the second they named (DOMAIN §3.4's two officers). */
export interface AlertVisit {
  round: number;
  visitedOn: string;
  outcome: VisitOutcome;
  /** The filing the recorder prepared, when the outcome is to file on the person's behalf. */
  filing?: Record<string, unknown>;
  recordedBy: AlertSignature;
  coVisitor: { userId: string; name: string };
  status: "pending" | "confirmed" | "rejected";
  confirmedBy?: AlertSignature;
  rejection?: { by: AlertSignature; reason: string };
}

export interface AlertRecord {
  alertId: string;
  countyId: string;
  townshipId: string;
  person: AlertPerson;
  kind: RiskKind;
  source: string;
  /** The day the source observed the risk. */
  reportedOn: string;
  evidence: string;
  receivedAt: string;
  receivedVia: "signed" | "import";
  /** Who imported it (a spreadsheet), or the partner source id (a signed message). */
  receivedFrom: string;
  status: AlertStatus;
  /** Deadline of the verification (ISO); after an unreachable visit the end of its retry-by day. */
  dueAt: string;
  /** The deadline first set from the policy's working days (the in-time statistic counts against it). */
  firstDueAt: string;
  policyVersionId: string;
  visits: AlertVisit[];
  firstVisitAt?: string;
  verifiedAt?: string;
  /** The Flow A case filed on the person's behalf. */
  caseId?: string;
  /** The verification was overdue and county civil affairs was told. */
  escalatedAt?: string;
  version: number;
}

/** A county's alerts are read in pages of this many items, up to this many pages. */
const QUERY_PAGE_ITEMS = 500;
const QUERY_PAGES_MAX = 200;

const alertKey = (countyId: string, townshipId: string, alertId: string) => ({
  pk: `ALERT#${countyId}`,
  sk: `${townshipId}#${alertId}`,
});
const guardKey = (countyId: string, personKey: string, kind: string) => ({
  pk: `ALERTGUARD#${countyId}#${personKey}#${kind}`,
  sk: "GUARD",
});

/** `W<yyyymmdd>-<hex>`: shaped as a case number, so messages may name it (core/messages). */
export const ALERT_ID = /^W\d{8}-[0-9a-f]{10}$/;

const locatorKey = (alertId: string) => ({ pk: `ALERTID#${alertId}`, sk: "ALERT" });

function recordOf(item: Record<string, unknown>): AlertRecord {
  const { pk: _pk, sk: _sk, type: _type, ...rest } = item;
  return rest as unknown as AlertRecord;
}

export type CreateAlertResult = { created: true } | { created: false; existingAlertId: string };

export class AlertStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  /**
   * Writes the alert and its repeat guard in one transaction. While a guard of the same person +
   * kind stands (its last day not passed on `today`), nothing is written and its alert is answered.
   */
  async create(alert: AlertRecord, guardLastDay: string, today: string): Promise<CreateAlertResult> {
    const guard = guardKey(alert.countyId, alert.person.personKey, alert.kind);
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            putNew(this.table, {
              ...alertKey(alert.countyId, alert.townshipId, alert.alertId),
              type: "alert",
              ...alert,
            }),
            putNew(this.table, {
              ...locatorKey(alert.alertId),
              type: "alert-locator",
              countyId: alert.countyId,
              townshipId: alert.townshipId,
            }),
            {
              Put: {
                TableName: this.table,
                Item: { ...guard, type: "alert-guard", alertId: alert.alertId, lastDay: guardLastDay },
                ConditionExpression: "attribute_not_exists(pk) OR lastDay < :today",
                ExpressionAttributeValues: { ":today": today },
              },
            },
          ],
        }),
      );
      return { created: true };
    } catch (error) {
      if ((error as Error).name !== "TransactionCanceledException") throw error;
      const out = await this.db.send(
        new GetCommand({ TableName: this.table, Key: guard, ConsistentRead: true }),
      );
      if (out.Item && String(out.Item.lastDay) >= today) {
        return { created: false, existingAlertId: String(out.Item.alertId) };
      }
      throw error;
    }
  }

  /** The alert standing for this person + kind on `today`, if any (a batch import's look-ahead). */
  async standingAlert(
    countyId: string,
    personKey: string,
    kind: string,
    today: string,
  ): Promise<string | undefined> {
    const out = await this.db.send(
      new GetCommand({
        TableName: this.table,
        Key: guardKey(countyId, personKey, kind),
        ConsistentRead: true,
      }),
    );
    return out.Item && String(out.Item.lastDay) >= today ? String(out.Item.alertId) : undefined;
  }

  /**
   * Takes a signed partner message once: false (nothing written) when the same signed message was
   * taken before — a replay. `ttlSeconds` is an epoch second after the replay window.
   */
  async takeMessage(sourceId: string, signature: string, ttlSeconds: number): Promise<boolean> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: {
            pk: `ALERTMSG#${sourceId}#${signature}`,
            sk: "MSG",
            type: "alert-message",
            ttl: ttlSeconds,
          },
          ConditionExpression: "attribute_not_exists(pk)",
        }),
      );
      return true;
    } catch (error) {
      if ((error as Error).name === "ConditionalCheckFailedException") return false;
      throw error;
    }
  }

  /** Where the alert is (its county and township), for access control before it is read. */
  async locate(alertId: string): Promise<{ countyId: string; townshipId: string } | undefined> {
    if (!ALERT_ID.test(alertId)) return undefined;
    const out = await this.db.send(
      new GetCommand({ TableName: this.table, Key: locatorKey(alertId), ConsistentRead: true }),
    );
    return out.Item
      ? { countyId: String(out.Item.countyId), townshipId: String(out.Item.townshipId) }
      : undefined;
  }

  async get(alertId: string): Promise<AlertRecord | undefined> {
    const where = await this.locate(alertId);
    if (!where) return undefined;
    const out = await this.db.send(
      new GetCommand({
        TableName: this.table,
        Key: alertKey(where.countyId, where.townshipId, alertId),
        ConsistentRead: true,
      }),
    );
    return out.Item ? recordOf(out.Item) : undefined;
  }

  /** Replaces the alert when it still has the version read (false: someone changed it meanwhile). */
  async replace(next: AlertRecord, expectedVersion: number): Promise<boolean> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...alertKey(next.countyId, next.townshipId, next.alertId), type: "alert", ...next },
          ConditionExpression: "#version = :expected",
          ExpressionAttributeNames: { "#version": "version" },
          ExpressionAttributeValues: { ":expected": expectedVersion },
        }),
      );
      return true;
    } catch (error) {
      if ((error as Error).name === "ConditionalCheckFailedException") return false;
      throw error;
    }
  }

  /** Marks an overdue alert escalated, once: false when it was escalated or verified meanwhile. */
  async markEscalated(alert: AlertRecord, at: string): Promise<boolean> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: alertKey(alert.countyId, alert.townshipId, alert.alertId),
          UpdateExpression: "SET escalatedAt = :at, #version = #version + :one",
          ConditionExpression: "attribute_not_exists(escalatedAt) AND #status <> :verified",
          ExpressionAttributeNames: { "#version": "version", "#status": "status" },
          ExpressionAttributeValues: { ":at": at, ":one": 1, ":verified": "verified" },
        }),
      );
      return true;
    } catch (error) {
      if ((error as Error).name === "ConditionalCheckFailedException") return false;
      throw error;
    }
  }

  /** The alerts of a county, or of one township of it. */
  async list(countyId: string, townshipId?: string): Promise<AlertRecord[]> {
    return this.query(countyId, townshipId);
  }

  /**
   * The alerts still awaiting their verification (open, awaiting the second officer, to retry) of a
   * county or one township of it; `escalatedOnly`: those county civil affairs was told of.
   */
  async awaitingVerification(
    countyId: string,
    options: { townshipId?: string; escalatedOnly?: boolean } = {},
  ): Promise<AlertRecord[]> {
    const awaiting = ALERT_STATUSES.filter(awaitsVerification);
    return this.query(countyId, options.townshipId, {
      expression: `#status IN (${awaiting.map((_, i) => `:s${i}`).join(", ")})${
        options.escalatedOnly ? " AND attribute_exists(escalatedAt)" : ""
      }`,
      names: { "#status": "status" },
      values: Object.fromEntries(awaiting.map((status, i) => [`:s${i}`, status])),
    });
  }

  private async query(
    countyId: string,
    townshipId?: string,
    filter?: { expression: string; names: Record<string, string>; values: Record<string, unknown> },
  ): Promise<AlertRecord[]> {
    const alerts: AlertRecord[] = [];
    let start: Record<string, unknown> | undefined;
    for (let page = 0; page < QUERY_PAGES_MAX; page++) {
      const out = await this.db.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: townshipId ? "pk = :pk AND begins_with(sk, :township)" : "pk = :pk",
          ExpressionAttributeValues: {
            ":pk": `ALERT#${countyId}`,
            ...(townshipId ? { ":township": `${townshipId}#` } : {}),
            ...(filter?.values ?? {}),
          },
          ...(filter ? { FilterExpression: filter.expression, ExpressionAttributeNames: filter.names } : {}),
          Limit: QUERY_PAGE_ITEMS,
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      alerts.push(...(out.Items ?? []).map(recordOf));
      start = out.LastEvaluatedKey;
      if (!start) return alerts;
    }
    throw new Error(`county ${countyId} has more alerts than ${QUERY_PAGE_ITEMS * QUERY_PAGES_MAX}`);
  }
}
