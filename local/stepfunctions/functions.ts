/**
 * The catalog's Lambda functions, run in-process: a function is found by the name or ARN a state
 * machine uses (`aidflow-<Id>`, the value of `${<Id>FunctionArn}`), its module is loaded with a
 * dynamic import of `entry`, and it is called with a Lambda-shaped context.
 */
import { randomUUID } from "node:crypto";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { Context } from "aws-lambda";
import type { FunctionDefinition } from "#functions/catalog.ts";
import { functionNameOf, LOCAL_REGION, localFunctionArn, localFunctionName } from "./arn.ts";
import type { Json } from "./asl.ts";
import { StatesError } from "./errors.ts";

export type LambdaHandler = (event: unknown, context: Context) => unknown;

/** Lambda's default timeout, used for `getRemainingTimeInMillis` when the catalog gives none. */
const DEFAULT_FUNCTION_TIMEOUT_SECONDS = 10;

export class LocalFunctions {
  private readonly byName = new Map<string, FunctionDefinition>();
  private readonly loaded = new Map<string, Promise<LambdaHandler>>();

  constructor(
    readonly definitions: readonly FunctionDefinition[],
    /** Directory the catalog's `entry` paths are relative to (the repository root). */
    private readonly rootDir: string,
  ) {
    for (const definition of definitions) this.byName.set(localFunctionName(definition.id), definition);
  }

  /** `${<Id>FunctionArn}` → the local ARN of every catalog function (CDK passes the deployed ARNs). */
  substitutions(): Record<string, string> {
    return Object.fromEntries(this.definitions.map((d) => [`${d.id}FunctionArn`, localFunctionArn(d.id)]));
  }

  find(reference: string): FunctionDefinition | undefined {
    return this.byName.get(functionNameOf(reference));
  }

  /** Loads the handler module now, so a wrong `entry`/`handler` fails at start-up, not mid-execution. */
  load(reference: string): Promise<LambdaHandler> {
    const definition = this.find(reference);
    if (!definition) {
      return Promise.reject(new Error(`no function of the catalog is named ${functionNameOf(reference)}`));
    }
    let handler = this.loaded.get(definition.id);
    if (!handler) {
      handler = importHandler(this.rootDir, definition);
      this.loaded.set(definition.id, handler);
    }
    return handler;
  }

  /**
   * Invokes a function with a JSON event. The result is passed through JSON as Lambda would; an
   * error thrown with `name` X surfaces as error X (what Retry/Catch match), its cause the JSON
   * `{errorType, errorMessage}` Lambda reports.
   */
  async invoke(reference: string, event: Json): Promise<Json> {
    const definition = this.find(reference);
    if (!definition) {
      throw new StatesError("Lambda.ResourceNotFoundException", `Function not found: ${reference}`);
    }
    const handler = await this.load(reference);
    const startedMs = Date.now();
    const timeoutMs = (definition.timeoutSeconds ?? DEFAULT_FUNCTION_TIMEOUT_SECONDS) * 1000;
    const context = lambdaContext(definition, () => timeoutMs - (Date.now() - startedMs));
    let result: unknown;
    try {
      result = await handler(structuredClone(event), context);
    } catch (error) {
      throw asLambdaError(error);
    }
    return result === undefined ? null : (JSON.parse(JSON.stringify(result)) as Json);
  }
}

async function importHandler(rootDir: string, definition: FunctionDefinition): Promise<LambdaHandler> {
  const module = (await import(pathToFileURL(resolve(rootDir, definition.entry)).href)) as Record<
    string,
    unknown
  >;
  const handler = module[definition.handler];
  if (typeof handler !== "function") {
    throw new Error(`${definition.entry} does not export a function named ${definition.handler}`);
  }
  return handler as LambdaHandler;
}

function lambdaContext(definition: FunctionDefinition, remainingMs: () => number): Context {
  const functionName = localFunctionName(definition.id);
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: "$LATEST",
    invokedFunctionArn: localFunctionArn(definition.id),
    memoryLimitInMB: String(definition.memoryMb ?? 128),
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: `local/${LOCAL_REGION}`,
    getRemainingTimeInMillis: () => Math.max(0, remainingMs()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

function asLambdaError(error: unknown): StatesError {
  const errorType = error instanceof Error ? error.name : "Error";
  const errorMessage = error instanceof Error ? error.message : String(error);
  return new StatesError(errorType, JSON.stringify({ errorType, errorMessage }));
}
