/**
 * Every Lambda function of AidFlow, described once (one source for two runtimes):
 * - `infra/` builds one NodejsFunction per entry (its own least-privilege role from `access`), wires
 *   HTTP routes to the HTTP API and passes `${<id>FunctionArn}` as a definition substitution to the
 *   state machines;
 * - `local/` serves the same routes and resolves the same substitutions to the same handler modules.
 *
 * ASL convention: a task names its function as `${<id>FunctionArn}` (e.g. `${RecordAdvanceTaskFunctionArn}`).
 */

import type { SecretName } from "./runtime/environment.ts";
import type { TableId } from "./runtime/tables.ts";

export type TableAccess = "read" | "write";

/**
 * What a function reads besides what its `access` implies (table names, the bucket, state machines,
 * the topic): functions/runtime/config.ts reads exactly these at cold start, `infra/` sets them and
 * grants their reads — a need declared here cannot be missing from the deployed environment.
 */
export interface ConfigNeeds {
  /** Secrets Manager secrets (one per purpose), read through Powertools Parameters. */
  secrets?: readonly SecretName[];
  /** Instructs or asks the bank: the bank endpoints (the request secret goes in `secrets`). */
  bankEndpoints?: boolean;
  /** Tells the bank where to post its outcome: the callback URL. */
  bankCallbackUrl?: boolean;
  /**
   * Seals or opens bank account numbers and applicants' phones: the KMS key of field encryption
   * (`AIDFLOW_ACCOUNT_KEY_ID`). `"open-phone"`: only opens applicants' phones (kms:Decrypt for the
   * field `applicant-phone`), as the SMS functions do: they never seal a field nor open an account.
   */
  accountKey?: boolean | "open-phone";
  /** Creates and disables staff accounts: the Cognito user pool's id, where the deployment has one. */
  userPool?: boolean;
  /** Sends SMS through the counties' providers: their access keys (SMS_CREDENTIALS, JSON). */
  smsCredentials?: boolean;
  /** Verifies sign-in tokens for the HTTP API: the staff and applicant Cognito pools and their clients. */
  signInPools?: boolean;
}

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
    stepFunctions?: ReadonlyArray<"start" | "taskResponse" | "describe" | "stop">;
    /** The documents bucket: case documents (`read`/`write`), or only the server-made exports. */
    documents?: TableAccess | "exports";
    notifications?: boolean;
  };
  /** Secrets and bank settings; see `ConfigNeeds`. */
  config?: ConfigNeeds;
  /**
   * What invokes a function besides routes and state machines: `messageStream` = new message items
   * of the main table's stream (filtered, with a dead-letter queue); `dueSchedule` = every few minutes
   * (infra/sms-dispatch.ts); `reminderSchedule` = the deadline reminders' scan, hourly
   * (infra/deadline-reminders.ts); `rollupSchedule` = the daily province roll-up, hourly
   * (infra/daily-rollup.ts). Locally the SMS simulator's poll stands in for all four.
   * `textStatusEvents` = AWS End User Messaging's text status events (receipts) from EventBridge, and
   * its SendTextMessage (infra/sms-dispatch.ts); locally the simulator reports receipts itself.
   * `drawQueue` = the deployment's SQS FIFO draw queue, one message group per township fund
   * (infra/ledger-queue.ts); locally the Step Functions layer's in-process FIFO queue
   * (local/stepfunctions/sqs.ts) delivers to it.
   */
  triggers?: {
    messageStream?: boolean;
    dueSchedule?: boolean;
    reminderSchedule?: boolean;
    rollupSchedule?: boolean;
    drawQueue?: boolean;
    textStatusEvents?: boolean;
  };
  /** Lambda timeout; default 10 s. */
  timeoutSeconds?: number;
  memoryMb?: number;
}

