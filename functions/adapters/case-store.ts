/**
 * Cases in the `main` table (single-table design, infra/tables.ts):
 *
 * | item | pk | sk | why |
 * |---|---|---|---|
 * | the case | `CASE#<caseId>` | `CASE` | everything about the case; gsi1 = township work list by status and deadline, gsi2 = by applicant (only a case with the applicant's own account: `/me/cases` reads it; a case filed for someone without one is in no gsi2 partition, so its updates write no copy there) |
 * | open-case guard | `OPENCASE#<personKey>#<cause>` | `OPENCASE` | one per household member (applicant + members with a document): anyone of the household + cause while a case is open → the existing case (DOMAIN §3.1, §7); written in the filing transaction, removed at close |
 * | person history | `PERSON#<personKey>` | `CASE#<filedAt>#<caseId>` | one per household member: one-aid-per-cause window and fraud bar (DOMAIN §2.4) |
 *
 * `personKey` is the keyed hash of the identity document (never the number itself); the case keeps
 * the keys of its whole household in `householdKeys` (never shown: see case-view.ts).
 * The bank account of the payee is stored sealed (field encryption) so that the bank can be
 * instructed, with its keyed hash and masked tail; it is never logged and never returned unmasked (see `publicCaseView` in functions/services/case-view.ts).
 */
