/**
 * Every Lambda function of AidFlow, described once (one source for two runtimes):
 * - `infra/` builds one NodejsFunction per entry (its own least-privilege role from `access`), wires
 *   HTTP routes to the HTTP API and passes `${<id>FunctionArn}` as a definition substitution to the
 *   state machines;
 * - `local/` serves the same routes and resolves the same substitutions to the same handler modules.
 *
 * ASL convention: a task names its function as `${<id>FunctionArn}` (e.g. `${RecordAdvanceTaskFunctionArn}`).
 */

export type TableAccess = "read" | "write";

export interface FunctionDefinition {
  /** PascalCase id; the ASL placeholder is `${<id>FunctionArn}`. */
  id: string;
  /** Module path from the repository root, e.g. `functions/handlers/file-case.ts`. */
  entry: string;
  /** Exported handler name in that module. */
  handler: string;
  /** One-line purpose (also the Lambda description). */
  description: string;
  /** HTTP routes served by this function (HTTP API in AWS, the local server locally). */
  routes?: ReadonlyArray<{ method: "GET" | "POST" | "PUT" | "DELETE"; path: string; public?: boolean }>;
  access: {
    tables?: Partial<Record<"main" | "ledger", TableAccess>>;
    /** Step Functions actions this function calls (start an execution, complete a task token). */
    stepFunctions?: ReadonlyArray<"start" | "taskResponse" | "describe">;
    documents?: TableAccess;
    notifications?: boolean;
  };
  /** Lambda timeout; default 10 s. */
  timeoutSeconds?: number;
  memoryMb?: number;
}

export const FUNCTIONS: readonly FunctionDefinition[] = [];