/** Everything that goes through `flowDeps()`, whose identity port hashes identity numbers at once. */
const FLOW_DEPS: ConfigNeeds = { secrets: ["identityHashKey"] };
/** Takes a payee's bank account: stored sealed (field encryption) and searchable by its keyed hash. */
const ACCOUNT_INTAKE: ConfigNeeds = { secrets: ["identityHashKey", "payeeHashSecret"], accountKey: true };
/** A payment step: the payee's account hash, the bank's endpoint and request secret, the callback URL. */
const BANK_PAYMENT: ConfigNeeds = {
  secrets: ["identityHashKey", "payeeHashSecret", "bankRequestSecret"],
  accountKey: true,
  bankEndpoints: true,
  bankCallbackUrl: true,
};

export const FUNCTIONS: readonly FunctionDefinition[] = [
  {
    id: "ApiAuthorizer",
    entry: "functions/handlers/authorizer.ts",
    handler: "handler",
    description:
      "HTTP API authorizer of a Cognito deployment: verifies the ID token of the staff or the applicant user pool",
    // No table, no secret: the pools' ids and clients (an SSM parameter) and their public keys.
    config: { signInPools: true },
    access: {},
    timeoutSeconds: 5,
    memoryMb: 256,
  },
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
    config: FLOW_DEPS,
    access: { tables: { main: "read" } },
  },
  {
    id: "BankCallback",
    entry: "functions/handlers/bank-callback.ts",
    handler: "handler",
    description: "Signed bank callback: records an outcome once and resumes the waiting payment step",
    // Public: the bank authenticates with an HMAC signature (AIDFLOW_BANK_CALLBACK_SECRET), not a user JWT.
    routes: [{ method: "POST", path: "/bank/callback", public: true }],
    config: { secrets: ["bankCallbackSecret"] },
    access: { tables: { main: "write" }, stepFunctions: ["taskResponse"] },
  },
  {
    id: "PollPaymentStatus",
    entry: "functions/handlers/bank-callback.ts",
    handler: "pollPaymentStatus",
    description: "Asks the bank for the status of a payment whose callback did not come, and records it",
    config: { secrets: ["bankRequestSecret"], bankEndpoints: true },
    access: { tables: { main: "write" } },
  },
  {
    id: "SmsDispatch",
    entry: "functions/handlers/sms-dispatch.ts",
    handler: "handler",
    description:
      "SMS dispatcher: each new message to its recipients' phones through the county's provider, once, under quiet hours, rate limit and opt-out; deferred and retried deliveries and asked-for receipts on a schedule; pushed receipts from EventBridge",
    // The numbers' keyed hash uses the identity hash key; the providers' keys are one secret; the
    // applicant's phone is opened with the field key it was sealed under at filing.
    config: { secrets: ["identityHashKey"], smsCredentials: true, accountKey: "open-phone" },
    access: { tables: { main: "write" } },
    triggers: { messageStream: true, dueSchedule: true, textStatusEvents: true },
    // A batch of STREAM_BATCH_SIZE messages, each a provider call with its own timeout.
    timeoutSeconds: 120,
  },
  {
    id: "DeadlineReminders",
    entry: "functions/handlers/deadline-reminders.ts",
    handler: "handler",
    description:
      "Deadline reminders: scans every county's open-task queues on a schedule and tells each task's roles (and the applicant of paperwork) once, a working day before its deadline",
    config: FLOW_DEPS,
    // Reads the queues, cases, policies and calendars; writes the messages and each task's reminder mark.
    access: { tables: { main: "write" } },
    triggers: { reminderSchedule: true },
    timeoutSeconds: 300,
  },
  // ── Flow A: filing and the human steps over HTTP, the state-machine tasks ───────────
  {
    id: "FileCase",
    entry: "functions/handlers/cases/file-case.ts",
    handler: "handler",
    description:
      "File an application at the township of the emergency and start Flow A (execution name = case id)",
    routes: [{ method: "POST", path: "/cases" }],
    config: ACCOUNT_INTAKE,
    access: { tables: { main: "write" }, stepFunctions: ["start"] },
  },
  {
    id: "CaseDecisions",
    entry: "functions/handlers/cases/decisions.ts",
    handler: "handler",
    description: "Human steps of Flow A: record the decision and audit, then resume the waiting execution",
    routes: [
      { method: "POST", path: "/cases/{caseId}/advance-decision" },
      { method: "POST", path: "/cases/{caseId}/escalation-decision" },
      { method: "POST", path: "/cases/{caseId}/reroute" },
      { method: "POST", path: "/cases/{caseId}/cash-payment" },
      { method: "POST", path: "/cases/{caseId}/paperwork" },
      { method: "POST", path: "/cases/{caseId}/follow-up" },
      { method: "POST", path: "/cases/{caseId}/additional-aid-decision" },
      { method: "POST", path: "/cases/{caseId}/recovery" },
      { method: "POST", path: "/cases/{caseId}/fund-replenished" },
    ],
    config: ACCOUNT_INTAKE,
    access: { tables: { main: "write" }, stepFunctions: ["taskResponse"] },
  },
  {
    id: "PaperworkCoSign",
    entry: "functions/handlers/cases/co-sign.ts",
    handler: "handler",
    description:
      "The paperwork's second signature: a named investigator confirms with their own sign-in, then the flow resumes",
    routes: [
      { method: "POST", path: "/cases/{caseId}/paperwork/co-sign" },
      { method: "GET", path: "/cases/{caseId}/paperwork/co-sign" },
      { method: "GET", path: "/townships/{townshipId}/officers" },
    ],
    config: FLOW_DEPS,
    access: { tables: { main: "write" }, stepFunctions: ["taskResponse"] },
  },
  {
    id: "CaseProgress",
    entry: "functions/handlers/cases/progress.ts",
    handler: "handler",
    description: "Where a case stands in Flow A: status, deadline, decisions, tasks (no tokens), payments",
    routes: [{ method: "GET", path: "/cases/{caseId}/progress" }],
    config: FLOW_DEPS,
    access: { tables: { main: "read" } },
  },
  {
    id: "OpenHumanTask",
    entry: "functions/handlers/flow-a/open-human-task.ts",
    handler: "handler",
    description:
      "waitForTaskToken task: stores the token server-side on a human task and notifies who must act",
    config: FLOW_DEPS,
    access: { tables: { main: "write" }, stepFunctions: ["taskResponse"], notifications: true },
  },
  {
    id: "PayAid",
    entry: "functions/handlers/flow-a/payment.ts",
    handler: "payAid",
    description: "waitForTaskToken payment step: token on the attempt, ledger draw, bank instruction",
    config: BANK_PAYMENT,
    access: { tables: { main: "write", ledger: "write" }, stepFunctions: ["taskResponse"] },
  },
  {
    id: "LedgerWriter",
    entry: "functions/handlers/ledger-writer.ts",
    handler: "handler",
    description:
      "Draw queue consumer: one township fund's draws committed as one ledger page, each task token answered",
    config: FLOW_DEPS,
    access: { tables: { main: "write", ledger: "write" }, stepFunctions: ["taskResponse"] },
    triggers: { drawQueue: true },
    timeoutSeconds: 60,
  },
  {
    id: "PayInCash",
    entry: "functions/handlers/flow-a/payment.ts",
    handler: "payCash",
    description: "Cash hand-over recorded with both signatures: ledger draw and cash record",
    config: FLOW_DEPS,
    access: { tables: { main: "write", ledger: "write" } },
  },
  {
    id: "ReversePayment",
    entry: "functions/handlers/flow-a/payment.ts",
    handler: "reverse",
    description: "A failed transfer after the draw: reversal entry back into the township fund",
    config: FLOW_DEPS,
    access: { tables: { main: "write", ledger: "write" } },
  },
  {
    id: "PlanPaperwork",
    entry: "functions/handlers/flow-a/steps.ts",
    handler: "planPaperworkDeadline",
    description: "Paperwork deadline: N working days of the county calendar after the advance was paid",
    config: FLOW_DEPS,
    access: { tables: { main: "read" } },
  },
  {
    id: "RecordReferrals",
    entry: "functions/handlers/flow-a/steps.ts",
    handler: "sendReferrals",
    description: "Referrals (转介) sent to their receiving bodies through the outbox",
    config: FLOW_DEPS,
    access: { tables: { main: "write" }, notifications: true },
  },
  {
    id: "RecordRecovery",
    entry: "functions/handlers/flow-a/steps.ts",
    handler: "returnRecoveryToFund",
    description: "Recovered money (追回) returns to the township fund: a recovery ledger entry",
    config: FLOW_DEPS,
    access: { tables: { main: "write", ledger: "write" } },
  },
  {
    id: "HandOverToFlowB",
    entry: "functions/handlers/flow-a/steps.ts",
    handler: "handOver",
    description: "Staged assistance: hand the case over to Flow B under the same case id",
    config: FLOW_DEPS,
    access: { tables: { main: "write" }, stepFunctions: ["start"], notifications: true },
  },
  {
    id: "CloseCase",
    entry: "functions/handlers/flow-a/steps.ts",
    handler: "close",
    description: "Close the case: outcome recorded, registration county of a non-local applicant notified",
    config: FLOW_DEPS,
    access: { tables: { main: "write" }, notifications: true },
  },
  {
    id: "RecordIncident",
    entry: "functions/handlers/flow-a/steps.ts",
    handler: "incident",
    description: "An unexpected error: recorded on the case and the county notified",
    config: FLOW_DEPS,
    access: { tables: { main: "write" }, notifications: true },
  },
  {
    id: "AdoptExecution",
    entry: "functions/handlers/executions.ts",
    handler: "adopt",
    description: "A continued or redriven execution becomes the one the case points at",
    config: FLOW_DEPS,
    access: { tables: { main: "write" } },
  },
  // ── Flow B: staged assistance — filing, the human steps over HTTP, the tasks ──────────
  {
    id: "PlanEndpoints",
    entry: "functions/handlers/plans/plans.ts",
    handler: "handler",
    description:
      "Flow B over HTTP: file, assessment, objection, approval, fund replenished, stage re-check, suspicion, views",
    routes: [
      { method: "POST", path: "/plans" },
      { method: "POST", path: "/plans/{caseId}/assessment" },
      { method: "POST", path: "/plans/{caseId}/objections" },
      { method: "POST", path: "/plans/{caseId}/approval" },
      { method: "POST", path: "/plans/{caseId}/fund-replenished" },
      { method: "POST", path: "/plans/{caseId}/recheck" },
      { method: "POST", path: "/plans/{caseId}/suspicions" },
      { method: "GET", path: "/plans/{caseId}" },
      { method: "GET", path: "/plans/{caseId}/notice", public: true },
    ],
    config: ACCOUNT_INTAKE,
    access: {
      tables: { main: "write", ledger: "read" },
      stepFunctions: ["start", "taskResponse"],
      notifications: true,
    },
  },
  {
    id: "StartFlowB",
    entry: "functions/handlers/flow-b/tasks.ts",
    handler: "start",
    description:
      "Flow B entered (filing or Flow A's hand-over): same case id, the plan record opened, settings",
    config: FLOW_DEPS,
    access: { tables: { main: "write" } },
  },
  {
    id: "OpenFlowBTask",
    entry: "functions/handlers/flow-b/tasks.ts",
    handler: "openTask",
    description:
      "waitForTaskToken task of Flow B: stores the token server-side, publishes the notice, notifies",
    config: FLOW_DEPS,
    access: { tables: { main: "write" }, stepFunctions: ["taskResponse"], notifications: true },
  },
  {
    id: "CommitPlan",
    entry: "functions/handlers/flow-b/tasks.ts",
    handler: "commit",
    description: "Approved staged plan: commit the whole total against the township fund (ledger commit)",
    config: FLOW_DEPS,
    access: { tables: { main: "write", ledger: "write" } },
  },
  {
    id: "PayStage",
    entry: "functions/handlers/flow-b/tasks.ts",
    handler: "pay",
    description:
      "waitForTaskToken payment of one stage: stage draw (balance and committed fall), bank instruction",
    config: BANK_PAYMENT,
    access: { tables: { main: "write", ledger: "write" }, stepFunctions: ["taskResponse"] },
  },
  {
    id: "ReverseStagePayment",
    entry: "functions/handlers/flow-b/tasks.ts",
    handler: "reverse",
    description: "A failed stage transfer after the draw: reversal entry back into the township fund",
    config: FLOW_DEPS,
    access: { tables: { main: "write", ledger: "write" } },
  },
  {
    id: "ClosePlan",
    entry: "functions/handlers/flow-b/tasks.ts",
    handler: "close",
    description: "Close a staged plan: release what is left committed, record outcome and totals",
    config: FLOW_DEPS,
    access: { tables: { main: "write", ledger: "write" }, notifications: true },
  },
  // ── Queries and withdrawal: case lists, work queue, the applicant's pages ─
  {
    id: "CaseQueries",
    entry: "functions/handlers/queries/queries.ts",
    handler: "handler",
    description:
      "Case lists by deadline with filters and cursors, the work queue, the applicant's own cases and payments",
    routes: [
      { method: "GET", path: "/cases" },
      { method: "GET", path: "/work-queue" },
      { method: "GET", path: "/me/cases" },
      { method: "GET", path: "/me/payments" },
      { method: "GET", path: "/townships" },
      { method: "GET", path: "/counties" },
    ],
    config: FLOW_DEPS,
    access: { tables: { main: "read" } },
  },
  {
    id: "WithdrawCase",
    entry: "functions/handlers/queries/withdraw.ts",
    handler: "handler",
    description:
      "Withdraw an unpaid application: case withdrawn, tasks closed, execution stopped (StopExecution), audit",
    routes: [{ method: "POST", path: "/cases/{caseId}/withdraw" }],
    config: FLOW_DEPS,
    access: { tables: { main: "write" }, stepFunctions: ["stop"] },
  },
  {
    id: "ServiceRating",
    entry: "functions/handlers/rating.ts",
    handler: "handler",
    description:
      "好差评: the applicant rates their ended case once (audited); satisfaction by township for the county",
    routes: [
      { method: "POST", path: "/cases/{caseId}/rating" },
      { method: "GET", path: "/cases/{caseId}/rating" },
      { method: "GET", path: "/satisfaction" },
    ],
    config: FLOW_DEPS,
    access: { tables: { main: "write" } },
  },
  {
    id: "MessageTemplates",
    entry: "functions/handlers/admin/message-templates.ts",
    handler: "handler",
    description:
      "The county's message texts: the county administrator reads and saves its SMS templates (checked against the SMS rules, audited) and its 好差评 link",
    routes: [
      { method: "GET", path: "/admin/counties/{countyId}/message-templates" },
      { method: "PUT", path: "/admin/counties/{countyId}/message-templates" },
    ],
    access: { tables: { main: "write" } },
  },
  {
    id: "SmsContact",
    entry: "functions/handlers/sms-contact.ts",
    handler: "handler",
    description:
      "The applicant's SMS on a case: opt out and back in (the applicant, or a township officer after a phone call; audited), the messages with their SMS status",
    routes: [
      { method: "POST", path: "/cases/{caseId}/sms-opt-out" },
      { method: "POST", path: "/cases/{caseId}/sms-opt-in" },
      { method: "GET", path: "/cases/{caseId}/messages" },
    ],
    // The applicant's phone is read sealed (field key) and known by its keyed hash (identity hash key).
    config: { secrets: ["identityHashKey"], accountKey: "open-phone" },
    access: { tables: { main: "write" } },
  },
  {
    id: "Inbox",
    entry: "functions/handlers/inbox.ts",
    handler: "handler",
    description:
      "In-app inbox: the applicant's messages about their cases, staff's messages to their roles, unread count, mark read",
    routes: [
      { method: "GET", path: "/inbox" },
      { method: "GET", path: "/inbox/unread" },
      { method: "POST", path: "/inbox/{messageId}/read" },
    ],
    config: FLOW_DEPS,
    access: { tables: { main: "write" } },
  },
  {
    id: "RegistrationNotices",
    entry: "functions/handlers/registration-notices.ts",
    handler: "handler",
    description:
      "外地受助: the registration county reads the masked notices about its residents aided in another county, and their figures",
    routes: [
      { method: "GET", path: "/registration-notices" },
      { method: "GET", path: "/registration-notices/stats" },
    ],
    access: { tables: { main: "read" } },
  },
  // ── Early warnings (主动发现): signed partner alerts, imports, verification visits, filing on behalf ──
  {
    id: "EarlyWarnings",
    entry: "functions/handlers/alerts.ts",
    handler: "handler",
    description:
      "Early warnings: partners' signed alerts and the county's imports, one per person and risk within the window; the township's verification visits (two officers), filing on the person's behalf, statistics",
    // `signed` is public: a partner authenticates with an HMAC signature of its own source key.
    routes: [
      { method: "POST", path: "/early-warnings/signed", public: true },
      { method: "POST", path: "/early-warnings/import" },
      { method: "GET", path: "/early-warnings" },
      { method: "GET", path: "/early-warnings/statistics" },
      { method: "GET", path: "/early-warnings/{alertId}" },
      { method: "POST", path: "/early-warnings/{alertId}/visits" },
      { method: "POST", path: "/early-warnings/{alertId}/visits/co-sign" },
      { method: "POST", path: "/early-warnings/{alertId}/filing" },
    ],
    // Filing on behalf is Flow A's filing: the account intake and the start of the execution.
    config: { secrets: ["identityHashKey", "payeeHashSecret", "alertSourceKeys"], accountKey: true },
    access: { tables: { main: "write" }, stepFunctions: ["start"] },
    // A spreadsheet of up to 2,000 rows is read and received in one request.
    timeoutSeconds: 60,
    memoryMb: 1024,
  },
  // ── County finance: funds, allocation, reconciliation, close, replenishment, exports ──
  {
    id: "Finance",
    entry: "functions/handlers/finance/finance.ts",
    handler: "handler",
    description:
      "County finance: allocate, reconcile (streamed), sign the close, replenish (maker-checker) and resume waiting flows, alerts, CSV/XLSX exports",
    routes: [
      { method: "GET", path: "/funds" },
      { method: "GET", path: "/funds/{townshipId}/entries" },
      { method: "GET", path: "/funds/{townshipId}/quota-hint" },
      { method: "POST", path: "/allocations" },
      { method: "POST", path: "/funds/{townshipId}/extra-allocations" },
      { method: "GET", path: "/fund-waits" },
      { method: "POST", path: "/reconciliations" },
      { method: "GET", path: "/funds/{townshipId}/periods/{period}/reconciliation" },
      { method: "POST", path: "/funds/{townshipId}/periods/{period}/close" },
      { method: "GET", path: "/replenishments" },
      { method: "POST", path: "/funds/{townshipId}/periods/{period}/replenishment" },
      { method: "POST", path: "/funds/{townshipId}/periods/{period}/replenishment/execute" },
      { method: "GET", path: "/alerts" },
      { method: "GET", path: "/exports/reconciliation" },
    ],
    config: FLOW_DEPS,
    access: {
      tables: { main: "write", ledger: "write" },
      stepFunctions: ["taskResponse"],
      documents: "exports",
      notifications: true,
    },
    // A period of a busy township is streamed through in one request (bounded memory, not bounded time).
    timeoutSeconds: 300,
    memoryMb: 1024,
  },
  // ── Province roll-up: read-only figures per county and township, no personal data ──
  {
    id: "ProvinceRollup",
    entry: "functions/handlers/province.ts",
    handler: "handler",
    description:
      "Province roll-up per county and township (cases, amounts paid, advance decisions in time, overdue paperwork, funds, reconciliation) and its XLSX export",
    routes: [
      { method: "GET", path: "/province/rollup" },
      { method: "GET", path: "/province/rollup/export" },
    ],
    // The policy port (response time of each case's version) goes through flowDeps.
    config: FLOW_DEPS,
    access: { tables: { main: "read", ledger: "read" }, documents: "exports" },
    // Every county of the province in one request: bounded reads (CASE_FIGURE_ITEMS_MAX), not a short one.
    timeoutSeconds: 30,
    memoryMb: 1024,
  },
  {
    id: "DailyRollup",
    entry: "functions/handlers/daily-rollup.ts",
    handler: "handler",
    description:
      "Daily province roll-up: on a schedule, stores each county's figures per township and month once per Asia/Shanghai day, which GET /province/rollup serves",
    config: FLOW_DEPS,
    // Reads the cases' figures, ledgers, alerts and notices; writes one roll-up item per county per day.
    access: { tables: { main: "write", ledger: "read" } },
    triggers: { rollupSchedule: true },
    // Every county of the deployment, each with 13 months of figures.
    timeoutSeconds: 900,
    memoryMb: 1024,
  },
  // ── Disaster mode: incidents, fast registration, batch approval, one-step top-up, dashboard ──
  {
    id: "Incidents",
    entry: "functions/handlers/incidents.ts",
    handler: "handler",
    description:
      "Disaster incidents: declare/end, register households (form or spreadsheet) as Flow A cases, batch advance approval, top up every affected fund, dashboard and XLSX export",
    routes: [
      { method: "POST", path: "/incidents" },
      { method: "GET", path: "/incidents" },
      { method: "GET", path: "/incidents/{incidentId}" },
      { method: "POST", path: "/incidents/{incidentId}/end" },
      { method: "POST", path: "/incidents/{incidentId}/households" },
      { method: "POST", path: "/incidents/{incidentId}/households/import" },
      { method: "GET", path: "/incidents/{incidentId}/cases" },
      { method: "POST", path: "/incidents/{incidentId}/advance-decisions" },
      { method: "POST", path: "/incidents/{incidentId}/top-up" },
      { method: "GET", path: "/incidents/{incidentId}/dashboard" },
      { method: "GET", path: "/incidents/{incidentId}/export" },
    ],
    // Filing takes bank accounts (sealed); the top-up allocates and resumes waiting flows.
    config: ACCOUNT_INTAKE,
    access: {
      tables: { main: "write", ledger: "write" },
      stepFunctions: ["start", "taskResponse"],
      documents: "exports",
      notifications: true,
    },
    // A spreadsheet of a few thousand households is filed in one request.
    timeoutSeconds: 300,
    memoryMb: 1024,
  },
  // ── Spreadsheet onboarding: a county from the template (the console's upload) ──
  {
    id: "CountyImport",
    entry: "functions/handlers/admin/county-import.ts",
    handler: "handler",
    description:
      "Onboard a county from the spreadsheet template (base64 .xlsx, at most 2 MB): every row checked, a dry run's plan, then the county, its policy version proposal and its staff users written through the administration services",
    routes: [{ method: "POST", path: "/admin/counties/import" }],
    config: { userPool: true },
    // Funds are read (a re-import finds the quotas finance allocated), never written here.
    access: { tables: { main: "write", ledger: "read" } },
    // A workbook of a few hundred rows is read in memory.
    timeoutSeconds: 30,
    memoryMb: 1024,
  },
  // ── Administration: counties, policy versions (maker-checker), holiday calendars ──
  {
    id: "Administration",
    entry: "functions/handlers/admin/admin.ts",
    handler: "handler",
    description:
      "Administration: create counties, add and edit townships and their fund quotas, propose/approve policy versions, load the national holiday schedule and county local days, create and disable staff users",
    routes: [
      { method: "POST", path: "/admin/counties" },
      { method: "GET", path: "/admin/counties" },
      { method: "GET", path: "/admin/counties/{countyId}" },
      { method: "GET", path: "/admin/counties/{countyId}/policy-versions" },
      { method: "POST", path: "/admin/counties/{countyId}/policy-versions" },
      { method: "PUT", path: "/admin/counties/{countyId}/policy-versions/{versionId}" },
      { method: "POST", path: "/admin/counties/{countyId}/policy-versions/{versionId}/approval" },
      { method: "PUT", path: "/admin/calendars/national/{year}" },
      { method: "PUT", path: "/admin/counties/{countyId}/calendar/local-days/{year}" },
      { method: "GET", path: "/admin/counties/{countyId}/calendar" },
      { method: "GET", path: "/admin/counties/{countyId}/users" },
      { method: "POST", path: "/admin/counties/{countyId}/users" },
      { method: "POST", path: "/admin/counties/{countyId}/users/{userId}/disable" },
      { method: "GET", path: "/admin/counties/{countyId}/townships" },
      { method: "POST", path: "/admin/counties/{countyId}/townships" },
      { method: "POST", path: "/admin/counties/{countyId}/townships/{townshipId}" },
      { method: "POST", path: "/admin/counties/{countyId}/townships/{townshipId}/fund-quota" },
    ],
    config: { userPool: true },
    // Funds are read (a quota is never set below what finance allocated), never written here.
    access: { tables: { main: "write", ledger: "read" } },
  },
];

