/**
 * One running execution: aws-local-stepfunctions interprets the (prepared) definition; this driver
 * supplies every Task and Wait through the library's `taskResourceLocalHandlers` override, listens to
 * the library's event log, and adds what the library lacks (ARCHITECTURE §4):
 *
 * - a checkpoint at every top-level state entered (state, input, entry counts), durable BEFORE the
 *   state's task runs — a resumed execution is a copy of the definition with `StartAt` = that state;
 * - writes kept in a buffer of the run and sent (group commit, store.ts) only when something needs
 *   them: the barrier before a Task or Wait state sends them when they hold a checkpoint or a task
 *   record (one request for the history since the last barrier, the checkpoint and the task record);
 *   a wait that parks the execution, a retry, a GetExecutionHistory and the end send them too — so a
 *   Lambda task state costs one write, not one at its start and another while its function runs;
 * - task tokens (`$$.Task.Token`) with waits completed by SendTaskSuccess/Failure, heartbeats, and
 *   TimeoutSeconds(Path)/HeartbeatSeconds raising States.Timeout/States.HeartbeatTimeout on the clock;
 * - Wait states on the layer's clock; the machine's TimeoutSeconds;
 * - a history with the service's event types (TaskStateEntered, TaskScheduled, …, ExecutionSucceeded).
 */
import "./polyfill.ts";
import { type RunOptions, StateMachine, type StateMachineDefinition } from "aws-local-stepfunctions";
import type { LocalClock } from "../clock.ts";
import { LOCAL_ACCOUNT, LOCAL_REGION } from "./arn.ts";
import { isJsonObject, type Json, type JsonObject } from "./asl.ts";
import { SfnApiError, StatesError } from "./errors.ts";
import type { LocalFunctions } from "./functions.ts";
import { INJECTED, type PreparedDefinition, type StateInfo, type TaskInfo } from "./prepare.ts";
import type { LocalFifoQueue } from "./sqs.ts";
import type {
  Checkpoint,
  ExecutionRecord,
  ExecutionStatus,
  ExecutionStore,
  HistoryEvent,
  StoredItem,
} from "./store.ts";
import { heartbeatTimeoutError, statesTimeoutError } from "./timeouts.ts";
import { TASK_TOKEN_PLACEHOLDER, taskToken, withTaskToken } from "./tokens.ts";

export type TaskOutcome =
  | { kind: "success"; output: Json }
  | { kind: "failure"; error: string; cause: string };

/** A task-token wait in progress, reachable by SendTask*. */
export interface PendingTask {
  executionArn: string;
  deliver(outcome: TaskOutcome): void;
  heartbeat(): void;
}

export interface ExecutionDeps {
  store: ExecutionStore;
  clock: LocalClock;
  functions: LocalFunctions;
  pending: Map<string, PendingTask>;
  /** The layer's queues by URL, for `sqs:sendMessage.waitForTaskToken` (sqs.ts). */
  queues: ReadonlyMap<string, LocalFifoQueue>;
  /** The layer's StartExecution, for `states:startExecution` tasks (continue-as-new). */
  startExecution(request: {
    stateMachineArn: string;
    name?: string;
    input?: string;
  }): Promise<{ executionArn: string; startDate: Date }>;
  onError(message: string, error: unknown): void;
}

export interface WorkflowRuntime {
  name: string;
  stateMachineArn: string;
  prepared: PreparedDefinition;
}

type Ending = { kind: "suspend" } | { kind: "abort"; error?: string; cause?: string } | { kind: "timeout" };

type LibraryEvent = {
  type: string;
  index?: number;
  state?: { name: string; input?: Json; output?: Json };
  parentState?: { name: string };
};

const LOCAL_ROLE_ARN = `arn:aws:iam::${LOCAL_ACCOUNT}:role/aidflow-local-state-machine`;
/** A run's buffer is sent once it holds this many items, barrier or not (a long Map's events). */
const BUFFER_ITEMS_MAX = 100;

