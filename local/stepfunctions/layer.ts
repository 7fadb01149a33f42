/**
 * The local Step Functions service: an execution registry over aws-local-stepfunctions with the
 * service's API (Start/Describe/List/GetExecutionHistory/Stop, DescribeStateMachineForExecution,
 * SendTaskSuccess/Failure/Heartbeat),
 * durable in DynamoDB Local. `http.ts` serves it on the Step Functions JSON protocol. The SQS queues
 * a definition sends to with `sqs:sendMessage.waitForTaskToken` (Flow A's draw queue) are in-process
 * FIFO queues with their Lambda event source (`sqs.ts`).
 */
import { randomUUID } from "node:crypto";
import type { LocalClock } from "../clock.ts";
import { localExecutionArn } from "./arn.ts";
import type { Json } from "./asl.ts";
import { SfnApiError } from "./errors.ts";
import { ExecutionRun, type PendingTask, type TaskOutcome, type WorkflowRuntime } from "./execution.ts";
import type { LocalFunctions } from "./functions.ts";
import type { LoadedWorkflow } from "./loader.ts";
import { prepareDefinition } from "./prepare.ts";
import { drawQueueOptions, LocalFifoQueue, type LocalQueueOptions } from "./sqs.ts";
import type { ExecutionRecord, ExecutionStatus, ExecutionStore, HistoryEvent } from "./store.ts";
import { parseTaskToken } from "./tokens.ts";

export interface StepFunctionsLayerOptions {
  store: ExecutionStore;
  clock: LocalClock;
  functions: LocalFunctions;
  workflows: readonly LoadedWorkflow[];
  /** The SQS queues the definitions send to; by default the draw queue when the catalog has its consumer. */
  queues?: readonly LocalQueueOptions[];
  onError?: (message: string, error: unknown) => void;
}

export interface ExecutionDescription {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  status: ExecutionStatus;
  startDate: Date;
  stopDate?: Date;
  input: string;
  output?: string;
  error?: string;
  cause?: string;
}

export interface HistoryEventDescription {
  id: number;
  previousEventId: number;
  timestamp: Date;
  type: string;
  details?: { [key: string]: Json };
}

const EXECUTION_NAME = /^[A-Za-z0-9_-]{1,80}$/;
const PAGE_SIZE_MAX = 1000;
const PAGE_SIZE_DEFAULT = 100;
/** Executions closed by this process whose records DescribeExecution answers without a read. */
const CLOSED_RECORDS_MAX = 1000;

export class StepFunctionsLayer {
  private readonly workflowsByArn = new Map<string, WorkflowRuntime>();
  /** The definition each state machine runs (after substitution), as DescribeStateMachineForExecution gives it. */
  private readonly definitionsByArn = new Map<string, string>();
  private readonly running = new Map<string, ExecutionRun>();
  private readonly pending = new Map<string, PendingTask>();
  /** Records of executions this process closed, oldest first (final: nothing reopens an execution). */
  private readonly closedRecords = new Map<string, ExecutionRecord>();
  /** In-process SQS queues by URL (sqs.ts). */
  readonly queues = new Map<string, LocalFifoQueue>();
  private closed = false;

  constructor(private readonly options: StepFunctionsLayerOptions) {
    for (const workflow of options.workflows) {
      this.workflowsByArn.set(workflow.stateMachineArn, {
        name: workflow.name,
        stateMachineArn: workflow.stateMachineArn,
        prepared: prepareDefinition(workflow.definition),
      });
      this.definitionsByArn.set(workflow.stateMachineArn, JSON.stringify(workflow.definition));
    }
    const drawQueue = drawQueueOptions(options.functions);
    const onError = options.onError ?? ((message, error) => console.error(message, error));
    for (const queueOptions of options.queues ?? (drawQueue ? [drawQueue] : [])) {
      const queue = new LocalFifoQueue(queueOptions, options.clock, options.functions, onError);
      this.queues.set(queue.url, queue);
    }
  }

  /** name → state-machine ARN. */
  get stateMachines(): Record<string, string> {
    return Object.fromEntries([...this.workflowsByArn.values()].map((w) => [w.name, w.stateMachineArn]));
  }