/** Everything one function's configuration holds, from its catalog entry (`access` + `config`). */
export interface FunctionNeeds {
  tables: readonly TableId[];
  documents: boolean;
  /** The ARNs of the state machines it starts, stops or describes (answering a task token needs none). */
  stateMachines: boolean;
  notifications: boolean;
  secrets: readonly SecretName[];
  bankEndpoints: boolean;
  bankCallbackUrl: boolean;
  accountKey: boolean;
  /** The account key for opening applicants' phones only (`accountKey: "open-phone"`); absent: not only. */
  accountKeyOpensPhoneOnly?: boolean;
  userPool: boolean;
  smsCredentials: boolean;
  signInPools: boolean;
}

export function needsOf(definition: FunctionDefinition): FunctionNeeds {
  const { access } = definition;
  return {
    tables: (["main", "ledger"] as const).filter((table) => access.tables?.[table]),
    documents: access.documents !== undefined,
    stateMachines: (access.stepFunctions ?? []).some((need) => need !== "taskResponse"),
    notifications: access.notifications === true,
    secrets: [...new Set(definition.config?.secrets ?? [])],
    bankEndpoints: definition.config?.bankEndpoints === true,
    bankCallbackUrl: definition.config?.bankCallbackUrl === true,
    accountKey: definition.config?.accountKey === true || definition.config?.accountKey === "open-phone",
    accountKeyOpensPhoneOnly: definition.config?.accountKey === "open-phone",
    userPool: definition.config?.userPool === true,
    smsCredentials: definition.config?.smsCredentials === true,
    signInPools: definition.config?.signInPools === true,
  };
}

export function functionById(id: string): FunctionDefinition | undefined {
  return FUNCTIONS.find((definition) => definition.id === id);
}