export class ExecutionRun {
  readonly done: Promise<void>;
  private readonly abortController = new AbortController();
  private abortLibrary: (() => void) | undefined;
  private ending: Ending | undefined;
  private writes: Promise<void> = Promise.resolve();
  /** Writes not sent yet, in the order they were made (a later write of the same item moves it last). */
  private buffer: StoredItem[] = [];
  /** The buffer holds a checkpoint or a task record: the next barrier sends it. */
  private bufferNeedsBarrier = false;
  private lastEventId = 0;
  private entries: Record<string, number> = {};
  private attempt = 0;
  private checkpoint: Checkpoint | undefined;
  private resumeFrom: Checkpoint | undefined;
  /**
   * In the top-level state this run resumed at: the only place where task records of an earlier
   * process can exist (tokens derive from entry counts, and a token is issued only after its state's
   * checkpoint is durable). Everywhere else a token is new, so it is not looked up first.
   */
  private inResumedState = false;
  /** The run has begun to close the execution (or to suspend it): its record may change from now on. */
  private closing = false;
  /** The record as this run closed it (undefined: not closed by this run). */
  private closed: ExecutionRecord | undefined;
  /** Waits in progress on a Wait state's time or a task token (not counting the work in between). */
  private parked = 0;
  private readonly nestedCalls = new Map<string, number>();

  constructor(
    private readonly deps: ExecutionDeps,
    private readonly workflow: WorkflowRuntime,
    private readonly record: ExecutionRecord,
  ) {
    this.resumeFrom = record.checkpoint;
    this.done = this.run().catch((error) => deps.onError(`execution ${record.executionArn} crashed`, error));
  }

  get executionArn(): string {
    return this.record.executionArn;
  }

  /**
   * The execution's record while this run holds it RUNNING (the table says the same: only the run
   * closes it), so DescribeExecution needs no read; undefined once the run begins to close it.
   */
  get runningRecord(): ExecutionRecord | undefined {
    return this.closing ? undefined : this.record;
  }

  /** The record as the table holds it once this run closed the execution (final: nothing reopens it). */
  get closedRecord(): ExecutionRecord | undefined {
    return this.closed;
  }

  /**
   * Parked: waiting for time to pass or for someone to answer a task — nothing moves until the clock
   * or a person does. A simulation waits until no execution is anything else before its next step.
   */
  get isParked(): boolean {
    return this.parked > 0;
  }

  /** StopExecution: the execution ends ABORTED. */
  async stop(error?: string, cause?: string): Promise<void> {
    this.end({
      kind: "abort",
      ...(error !== undefined ? { error } : {}),
      ...(cause !== undefined ? { cause } : {}),
    });
    await this.done;
  }

  /** Runtime shutdown: the execution stays RUNNING at its checkpoint and resumes on the next start. */
  async suspend(): Promise<void> {
    this.end({ kind: "suspend" });
    await this.done;
  }

  private end(ending: Ending): void {
    if (this.ending) return;
    this.ending = ending;
    this.abortController.abort(new StatesError("States.Runtime", `execution ${ending.kind}`));
    this.abortLibrary?.();
  }

  private async run(): Promise<void> {
    const { prepared } = this.workflow;
    const resume = this.resumeFrom;
    let input: Json;
    let definition = prepared.runnable;
    if (resume) {
      this.lastEventId = await this.deps.store.lastEventId(this.record.executionArn);
      this.entries = { ...resume.entries, [resume.state]: (resume.entries[resume.state] ?? 1) - 1 };
      definition = { ...definition, StartAt: resume.state };
      input = JSON.parse(resume.inputJson) as Json;
    } else {
      input = JSON.parse(this.record.inputJson) as Json;
      this.recordEvent("ExecutionStarted", {
        input: this.record.inputJson,
        inputDetails: { truncated: false },
        roleArn: LOCAL_ROLE_ARN,
      });
    }
    // Resumed copies start mid-definition: validated once at load, run here without validation.
    const machine = new StateMachine(definition as unknown as StateMachineDefinition, {
      validationOptions: { noValidate: true },
    });
    const execution = machine.run(input as never, this.runOptions());
    this.abortLibrary = execution.abort;
    if (this.ending) execution.abort();
    const pulling = this.pull(execution.eventLogs as AsyncGenerator<LibraryEvent>);
    this.armExecutionTimeout();
    let result: { ok: true; output: Json } | { ok: false; error: string; cause: string };
    try {
      result = { ok: true, output: (await execution.result) as Json };
    } catch (error) {
      const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
      result = {
        ok: false,
        error: cause instanceof Error ? cause.name : "States.Runtime",
        cause: cause instanceof Error ? cause.message : String(cause),
      };
    }
    await pulling;
    await this.finish(result);
  }

