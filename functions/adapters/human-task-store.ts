/**
 * Human tasks: one item per `waitForTaskToken` wait (ARCHITECTURE §3.4). The task token lives here,
 * server-side, and nowhere else — no response, no log line, no notification ever carries it.
 *
 * | pk | sk | |
 * |---|---|---|
 * | `CASE#<caseId>` | `TASK#<taskType>#<tokenDigest>` | the task; gsi1 = open tasks of a township and role by deadline, gsi2 = open county-level tasks |
 *
 * The sort key ends in a digest of the token: a retried task handler (same token) finds the same
 * item; tasks of one type are ordered by `openedAt`.
 *
 * Status: `open` → `decided` (decision written, its delivery to the execution not yet confirmed) → `completed`;
 * or `open`/`decided` → `superseded` (the wait ended without its decision — timed out, or its execution
 * stopped — and a new task of its type replaced it; an undelivered decision is carried over to that one).
 */
import { createHash } from "node:crypto";
import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { queryAll, queryFirst } from "./query-all.ts";

export type HumanTaskStatus = "open" | "decided" | "completed" | "superseded";

export interface DecisionTrail {
  action: string;
  actorName: string;
  actorRoles: string[];
  countyId: string;
  townshipId: string;
  why?: string;
  before?: unknown;
  correlationId: string;
}

export interface HumanTaskDecision {
  /** What the decision endpoint recorded (amounts as strings, no personal data). */
  decision: Record<string, unknown>;
  /**
   * The output sent to the waiting execution: with SendTaskSuccess, or with SendTaskFailure when it
   * names a `taskFailure` (services/steps/human-tasks.ts `deliverDecision`).
   */
  output: Record<string, unknown>;
  decidedBy: string;
  decidedAt: string;
  /** Digest of the request that made the decision: a repeat of it is answered, another one is a conflict. */
  requestDigest: string;
  /**
   * Unique per request that tried to record it: tells the SDK's retry of our own write (same
   * attempt) from a twin request that lost the race (same digest, maybe the same instant).
   */
  attemptId?: string;
  /** Its effects on the case and the audit trail are done. */
  audited?: boolean;
  /**
   * What its audit event says besides the decision itself: whoever completes its effects (its request,
   * or the escalated wait that carries it over) writes the same event.
   */
  trail?: DecisionTrail;
  /** Who carries the effects out now, and since when (wall-clock ms): one at a time, taken over when stale. */
  effectsClaim?: { by: string; atMs: number };
  /** Deliveries to the execution started so far (counted before each is sent: `startDelivery`). */
  deliveryAttempts?: number;
  /**
   * The first delivery met a dead token (the wait timed out, its execution was stopped or failed) and no
   * other delivery had started: the decision provably never resumed an execution, so the wait of its type
   * that the flow opens next (escalated, continued or redriven) takes it over.
   */
  undelivered?: boolean;
}

export interface HumanTask {
  taskId: string;
  caseId: string;
  taskType: string;
  countyId: string;
  townshipId: string;
  /** Roles that may act on the task; the first is the one notified first. */
  assigneeRoles: string[];
  status: HumanTaskStatus;
  escalated: boolean;
  overdue: boolean;
  openedAt: string;
  dueAt?: string;
  correlationId?: string;
  details?: Record<string, unknown>;
  decided?: HumanTaskDecision;
  completedAt?: string;
}

/** What a case list shows of an open task ("waiting for what, by when"). */
export type ListedTask = Pick<
  HumanTask,
  "taskType" | "status" | "assigneeRoles" | "escalated" | "overdue" | "openedAt" | "dueAt"
>;

interface StoredTask extends HumanTask {
  token: string;
}

export function tokenDigest(token: string): string {
  return createHash("sha256").update(token).digest("hex").slice(0, 24);
}

