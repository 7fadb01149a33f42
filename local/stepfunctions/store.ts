/**
 * Durable state of the local Step Functions layer, in the `main` table of DynamoDB Local (so it lives
 * on disk under `.data/` with everything else). Namespaced items:
 *
 * - `SFNEXEC#<executionArn>` / `EXECUTION`  — the execution; `gsi1` lists a machine's executions
 *   newest first, `gsi2` (`SFNRUNNING`) holds exactly the unfinished ones, which are resumed on start.
 * - `SFNEXEC#<executionArn>` / `CHECKPOINT` — its checkpoint (last top-level state entered, its
 *   input, entry counts). An item of its own, written without a condition, so that it can share a
 *   group commit (group-commit.ts) with the events; a checkpoint written after the execution closed
 *   is inert (only `gsi2` decides what resumes). Data written before this layout kept the checkpoint
 *   inside the `EXECUTION` item: still read.
 * - `SFNEXEC#<executionArn>` / `EVENT#<id>` — the execution history, one item per event.
 * - `SFNTASK#<sha256(token)>` / `TASK` — an issued task token: open or closed, deadlines, and an
 *   outcome sent while no one was waiting (during a restart); `HANDLER_DONE` beside it once the
 *   handler that received the token has returned (a marker item, so the put cannot overwrite an
 *   outcome recorded meanwhile on `TASK`).
 * - `SFNCLOCK` / `CLOCK` — the accelerated clock's anchor, so virtual time continues across restarts.
 *
 * Events, checkpoints, new task records and the handler markers go through the group commit
 * (`write`); what needs a condition (creating an execution, closing a task) is a request of its own.
 * Closing an execution takes its last events along in one transaction (`finishExecution`).
 */