  private runOptions(): RunOptions {
    const handlers: Record<string, (input: Json) => Promise<Json>> = {};
    const retryIntervals: Record<string, number[]> = {};
    for (const info of this.workflow.prepared.states.values()) {
      if (info.task || info.wait) handlers[info.name] = (input) => this.runState(info, input);
      if (info.retryIntervalsSeconds.length > 0 && this.deps.clock.mode !== "real") {
        // Retry pauses follow the layer's clock (backoff rate is not scaled: see local/README.md).
        const speed = this.deps.clock.speed;
        retryIntervals[info.name] = info.retryIntervalsSeconds.map((s) =>
          speed > 0 ? (s * 1000) / speed : 0,
        );
      }
    }
    const stateMachineName = this.workflow.name;
    return {
      overrides: {
        taskResourceLocalHandlers: handlers as never,
        retryIntervalOverrides: retryIntervals,
      },
      noThrowOnAbort: true,
      context: {
        Execution: { Id: this.record.executionArn, Name: this.record.name, RoleArn: LOCAL_ROLE_ARN },
        StateMachine: { Id: this.workflow.stateMachineArn, Name: stateMachineName },
        Task: { Token: TASK_TOKEN_PLACEHOLDER },
      },
    };
  }

  private armExecutionTimeout(): void {
    const seconds = this.workflow.prepared.executionTimeoutSeconds;
    if (seconds === undefined) return;
    this.deps.clock
      .sleepUntil(this.record.startMs + seconds * 1000, this.abortController.signal)
      .then(() => this.end({ kind: "timeout" }))
      .catch(() => undefined);
  }

  // ── library events → checkpoints and history (handled synchronously, written in order) ──

  private async pull(events: AsyncGenerator<LibraryEvent>): Promise<void> {
    for await (const event of events) this.onLibraryEvent(event);
  }

  private onLibraryEvent(event: LibraryEvent): void {
    const name = event.state?.name;
    const info = name !== undefined ? this.workflow.prepared.states.get(name) : undefined;
    switch (event.type) {
      case "StateEntered": {
        if (!info || !name) return;
        if (info.topLevel && event.index === undefined) this.enterTopLevel(name, event.state?.input ?? null);
        this.recordEvent(`${info.type}StateEntered`, {
          name,
          input: JSON.stringify(event.state?.input ?? null),
        });
        return;
      }
      case "StateExited": {
        if (!info || !name) return;
        this.recordEvent(`${info.type}StateExited`, {
          name,
          output: JSON.stringify(event.state?.output ?? null),
        });
        return;
      }
      case "StateRetried": {
        const checkpoint = this.checkpoint;
        if (checkpoint && info?.topLevel && checkpoint.state === name && event.index === undefined) {
          this.attempt += 1;
          this.saveCheckpoint({ ...checkpoint, attempt: this.attempt });
          // Sent now, not at the retry's barrier: the retry may pause for long (the retry interval).
          this.send();
        }
        return;
      }
      case "MapIterationStarted":
      case "MapIterationSucceeded":
      case "MapIterationFailed":
        this.recordEvent(event.type, { name: event.parentState?.name ?? "", index: event.index ?? 0 });
        return;
      default:
        return;
    }
  }

  private enterTopLevel(name: string, input: Json): void {
    this.entries[name] = (this.entries[name] ?? 0) + 1;
    const resumed = this.resumeFrom?.state === name ? this.resumeFrom : undefined;
    this.resumeFrom = undefined;
    this.inResumedState = resumed !== undefined;
    this.attempt = resumed?.attempt ?? 0;
    this.saveCheckpoint({
      state: name,
      inputJson: JSON.stringify(input),
      entries: { ...this.entries },
      attempt: this.attempt,
      ...(resumed?.waitUntilMs !== undefined ? { waitUntilMs: resumed.waitUntilMs } : {}),
    });
  }

  private saveCheckpoint(checkpoint: Checkpoint): void {
    this.checkpoint = checkpoint;
    this.write(this.deps.store.checkpointItem(this.record.executionArn, checkpoint), { barrier: true });
  }

  private recordEvent(type: string, details?: { [key: string]: Json }): void {
    const event: HistoryEvent = {
      id: this.lastEventId + 1,
      previousEventId: this.lastEventId,
      timestampMs: this.deps.clock.nowMs(),
      type,
      ...(details ? { details } : {}),
    };
    this.lastEventId = event.id;
    this.write(this.deps.store.eventItem(this.record.executionArn, event), { barrier: false });
  }

  /**
   * Buffers a write (nothing is written while suspending, unless `evenWhileSuspending`); `barrier`:
   * recovery needs it before the state's effect (a checkpoint, a task record).
   */
  private write(item: StoredItem, options: { barrier: boolean; evenWhileSuspending?: boolean }): void {
    if (this.ending?.kind === "suspend" && !options.evenWhileSuspending) return;
    if (!item.sk.startsWith("EVENT#")) {
      // One item per key in a request (a transaction refuses two); moved last, never before the
      // events that preceded its new content.
      const at = this.buffer.findIndex((other) => other.pk === item.pk && other.sk === item.sk);
      if (at >= 0) this.buffer.splice(at, 1);
    }
    this.buffer.push(item);
    if (options.barrier) this.bufferNeedsBarrier = true;
    if (this.buffer.length >= BUFFER_ITEMS_MAX) this.send();
  }