export class HumanTaskStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  /**
   * Stores a newly opened task with its token. Idempotent for the same token (a retried handler): the
   * put is conditional on the task not being there, and only a put that fails its condition reads the
   * task it met — a first opening (every opening but a retry) costs one write and no read.
   */
  async open(task: Omit<HumanTask, "taskId" | "status">, token: string): Promise<HumanTask> {
    const taskId = `${task.taskType}#${tokenDigest(token)}`;
    const item: StoredTask = { ...task, taskId, status: "open", token };
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: {
            pk: `CASE#${task.caseId}`,
            sk: `TASK#${taskId}`,
            type: "human-task",
            ...queueKeys(item),
            ...item,
          },
          ConditionExpression: "attribute_not_exists(pk)",
        }),
      );
    } catch (error) {
      // A retried handler (same token), or this put landed on an attempt whose answer was lost (a
      // timeout after commit) and the SDK's retry failed the condition. The task id is the token's
      // digest: if it is there, it is this wait's, as it stands now (maybe decided already).
      if ((error as Error).name !== "ConditionalCheckFailedException") throw error;
      const landed = await this.findById(task.caseId, taskId);
      if (!landed) throw error;
      return landed;
    }
    return publicTask(item);
  }

  /** Every task of the case (of one type), every page: a months-long plan keeps all its tasks. */
  private async query(caseId: string, taskType?: string): Promise<StoredTask[]> {
    const items = await queryAll(this.db, {
      TableName: this.table,
      KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
      ExpressionAttributeValues: {
        ":pk": `CASE#${caseId}`,
        ":prefix": taskType ? `TASK#${taskType}#` : "TASK#",
      },
      ConsistentRead: true,
    });
    return items as StoredTask[];
  }

  private async findStored(caseId: string, taskId: string): Promise<StoredTask | undefined> {
    const out = await this.db.send(
      new GetCommand({
        TableName: this.table,
        Key: { pk: `CASE#${caseId}`, sk: `TASK#${taskId}` },
        ConsistentRead: true,
      }),
    );
    return out.Item as StoredTask | undefined;
  }

  async findById(caseId: string, taskId: string): Promise<HumanTask | undefined> {
    const found = await this.findStored(caseId, taskId);
    return found ? publicTask(found) : undefined;
  }

  /**
   * All tasks of a case, oldest first per type; with `taskType`, only that type's (a query of that
   * type's sort keys: a months-long plan's other waits are not read).
   */
  async forCase(caseId: string, taskType?: string): Promise<HumanTask[]> {
    return (await this.query(caseId, taskType)).map(publicTask);
  }

  /** The newest task of a type that still waits (open, or decided but not yet delivered). */
  async current(caseId: string, taskType: string): Promise<HumanTask | undefined> {
    const tasks = await this.query(caseId, taskType);
    const live = tasks.filter((task) => task.status === "open" || task.status === "decided");
    const newest = live.sort((a, b) => a.openedAt.localeCompare(b.openedAt)).at(-1);
    return newest ? publicTask(newest) : undefined;
  }

  /** The newest task of a type whatever its status (to tell "already decided" from "never asked"). */
  async latest(caseId: string, taskType: string): Promise<HumanTask | undefined> {
    const tasks = await this.query(caseId, taskType);
    const newest = tasks.sort((a, b) => a.openedAt.localeCompare(b.openedAt)).at(-1);
    return newest ? publicTask(newest) : undefined;
  }

  /** Tasks of a type that a newer task replaced (timed out), still holding a decision not yet delivered. */
  async undeliveredDecisions(caseId: string, taskType: string, exceptTaskId: string): Promise<HumanTask[]> {
    const tasks = await this.query(caseId, taskType);
    return tasks
      .filter(
        (task) => task.taskId !== exceptTaskId && task.decided !== undefined && task.status !== "completed",
      )
      .map(publicTask);
  }

  /** The token — for the service that resumes the execution, never for a response. */
  async tokenOf(caseId: string, taskId: string): Promise<string | undefined> {
    return (await this.findStored(caseId, taskId))?.token;
  }

  /**
   * Records a decision on an open task; false when it was no longer open (someone decided first).
   * A decided task leaves the work queues here (its index keys go): every reader of a queue wants
   * open tasks only (the work list, the fund-wait queue, the deadline reminders), and the writes
   * that follow on the task (effects claim, audited, finish) then rewrite no index copy of it.
   * A decision may carry its recorder's claim on the effects (`effectsClaim`), taken with it.
   */
  async recordDecision(caseId: string, taskId: string, decided: HumanTaskDecision): Promise<boolean> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: `CASE#${caseId}`, sk: `TASK#${taskId}` },
          UpdateExpression: "SET #status = :decided, decided = :d REMOVE gsi1pk, gsi1sk, gsi2pk, gsi2sk",
          ConditionExpression: "#status = :open",
          ExpressionAttributeNames: { "#status": "status" },
          ExpressionAttributeValues: { ":decided": "decided", ":open": "open", ":d": decided },
        }),
      );
      return true;
    } catch (error) {
      if ((error as Error).name !== "ConditionalCheckFailedException") throw error;
      // Lost the race — or won it on an attempt whose answer was lost (a timeout after commit) and
      // the SDK's retry found its own write: the same request, by the same person, at the same instant.
      const stored = (await this.findStored(caseId, taskId))?.decided;
      return (
        stored !== undefined && decided.attemptId !== undefined && stored.attemptId === decided.attemptId
      );
    }
  }

  /**
   * Claims the carrying-out of a recorded decision's effects: true when this caller may run them
   * now — nobody has, or the claim is older than `leaseMs` (its holder died mid-way). A claim's own
   * holder may claim again (an SDK retry of this very write).
   */
  async claimEffects(
    caseId: string,
    taskId: string,
    by: string,
    nowMs: number,
    leaseMs: number,
  ): Promise<boolean> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: `CASE#${caseId}`, sk: `TASK#${taskId}` },
          UpdateExpression: "SET decided.effectsClaim = :claim",
          ConditionExpression:
            "attribute_exists(decided) AND attribute_not_exists(decided.audited) AND " +
            "(attribute_not_exists(decided.effectsClaim) OR decided.effectsClaim.#by = :by OR decided.effectsClaim.atMs < :stale)",
          ExpressionAttributeNames: { "#by": "by" },
          ExpressionAttributeValues: { ":claim": { by, atMs: nowMs }, ":by": by, ":stale": nowMs - leaseMs },
        }),
      );
      return true;
    } catch (error) {
      if ((error as Error).name !== "ConditionalCheckFailedException") throw error;
      return false;
    }
  }

  /** Gives up a claim on the effects (they failed): only the claim's own holder can. */
  async releaseEffects(caseId: string, taskId: string, by: string): Promise<void> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: `CASE#${caseId}`, sk: `TASK#${taskId}` },
          UpdateExpression: "REMOVE decided.effectsClaim",
          ConditionExpression: "decided.effectsClaim.#by = :by",
          ExpressionAttributeNames: { "#by": "by" },
          ExpressionAttributeValues: { ":by": by },
        }),
      );
    } catch (error) {
      if ((error as Error).name !== "ConditionalCheckFailedException") throw error;
    }
  }

  async markAudited(caseId: string, taskId: string): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { pk: `CASE#${caseId}`, sk: `TASK#${taskId}` },
        UpdateExpression: "SET decided.audited = :t",
        ConditionExpression: "attribute_exists(decided)",
        ExpressionAttributeValues: { ":t": true },
      }),
    );
  }

  /**
   * A delivery of the recorded decision starts: counted before it is sent, with `audited` set in the
   * same write when the effects have just been carried out (so the decider's delivery costs no write
   * more than marking it audited did). Answers the attempt's number and the token to deliver to, from
   * the item as this write left it (returned values cost no read: no `tokenOf` after it).
   */
  async startDelivery(
    caseId: string,
    taskId: string,
    audited: boolean,
  ): Promise<{ attempt: number; token: string | undefined }> {
    const out = await this.db.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { pk: `CASE#${caseId}`, sk: `TASK#${taskId}` },
        UpdateExpression: `SET ${audited ? "decided.audited = :t, " : ""}decided.deliveryAttempts = if_not_exists(decided.deliveryAttempts, :zero) + :one`,
        ConditionExpression: "attribute_exists(decided)",
        ExpressionAttributeValues: { ...(audited ? { ":t": true } : {}), ":zero": 0, ":one": 1 },
        ReturnValues: "ALL_NEW",
      }),
    );
    const stored = out.Attributes as Partial<StoredTask> | undefined;
    return { attempt: Number(stored?.decided?.deliveryAttempts), token: stored?.token };
  }

  /**
   * The first delivery met a dead token: marked `undelivered` unless another delivery has started
   * since (it may have been the one that reached the token first). True when marked.
   */
  async markUndelivered(caseId: string, taskId: string): Promise<boolean> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: `CASE#${caseId}`, sk: `TASK#${taskId}` },
          UpdateExpression: "SET decided.undelivered = :t",
          ConditionExpression: "decided.deliveryAttempts = :one",
          ExpressionAttributeValues: { ":t": true, ":one": 1 },
        }),
      );
      return true;
    } catch (error) {
      if ((error as Error).name !== "ConditionalCheckFailedException") throw error;
      return false;
    }
  }

  /** Ends a task; the queue index keys are removed so it leaves every work list (an open one: a decided one left them already). */
  async finish(
    caseId: string,
    taskId: string,
    status: "completed" | "superseded",
    at: string,
  ): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { pk: `CASE#${caseId}`, sk: `TASK#${taskId}` },
        UpdateExpression: "SET #status = :s, completedAt = :at REMOVE gsi1pk, gsi1sk, gsi2pk, gsi2sk",
        ConditionExpression: "attribute_exists(pk)",
        ExpressionAttributeNames: { "#status": "status" },
        ExpressionAttributeValues: { ":s": status, ":at": at },
      }),
    );
  }

  /**
   * The open tasks of one case as a list shows them (at most `limit`, an eventually consistent read):
   * only the fields a list needs are copied, so the stored token never leaves the store. Pages are
   * read on until `limit` open ones are found: a Limit counts the decided tasks the filter drops.
   */
  async openListedOf(caseId: string, limit: number): Promise<ListedTask[]> {
    const { items } = await queryFirst(
      this.db,
      {
        TableName: this.table,
        KeyConditionExpression: "pk = :pk AND begins_with(sk, :task)",
        FilterExpression: "#status = :open",
        ExpressionAttributeNames: { "#status": "status" },
        ExpressionAttributeValues: { ":pk": `CASE#${caseId}`, ":task": "TASK#", ":open": "open" },
      },
      limit,
    );
    return items.map((item) => ({
      taskType: String(item.taskType),
      status: "open",
      assigneeRoles: Array.isArray(item.assigneeRoles) ? item.assigneeRoles.map(String) : [],
      escalated: item.escalated === true,
      overdue: item.overdue === true,
      openedAt: String(item.openedAt),
      ...(typeof item.dueAt === "string" ? { dueAt: item.dueAt } : {}),
    }));
  }

  /**
   * Open tasks of one township and role, earliest deadline first (the township work list). Without
   * a limit, the whole queue: every page of the index is read.
   */
  openForTownship(townshipId: string, role: string, limit?: number): Promise<HumanTask[]> {
    return this.openInQueue("gsi1", `TASKQ#${townshipId}#${role}`, limit);
  }

  /**
   * Open tasks of the county roles (escalations, above-ceiling approvals, replenishment waits),
   * earliest deadline first. Without a limit, the whole queue.
   */
  openForCounty(countyId: string, role: string, limit?: number): Promise<HumanTask[]> {
    return this.openInQueue("gsi2", `TASKQ#COUNTY#${countyId}#${role}`, limit);
  }

  private async openInQueue(index: "gsi1" | "gsi2", pk: string, limit?: number): Promise<HumanTask[]> {
    const input = {
      TableName: this.table,
      IndexName: index,
      KeyConditionExpression: `${index}pk = :pk`,
      ExpressionAttributeValues: { ":pk": pk },
    };
    const items =
      limit === undefined ? await queryAll(this.db, input) : (await queryFirst(this.db, input, limit)).items;
    return (items as StoredTask[]).map(publicTask);
  }
}

const COUNTY_ROLES = new Set(["county-civil-affairs", "county-finance"]);

function queueKeys(task: StoredTask): Record<string, string> {
  const order = `${task.dueAt ?? "9999"}#${task.caseId}`;
  const townshipRole = task.assigneeRoles.find((role) => !COUNTY_ROLES.has(role));
  const countyRole = task.assigneeRoles.find((role) => COUNTY_ROLES.has(role));
  return {
    ...(townshipRole ? { gsi1pk: `TASKQ#${task.townshipId}#${townshipRole}`, gsi1sk: order } : {}),
    ...(countyRole ? { gsi2pk: `TASKQ#COUNTY#${task.countyId}#${countyRole}`, gsi2sk: order } : {}),
  };
}

function publicTask(stored: StoredTask | (HumanTask & Record<string, unknown>)): HumanTask {
  const {
    token: _token,
    pk: _pk,
    sk: _sk,
    gsi1pk: _a,
    gsi1sk: _b,
    gsi2pk: _c,
    gsi2sk: _d,
    type: _t,
    ...task
  } = stored as StoredTask & Record<string, unknown>;
  return task as HumanTask;
}