  async startExecution(request: {
    stateMachineArn: string;
    name?: string;
    input?: string;
  }): Promise<{ executionArn: string; startDate: Date }> {
    this.assertOpen();
    const workflow = this.workflowsByArn.get(request.stateMachineArn);
    if (!workflow)
      throw new SfnApiError(
        "StateMachineDoesNotExist",
        `State Machine Does Not Exist: '${request.stateMachineArn}'`,
      );
    const name = request.name ?? randomUUID();
    if (!EXECUTION_NAME.test(name)) throw new SfnApiError("InvalidName", `Invalid Name: '${name}'`);
    const inputJson = request.input ?? "{}";
    try {
      JSON.parse(inputJson);
    } catch {
      throw new SfnApiError(
        "InvalidExecutionInput",
        "Invalid State Machine Execution Input: the input is not JSON",
      );
    }
    const record: ExecutionRecord = {
      executionArn: localExecutionArn(workflow.name, name),
      stateMachineArn: workflow.stateMachineArn,
      name,
      status: "RUNNING",
      inputJson,
      startMs: this.options.clock.nowMs(),
    };
    const existing = await this.options.store.createExecution(record);
    if (existing) {
      // The service's idempotency: same name and input while RUNNING returns the same execution.
      if (existing.status === "RUNNING" && sameJson(existing.inputJson, inputJson)) {
        return { executionArn: existing.executionArn, startDate: new Date(existing.startMs) };
      }
      throw new SfnApiError("ExecutionAlreadyExists", `Execution Already Exists: '${existing.executionArn}'`);
    }
    this.launch(workflow, record);
    return { executionArn: record.executionArn, startDate: new Date(record.startMs) };
  }

  async describeExecution(executionArn: string): Promise<ExecutionDescription> {
    const known = this.running.get(executionArn)?.runningRecord ?? this.closedRecords.get(executionArn);
    if (known) return describe(known);
    const record = await this.options.store.getExecution(executionArn);
    if (!record)
      throw new SfnApiError("ExecutionDoesNotExist", `Execution Does Not Exist: '${executionArn}'`);
    return describe(record);
  }

  /** The definition an execution ran (one version per state machine locally: the one loaded). */
  async describeStateMachineForExecution(
    executionArn: string,
  ): Promise<{ stateMachineArn: string; name: string; definition: string; updateDate: Date }> {
    const execution = await this.describeExecution(executionArn);
    const workflow = this.workflowsByArn.get(execution.stateMachineArn);
    const definition = this.definitionsByArn.get(execution.stateMachineArn);
    if (!workflow || definition === undefined) {
      throw new SfnApiError(
        "StateMachineDoesNotExist",
        `State Machine Does Not Exist: '${execution.stateMachineArn}'`,
      );
    }
    return {
      stateMachineArn: workflow.stateMachineArn,
      name: workflow.name,
      definition,
      updateDate: execution.startDate,
    };
  }

  async listExecutions(request: {
    stateMachineArn: string;
    statusFilter?: ExecutionStatus;
    maxResults?: number;
    nextToken?: string;
  }): Promise<{ executions: ExecutionDescription[]; nextToken?: string }> {
    if (!this.workflowsByArn.has(request.stateMachineArn)) {
      throw new SfnApiError(
        "StateMachineDoesNotExist",
        `State Machine Does Not Exist: '${request.stateMachineArn}'`,
      );
    }
    const page = await this.options.store.listExecutions(request.stateMachineArn, {
      limit: pageSize(request.maxResults),
      ...(request.statusFilter ? { status: request.statusFilter } : {}),
      ...(request.nextToken ? { nextToken: request.nextToken } : {}),
    });
    return { executions: page.items.map(describe), ...(page.nextToken ? { nextToken: page.nextToken } : {}) };
  }