  /**
   * Sends the buffer (the store batches it with other executions' writes, in submission order);
   * `writes` settles once every write sent so far has. The returned promise rejects if a write failed.
   */
  private send(): Promise<void> {
    if (this.buffer.length === 0) return Promise.resolve();
    const items = this.buffer;
    this.buffer = [];
    this.bufferNeedsBarrier = false;
    const sent = this.deps.store.write(items);
    this.track(sent);
    return sent;
  }

  private track(write: Promise<void>): void {
    const written = write.catch((error) =>
      this.deps.onError(`execution ${this.record.executionArn}: write failed`, error),
    );
    this.writes = this.writes.then(() => written);
  }

  /** Every library event dispatched so far is handled (checkpoint and entry counts current). */
  private async libraryEventsHandled(): Promise<void> {
    // The event log is consumed through microtasks only: one macrotask turn drains it.
    await new Promise((resolve) => setImmediate(resolve));
  }

  /**
   * The checkpoint barrier: what recovery needs (checkpoint, task record) is durable, with the
   * history before it. Events alone stay buffered. Rejects if this barrier's own writes failed.
   */
  private async barrier(): Promise<void> {
    const sent = this.bufferNeedsBarrier ? this.send() : undefined;
    await this.writes;
    await sent;
  }

  /** The history so far is durable (GetExecutionHistory reads it from the table). */
  async persistHistory(): Promise<void> {
    this.send();
    await this.writes;
  }

  /** Waiting for time or a person: what is buffered is sent (it may be long until the next barrier). */
  private park(): void {
    this.parked += 1;
    this.send();
  }

  // ── Task and Wait states ──

  private async runState(info: StateInfo, rawInput: Json): Promise<Json> {
    if (this.ending) throw new StatesError("States.Runtime", "the execution is ending");
    await this.libraryEventsHandled();
    if (info.wait) return this.runWait(info, rawInput);
    const task = info.task as TaskInfo;
    // A wait for a task token adds its task record to this barrier first (waitForTaskToken).
    if (!waitsForTaskToken(task)) await this.barrier().catch(() => undefined);
    return this.runTask(info, task, rawInput);
  }

  private attemptKey(info: StateInfo): string {
    if (info.topLevel) return `${info.name}#${this.entries[info.name] ?? 0}#${this.attempt}`;
    const calls = (this.nestedCalls.get(info.name) ?? 0) + 1;
    this.nestedCalls.set(info.name, calls);
    return `nested:${info.name}#${calls}`;
  }

  private async runWait(info: StateInfo, rawInput: Json): Promise<Json> {
    const parameters = isJsonObject(rawInput) ? rawInput : {};
    const input = parameters[INJECTED.input] ?? null;
    let untilMs: number;
    if (info.topLevel && this.checkpoint?.state === info.name && this.checkpoint.waitUntilMs !== undefined) {
      untilMs = this.checkpoint.waitUntilMs;
    } else {
      untilMs = waitDeadline(info, parameters, this.deps.clock.nowMs());
      if (info.topLevel && this.checkpoint?.state === info.name) {
        // The deadline rides with the state's checkpoint: one write at the barrier.
        this.saveCheckpoint({ ...this.checkpoint, waitUntilMs: untilMs });
      }
    }
    await this.barrier().catch(() => undefined);
    this.park();
    try {
      await this.deps.clock.sleepUntil(untilMs, this.abortController.signal);
    } finally {
      this.parked -= 1;
    }
    return input;
  }

