/**
 * Loads the ASL files (`workflows/*.asl.json`) the way the CDK app deploys them
 * (`DefinitionBody.fromFile` + `definitionSubstitutions`, ARCHITECTURE §3.9): every `${Name}` of the
 * file text is replaced by its substitution value, then the JSON is parsed. Locally
 * `${<Id>FunctionArn}` names the catalog function's local ARN, which resolves to its handler module,
 * and `${Partition}` is `aws` (the CDK app passes the deployment's partition, `aws-cn` in China);
 * `${LedgerQueueUrl}` is the URL of the layer's in-process draw queue (sqs.ts).
 *
 * What the local interpreter cannot run is refused here, loudly, before any execution starts.
 */
import "./polyfill.ts";
import { readdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { StateMachine, type StateMachineDefinition } from "aws-local-stepfunctions";
import {
  CONTINUATION_SUBSTITUTION,
  DRAW_QUEUE_SUBSTITUTION,
  PARTITION_SUBSTITUTION,
} from "#workflows/substitutions.ts";
import { localStateMachineArn } from "./arn.ts";
import {
  type AslDefinition,
  allStates,
  isJsonObject,
  type Json,
  LAMBDA_INVOKE,
  LAMBDA_INVOKE_WAIT_FOR_TASK_TOKEN,
  SQS_SEND_MESSAGE_WAIT_FOR_TASK_TOKEN,
  STATES_START_EXECUTION,
  taskKindOf,
  usesJsonata,
} from "./asl.ts";
import type { LocalFunctions } from "./functions.ts";
import { LOCAL_DRAW_QUEUE_NAME, localQueueUrl } from "./sqs.ts";

export interface WorkflowSource {
  /** State-machine name (the ARN's last part); `flow-a` for `workflows/flow-a.asl.json`. */
  name: string;
  file: string;
}

export interface LoadedWorkflow {
  name: string;
  stateMachineArn: string;
  file: string;
  /** The definition after substitution, validated once. */
  definition: AslDefinition;
}

const ASL_SUFFIX = ".asl.json";
const PLACEHOLDER = /\$\{([A-Za-z0-9_]+)\}/g;

/**
 * `${Partition}` of the integration ARNs (`arn:${Partition}:states:::lambda:invoke…`): the local layer
 * recognises the `aws` spelling of each integration it runs.
 */
export const LOCAL_PARTITION = "aws";

/** Every `*.asl.json` of a directory, named after the file. A missing directory has none. */
export function discoverWorkflows(dir: string): WorkflowSource[] {
  let files: string[];
  try {
    files = readdirSync(dir);
  } catch {
    return [];
  }
  return files
    .filter((file) => file.endsWith(ASL_SUFFIX))
    .sort()
    .map((file) => ({ name: basename(file, ASL_SUFFIX), file: join(dir, file) }));
}

/** CloudFormation's `DefinitionSubstitutions`: `${Key}` → value. An unknown placeholder is an error. */
export function applySubstitutions(
  text: string,
  substitutions: Record<string, string>,
  file: string,
): string {
  const missing = new Set<string>();
  const replaced = text.replace(PLACEHOLDER, (placeholder, key: string) => {
    const value = substitutions[key];
    if (value === undefined) {
      missing.add(key);
      return placeholder;
    }
    return value;
  });
  if (missing.size > 0) {
    throw new Error(
      `${file}: no definition substitution for ${[...missing].map((k) => `\${${k}}`).join(", ")}`,
    );
  }
  return replaced;
}

export async function loadWorkflow(
  source: WorkflowSource,
  functions: LocalFunctions,
  extraSubstitutions: Record<string, string> = {},
): Promise<LoadedWorkflow> {
  const text = applySubstitutions(
    readFileSync(source.file, "utf8"),
    {
      [PARTITION_SUBSTITUTION]: LOCAL_PARTITION,
      [CONTINUATION_SUBSTITUTION]: localStateMachineArn(source.name),
      [DRAW_QUEUE_SUBSTITUTION]: localQueueUrl(LOCAL_DRAW_QUEUE_NAME),
      ...functions.substitutions(),
      ...extraSubstitutions,
    },
    source.file,
  );
  const definition = JSON.parse(text) as AslDefinition;
  refuseUnsupported(definition, source.file);
  // The original is validated once here; the copies the layer runs skip validation (ARCHITECTURE §4).
  new StateMachine(definition as unknown as StateMachineDefinition);
  await loadReferencedFunctions(definition, functions, source.file);
  return {
    name: source.name,
    stateMachineArn: localStateMachineArn(source.name),
    file: source.file,
    definition,
  };
}

function refuseUnsupported(definition: AslDefinition, file: string): void {
  if (usesJsonata(definition)) {
    throw new Error(
      `${file}: QueryLanguage JSONata is not supported by the local runner (aws-local-stepfunctions ignores ` +
        `it silently); write the workflow in JSONPath (STYLE §2)`,
    );
  }
  const seen = new Set<string>();
  for (const { name, state } of allStates(definition)) {
    if (seen.has(name)) {
      throw new Error(
        `${file}: state name "${name}" is used twice; names must be unique in the whole machine`,
      );
    }
    seen.add(name);
    if ("Assign" in state) {
      throw new Error(
        `${file}: state "${name}" uses Assign (variables), which the local runner does not support`,
      );
    }
    if (state.Type === "Pass" && "Result" in state && !state.Result) {
      throw new Error(
        `${file}: state "${name}" has a Pass Result of ${JSON.stringify(state.Result)}; aws-local-stepfunctions ` +
          `passes the input on instead of a falsy Result (AWS writes it): set the value with Parameters`,
      );
    }
    if (state.Type === "Choice" && usesIsPresentFalse(state.Choices)) {
      throw new Error(
        `${file}: state "${name}" has a Choice rule with IsPresent false; aws-local-stepfunctions never ` +
          `matches it (AWS matches an absent path): write Not { IsPresent: true }`,
      );
    }
    if (state.Type === "Task") {
      const resource = String(state.Resource);
      if (!taskKindOf(resource)) {
        throw new Error(
          `${file}: state "${name}" uses ${resource}; the local runner runs Lambda functions, ` +
            `${LAMBDA_INVOKE}, ${LAMBDA_INVOKE_WAIT_FOR_TASK_TOKEN}, ${SQS_SEND_MESSAGE_WAIT_FOR_TASK_TOKEN} ` +
            `and ${STATES_START_EXECUTION} only`,
        );
      }
      if ("Parameters" in state && !isJsonObject(state.Parameters)) {
        throw new Error(`${file}: state "${name}" has Parameters that are not an object`);
      }
    }
  }
}

/** A Choice rule (nested in And/Or/Not at any depth) with `IsPresent: false`. */
function usesIsPresentFalse(rules: unknown): boolean {
  if (Array.isArray(rules)) return rules.some(usesIsPresentFalse);
  if (!isJsonObject(rules)) return false;
  if (rules.IsPresent === false) return true;
  return [rules.And, rules.Or, rules.Not].some(
    (nested) => nested !== undefined && usesIsPresentFalse(nested),
  );
}

async function loadReferencedFunctions(
  definition: AslDefinition,
  functions: LocalFunctions,
  file: string,
): Promise<void> {
  for (const { name, state } of allStates(definition)) {
    if (state.Type !== "Task") continue;
    const reference = staticFunctionReference(state.Resource as string, state.Parameters);
    if (reference === undefined) continue;
    if (!functions.find(reference)) {
      throw new Error(`${file}: state "${name}" calls ${reference}, which is not a function of the catalog`);
    }
    await functions.load(reference);
  }
}

/** The function a Task names in the definition itself (a `FunctionName.$` path is resolved at run time). */
function staticFunctionReference(resource: string, parameters: Json | undefined): string | undefined {
  if (taskKindOf(resource) === "lambda") return resource;
  if (taskKindOf(resource) === "startExecution") return undefined;
  if (taskKindOf(resource) === "sqsSendMessageWaitForTaskToken") return undefined;
  if (isJsonObject(parameters) && typeof parameters.FunctionName === "string") return parameters.FunctionName;
  return undefined;
}
