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

export const FUNCTIONS: readonly FunctionDefinition[] = [
  {
    id: "Health",
    entry: "functions/handlers/health.ts",
    handler: "handler",
    description: "Health check",
    routes: [{ method: "GET", path: "/health", public: true }],
    access: {},
  },
  {
    id: "OpenApi",
    entry: "functions/handlers/openapi.ts",
    handler: "handler",
    description: "OpenAPI 3.1 document and readable API docs",
    routes: [
      { method: "GET", path: "/openapi.json", public: true },
      { method: "GET", path: "/docs", public: true },
    ],
    access: {},
  },
  {
    id: "Documents",
    entry: "functions/handlers/documents.ts",
    handler: "handler",
    description: "Upload URLs and the document list of a case",
    routes: [
      { method: "POST", path: "/cases/{caseId}/documents" },
      { method: "GET", path: "/cases/{caseId}/documents" },
    ],
    access: { tables: { main: "write" }, documents: "write" },
  },
  {
    id: "Audit",
    entry: "functions/handlers/audit.ts",
    handler: "handler",
    description: "Audit trail for auditors (masked) and chain verification",
    routes: [
      { method: "GET", path: "/audit" },
      { method: "GET", path: "/audit/verify" },
    ],
    access: { tables: { main: "read" } },
  },
  {
    id: "BankCallback",
    entry: "functions/handlers/bank-callback.ts",
    handler: "handler",
    description: "Signed bank callback: records an outcome once and resumes the waiting payment step",
    // Public: the bank authenticates with an HMAC signature (AIDFLOW_BANK_CALLBACK_SECRET), not a user JWT.
    routes: [{ method: "POST", path: "/bank/callback", public: true }],
    access: { tables: { main: "write" }, stepFunctions: ["taskResponse"] },
  },
  {
    id: "PollPaymentStatus",
    entry: "functions/handlers/bank-callback.ts",
    handler: "pollPaymentStatus",
    description: "Asks the bank for the status of a payment whose callback did not come, and records it",
    access: { tables: { main: "write" } },
  },
];