  private async runTask(info: StateInfo, task: TaskInfo, rawInput: Json): Promise<Json> {
    const { payload, timeoutSeconds, heartbeatSeconds } = unpackTaskInput(info, task, rawInput);
    const now = this.deps.clock.nowMs();
    const deadlineMs = timeoutSeconds !== undefined ? now + timeoutSeconds * 1000 : undefined;
    if (task.kind === "lambda") {
      return this.invokeLambda(task, task.resource, payload, deadlineMs);
    }
    if (task.kind === "startExecution") return this.startExecution(info, task, payload);
    if (task.kind === "sqsSendMessageWaitForTaskToken") {
      const queue = isJsonObject(payload) ? this.deps.queues.get(String(payload.QueueUrl)) : undefined;
      if (!queue || !isJsonObject(payload)) {
        throw new StatesError(
          "SQS.QueueDoesNotExistException",
          `state ${info.name}: no queue of the local layer has the URL ${JSON.stringify(isJsonObject(payload) ? payload.QueueUrl : null)}`,
        );
      }
      // The queue is in memory: a wait resumed after a restart sends its message again (resend).
      const send = async (token: string) => queue.send(withTaskToken(payload, token));
      return this.waitForTaskToken(
        info,
        task,
        { submit: send, resend: true },
        payload,
        deadlineMs,
        heartbeatSeconds,
      );
    }
    if (!isJsonObject(payload) || typeof payload.FunctionName !== "string") {
      throw new StatesError("States.Runtime", `state ${info.name}: lambda:invoke needs a FunctionName`);
    }
    const functionName = payload.FunctionName;
    const event = payload.Payload ?? null;
    if (task.kind === "lambdaInvoke") {
      const result = await this.invokeLambda(task, functionName, event, deadlineMs, payload);
      return { ExecutedVersion: "$LATEST", Payload: result, StatusCode: 200 };
    }
    const invoke = (token: string) => this.deps.functions.invoke(functionName, withTaskToken(event, token));
    return this.waitForTaskToken(
      info,
      task,
      { submit: invoke, resend: false },
      payload,
      deadlineMs,
      heartbeatSeconds,
    );
  }

  private async invokeLambda(
    task: TaskInfo,
    functionName: string,
    event: Json,
    deadlineMs: number | undefined,
    parameters?: JsonObject,
  ): Promise<Json> {
    const direct = task.kind === "lambda";
    const resource = resourceDetails(task);
    if (direct) {
      this.recordEvent("LambdaFunctionScheduled", { resource: functionName, input: JSON.stringify(event) });
      this.recordEvent("LambdaFunctionStarted");
    } else {
      this.recordTaskStarted(task, parameters);
    }
    try {
      const output = await this.withDeadline(this.deps.functions.invoke(functionName, event), deadlineMs);
      if (direct) this.recordEvent("LambdaFunctionSucceeded", { output: JSON.stringify(output) });
      else this.recordEvent("TaskSucceeded", { ...resource, output: JSON.stringify(output) });
      return output;
    } catch (error) {
      this.recordTaskError(task, error);
      throw error;
    }
  }

  /** `states:startExecution`: the response the service integration gives (`ExecutionArn`, `StartDate`). */
  private async startExecution(info: StateInfo, task: TaskInfo, parameters: Json): Promise<Json> {
    if (!isJsonObject(parameters) || typeof parameters.StateMachineArn !== "string") {
      throw new StatesError("States.Runtime", `state ${info.name}: startExecution needs a StateMachineArn`);
    }
    const { StateMachineArn, Name, Input } = parameters;
    const resource = resourceDetails(task);
    this.recordTaskStarted(task, parameters);
    try {
      const started = await this.deps.startExecution({
        stateMachineArn: StateMachineArn,
        ...(typeof Name === "string" ? { name: Name } : {}),
        ...(Input !== undefined ? { input: typeof Input === "string" ? Input : JSON.stringify(Input) } : {}),
      });
      const output: Json = { ExecutionArn: started.executionArn, StartDate: started.startDate.toISOString() };
      this.recordEvent("TaskSucceeded", { ...resource, output: JSON.stringify(output) });
      return output;
    } catch (error) {
      // The service names an integration's API errors `StepFunctions.<Exception>`.
      const failure =
        error instanceof SfnApiError
          ? new StatesError(`StepFunctions.${error.type}Exception`, error.message)
          : error;
      this.recordTaskError(task, failure);
      throw failure;
    }
  }

  /** A service integration's TaskScheduled (its parameters, and `limits`: timeout, heartbeat) and TaskStarted. */
  private recordTaskStarted(
    task: TaskInfo,
    parameters: Json | undefined,
    limits: { [key: string]: Json } = {},
  ): void {
    const resource = resourceDetails(task);
    this.recordEvent("TaskScheduled", {
      ...resource,
      region: LOCAL_REGION,
      parameters: JSON.stringify(parameters),
      ...limits,
    });
    this.recordEvent("TaskStarted", resource);
  }

