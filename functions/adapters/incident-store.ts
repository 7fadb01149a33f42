/**
 * Disaster incidents (DOMAIN §8 disaster mode) and the households registered under them, in `main`:
 *
 * | item | pk | sk | why |
 * |---|---|---|---|
 * | the incident | `INCIDENT#<countyId>` | `INCIDENT#<incidentId>` | cause, townships, dates, standard advance; a county's list is one query |
 * | a registered household | `INCIDENTCASE#<countyId>#<incidentId>` | `<townshipId>#<caseId>` | the Flow A case filed for it; one township's households are a prefix |
 * | the case's tag | `INCIDENTOF#<caseId>` | `INCIDENT` | which incident a case belongs to: a case is tagged once, to one incident |
 *
 * Every key carries the county, so one county's incidents are never read through another's.
 */
import {
  BatchGetCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import type { Incident, IncidentStatus } from "#core/incidents/index.ts";
import { obligationIdFor } from "./payments/gateway.ts";
import { OBLIGATION_SK, paymentPk } from "./payments/payment-items.ts";
import { putNew } from "./put-new.ts";

export interface IncidentHousehold {
  countyId: string;
  incidentId: string;
  caseId: string;
  townshipId: string;
  registeredAt: string;
  registeredBy: string;
  /** `form`: the short form; `import`: a spreadsheet row. */
  via: "form" | "import";
}

/** What the incident's lists and dashboard need of a household's case and its advance payment. */
export interface HouseholdCaseFacts {
  caseId: string;
  townshipId: string;
  status: string;
  filedAt: string;
  applicant: { name: string; document: { type: string; numberMasked: string } };
  handledBy: string[];
  advance?: { decision: string; amountYuan?: string; decidedAt?: string };
  /** The advance's payment obligation (`open`, `instructed`, `paid`, `awaiting-reroute`). */
  payment?: { status: string; amountYuan: string; updatedAt: string };
}

export type TagOutcome = { tagged: true } | { tagged: false; incidentId: string };

/** Items are read in pages of this many, up to this many pages (an incident of 20,000 households). */
const PAGE_ITEMS = 1000;
const PAGES_MAX = 20;
/** BatchGetItem's own limit of keys a call, and how often unprocessed keys are asked for again. */
const BATCH_KEYS_MAX = 100;
const UNPROCESSED_ROUNDS_MAX = 8;

const incidentPk = (countyId: string) => `INCIDENT#${countyId}`;
const incidentSk = (incidentId: string) => `INCIDENT#${incidentId}`;
const householdPk = (countyId: string, incidentId: string) => `INCIDENTCASE#${countyId}#${incidentId}`;
const tagPk = (caseId: string) => `INCIDENTOF#${caseId}`;

function incidentOf(item: Record<string, unknown>): Incident {
  const { pk: _pk, sk: _sk, type: _type, ...fields } = item;
  return fields as unknown as Incident;
}

function householdOf(item: Record<string, unknown>): IncidentHousehold {
  return {
    countyId: String(item.countyId),
    incidentId: String(item.incidentId),
    caseId: String(item.caseId),
    townshipId: String(item.townshipId),
    registeredAt: String(item.registeredAt),
    registeredBy: String(item.registeredBy),
    via: item.via === "import" ? "import" : "form",
  };
}

export class IncidentStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  /** Stores a new incident; false when its id exists already. */
  async create(incident: Incident): Promise<boolean> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: {
            pk: incidentPk(incident.countyId),
            sk: incidentSk(incident.incidentId),
            type: "incident",
            ...incident,
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

  async get(countyId: string, incidentId: string): Promise<Incident | undefined> {
    const out = await this.db.send(
      new GetCommand({
        TableName: this.table,
        Key: { pk: incidentPk(countyId), sk: incidentSk(incidentId) },
        ConsistentRead: true,
      }),
    );
    return out.Item ? incidentOf(out.Item) : undefined;
  }

  /** The county's incidents, newest declaration first. */
  async ofCounty(countyId: string): Promise<Incident[]> {
    const items = await this.queryAll(incidentPk(countyId), "INCIDENT#");
    return items.map(incidentOf).sort((a, b) => b.declaredAt.localeCompare(a.declaredAt));
  }

  /** Ends an active incident; false (nothing written) when it is not active any more. */
  async end(
    countyId: string,
    incidentId: string,
    change: {
      endDate: string;
      endedBy: { userId: string; name: string };
      endedAt: string;
      endReason: string;
    },
  ): Promise<boolean> {
    const ended: IncidentStatus = "ended";
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: incidentPk(countyId), sk: incidentSk(incidentId) },
          UpdateExpression:
            "SET #status = :ended, endDate = :endDate, endedBy = :endedBy, endedAt = :endedAt, endReason = :endReason",
          ConditionExpression: "attribute_exists(pk) AND #status = :active",
          ExpressionAttributeNames: { "#status": "status" },
          ExpressionAttributeValues: {
            ":ended": ended,
            ":active": "active",
            ":endDate": change.endDate,
            ":endedBy": change.endedBy,
            ":endedAt": change.endedAt,
            ":endReason": change.endReason,
          },
        }),
      );
      return true;
    } catch (error) {
      if ((error as Error).name === "ConditionalCheckFailedException") return false;
      throw error;
    }
  }

  /**
   * Tags a case with the incident and lists it among the incident's households, in one transaction.
   * A case already tagged with this incident is left as it is (`tagged: true`); one tagged with
   * another incident is not listed here (`tagged: false` with that incident).
   */
  async tag(household: IncidentHousehold): Promise<TagOutcome> {
    const existing = await this.incidentOfCase(household.caseId);
    if (existing) {
      return existing === household.incidentId ? { tagged: true } : { tagged: false, incidentId: existing };
    }
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            putNew(this.table, {
              pk: tagPk(household.caseId),
              sk: "INCIDENT",
              type: "incident-tag",
              countyId: household.countyId,
              incidentId: household.incidentId,
            }),
            {
              Put: {
                TableName: this.table,
                Item: {
                  pk: householdPk(household.countyId, household.incidentId),
                  sk: `${household.townshipId}#${household.caseId}`,
                  type: "incident-household",
                  ...household,
                },
              },
            },
          ],
        }),
      );
      return { tagged: true };
    } catch (error) {
      if ((error as Error).name !== "TransactionCanceledException") throw error;
      // A concurrent registration of the same case tagged it first.
      const winner = await this.incidentOfCase(household.caseId);
      if (!winner) throw error;
      return winner === household.incidentId ? { tagged: true } : { tagged: false, incidentId: winner };
    }
  }

  /** The incident a case is tagged with, if any. */
  async incidentOfCase(caseId: string): Promise<string | undefined> {
    const out = await this.db.send(
      new GetCommand({
        TableName: this.table,
        Key: { pk: tagPk(caseId), sk: "INCIDENT" },
        ConsistentRead: true,
      }),
    );
    return typeof out.Item?.incidentId === "string" ? out.Item.incidentId : undefined;
  }

  /** The incident's households (of one township when given), in township then case order. */
  async households(countyId: string, incidentId: string, townshipId?: string): Promise<IncidentHousehold[]> {
    const items = await this.queryAll(
      householdPk(countyId, incidentId),
      townshipId ? `${townshipId}#` : undefined,
    );
    return items.map(householdOf);
  }

  /** The cases (and their advance payments) of `caseIds`, by case id; a missing case is left out. */
  async caseFacts(caseIds: readonly string[]): Promise<Map<string, HouseholdCaseFacts>> {
    const keys = caseIds.flatMap((caseId) => [
      { pk: `CASE#${caseId}`, sk: "CASE" },
      { pk: paymentPk(obligationIdFor(caseId, "advance")), sk: OBLIGATION_SK },
    ]);
    const cases = new Map<string, Record<string, unknown>>();
    const payments = new Map<string, Record<string, unknown>>();
    await this.batchGet(keys, (item) => {
      if (item.sk === "CASE") cases.set(String(item.caseId), item);
      else payments.set(String(item.caseId), item);
    });
    const facts = new Map<string, HouseholdCaseFacts>();
    for (const [caseId, item] of cases) {
      const applicant = item.applicant as { name: string; document: { type: string; numberMasked: string } };
      const advance = item.advance as
        | { decision?: unknown; amountYuan?: unknown; decidedAt?: unknown }
        | undefined;
      const payment = payments.get(caseId);
      facts.set(caseId, {
        caseId,
        townshipId: String(item.townshipId),
        status: String(item.status),
        filedAt: String(item.filedAt),
        applicant: {
          name: applicant.name,
          document: { type: applicant.document.type, numberMasked: applicant.document.numberMasked },
        },
        handledBy: Array.isArray(item.handledBy) ? item.handledBy.map(String) : [],
        ...(advance && typeof advance.decision === "string"
          ? {
              advance: {
                decision: advance.decision,
                ...(advance.amountYuan !== undefined ? { amountYuan: String(advance.amountYuan) } : {}),
                ...(typeof advance.decidedAt === "string" ? { decidedAt: advance.decidedAt } : {}),
              },
            }
          : {}),
        ...(payment
          ? {
              payment: {
                status: String(payment.status),
                amountYuan: String(payment.amountYuan),
                updatedAt: String(payment.updatedAt),
              },
            }
          : {}),
      });
    }
    return facts;
  }

  private async batchGet(
    keys: ReadonlyArray<Record<string, string>>,
    onItem: (item: Record<string, unknown>) => void,
  ): Promise<void> {
    for (let start = 0; start < keys.length; start += BATCH_KEYS_MAX) {
      let pending: Array<Record<string, unknown>> = keys.slice(start, start + BATCH_KEYS_MAX);
      for (let round = 0; pending.length > 0; round++) {
        if (round >= UNPROCESSED_ROUNDS_MAX) throw new Error("BatchGetItem kept returning unprocessed keys");
        const out = await this.db.send(
          new BatchGetCommand({ RequestItems: { [this.table]: { Keys: pending, ConsistentRead: true } } }),
        );
        for (const item of out.Responses?.[this.table] ?? []) onItem(item);
        pending = out.UnprocessedKeys?.[this.table]?.Keys ?? [];
        if (pending.length > 0) await new Promise((r) => setTimeout(r, 10 * 2 ** round));
      }
    }
  }

  private async queryAll(pk: string, skPrefix?: string): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    for (let page = 0; page < PAGES_MAX; page++) {
      const out = await this.db.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: skPrefix ? "pk = :pk AND begins_with(sk, :prefix)" : "pk = :pk",
          ExpressionAttributeValues: { ":pk": pk, ...(skPrefix ? { ":prefix": skPrefix } : {}) },
          ConsistentRead: true,
          Limit: PAGE_ITEMS,
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      items.push(...(out.Items ?? []));
      start = out.LastEvaluatedKey;
      if (!start) return items;
    }
    throw new Error(`${pk} holds more than ${PAGE_ITEMS * PAGES_MAX} items`);
  }
}