import { createHash } from "node:crypto";
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { ConditionalCheckFailedException, TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import {
  BatchGetCommand,
  type BatchGetCommandOutput,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
  TransactWriteCommand,
  UpdateCommand,
  type UpdateCommandInput,
} from "@aws-sdk/lib-dynamodb";
import type { ClockAnchor } from "../clock.ts";
import type { Json } from "./asl.ts";
import { SfnApiError } from "./errors.ts";
import { GroupCommit } from "./group-commit.ts";

export type ExecutionStatus = "RUNNING" | "SUCCEEDED" | "FAILED" | "TIMED_OUT" | "ABORTED";

export interface Checkpoint {
  /** The top-level state last entered: a resumed execution starts there. */
  state: string;
  inputJson: string;
  /** Top-level entries per state name so far, the current one included (task tokens derive from them). */
  entries: Record<string, number>;
  /** Retry attempt of the current state (0 = first try). */
  attempt: number;
  /** Deadline of the current Wait state, so a restart does not restart the wait. */
  waitUntilMs?: number;
}

export interface ExecutionRecord {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  status: ExecutionStatus;
  inputJson: string;
  outputJson?: string;
  error?: string;
  cause?: string;
  startMs: number;
  stopMs?: number;
  checkpoint?: Checkpoint;
}

export interface HistoryEvent {
  id: number;
  previousEventId: number;
  timestampMs: number;
  type: string;
  details?: { [key: string]: Json };
}

export type TaskStatus = "OPEN" | "SUCCEEDED" | "FAILED" | "TIMED_OUT" | "CANCELLED";

export interface TaskRecord {
  token: string;
  executionArn: string;
  state: string;
  status: TaskStatus;
  /** The handler that received the token has returned: a resumed wait does not call it again. */
  handlerDone: boolean;
  deadlineMs?: number;
  heartbeatSeconds?: number;
  heartbeatDeadlineMs?: number;
  outputJson?: string;
  error?: string;
  cause?: string;
}

type CloseInput = UpdateCommandInput & { TableName: string; UpdateExpression: string };

/** An item of the layer in the `main` table, as the group commit puts it. */
export type StoredItem = Record<string, unknown> & { pk: string; sk: string };

export interface Page<T> {
  items: T[];
  nextToken?: string;
}

const EXECUTION_SK = "EXECUTION";
const CHECKPOINT_SK = "CHECKPOINT";
const TASK_SK = "TASK";
const HANDLER_DONE_SK = "HANDLER_DONE";
/** BatchGetItem's limit of keys per request. */
const BATCH_GET_MAX = 100;
const RUNNING_PK = "SFNRUNNING";
const EVENT_ID_DIGITS = 9;
/** TransactWriteItems' limits (100 items, 4 MB): the close and at most 99 puts, sized as group-commit.ts does. */
const FINISH_PUTS_MAX = 99;
const FINISH_BYTES_MAX = 1024 * 1024;

export class ExecutionStore {
  private readonly doc: DynamoDBDocumentClient;
  private readonly group: GroupCommit;

  constructor(
    client: DynamoDBClient,
    readonly tableName: string,
  ) {
    this.doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
    this.group = new GroupCommit(this.doc, tableName);
  }

  /** Creates the execution, or returns the existing one of that ARN (the caller decides idempotency). */
  async createExecution(record: ExecutionRecord): Promise<ExecutionRecord | undefined> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...executionKey(record.executionArn),
            ...record,
            gsi1pk: `SFNSM#${record.stateMachineArn}`,
            gsi1sk: `${new Date(record.startMs).toISOString()}#${record.name}`,
            gsi2pk: RUNNING_PK,
            gsi2sk: record.executionArn,
          },
          ConditionExpression: "attribute_not_exists(pk)",
        }),
      );
      return undefined;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const existing = await this.getExecution(record.executionArn);
      if (!existing) throw error;
      return existing;
    }
  }

  async getExecution(executionArn: string): Promise<ExecutionRecord | undefined> {
    const { Item } = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: executionKey(executionArn), ConsistentRead: true }),
    );
    return Item ? toExecution(Item) : undefined;
  }

  /**
   * Puts the items (unconditionally), batched with the other executions' writes (group-commit.ts),
   * in this order; resolves once every one is durable, rejects if one is not.
   */
  async write(items: readonly StoredItem[]): Promise<void> {
    await Promise.all(items.map((item) => this.group.put(item)));
  }

  checkpointItem(executionArn: string, checkpoint: Checkpoint): StoredItem {
    return { pk: executionKey(executionArn).pk, sk: CHECKPOINT_SK, checkpoint };
  }

  isCheckpointItem(item: StoredItem): boolean {
    return item.sk === CHECKPOINT_SK && item.pk.startsWith("SFNEXEC#");
  }

  eventItem(executionArn: string, event: HistoryEvent): StoredItem {
    return {
      pk: executionKey(executionArn).pk,
      sk: `EVENT#${String(event.id).padStart(EVENT_ID_DIGITS, "0")}`,
      ...event,
    };
  }

  /** A new task record. */
  taskItem(task: TaskRecord): StoredItem {
    return { ...taskKey(task.token), ...task };
  }

  /** The handler that received the token has returned (a marker beside the task record). */
  handlerDoneItem(token: string): StoredItem {
    return { pk: taskKey(token).pk, sk: HANDLER_DONE_SK };
  }

  /**
   * Closes a running execution; false when it was already closed (e.g. stopped meanwhile).
   * `lastItems` (its last events) are put in the same transaction as the close when they fit one
   * (else through the group commit, before it); a transaction that finds the execution closed
   * writes none of them (false: the caller decides).
   */
  async finishExecution(
    executionArn: string,
    outcome: {
      status: Exclude<ExecutionStatus, "RUNNING">;
      stopMs: number;
      outputJson?: string;
      error?: string;
      cause?: string;
    },
    lastItems: readonly StoredItem[] = [],
  ): Promise<boolean> {
    const close = this.closeInput(executionArn, outcome);
    const fits =
      lastItems.length > 0 &&
      lastItems.length <= FINISH_PUTS_MAX &&
      JSON.stringify(lastItems).length <= FINISH_BYTES_MAX;
    if (!fits) {
      await this.write(lastItems);
      return this.close(close);
    }
    try {
      await this.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            { Update: close },
            ...lastItems.map((item) => ({ Put: { TableName: this.tableName, Item: item } })),
          ],
        }),
      );
      return true;
    } catch (error) {
      const reasons = error instanceof TransactionCanceledException ? error.CancellationReasons : undefined;
      if (reasons?.[0]?.Code === "ConditionalCheckFailed") return false;
      throw error;
    }
  }

  private async close(input: CloseInput): Promise<boolean> {
    try {
      await this.doc.send(new UpdateCommand(input));
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  /** The conditional update that closes a RUNNING execution (and takes it off the running index). */
  private closeInput(
    executionArn: string,
    outcome: {
      status: Exclude<ExecutionStatus, "RUNNING">;
      stopMs: number;
      outputJson?: string;
      error?: string;
      cause?: string;
    },
  ): CloseInput {
    const values: Record<string, unknown> = {
      ":status": outcome.status,
      ":stop": outcome.stopMs,
      ":running": "RUNNING",
    };
    const sets = ["#status = :status", "stopMs = :stop"];
    const names: Record<string, string> = { "#status": "status" };
    for (const key of ["outputJson", "error", "cause"] as const) {
      if (outcome[key] !== undefined) {
        sets.push(`#${key} = :${key}`);
        names[`#${key}`] = key;
        values[`:${key}`] = outcome[key];
      }
    }
    return {
      TableName: this.tableName,
      Key: executionKey(executionArn),
      UpdateExpression: `SET ${sets.join(", ")} REMOVE gsi2pk, gsi2sk`,
      ConditionExpression: "#status = :running",
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    };
  }

  async listExecutions(
    stateMachineArn: string,
    options: { status?: ExecutionStatus; limit: number; nextToken?: string },
  ): Promise<Page<ExecutionRecord>> {
    const input: QueryCommandInput = {
      TableName: this.tableName,
      IndexName: "gsi1",
      KeyConditionExpression: "gsi1pk = :pk",
      ExpressionAttributeValues: { ":pk": `SFNSM#${stateMachineArn}` },
      ScanIndexForward: false,
    };
    if (options.status) {
      input.FilterExpression = "#status = :status";
      input.ExpressionAttributeNames = { "#status": "status" };
      input.ExpressionAttributeValues = { ...input.ExpressionAttributeValues, ":status": options.status };
    }
    return this.queryPage(input, options.limit, options.nextToken, toExecution);
  }

  /** Every unfinished execution (resumed when the layer starts), with its checkpoint. */
  async listRunning(): Promise<ExecutionRecord[]> {
    const all: ExecutionRecord[] = [];
    let nextToken: string | undefined;
    do {
      const page = await this.queryPage(
        {
          TableName: this.tableName,
          IndexName: "gsi2",
          KeyConditionExpression: "gsi2pk = :pk",
          ExpressionAttributeValues: { ":pk": RUNNING_PK },
        },
        100,
        nextToken,
        toExecution,
      );
      all.push(...page.items);
      nextToken = page.nextToken;
    } while (nextToken);
    const checkpoints = await this.getCheckpoints(all.map((record) => record.executionArn));
    return all.map((record) => {
      const checkpoint = checkpoints.get(record.executionArn) ?? record.checkpoint;
      return { ...record, ...(checkpoint ? { checkpoint } : {}) };
    });
  }

  private async getCheckpoints(executionArns: string[]): Promise<Map<string, Checkpoint>> {
    const found = new Map<string, Checkpoint>();
    for (let i = 0; i < executionArns.length; i += BATCH_GET_MAX) {
      let keys: Record<string, unknown>[] | undefined = executionArns
        .slice(i, i + BATCH_GET_MAX)
        .map((arn) => ({ pk: executionKey(arn).pk, sk: CHECKPOINT_SK }));
      while (keys && keys.length > 0) {
        const result: BatchGetCommandOutput = await this.doc.send(
          new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: keys, ConsistentRead: true } } }),
        );
        for (const item of result.Responses?.[this.tableName] ?? []) {
          found.set((item.pk as string).slice("SFNEXEC#".length), item.checkpoint as Checkpoint);
        }
        keys = result.UnprocessedKeys?.[this.tableName]?.Keys;
      }
    }
    return found;
  }

  async getEvents(
    executionArn: string,
    options: { reverse: boolean; limit: number; nextToken?: string },
  ): Promise<Page<HistoryEvent>> {
    return this.queryPage(
      {
        TableName: this.tableName,
        KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
        ExpressionAttributeValues: { ":pk": executionKey(executionArn).pk, ":prefix": "EVENT#" },
        ScanIndexForward: !options.reverse,
        ConsistentRead: true,
      },
      options.limit,
      options.nextToken,
      (item) => ({
        id: item.id as number,
        previousEventId: item.previousEventId as number,
        timestampMs: item.timestampMs as number,
        type: item.type as string,
        ...(item.details ? { details: item.details as { [key: string]: Json } } : {}),
      }),
    );
  }

  async lastEventId(executionArn: string): Promise<number> {
    const page = await this.getEvents(executionArn, { reverse: true, limit: 1 });
    return page.items[0]?.id ?? 0;
  }

  async getTask(token: string): Promise<TaskRecord | undefined> {
    const { Items } = await this.doc.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: "pk = :pk",
        ExpressionAttributeValues: { ":pk": taskKey(token).pk },
        ConsistentRead: true,
      }),
    );
    const item = Items?.find((i) => i.sk === TASK_SK);
    if (!item) return undefined;
    const { pk: _pk, sk: _sk, ...task } = item;
    const handlerDone = task.handlerDone === true || Items?.some((i) => i.sk === HANDLER_DONE_SK) === true;
    return { ...(task as TaskRecord), handlerDone };
  }

  /** Updates an open task; false when the task is closed (or unknown). */
  async updateOpenTask(token: string, patch: Partial<Omit<TaskRecord, "token">>): Promise<boolean> {
    const entries = Object.entries(patch).filter(([, value]) => value !== undefined);
    if (entries.length === 0) return true;
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: taskKey(token),
          UpdateExpression: `SET ${entries.map((_, i) => `#k${i} = :v${i}`).join(", ")}`,
          ConditionExpression: "#status = :open",
          ExpressionAttributeNames: {
            "#status": "status",
            ...Object.fromEntries(entries.map(([key], i) => [`#k${i}`, key])),
          },
          ExpressionAttributeValues: {
            ":open": "OPEN",
            ...Object.fromEntries(entries.map(([, value], i) => [`:v${i}`, value])),
          },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async getClockAnchor(): Promise<(ClockAnchor & { speed: number }) | undefined> {
    const { Item } = await this.doc.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: "SFNCLOCK", sk: "CLOCK" },
        ConsistentRead: true,
      }),
    );
    return Item ? { realMs: Item.realMs, virtualMs: Item.virtualMs, speed: Item.speed } : undefined;
  }

  async putClockAnchor(anchor: ClockAnchor & { speed: number }): Promise<void> {
    await this.doc.send(
      new PutCommand({ TableName: this.tableName, Item: { pk: "SFNCLOCK", sk: "CLOCK", ...anchor } }),
    );
  }

  private async queryPage<T>(
    input: QueryCommandInput,
    limit: number,
    nextToken: string | undefined,
    map: (item: Record<string, unknown>) => T,
  ): Promise<Page<T>> {
    const items: T[] = [];
    let startKey = nextToken ? decodeToken(nextToken) : undefined;
    // A filter may leave a page short: keep reading until the page is full or the index ends.
    do {
      const result = await this.doc.send(
        new QueryCommand({ ...input, Limit: limit - items.length, ExclusiveStartKey: startKey }),
      );
      items.push(...(result.Items ?? []).map(map));
      startKey = result.LastEvaluatedKey;
    } while (startKey && items.length < limit);
    return { items, ...(startKey ? { nextToken: encodeToken(startKey) } : {}) };
  }
}

export function tokenDigest(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

function executionKey(executionArn: string): { pk: string; sk: string } {
  return { pk: `SFNEXEC#${executionArn}`, sk: EXECUTION_SK };
}

function taskKey(token: string): { pk: string; sk: string } {
  return { pk: `SFNTASK#${tokenDigest(token)}`, sk: TASK_SK };
}

function toExecution(item: Record<string, unknown>): ExecutionRecord {
  const { pk: _pk, sk: _sk, gsi1pk: _g1, gsi1sk: _g1s, gsi2pk: _g2, gsi2sk: _g2s, ...record } = item;
  return record as unknown as ExecutionRecord;
}

function encodeToken(key: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(key)).toString("base64url");
}

function decodeToken(token: string): Record<string, unknown> {
  try {
    return JSON.parse(Buffer.from(token, "base64url").toString("utf8")) as Record<string, unknown>;
  } catch {
    throw new SfnApiError("InvalidToken", "Invalid nextToken");
  }
}