  private recordTaskError(task: TaskInfo, error: unknown): void {
    const name = error instanceof Error ? error.name : "Error";
    const cause = error instanceof Error ? error.message : String(error);
    const timedOut = name === "States.Timeout" || name === "States.HeartbeatTimeout";
    if (task.kind === "lambda") {
      this.recordEvent(timedOut ? "LambdaFunctionTimedOut" : "LambdaFunctionFailed", { error: name, cause });
    } else {
      this.recordEvent(timedOut ? "TaskTimedOut" : "TaskFailed", {
        ...resourceDetails(task),
        error: name,
        cause,
      });
    }
  }

  /** Races work against the task deadline on the layer's clock. */
  private async withDeadline<T>(work: Promise<T>, deadlineMs: number | undefined): Promise<T> {
    if (deadlineMs === undefined) return work;
    const timer = new AbortController();
    const signal = AbortSignal.any([timer.signal, this.abortController.signal]);
    try {
      return await Promise.race([
        work,
        this.deps.clock.sleepUntil(deadlineMs, signal).then(async () => {
          throw await statesTimeoutError();
        }),
      ]);
    } finally {
      timer.abort();
    }
  }

  /**
   * A task-token wait: `submit` hands the token out (invokes the function, or sends the message);
   * `resend` = hand it out again when the execution resumes in this wait after a restart (the local
   * queue does not outlive the process; a Lambda invocation that completed is not repeated).
   */
  private async waitForTaskToken(
    info: StateInfo,
    task: TaskInfo,
    handOut: { submit: (token: string) => Promise<Json>; resend: boolean },
    parameters: JsonObject,
    deadlineMs: number | undefined,
    heartbeatSeconds: number | undefined,
  ): Promise<Json> {
    const { store, clock, pending } = this.deps;
    const token = taskToken(this.record.executionArn, this.attemptKey(info));
    const resource = resourceDetails(task);
    let heartbeatSecondsOfTask = heartbeatSeconds;
    let heartbeatDeadlineMs: number | undefined;
    let rearm = new AbortController();
    let deliver!: (outcome: TaskOutcome) => void;
    const delivered = new Promise<TaskOutcome>((resolve) => {
      deliver = resolve;
    });
    // Reachable by SendTask* before the record is read: an outcome sent from now on is never lost.
    pending.set(token, {
      executionArn: this.record.executionArn,
      deliver,
      heartbeat: () => {
        if (heartbeatSecondsOfTask === undefined) return;
        heartbeatDeadlineMs = clock.nowMs() + heartbeatSecondsOfTask * 1000;
        rearm.abort();
      },
    });
    let record = this.inResumedState
      ? await store.getTask(token).catch((error) => {
          pending.delete(token);
          throw error;
        })
      : undefined;
    if (record && record.status !== "OPEN") {
      pending.delete(token);
      // Completed (or timed out) before a restart, after this state's checkpoint: apply it again.
      return this.applyClosedTask(task, record.status, record.outputJson, record.error, record.cause);
    }
    const isNew = !record;
    if (!record) {
      const now = clock.nowMs();
      record = {
        token,
        executionArn: this.record.executionArn,
        state: info.name,
        status: "OPEN",
        handlerDone: false,
        ...(deadlineMs !== undefined ? { deadlineMs } : {}),
        ...(heartbeatSeconds !== undefined
          ? { heartbeatSeconds, heartbeatDeadlineMs: now + heartbeatSeconds * 1000 }
          : {}),
      };
    }
    heartbeatSecondsOfTask = record.heartbeatSeconds;
    heartbeatDeadlineMs ??= record.heartbeatDeadlineMs;
    /** The record is closed (timed out, answered): a failure from here on does not close it again. */
    let closed = false;
    try {
      // Durable before the handler hands the token out, in one write with the state's checkpoint.
      if (isNew) {
        this.write(store.taskItem(record), { barrier: true });
        await this.barrier();
      } else {
        await this.barrier().catch(() => undefined);
      }
      if (!record.handlerDone || (handOut.resend && !isNew)) {
        this.recordTaskStarted(task, parameters, {
          ...(timeoutSecondsOf(record, clock.nowMs())
            ? { timeoutInSeconds: timeoutSecondsOf(record, clock.nowMs()) }
            : {}),
          ...(record.heartbeatSeconds !== undefined ? { heartbeatInSeconds: record.heartbeatSeconds } : {}),
        });
        const submitted = await this.withDeadline(handOut.submit(token), record.deadlineMs);
        this.recordEvent("TaskSubmitted", { ...resource, output: JSON.stringify(submitted) });
        // Sent as the execution parks (even while suspending): a resumed execution then waits for
        // the outcome instead of invoking the handler again.
        this.write(store.handlerDoneItem(token), { barrier: false, evenWhileSuspending: true });
      }
      for (;;) {
        const dueMs = Math.min(
          record.deadlineMs ?? Number.POSITIVE_INFINITY,
          heartbeatDeadlineMs ?? Number.POSITIVE_INFINITY,
        );
        rearm = new AbortController();
        const signal = AbortSignal.any([rearm.signal, this.abortController.signal]);
        const timer = Number.isFinite(dueMs)
          ? clock.sleepUntil(dueMs, signal).then(
              () => "due" as const,
              () => "rearm" as const,
            )
          : new Promise<"rearm">((resolve) =>
              signal.addEventListener("abort", () => resolve("rearm"), { once: true }),
            );
        this.park();
        const winner = await Promise.race([delivered, timer]).finally(() => {
          this.parked -= 1;
        });
        if (winner === "rearm") {
          rearm.abort();
          if (this.abortController.signal.aborted) throw this.abortController.signal.reason;
          continue;
        }
        rearm.abort();
        if (winner === "due") {
          const timedOut = (record.deadlineMs ?? Number.POSITIVE_INFINITY) <= clock.nowMs();
          closed = true;
          if (!(await store.updateOpenTask(token, { status: "TIMED_OUT" }))) {
            // An outcome was recorded at the same moment: it wins.
            const answered = await store.getTask(token);
            if (answered) {
              const { status, outputJson, error, cause } = answered;
              return this.applyClosedTask(task, status, outputJson, error, cause);
            }
          }
          const error = timedOut ? await statesTimeoutError() : heartbeatTimeoutError();
          throw error;
        }
        // SendTask* closed the record before delivering the outcome.
        closed = true;
        return this.applyOutcome(task, winner);
      }
    } catch (error) {
      if (!this.ending) {
        if (!closed) await store.updateOpenTask(token, { status: "FAILED" });
        this.recordTaskError(task, error);
      } else if (this.ending.kind !== "suspend" && !closed) {
        await store.updateOpenTask(token, { status: "CANCELLED" });
      }
      throw error;
    } finally {
      pending.delete(token);
    }
  }