import { createHash, randomUUID } from "node:crypto";
import {
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import * as z from "zod";
import type { AccessResource } from "#core/access/index.ts";
import { type CaseEvent, type CaseState, nextState, OPEN_STATES } from "#core/cases/lifecycle.ts";
import { ConflictError, NotFoundError } from "#core/errors.ts";
import { caseStatusZh } from "#core/labels/index.ts";
import { queryAll } from "./query-all.ts";

/** The one list of case statuses and its transitions live in core (core/cases/lifecycle.ts). */
export type CaseStatus = CaseState;

export const OPEN_STATUSES: readonly CaseStatus[] = OPEN_STATES;

export interface PayoutRoute {
  method: "bank" | "cash" | "none";
  /**
   * The account sealed (account-vault.ts) with its keyed hash and masked tail; `account` in clear
   * only on items stored before accounts were sealed.
   */
  bank?: {
    holderName: string;
    bankName: string;
    accountMasked: string;
    accountHash?: string;
    accountSealed?: string;
    account?: string;
  };
  cash?: {
    /** The payment this hand-over is for (`advance` when an older item names none). */
    purpose?: string;
    /** Who received the money (the applicant when an older item names no one). */
    receiverName?: string;
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
    /** `attestedBy`: the officer who filed and attested an identity without a document (DOMAIN §7). */
    document: { type: string; numberMasked: string; attestedBy?: string };
    /** Keyed hash of the document (core/identity): duplicate checks compare this, never the number. */
    personKey: string;
    phoneMasked?: string;
    /** Household registration (户籍) — recorded for notification and statistics only (DOMAIN §2.1). */
    registration: { countyCode?: string; province?: string; description?: string };
    residence?: { address?: string; residencePermit?: boolean };
    /** Registration county = the county of the emergency. Statistics and the close notice only. */
    local: boolean;
  };
  /** The household members listed on the filing, besides the applicant (DOMAIN §7). */
  household?: HouseholdMemberRecord[];
  /** Keyed hashes of the applicant and of every member with a document: the household's duplicate checks. */
  householdKeys?: string[];
  /**
   * Filings of the same household + cause that met this open case from a caller who may not read it
   * (answered 409 without the case): recorded here for the township that holds the case.
   */
  duplicateFilingCount?: number;
  duplicateFilingLastAt?: string;
  payout: PayoutRoute;
  /** The advance proposed by the rules at filing (core/cases `assessAdvance`), shown to the approver. */
  assessment?: {
    eligible: boolean;
    amountYuan: string;
    approvalLevel: string;
    paymentMethods: string[];
    reasons: string[];
  };
  /** `name` and `roles`: who filed, for the filing's audit event (recorded again by a healing retry). */
  filedBy: { userId: string; onBehalf: boolean; name?: string; roles?: string[] };
  filedAt: string;
  policyVersionId: string;
  correlationId: string;
  /** Everyone who filed, investigated, proposed or recorded (maker-checker, DOMAIN §1). */
  handledBy: string[];
  /** `fundWaited`: the case once waited for the fund to be topped up (its request is ended when paid). */
  /** `noDocument`: the identity was attested by the filing officer, shown to the approver (DOMAIN §7). */
  flags: {
    escalated?: boolean;
    overdue?: boolean;
    incident?: string;
    fundWaited?: boolean;
    noDocument?: boolean;
  };
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
   * The update that wrote this version (its id's `writeKeyOf`): an update whose answer was lost (a
   * timeout after commit) recognises its own write when the retry's version condition fails.
   */
  lastWriteId?: string;
  /**
   * The caller-given ids (`CaseUpdate.writeId`) of the last updates, newest last, each as its
   * `writeKeyOf` (items stored before: the id itself): a step whose effects are carried out again — a
   * decision's healing retry after its first run failed half-way — finds its own case change already
   * made instead of applying it a second time to the status it produced. Ask `hasApplied`.
   */
  appliedWriteIds?: string[];
}

export interface HouseholdMemberRecord {
  name: string;
  relation: string;
  document?: { type: string; numberMasked: string };
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
/** Rounds of the filing transaction cancelled only by a concurrent transaction (not by a condition). */
const CREATE_ATTEMPTS_MAX = 6;
const CREATE_BACKOFF_MS = 20;

const caseKey = (caseId: string) => ({ pk: `CASE#${caseId}`, sk: "CASE" });
const openCaseKey = (personKey: string, cause: string) => ({
  pk: `OPENCASE#${personKey}#${cause}`,
  sk: "OPENCASE",
});

/**
 * The case's index keys: the township list always; the applicant's list only when the applicant has
 * an account (nothing reads a person's cases through an index: the household rules read `PERSON#`).
 */
function indexKeys(
  record: Pick<CaseRecord, "townshipId" | "status" | "dueAt" | "filedAt" | "caseId" | "applicant">,
): Record<string, string> {
  return {
    gsi1pk: `CASES#TOWNSHIP#${record.townshipId}#${record.status}`,
    gsi1sk: `${record.dueAt ?? record.filedAt}#${record.caseId}`,
    ...(record.applicant.userId
      ? { gsi2pk: `CASES#APPLICANT#${record.applicant.userId}`, gsi2sk: `${record.filedAt}#${record.caseId}` }
      : {}),
  };
}

/**
 * Fields a step sets on a case (`null` clears one): the record's own fields, never its key, status
 * (core's transition writes that, see `event`) or version.
 */
export type CasePatch = {
  [K in Exclude<keyof CaseRecord, "caseId" | "status" | "version" | "lastWriteId" | "appliedWriteIds">]?:
    | CaseRecord[K]
    | null;
} & {
  /** Flow B's staged plan (its shape: functions/services/flow-b/plan-record.ts). */
  plan?: object;
  /** Who withdrew the application, when and why (functions/services/queries/withdrawal.ts). */
  withdrawal?: { at: string; by: string; onBehalf: boolean; reason: string };
};

export interface CaseUpdate {
  set?: CasePatch;
  /**
   * What happened to the case: its next status is core's transition from the status it is read in
   * (an event the lifecycle does not accept there is refused, 422, and nothing is written).
   */
  event?: CaseEvent;
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
  /**
   * The idempotency id of this change when the same change may be made again by a later run of the
   * same effects (a decision's: `decisionWriteId`): once it landed, a repeat returns the case as it is.
   */
  writeId?: string;
}

/** How many caller-given write ids a case remembers: more than the updates between a step's two runs. */
export const APPLIED_WRITE_IDS_KEPT = 16;

/**
 * How a write id is kept on the case: 16 characters of its SHA-256 (96 bits), whatever the id's
 * length — a decision's id (`decision#<caseId>#<taskId>`) is some 70 bytes, and the case item carries
 * up to `APPLIED_WRITE_IDS_KEPT` of them into every update and every index copy. Two ids of one case's
 * last 16 updates meeting in 96 bits is not a risk to weigh.
 */
export function writeKeyOf(writeId: string): string {
  return createHash("sha256").update(writeId).digest("base64url").slice(0, 16);
}

/** The change of this caller-given write id landed on the case (one of its last `APPLIED_WRITE_IDS_KEPT`). */
export function hasApplied(record: Pick<CaseRecord, "appliedWriteIds">, writeId: string): boolean {
  const kept = record.appliedWriteIds ?? [];
  // An item written before the ids were kept as keys holds the id itself.
  return kept.includes(writeKeyOf(writeId)) || kept.includes(writeId);
}

/** The projection of the case item that access control reads. */
const CaseAccessItem = z.object({
  countyId: z.string(),
  townshipId: z.string(),
  applicant: z.object({ userId: z.string().optional() }).optional(),
  handledBy: z.array(z.string()).optional(),
});

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
    /**
     * The cases this invocation read or wrote, by id (`forInvocation`): a step reads its case once.
     * Absent on the process-wide store, which reads DynamoDB every time.
     */
    private readonly seen?: Map<string, CaseRecord>,
  ) {}

  /**
   * A store for one invocation (one HTTP request or one state-machine task): the case it read or wrote
   * last is answered from memory. A versioned update starts from that snapshot and stays conditional
   * on its version, so a write of someone else in between fails the condition and the update reads
   * again; a refusal judged on the snapshot (wrong status, a guard) is judged again on a fresh read.
   * Never shared between invocations: a new one per request or task.
   */
  forInvocation(): CaseStore {
    return new CaseStore(this.db, this.table, new Map());
  }

  /**
   * Creates the case, an open-case guard and a history entry for each household key, in one
   * transaction. When a guard exists (someone of the household has a case open for this cause)
   * nothing is written and that case is returned; a transaction cancelled only because another
   * was in flight on the same items is tried again (bounded), never reported as a failure.
   */
  async create(
    record: CaseRecord,
  ): Promise<{ created: true } | { created: false; existingCaseId: string; matchedKey?: string }> {
    const keys = householdKeysOf(record);
    for (let attempt = 1; ; attempt++) {
      try {
        await this.db.send(new TransactWriteCommand({ TransactItems: this.filingItems(record, keys) }));
        return { created: true };
      } catch (error) {
        if ((error as Error).name !== "TransactionCanceledException") throw error;
        const reasons = (
          (error as { CancellationReasons?: Array<{ Code?: string }> }).CancellationReasons ?? []
        ).map((r) => r.Code ?? "None");
        // Item 0 is the case itself: the same case id was already written (a retried filing).
        if (reasons[0] === "ConditionalCheckFailed") return { created: false, existingCaseId: record.caseId };
        const open = await this.openCaseForHousehold(keys, record.hardship.cause);
        if (open) return { created: false, existingCaseId: open.caseId, matchedKey: open.personKey };
        // No guard stands (a conflict, or the guard was released meanwhile): the filing is still new.
        if (attempt >= CREATE_ATTEMPTS_MAX) throw error;
        await new Promise((r) => setTimeout(r, CREATE_BACKOFF_MS * attempt * Math.random()));
      }
    }
  }

  private filingItems(record: CaseRecord, keys: readonly string[]): Record<string, unknown>[] {
    const guards = keys.map((key) => ({
      Put: {
        TableName: this.table,
        // `member`: the key is a household member's on this case, not its applicant's.
        Item: {
          ...openCaseKey(key, record.hardship.cause),
          caseId: record.caseId,
          ...(key === record.applicant.personKey ? {} : { member: true }),
        },
        ConditionExpression: "attribute_not_exists(pk)",
      },
    }));
    const history = keys.map((key) => ({
      Put: {
        TableName: this.table,
        Item: {
          pk: `PERSON#${key}`,
          sk: `CASE#${record.filedAt}#${record.caseId}`,
          caseId: record.caseId,
          cause: record.hardship.cause,
          filedAt: record.filedAt,
          status: record.status,
          aided: false,
          fraud: false,
          role: key === record.applicant.personKey ? "applicant" : "member",
        } satisfies Record<string, unknown> & PersonHistoryEntry,
      },
    }));
    return [
      {
        Put: {
          TableName: this.table,
          Item: { ...caseKey(record.caseId), ...indexKeys(record), type: "case", ...record },
          ConditionExpression: "attribute_not_exists(pk)",
        },
      },
      ...guards,
      ...history,
    ];
  }

  /** The open case of this person + cause, whether they are its applicant or a member of its household. */
  async openCaseFor(personKey: string, cause: string): Promise<string | undefined> {
    return (await this.openCaseGuard(personKey, cause))?.caseId;
  }

  /** The open case this person applied for with this cause (not one that lists them as a member). */
  async openCaseAsApplicant(personKey: string, cause: string): Promise<string | undefined> {
    const guard = await this.openCaseGuard(personKey, cause);
    return guard && !guard.member ? guard.caseId : undefined;
  }

  private async openCaseGuard(
    personKey: string,
    cause: string,
  ): Promise<{ caseId: string; member: boolean } | undefined> {
    const out = await this.db.send(
      new GetCommand({ TableName: this.table, Key: openCaseKey(personKey, cause), ConsistentRead: true }),
    );
    if (!out.Item) return undefined;
    return { caseId: out.Item.caseId as string, member: out.Item.member === true };
  }

  /** The open case of this cause of anyone of the household (the first key that has one). */
  async openCaseForHousehold(
    keys: readonly string[],
    cause: string,
  ): Promise<{ caseId: string; personKey: string } | undefined> {
    const found = await Promise.all(keys.map((key) => this.openCaseFor(key, cause)));
    const index = found.findIndex((caseId) => caseId !== undefined);
    return index < 0 ? undefined : { caseId: found[index] as string, personKey: keys[index] as string };
  }

  /** The case history of every household key, one entry per case (a case lists several members). */
  async householdHistory(keys: readonly string[]): Promise<PersonHistoryEntry[]> {
    const pages = await Promise.all(keys.map((key) => this.personHistory(key)));
    return [...new Map(pages.flat().map((entry) => [entry.caseId, entry])).values()];
  }

  /** Records on the case that a filing of its household + cause was answered without it (409). */
  async recordDuplicateFiling(caseId: string, at: string): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.table,
        Key: caseKey(caseId),
        UpdateExpression: "SET duplicateFilingLastAt = :at ADD duplicateFilingCount :one",
        ConditionExpression: "attribute_exists(pk)",
        ExpressionAttributeValues: { ":at": at, ":one": 1 },
      }),
    );
    this.seen?.delete(caseId);
  }

  /**
   * Notes the execution's name (the case id) once it runs. Not a versioned update: every filing of
   * the case writes the same value, so twenty concurrent ones must not fight over the version.
   */
  async markExecutionStarted(caseId: string, executionName: string): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.table,
        Key: caseKey(caseId),
        UpdateExpression: "SET executionName = :name",
        ConditionExpression: "attribute_exists(pk)",
        ExpressionAttributeValues: { ":name": executionName },
      }),
    );
    this.seen?.delete(caseId);
  }

  /**
   * Every case of a person, newest first — read to its end: the household rules (repeat aid within
   * its window, the fraud bar) judge by it, so a case left out would be aid granted twice.
   */
  async personHistory(personKey: string): Promise<PersonHistoryEntry[]> {
    const items = await queryAll(this.db, {
      TableName: this.table,
      KeyConditionExpression: "pk = :pk AND begins_with(sk, :case)",
      ExpressionAttributeValues: { ":pk": `PERSON#${personKey}`, ":case": "CASE#" },
      ConsistentRead: true,
      ScanIndexForward: false,
    });
    return items.map((item) => ({
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
    const seen = this.seen?.get(caseId);
    if (seen) return structuredClone(seen);
    return this.read(caseId);
  }

  /** The case as stored now (a consistent read), remembered by an invocation's store. */
  private async read(caseId: string): Promise<CaseRecord | undefined> {
    const out = await this.db.send(
      new GetCommand({ TableName: this.table, Key: caseKey(caseId), ConsistentRead: true }),
    );
    if (!out.Item) return undefined;
    const record = stripKeys(out.Item) as unknown as CaseRecord;
    this.seen?.set(caseId, structuredClone(record));
    return record;
  }

  /**
   * Only what access control needs from the case (county, township of the emergency, owner,
   * handlers), read without the rest of the item; undefined when there is no such case.
   */
  async accessResource(caseId: string): Promise<AccessResource | undefined> {
    const seen = this.seen?.get(caseId);
    if (seen) {
      return {
        countyId: seen.countyId,
        townshipId: seen.townshipId,
        ...(seen.applicant.userId ? { ownerUserId: seen.applicant.userId } : {}),
        handledBy: [...seen.handledBy],
      };
    }
    const out = await this.db.send(
      new GetCommand({
        TableName: this.table,
        Key: caseKey(caseId),
        ProjectionExpression: "countyId, townshipId, applicant.userId, handledBy",
      }),
    );
    if (!out.Item) return undefined;
    const item = CaseAccessItem.parse(out.Item);
    return {
      countyId: item.countyId,
      townshipId: item.townshipId,
      ...(item.applicant?.userId ? { ownerUserId: item.applicant.userId } : {}),
      handledBy: item.handledBy ?? [],
    };
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
    writeId: string = change.writeId ?? randomUUID(),
  ): Promise<CaseRecord> {
    const snapshot = attempt === 1 ? this.seen?.get(caseId) : undefined;
    if (snapshot) {
      try {
        return await this.updateFrom(structuredClone(snapshot), change, attempt, writeId);
      } catch {
        // The snapshot may be older than the case: the update is judged again on a fresh read.
        this.seen?.delete(caseId);
        return this.update(caseId, change, attempt, writeId);
      }
    }
    const current = await this.read(caseId);
    if (!current) throw new NotFoundError(`Case ${caseId} does not exist`, `案件 ${caseId} 不存在`);
    return this.updateFrom(current, change, attempt, writeId);
  }

  private async updateFrom(
    current: CaseRecord,
    change: CaseUpdate,
    attempt: number,
    writeId: string,
  ): Promise<CaseRecord> {
    const caseId = current.caseId;
    // This very update landed on an earlier attempt whose answer was lost, or (a caller-given id)
    // in an earlier run of the same effects: done, not a conflict.
    const writeKey = writeKeyOf(writeId);
    if (current.lastWriteId === writeKey || current.lastWriteId === writeId || hasApplied(current, writeId)) {
      return current;
    }
    if (current.status === "withdrawn") throw withdrawnCaseError(caseId);
    const refusal = change.guard?.(current);
    if (refusal) throw refusal;
    if (change.expectStatus && !change.expectStatus.includes(current.status)) {
      throw new ConflictError(
        `Case ${caseId} is ${current.status}; this step is not open`,
        `案件 ${caseId} 当前状态为「${caseStatusZh(current.status)}」，此步骤不可办理`,
      );
    }
    const status = change.event ? nextState(current.status, change.event) : undefined;
    const next: CaseRecord = {
      ...current,
      ...(change.set as Partial<CaseRecord>),
      ...(status ? { status } : {}),
      handledBy: [...new Set([...current.handledBy, ...(change.handledBy ?? [])])],
      version: current.version + 1,
    };
    const fields: Record<string, unknown> = { ...change.set, ...indexKeys(next), handledBy: next.handledBy };
    if (status) fields.status = status;
    fields.version = next.version;
    fields.lastWriteId = writeKey;
    next.lastWriteId = writeKey;
    if (change.writeId) {
      next.appliedWriteIds = [...(current.appliedWriteIds ?? []), writeKey].slice(-APPLIED_WRITE_IDS_KEPT);
      fields.appliedWriteIds = next.appliedWriteIds;
    }
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = { ":expected": current.version };
    const parts = Object.entries(fields).map(([key, value], index) => {
      names[`#f${index}`] = key;
      values[`:v${index}`] = value;
      return `#f${index} = :v${index}`;
    });
    // A case stored before it left the applicant index when it has no account (`indexKeys`) leaves it now.
    const remove = "gsi2pk" in fields ? "" : " REMOVE gsi2pk, gsi2sk";
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: caseKey(caseId),
          UpdateExpression: `SET ${parts.join(", ")}${remove}`,
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
    this.seen?.set(caseId, structuredClone(next));
    return next;
  }

  /** Settles the history entry of every household key and removes their open-case guards (close, hand-over). */
  async settlePersonHistory(
    record: CaseRecord,
    settled: { status: CaseStatus; aided: boolean; fraud: boolean; closedAt: string; releaseGuard: boolean },
  ): Promise<void> {
    const keys = householdKeysOf(record);
    await Promise.all(
      keys.map((key) =>
        this.db.send(
          new UpdateCommand({
            TableName: this.table,
            Key: { pk: `PERSON#${key}`, sk: `CASE#${record.filedAt}#${record.caseId}` },
            UpdateExpression: "SET #status = :status, aided = :aided, fraud = :fraud, closedAt = :closedAt",
            ExpressionAttributeNames: { "#status": "status" },
            ExpressionAttributeValues: {
              ":status": settled.status,
              ":aided": settled.aided,
              ":fraud": settled.fraud,
              ":closedAt": settled.closedAt,
            },
          }),
        ),
      ),
    );
    if (settled.releaseGuard) {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: keys.map((key) => ({
            Delete: {
              TableName: this.table,
              Key: openCaseKey(key, record.hardship.cause),
              ConditionExpression: "attribute_not_exists(pk) OR caseId = :caseId",
              ExpressionAttributeValues: { ":caseId": record.caseId },
            },
          })),
        }),
      );
    }
  }

  /**
   * One page of an applicant's own cases, newest first (gsi2 `CASES#APPLICANT#<userId>`), starting
   * below the sort key `before`; `more` tells whether another page exists.
   */
  async byApplicant(
    userId: string,
    limit: number,
    before: string | undefined,
  ): Promise<{ records: { record: CaseRecord; sortKey: string }[]; more: boolean }> {
    const out = await this.db.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: "gsi2",
        KeyConditionExpression: before ? "gsi2pk = :pk AND gsi2sk < :before" : "gsi2pk = :pk",
        ExpressionAttributeValues: {
          ":pk": `CASES#APPLICANT#${userId}`,
          ...(before ? { ":before": before } : {}),
        },
        ScanIndexForward: false,
        // One more than asked tells whether another page exists.
        Limit: limit + 1,
      }),
    );
    const items = out.Items ?? [];
    return {
      records: items.slice(0, limit).map((item) => ({
        record: stripKeys(item) as unknown as CaseRecord,
        sortKey: String(item.gsi2sk),
      })),
      more: items.length > limit || out.LastEvaluatedKey !== undefined,
    };
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

/** The applicant's key first, then the members' (cases filed before households were listed: the applicant's). */
function householdKeysOf(record: CaseRecord): string[] {
  return [...new Set([record.applicant.personKey, ...(record.householdKeys ?? [])])];
}

function stripKeys(item: Record<string, unknown>): Record<string, unknown> {
  const { pk: _pk, sk: _sk, gsi1pk: _a, gsi1sk: _b, gsi2pk: _c, gsi2sk: _d, type: _t, ...rest } = item;
  return rest;
}
