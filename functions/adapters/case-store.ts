/**
 * Cases in the `main` table (single-table design, infra/tables.ts):
 *
 * | item | pk | sk | why |
 * |---|---|---|---|
 * | the case | `CASE#<caseId>` | `CASE` | everything about the case; gsi1 = township work list by status and deadline, gsi2 = by applicant |
 * | open-case guard | `OPENCASE#<personKey>#<cause>` | `OPENCASE` | same person + cause while a case is open → the existing case (DOMAIN §3.1); written in the filing transaction, removed at close |
 * | person history | `PERSON#<personKey>` | `CASE#<filedAt>#<caseId>` | one-aid-per-cause window and fraud bar (DOMAIN §2.4) |
 *
 * `personKey` is the keyed hash of the identity document (never the number itself).
 * The bank account of the payee is stored so that the bank can be instructed; it is never logged and
 * never returned unmasked (see `publicCaseView` in functions/services/case-view.ts).
 */
import { randomUUID } from "node:crypto";
import {
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import { ConflictError, NotFoundError } from "#core/errors.ts";

export type CaseStatus =
  | "awaiting-advance-decision"
  | "advance-rejected"
  | "paying"
  | "awaiting-payment-route"
  | "awaiting-fund-replenishment"
  | "awaiting-paperwork"
  | "awaiting-follow-up"
  | "awaiting-additional-aid-approval"
  | "awaiting-recovery"
  | "handed-over-to-flow-b"
  | "closed"
  // The applicant (or an officer for them) withdrew before any money was drawn (DOMAIN §3).
  | "withdrawn"
  | "incident"
  // Flow B (DOMAIN §4): assessment, notice, approval, commitment, stages
  | "assessing"
  | "in-notice"
  | "awaiting-plan-approval"
  | "awaiting-plan-funds"
  | "stage-waiting"
  | "stage-recheck"
  | "stage-paying"
  | "plan-rejected"
  | "plan-stopped";

export const OPEN_STATUSES: readonly CaseStatus[] = [
  "awaiting-advance-decision",
  "paying",
  "awaiting-payment-route",
  "awaiting-fund-replenishment",
  "awaiting-paperwork",
  "awaiting-follow-up",
  "awaiting-additional-aid-approval",
  "awaiting-recovery",
  "incident",
  "assessing",
  "in-notice",
  "awaiting-plan-approval",
  "awaiting-plan-funds",
  "stage-waiting",
  "stage-recheck",
  "stage-paying",
];

export interface PayoutRoute {
  method: "bank" | "cash" | "none";
  bank?: { holderName: string; bankName: string; account: string; accountMasked: string };
  cash?: {
    receiverSignatureRef: string;
    officerSignatureRef: string;
    officerUserId: string;
    handedOverAt: string;
  };
}

export interface CaseRecord {
  caseId: string;
  countyId: string;
  townshipId: string;
  status: CaseStatus;
  flow: "A" | "B";
  hardship: { kind: "urgent" | "expenditure"; cause: string };
  description: string;
  requestedAmountYuan?: string;
  applicant: {
    userId?: string;
    name: string;
    document: { type: string; numberMasked: string };
    /** Keyed hash of the document (core/identity): duplicate checks compare this, never the number. */
    personKey: string;
    phoneMasked?: string;
    /** Household registration (户籍) — recorded for notification and statistics only (DOMAIN §2.1). */
    registration: { countyCode?: string; province?: string; description?: string };
    residence?: { address?: string; residencePermit?: boolean };
    /** Registration county = the county of the emergency. Statistics and the close notice only. */
    local: boolean;
  };
  payout: PayoutRoute;
  /** The advance proposed by the rules at filing (core/cases `assessAdvance`), shown to the approver. */
  assessment?: {
    eligible: boolean;
    amountYuan: string;
    approvalLevel: string;
    paymentMethods: string[];
    reasons: string[];
  };
  filedBy: { userId: string; onBehalf: boolean };
  filedAt: string;
  policyVersionId: string;
  correlationId: string;
  /** Everyone who filed, investigated, proposed or recorded (maker-checker, DOMAIN §1). */
  handledBy: string[];
  /** `fundWaited`: the case once waited for the fund to be topped up (its request is ended when paid). */
  flags: { escalated?: boolean; overdue?: boolean; incident?: string; fundWaited?: boolean };
  /** Deadline of the step the case waits on (ISO), for the work list. */
  dueAt?: string;
  advance?: Record<string, unknown>;
  paperwork?: Record<string, unknown>;
  followUp?: Record<string, unknown>;
  additionalAid?: Record<string, unknown>;
  recovery?: Record<string, unknown>;
  referrals?: Array<Record<string, unknown>>;
  handOver?: Record<string, unknown>;
  outcome?: Record<string, unknown>;
  payments?: Record<string, unknown>;
  closedAt?: string;
  executionName?: string;
  version: number;
  /**
   * Id of the update that wrote this version: an update whose answer was lost (a timeout after
   * commit) recognises its own write when the retry's version condition fails.
   */
  lastWriteId?: string;
}

export interface PersonHistoryEntry {
  caseId: string;
  cause: string;
  filedAt: string;
  status: CaseStatus;
  /** Aid was paid on this case (one aid per cause per window, DOMAIN §2.4). */
  aided: boolean;
  fraud: boolean;
  closedAt?: string;
}

/** Concurrent writers of one case are few (a task handler and a decision): a handful of rounds suffice. */
const UPDATE_ATTEMPTS_MAX = 8;

const caseKey = (caseId: string) => ({ pk: `CASE#${caseId}`, sk: "CASE" });
const openCaseKey = (personKey: string, cause: string) => ({
  pk: `OPENCASE#${personKey}#${cause}`,
  sk: "OPENCASE",
});

function indexKeys(
  record: Pick<CaseRecord, "townshipId" | "status" | "dueAt" | "filedAt" | "caseId" | "applicant">,
) {
  return {
    gsi1pk: `CASES#TOWNSHIP#${record.townshipId}#${record.status}`,
    gsi1sk: `${record.dueAt ?? record.filedAt}#${record.caseId}`,
    gsi2pk: record.applicant.userId
      ? `CASES#APPLICANT#${record.applicant.userId}`
      : `CASES#PERSON#${record.applicant.personKey}`,
    gsi2sk: `${record.filedAt}#${record.caseId}`,
  };
}

export interface CaseUpdate {
  set?: Record<string, unknown>;
  status?: CaseStatus;
  /** Users appended to `handledBy` (once each). */
  handledBy?: string[];
  /** Only if the case is in one of these statuses (a late or repeated step changes nothing). */
  expectStatus?: readonly CaseStatus[];
  /**
   * A refusal judged on the case as it is when written: checked on every read of the update,
   * including the re-reads after a concurrent write, so the write is conditional on the very version
   * the guard passed (the withdrawal's "not approved yet", functions/services/queries/withdrawal.ts).
   */
  guard?: (current: CaseRecord) => Error | undefined;
}

/** A withdrawn case is final (DOMAIN §1): a step that runs after the withdrawal changes nothing. */
function withdrawnCaseError(caseId: string): ConflictError {
  return new ConflictError(
    `Case ${caseId} was withdrawn; this step changes nothing`,
    `案件 ${caseId} 已撤回，此步骤不再办理`,
    { details: { status: "withdrawn" } },
  );
}

export class CaseStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  /**
   * Creates the case, its open-case guard and the person-history entry in one transaction. When the
   * guard exists (same person + cause, case open) nothing is written and the existing case id is
   * returned.
   */
  async create(record: CaseRecord): Promise<{ created: true } | { created: false; existingCaseId: string }> {
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.table,
                Item: { ...caseKey(record.caseId), ...indexKeys(record), type: "case", ...record },
                ConditionExpression: "attribute_not_exists(pk)",
              },
            },
            {
              Put: {
                TableName: this.table,
                Item: {
                  ...openCaseKey(record.applicant.personKey, record.hardship.cause),
                  caseId: record.caseId,
                },
                ConditionExpression: "attribute_not_exists(pk)",
              },
            },
            {
              Put: {
                TableName: this.table,
                Item: {
                  pk: `PERSON#${record.applicant.personKey}`,
                  sk: `CASE#${record.filedAt}#${record.caseId}`,
                  caseId: record.caseId,
                  cause: record.hardship.cause,
                  filedAt: record.filedAt,
                  status: record.status,
                  aided: false,
                  fraud: false,
                } satisfies Record<string, unknown> & PersonHistoryEntry,
              },
            },
          ],
        }),
      );
      return { created: true };
    } catch (error) {
      if ((error as Error).name !== "TransactionCanceledException") throw error;
      const existing = await this.openCaseFor(record.applicant.personKey, record.hardship.cause);
      if (existing) return { created: false, existingCaseId: existing };
      // The case id itself existed: a retried filing with the same id.
      const same = await this.find(record.caseId);
      if (same) return { created: false, existingCaseId: same.caseId };
      throw error;
    }
  }

  async openCaseFor(personKey: string, cause: string): Promise<string | undefined> {
    const out = await this.db.send(
      new GetCommand({ TableName: this.table, Key: openCaseKey(personKey, cause), ConsistentRead: true }),
    );
    return out.Item?.caseId as string | undefined;
  }

  async personHistory(personKey: string): Promise<PersonHistoryEntry[]> {
    const out = await this.db.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: "pk = :pk AND begins_with(sk, :case)",
        ExpressionAttributeValues: { ":pk": `PERSON#${personKey}`, ":case": "CASE#" },
        ConsistentRead: true,
      }),
    );
    return (out.Items ?? []).map((item) => ({
      caseId: item.caseId as string,
      cause: item.cause as string,
      filedAt: item.filedAt as string,
      status: item.status as CaseStatus,
      aided: item.aided === true,
      fraud: item.fraud === true,
      ...(item.closedAt ? { closedAt: item.closedAt as string } : {}),
    }));
  }

  async find(caseId: string): Promise<CaseRecord | undefined> {
    const out = await this.db.send(
      new GetCommand({ TableName: this.table, Key: caseKey(caseId), ConsistentRead: true }),
    );
    if (!out.Item) return undefined;
    return stripKeys(out.Item) as unknown as CaseRecord;
  }

  async get(caseId: string): Promise<CaseRecord> {
    const found = await this.find(caseId);
    if (!found) throw new NotFoundError(`Case ${caseId} does not exist`, `案件 ${caseId} 不存在`);
    return found;
  }

  /** Sets fields (top-level names) and optionally the status; keeps the index keys in step. */
  async update(
    caseId: string,
    change: CaseUpdate,
    attempt = 1,
    writeId: string = randomUUID(),
  ): Promise<CaseRecord> {
    const current = await this.get(caseId);
    // This very update landed on an earlier attempt whose answer was lost: done, not a conflict.
    if (current.lastWriteId === writeId) return current;
    if (current.status === "withdrawn") throw withdrawnCaseError(caseId);
    const refusal = change.guard?.(current);
    if (refusal) throw refusal;
    if (change.expectStatus && !change.expectStatus.includes(current.status)) {
      throw new ConflictError(
        `Case ${caseId} is ${current.status}; this step is not open`,
        `案件 ${caseId} 当前状态为 ${current.status}，此步骤不可办理`,
      );
    }
    const next: CaseRecord = {
      ...current,
      ...(change.set as Partial<CaseRecord>),
      ...(change.status ? { status: change.status } : {}),
      handledBy: [...new Set([...current.handledBy, ...(change.handledBy ?? [])])],
      version: current.version + 1,
    };
    const fields: Record<string, unknown> = { ...change.set, ...indexKeys(next), handledBy: next.handledBy };
    if (change.status) fields.status = change.status;
    fields.version = next.version;
    fields.lastWriteId = writeId;
    next.lastWriteId = writeId;
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = { ":expected": current.version };
    const parts = Object.entries(fields).map(([key, value], index) => {
      names[`#f${index}`] = key;
      values[`:v${index}`] = value;
      return `#f${index} = :v${index}`;
    });
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: caseKey(caseId),
          UpdateExpression: `SET ${parts.join(", ")}`,
          ConditionExpression: "version = :expected",
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      );
    } catch (error) {
      // Optimistic concurrency: someone changed the case in between; read again and re-apply (bounded).
      if ((error as Error).name === "ConditionalCheckFailedException" && attempt < UPDATE_ATTEMPTS_MAX) {
        return this.update(caseId, change, attempt + 1, writeId);
      }
      throw error;
    }
    return next;
  }

  /** Removes the open-case guard and settles the person history (close, hand-over). */
  async settlePersonHistory(
    record: CaseRecord,
    settled: { status: CaseStatus; aided: boolean; fraud: boolean; closedAt: string; releaseGuard: boolean },
  ): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { pk: `PERSON#${record.applicant.personKey}`, sk: `CASE#${record.filedAt}#${record.caseId}` },
        UpdateExpression: "SET #status = :status, aided = :aided, fraud = :fraud, closedAt = :closedAt",
        ExpressionAttributeNames: { "#status": "status" },
        ExpressionAttributeValues: {
          ":status": settled.status,
          ":aided": settled.aided,
          ":fraud": settled.fraud,
          ":closedAt": settled.closedAt,
        },
      }),
    );
    if (settled.releaseGuard) {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Delete: {
                TableName: this.table,
                Key: openCaseKey(record.applicant.personKey, record.hardship.cause),
                ConditionExpression: "attribute_not_exists(pk) OR caseId = :caseId",
                ExpressionAttributeValues: { ":caseId": record.caseId },
              },
            },
          ],
        }),
      );
    }
  }

  /** A township's cases in one status, earliest deadline first. */
  async byTownshipAndStatus(townshipId: string, status: CaseStatus, limit = 50): Promise<CaseRecord[]> {
    const out = await this.db.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: "gsi1",
        KeyConditionExpression: "gsi1pk = :pk",
        ExpressionAttributeValues: { ":pk": `CASES#TOWNSHIP#${townshipId}#${status}` },
        Limit: limit,
      }),
    );
    return (out.Items ?? []).map((item) => stripKeys(item) as unknown as CaseRecord);
  }
}

function stripKeys(item: Record<string, unknown>): Record<string, unknown> {
  const { pk: _pk, sk: _sk, gsi1pk: _a, gsi1sk: _b, gsi2pk: _c, gsi2sk: _d, type: _t, ...rest } = item;
  return rest;
}