  private async applyClosedTask(
    task: TaskInfo,
    status: string,
    outputJson: string | undefined,
    error: string | undefined,
    cause: string | undefined,
  ): Promise<Json> {
    if (status === "SUCCEEDED")
      return this.applyOutcome(task, { kind: "success", output: JSON.parse(outputJson ?? "null") as Json });
    if (status === "TIMED_OUT") throw await statesTimeoutError();
    return this.applyOutcome(task, { kind: "failure", error: error ?? "", cause: cause ?? "" });
  }

  private applyOutcome(task: TaskInfo, outcome: TaskOutcome): Json {
    const resource = resourceDetails(task);
    if (outcome.kind === "success") {
      this.recordEvent("TaskSucceeded", { ...resource, output: JSON.stringify(outcome.output) });
      return outcome.output;
    }
    throw new StatesError(outcome.error, outcome.cause);
  }

  // ── the end ──

  private async finish(
    result: { ok: true; output: Json } | { ok: false; error: string; cause: string },
  ): Promise<void> {
    const ending = this.ending;
    this.closing = true;
    this.abortController.abort(new StatesError("States.Runtime", "execution finished"));
    if (ending?.kind === "suspend") {
      await this.persistHistory();
      return;
    }
    const stopMs = this.deps.clock.nowMs();
    let outcome: {
      status: Exclude<ExecutionStatus, "RUNNING">;
      outputJson?: string;
      error?: string;
      cause?: string;
    };
    if (ending?.kind === "abort") {
      outcome = {
        status: "ABORTED",
        ...(ending.error ? { error: ending.error } : {}),
        ...(ending.cause ? { cause: ending.cause } : {}),
      };
      this.recordEvent("ExecutionAborted", {
        ...(ending.error ? { error: ending.error } : {}),
        ...(ending.cause ? { cause: ending.cause } : {}),
      });
    } else if (ending?.kind === "timeout") {
      outcome = { status: "TIMED_OUT", error: "States.Timeout", cause: "The execution timed out" };
      this.recordEvent("ExecutionTimedOut", { error: "States.Timeout", cause: "The execution timed out" });
    } else if (result.ok) {
      outcome = { status: "SUCCEEDED", outputJson: JSON.stringify(result.output) };
      this.recordEvent("ExecutionSucceeded", {
        output: outcome.outputJson ?? "null",
        outputDetails: { truncated: false },
      });
    } else {
      outcome = { status: "FAILED", error: result.error, cause: result.cause };
      this.recordEvent("ExecutionFailed", { error: result.error, cause: result.cause });
    }
    await this.close({ ...outcome, stopMs });
  }

