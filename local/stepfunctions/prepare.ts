/**
 * The copy of a definition that aws-local-stepfunctions actually runs. The library keeps time with
 * `setTimeout` on the wall clock, defaults every Task to a 60 s timeout and overflows above 24.8 days
 * (ARCHITECTURE §4), so every time-keeping field moves to the layer, which keeps it on its clock:
 *
 * - Task `TimeoutSeconds(Path)` / `HeartbeatSeconds(Path)` are removed and the library's own task timer
 *   is clamped to the largest delay a timer can hold; a `…Path` is still resolved by the library, as an
 *   extra `Parameters` entry the layer strips before the handler sees the payload.
 * - A Wait state becomes a Task with a layer-internal resource that sleeps on the layer's clock; its
 *   `InputPath`/`OutputPath` keep their meaning (the task returns its input). History still says Wait.
 * - The machine's `TimeoutSeconds` is removed; the layer enforces it on its clock.
 */
import {
  type AslDefinition,
  type AslState,
  allStates,
  isJsonObject,
  type JsonObject,
  nestedDefinitions,
  type TaskKind,
  taskKindOf,
} from "./asl.ts";

/** Largest whole-second delay a Node timer holds (2^31−1 ms): the library's task timer never fires first. */
export const LIBRARY_TASK_TIMEOUT_SECONDS = 2_147_483;
export const WAIT_RESOURCE = "arn:aws:states:::aidflow:wait";

/** Parameters entries the layer adds for the library to resolve, removed again before the handler runs. */
export const INJECTED = {
  input: "__aidflowInput",
  timeoutSeconds: "__aidflowTimeoutSeconds",
  heartbeatSeconds: "__aidflowHeartbeatSeconds",
  waitSeconds: "__aidflowWaitSeconds",
  waitTimestamp: "__aidflowWaitTimestamp",
} as const;

export interface TaskInfo {
  kind: TaskKind;
  resource: string;
  timeoutSeconds?: number;
  heartbeatSeconds?: number;
  /** The payload arrives wrapped as `{ __aidflowInput: … }` (no Parameters of its own). */
  wrapsInput: boolean;
}

export interface WaitInfo {
  seconds?: number;
  timestamp?: string;
}

export interface StateInfo {
  name: string;
  /** The state's type in the original definition (history events are named after it). */
  type: string;
  topLevel: boolean;
  task?: TaskInfo;
  wait?: WaitInfo;
  /** Retry intervals in seconds, one per retrier (scaled to the layer's clock at run time). */
  retryIntervalsSeconds: number[];
}

export interface PreparedDefinition {
  runnable: AslDefinition;
  executionTimeoutSeconds?: number;
  states: Map<string, StateInfo>;
}

export function prepareDefinition(original: AslDefinition): PreparedDefinition {
  const runnable = structuredClone(original);
  const executionTimeoutSeconds =
    typeof runnable.TimeoutSeconds === "number" ? runnable.TimeoutSeconds : undefined;
  delete runnable.TimeoutSeconds;
  const states = new Map<string, StateInfo>();
  for (const { name, state, topLevel } of allStates(original)) {
    states.set(name, describeState(name, state, topLevel));
  }
  rewriteStates(runnable);
  return { runnable, states, ...(executionTimeoutSeconds !== undefined ? { executionTimeoutSeconds } : {}) };
}

function describeState(name: string, state: AslState, topLevel: boolean): StateInfo {
  const retriers = Array.isArray(state.Retry) ? state.Retry : [];
  const info: StateInfo = {
    name,
    type: state.Type,
    topLevel,
    retryIntervalsSeconds: retriers.map((r) =>
      isJsonObject(r) && typeof r.IntervalSeconds === "number" ? r.IntervalSeconds : 1,
    ),
  };
  if (state.Type === "Task") {
    const resource = String(state.Resource);
    info.task = {
      kind: taskKindOf(resource) as TaskKind,
      resource,
      wrapsInput:
        !("Parameters" in state) && ("TimeoutSecondsPath" in state || "HeartbeatSecondsPath" in state),
      ...(typeof state.TimeoutSeconds === "number" ? { timeoutSeconds: state.TimeoutSeconds } : {}),
      ...(typeof state.HeartbeatSeconds === "number" ? { heartbeatSeconds: state.HeartbeatSeconds } : {}),
    };
  }
  if (state.Type === "Wait") {
    info.wait = {
      ...(typeof state.Seconds === "number" ? { seconds: state.Seconds } : {}),
      ...(typeof state.Timestamp === "string" ? { timestamp: state.Timestamp } : {}),
    };
  }
  return info;
}

function rewriteStates(definition: AslDefinition): void {
  for (const [name, state] of Object.entries(definition.States)) {
    for (const nested of nestedDefinitions(state)) rewriteStates(nested);
    if (state.Type === "Task") definition.States[name] = rewriteTask(state);
    if (state.Type === "Wait") definition.States[name] = rewriteWait(state);
  }
}

function rewriteTask(state: AslState): AslState {
  const { TimeoutSeconds, TimeoutSecondsPath, HeartbeatSeconds, HeartbeatSecondsPath, ...rest } = state;
  const injected: JsonObject = {};
  if (typeof TimeoutSecondsPath === "string") injected[`${INJECTED.timeoutSeconds}.$`] = TimeoutSecondsPath;
  if (typeof HeartbeatSecondsPath === "string")
    injected[`${INJECTED.heartbeatSeconds}.$`] = HeartbeatSecondsPath;
  const rewritten: AslState = { ...rest, TimeoutSeconds: LIBRARY_TASK_TIMEOUT_SECONDS };
  if (Object.keys(injected).length > 0) {
    rewritten.Parameters = isJsonObject(state.Parameters)
      ? { ...state.Parameters, ...injected }
      : { [`${INJECTED.input}.$`]: "$", ...injected };
  }
  return rewritten;
}

function rewriteWait(state: AslState): AslState {
  const parameters: JsonObject = { [`${INJECTED.input}.$`]: "$" };
  if (typeof state.SecondsPath === "string") parameters[`${INJECTED.waitSeconds}.$`] = state.SecondsPath;
  if (typeof state.TimestampPath === "string")
    parameters[`${INJECTED.waitTimestamp}.$`] = state.TimestampPath;
  const task: AslState = {
    Type: "Task",
    Resource: WAIT_RESOURCE,
    Parameters: parameters,
    TimeoutSeconds: LIBRARY_TASK_TIMEOUT_SECONDS,
  };
  for (const key of ["Comment", "InputPath", "OutputPath", "Next", "End"] as const) {
    const value = state[key];
    if (value !== undefined) task[key] = value;
  }
  return task;
}
