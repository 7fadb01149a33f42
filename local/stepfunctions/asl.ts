/**
 * Amazon States Language as plain JSON, and the walks over it the layer needs: every state at every
 * depth (Map/Parallel included), the Task resources the layer can run, and the loud refusals
 * (JSONata, variables, duplicate names, unknown integrations, a falsy Pass Result, a Choice rule with IsPresent false: loader.ts).
 */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export interface AslState extends JsonObject {
  Type: string;
}

export interface AslDefinition extends JsonObject {
  StartAt: string;
  States: { [name: string]: AslState };
}

export const LAMBDA_INVOKE = "arn:aws:states:::lambda:invoke";
export const LAMBDA_INVOKE_WAIT_FOR_TASK_TOKEN = "arn:aws:states:::lambda:invoke.waitForTaskToken";
/** A message with the state's task token to an SQS queue (Flow A's `DrawAid` → the fund's draw queue). */
export const SQS_SEND_MESSAGE_WAIT_FOR_TASK_TOKEN = "arn:aws:states:::sqs:sendMessage.waitForTaskToken";
/** Continue-as-new: a state starts a fresh execution (fire and forget, not `.sync`). */
export const STATES_START_EXECUTION = "arn:aws:states:::states:startExecution";
const LAMBDA_FUNCTION_ARN = /^arn:aws[a-z-]*:lambda:[^:]+:[0-9]{12}:function:[^:]+(?::[^:]+)?$/;

/** How a Task resource is run locally. */
export type TaskKind =
  | "lambda"
  | "lambdaInvoke"
  | "lambdaInvokeWaitForTaskToken"
  | "sqsSendMessageWaitForTaskToken"
  | "startExecution";

export function taskKindOf(resource: string): TaskKind | undefined {
  if (resource === LAMBDA_INVOKE) return "lambdaInvoke";
  if (resource === LAMBDA_INVOKE_WAIT_FOR_TASK_TOKEN) return "lambdaInvokeWaitForTaskToken";
  if (resource === SQS_SEND_MESSAGE_WAIT_FOR_TASK_TOKEN) return "sqsSendMessageWaitForTaskToken";
  if (resource === STATES_START_EXECUTION) return "startExecution";
  if (LAMBDA_FUNCTION_ARN.test(resource)) return "lambda";
  return undefined;
}

export interface StateVisit {
  name: string;
  state: AslState;
  /** True for the states of the definition's own `States` (not inside a Map or Parallel). */
  topLevel: boolean;
}

/** Every state of the definition, depth first, nested Map/Parallel states included. */
export function allStates(
  definition: { States: { [name: string]: AslState } },
  topLevel = true,
): StateVisit[] {
  const visits: StateVisit[] = [];
  for (const [name, state] of Object.entries(definition.States)) {
    visits.push({ name, state, topLevel });
    for (const nested of nestedDefinitions(state)) visits.push(...allStates(nested, false));
  }
  return visits;
}

export function nestedDefinitions(state: AslState): AslDefinition[] {
  const nested: AslDefinition[] = [];
  if (state.Type === "Parallel" && Array.isArray(state.Branches)) {
    for (const branch of state.Branches) nested.push(branch as AslDefinition);
  }
  if (state.Type === "Map") {
    const processor = (state.ItemProcessor ?? state.Iterator) as AslDefinition | undefined;
    if (processor) nested.push(processor);
  }
  return nested;
}

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Any `QueryLanguage: "JSONata"`, at the top or on any state, at any depth. */
export function usesJsonata(value: Json): boolean {
  if (Array.isArray(value)) return value.some(usesJsonata);
  if (!isJsonObject(value)) return false;
  if (value.QueryLanguage === "JSONata") return true;
  return Object.values(value).some(usesJsonata);
}