  /** Closes the execution with its last events in one transaction (after the writes sent before). */
  private async close(outcome: Parameters<ExecutionStore["finishExecution"]>[1]): Promise<void> {
    const { store } = this.deps;
    // A checkpoint written with the close is inert (only a RUNNING execution resumes): left out.
    const last = this.buffer.filter((item) => !store.isCheckpointItem(item));
    this.buffer = [];
    this.bufferNeedsBarrier = false;
    await this.writes;
    let closed: boolean;
    try {
      closed = await store.finishExecution(this.record.executionArn, outcome, last);
      // Closed meanwhile (StopExecution): the last events are history all the same.
      if (!closed) this.track(store.write(last));
    } catch (error) {
      this.deps.onError(`execution ${this.record.executionArn}: closing with its last events failed`, error);
      this.track(store.write(last));
      await this.writes;
      closed = await store.finishExecution(this.record.executionArn, outcome);
    }
    await this.writes;
    if (closed) {
      const { checkpoint: _checkpoint, ...record } = this.record;
      this.closed = { ...record, ...outcome };
    }
  }
}

function waitsForTaskToken(task: TaskInfo): boolean {
  return task.kind === "sqsSendMessageWaitForTaskToken" || task.kind === "lambdaInvokeWaitForTaskToken";
}

function unpackTaskInput(
  info: StateInfo,
  task: TaskInfo,
  rawInput: Json,
): { payload: Json; timeoutSeconds?: number; heartbeatSeconds?: number } {
  let payload: Json = rawInput;
  let timeoutSeconds = task.timeoutSeconds;
  let heartbeatSeconds = task.heartbeatSeconds;
  if (isJsonObject(rawInput)) {
    const {
      [INJECTED.input]: wrapped,
      [INJECTED.timeoutSeconds]: timeout,
      [INJECTED.heartbeatSeconds]: heartbeat,
      ...rest
    } = rawInput;
    if (timeout !== undefined) timeoutSeconds = positiveSeconds(info, "TimeoutSecondsPath", timeout);
    if (heartbeat !== undefined) heartbeatSeconds = positiveSeconds(info, "HeartbeatSecondsPath", heartbeat);
    payload = task.wrapsInput ? (wrapped ?? null) : rest;
  }
  return {
    payload,
    ...(timeoutSeconds !== undefined ? { timeoutSeconds } : {}),
    ...(heartbeatSeconds !== undefined ? { heartbeatSeconds } : {}),
  };
}

function positiveSeconds(info: StateInfo, field: string, value: Json): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1) {
    throw new StatesError(
      "States.Runtime",
      `state ${info.name}: ${field} must select a positive integer, got ${JSON.stringify(value)}`,
    );
  }
  return value;
}

function waitDeadline(info: StateInfo, parameters: JsonObject, nowMs: number): number {
  const seconds = parameters[INJECTED.waitSeconds] ?? info.wait?.seconds;
  if (seconds !== undefined) {
    if (typeof seconds !== "number" || seconds < 0) {
      throw new StatesError(
        "States.Runtime",
        `state ${info.name}: SecondsPath must select a non-negative number`,
      );
    }
    return nowMs + seconds * 1000;
  }
  const timestamp = parameters[INJECTED.waitTimestamp] ?? info.wait?.timestamp;
  const ms = typeof timestamp === "string" ? Date.parse(timestamp) : Number.NaN;
  if (Number.isNaN(ms)) {
    throw new StatesError(
      "States.Runtime",
      `state ${info.name}: Timestamp(Path) must be an RFC 3339 timestamp`,
    );
  }
  return ms;
}

function resourceDetails(task: TaskInfo): { resourceType: string; resource: string } {
  if (task.kind === "lambda") return { resourceType: "lambda", resource: task.resource };
  if (task.kind === "startExecution") return { resourceType: "states", resource: "startExecution" };
  if (task.kind === "sqsSendMessageWaitForTaskToken") {
    return { resourceType: "sqs", resource: "sendMessage.waitForTaskToken" };
  }
  return {
    resourceType: "lambda",
    resource: task.kind === "lambdaInvoke" ? "invoke" : "invoke.waitForTaskToken",
  };
}

function timeoutSecondsOf(record: { deadlineMs?: number }, nowMs: number): number | undefined {
  return record.deadlineMs === undefined ? undefined : Math.round((record.deadlineMs - nowMs) / 1000);
}