  async getExecutionHistory(request: {
    executionArn: string;
    reverseOrder?: boolean;
    maxResults?: number;
    nextToken?: string;
  }): Promise<{ events: HistoryEventDescription[]; nextToken?: string }> {
    await this.describeExecution(request.executionArn);
    // A run of this process keeps its latest events in a buffer until it needs them written.
    await this.running.get(request.executionArn)?.persistHistory();
    const page = await this.options.store.getEvents(request.executionArn, {
      reverse: request.reverseOrder ?? false,
      limit: pageSize(request.maxResults),
      ...(request.nextToken ? { nextToken: request.nextToken } : {}),
    });
    return {
      events: page.items.map(describeEvent),
      ...(page.nextToken ? { nextToken: page.nextToken } : {}),
    };
  }

  async stopExecution(request: {
    executionArn: string;
    error?: string;
    cause?: string;
  }): Promise<{ stopDate: Date }> {
    const run = this.running.get(request.executionArn);
    const record =
      run?.runningRecord ??
      this.closedRecords.get(request.executionArn) ??
      (await this.options.store.getExecution(request.executionArn));
    if (!record)
      throw new SfnApiError("ExecutionDoesNotExist", `Execution Does Not Exist: '${request.executionArn}'`);
    if (run) {
      await run.stop(request.error, request.cause);
    } else if (record.status === "RUNNING") {
      await this.options.store.finishExecution(request.executionArn, {
        status: "ABORTED",
        stopMs: this.options.clock.nowMs(),
        ...(request.error ? { error: request.error } : {}),
        ...(request.cause ? { cause: request.cause } : {}),
      });
    }
    const stopped = await this.describeExecution(request.executionArn);
    return { stopDate: stopped.stopDate ?? new Date(this.options.clock.nowMs()) };
  }

  async sendTaskSuccess(request: { taskToken: string; output: string }): Promise<void> {
    let output: Json;
    try {
      output = JSON.parse(request.output) as Json;
    } catch {
      throw new SfnApiError("InvalidOutput", "Invalid Output: the output is not JSON");
    }
    await this.completeTask(request.taskToken, { kind: "success", output });
  }

  async sendTaskFailure(request: { taskToken: string; error?: string; cause?: string }): Promise<void> {
    await this.completeTask(request.taskToken, {
      kind: "failure",
      error: request.error ?? "",
      cause: request.cause ?? "",
    });
  }

  async sendTaskHeartbeat(request: { taskToken: string }): Promise<void> {
    const { store, clock } = this.options;
    const task = await this.openTask(request.taskToken);
    if (task.heartbeatSeconds !== undefined) {
      await store.updateOpenTask(request.taskToken, {
        heartbeatDeadlineMs: clock.nowMs() + task.heartbeatSeconds * 1000,
      });
    }
    this.pending.get(request.taskToken)?.heartbeat();
  }

  /** Resumes every execution left RUNNING by an earlier process (after a stop or a `kill -9`). */
  async resumeUnfinished(): Promise<string[]> {
    const resumed: string[] = [];
    for (const record of await this.options.store.listRunning()) {
      if (this.running.has(record.executionArn)) continue;
      const workflow = this.workflowsByArn.get(record.stateMachineArn);
      if (!workflow) {
        this.options.onError?.(
          `cannot resume ${record.executionArn}: its state machine is not loaded`,
          undefined,
        );
        continue;
      }
      const startAt = workflow.prepared.runnable.StartAt;
      this.launch(workflow, {
        ...record,
        // Crashed before the first state's checkpoint: resume at the first state with the input.
        checkpoint: record.checkpoint ?? {
          state: startAt,
          inputJson: record.inputJson,
          entries: { [startAt]: 1 },
          attempt: 0,
        },
      });
      resumed.push(record.executionArn);
    }
    return resumed;
  }

  /** The executions this process runs now (started or resumed here, not ended), by ARN. */
  runningExecutions(): string[] {
    return [...this.running.keys()];
  }

  /** Executions of this process that are moving (not parked on a Wait or a task token). */
  activeExecutions(): number {
    let active = 0;
    for (const run of this.running.values()) if (!run.isParked) active += 1;
    // An execution parked on a queued message's token moves as soon as the queue delivers it.
    for (const queue of this.queues.values()) active += queue.busy;
    return active;
  }

  /** Resolves when the execution's run in this process has ended (tests and shutdown). */
  async settled(executionArn: string): Promise<ExecutionDescription> {
    await this.running.get(executionArn)?.done;
    return this.describeExecution(executionArn);
  }

  /** Suspends every running execution at its checkpoint (they resume on the next start). */
  async close(): Promise<void> {
    this.closed = true;
    for (const queue of this.queues.values()) queue.close();
    await Promise.all([...this.running.values()].map((run) => run.suspend()));
  }

  private launch(workflow: WorkflowRuntime, record: ExecutionRecord): void {
    const run = new ExecutionRun(
      {
        store: this.options.store,
        clock: this.options.clock,
        functions: this.options.functions,
        pending: this.pending,
        queues: this.queues,
        startExecution: (request) => this.startExecution(request),
        onError: this.options.onError ?? ((message, error) => console.error(message, error)),
      },
      workflow,
      record,
    );
    this.running.set(record.executionArn, run);
    void run.done.finally(() => {
      const closed = run.closedRecord;
      if (closed) {
        this.closedRecords.set(closed.executionArn, closed);
        const oldest = this.closedRecords.keys().next();
        if (this.closedRecords.size > CLOSED_RECORDS_MAX && !oldest.done)
          this.closedRecords.delete(oldest.value);
      }
      if (this.running.get(record.executionArn) === run) this.running.delete(record.executionArn);
    });
  }

  private async completeTask(token: string, outcome: TaskOutcome): Promise<void> {
    const { store } = this.options;
    if (!parseTaskToken(token)) throw new SfnApiError("InvalidToken", "Invalid Token");
    // Closing is conditional on OPEN, so one request decides; only a refusal reads the task to say why.
    const closed = await store.updateOpenTask(
      token,
      outcome.kind === "success"
        ? { status: "SUCCEEDED", outputJson: JSON.stringify(outcome.output) }
        : { status: "FAILED", error: outcome.error, cause: outcome.cause },
    );
    if (!closed) {
      if (!(await store.getTask(token))) throw new SfnApiError("TaskDoesNotExist", "Task Does Not Exist");
      throw new SfnApiError("TaskTimedOut", "Task Timed Out: the task is already closed");
    }
    // No one waiting (the execution is resuming after a restart): the resumed wait reads the record.
    this.pending.get(token)?.deliver(outcome);
  }

  private async openTask(token: string) {
    if (!parseTaskToken(token)) throw new SfnApiError("InvalidToken", "Invalid Token");
    const task = await this.options.store.getTask(token);
    if (!task) throw new SfnApiError("TaskDoesNotExist", "Task Does Not Exist");
    if (task.status !== "OPEN")
      throw new SfnApiError("TaskTimedOut", "Task Timed Out: the task is already closed");
    return task;
  }

  private assertOpen(): void {
    if (this.closed)
      throw new SfnApiError("ValidationException", "the local Step Functions layer is shutting down");
  }
}

function describe(record: ExecutionRecord): ExecutionDescription {
  return {
    executionArn: record.executionArn,
    stateMachineArn: record.stateMachineArn,
    name: record.name,
    status: record.status,
    startDate: new Date(record.startMs),
    input: record.inputJson,
    ...(record.stopMs !== undefined ? { stopDate: new Date(record.stopMs) } : {}),
    ...(record.outputJson !== undefined ? { output: record.outputJson } : {}),
    ...(record.error !== undefined ? { error: record.error } : {}),
    ...(record.cause !== undefined ? { cause: record.cause } : {}),
  };
}

function describeEvent(event: HistoryEvent): HistoryEventDescription {
  return {
    id: event.id,
    previousEventId: event.previousEventId,
    timestamp: new Date(event.timestampMs),
    type: event.type,
    ...(event.details ? { details: event.details } : {}),
  };
}

function pageSize(maxResults: number | undefined): number {
  if (!maxResults || maxResults <= 0) return PAGE_SIZE_DEFAULT;
  return Math.min(maxResults, PAGE_SIZE_MAX);
}

function sameJson(a: string, b: string): boolean {
  return JSON.stringify(JSON.parse(a)) === JSON.stringify(JSON.parse(b));
}
