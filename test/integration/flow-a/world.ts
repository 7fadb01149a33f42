/**
 * One Flow A world per test file, on the local runtime: this run's DynamoDB Local (fresh prefixed
 * tables), the local Step Functions layer running `workflows/flow-a.asl.json` with the catalog's
 * handlers on a MANUAL clock (deadlines pass when a test advances it), the bank simulator (manual:
 * nothing settles until `settleBank()`), and the HTTP API server with dev sign-in. Township funds of
 * the demo county are opened and allocated to their quota.
 */

import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GetExecutionHistoryCommand, type HistoryEvent, SFNClient } from "@aws-sdk/client-sfn";
import { inject } from "vitest";
import type { HumanTask } from "#adapters/human-task-store.ts";
import { LedgerWriter } from "#adapters/ledger/index.ts";
import { WAIT_STATES } from "#core/cases/index.ts";
import { resetConfig } from "#functions/runtime/config.ts";
import { captureLogs } from "#functions/runtime/logger.ts";
import { createFlowDeps, resetFlowDeps } from "#functions/services/deps.ts";
import { executionArnOf, firstExecutionName } from "#functions/services/executions.ts";
import type { FlowDeps } from "#functions/services/ports.ts";
import type { KnobsPatch } from "#local/bank-simulator/knobs.ts";
import { type RunningBankSimulator, startBankSimulator } from "#local/bank-simulator/server.ts";
import { isManualClock, type ManualClock } from "#local/clock.ts";
import { type ApiServer, startApiServer } from "#local/http/server.ts";
import { type LocalRuntime, startLocalRuntime } from "#local/runtime.ts";
import { type ApiClient, type ApiResponse, signIn } from "#test/e2e/support/api.ts";
import { allocateDemoFunds } from "#test/support/demo-funds.ts";

export const IDENTITY_HASH_KEY = "flow-a-test-identity-hash-key-0123456789abcdef";
const CALLBACK_SECRET = "flow-a-callback-secret-000000001";
const REQUEST_SECRET = "flow-a-request-secret-0000000001";
const PAYEE_HASH_SECRET = "flow-a-payee-hash-secret-00000001";
/** Monday 2026-03-02 09:00 in Asia/Shanghai: a plain working week, no holiday near. */
export const START_MS = Date.parse("2026-03-02T09:00:00+08:00");

export interface FlowAWorld {
  runtime: LocalRuntime;
  clock: ManualClock;
  api: ApiServer;
  bank: RunningBankSimulator;
  deps: FlowDeps;
  sfn: SFNClient;
  flowAArn: string;
  ledger: LedgerWriter;
  signIn(userId: string): Promise<ApiClient>;
  /** Waits (real time) until the case has an open task of this type; returns it. */
  openTask(caseId: string, taskType: string, timeoutMs?: number): Promise<HumanTask>;
  /** Waits until `check` holds (real time), polling. */
  eventually<T>(check: () => Promise<T | undefined | false>, what: string, timeoutMs?: number): Promise<T>;
  /** Waits for a transfer at the bank, then lets it settle every pending transfer and deliver (or lose) its callbacks. */
  settleBank(...caseIds: string[]): Promise<void>;
  executionStatus(caseId: string): Promise<string>;
  history(caseId: string): Promise<HistoryEvent[]>;
  /** Balance of a township fund (2-decimal string). */
  balance(townshipId: string): Promise<string>;
  logs(): readonly string[];
  close(): Promise<void>;
}

export async function startFlowAWorld(options: {
  label: string;
  knobs?: KnobsPatch;
  env?: Record<string, string>;
}): Promise<FlowAWorld> {
  const capture = captureLogs({ echo: process.env.AIDFLOW_TEST_ECHO_LOGS === "1" });
  const prefix = `${options.label}-${Math.random().toString(36).slice(2, 8)}-`;
  Object.assign(process.env, {
    AIDFLOW_IDENTITY_HASH_KEY: IDENTITY_HASH_KEY,
    AIDFLOW_RUNTIME: "local",
    AIDFLOW_BANK_CALLBACK_SECRET: CALLBACK_SECRET,
    AIDFLOW_BANK_REQUEST_SECRET: REQUEST_SECRET,
    AIDFLOW_PAYEE_HASH_SECRET: PAYEE_HASH_SECRET,
    // Operating intervals of the flow, shortened: minutes, not hours (the clock is manual anyway).
    AIDFLOW_BANK_CONFIRMATION_TIMEOUT_SECONDS: "600",
    AIDFLOW_PAYMENT_POLL_INTERVAL_SECONDS: "300",
    AIDFLOW_FUND_RECHECK_SECONDS: "3600",
    AIDFLOW_ESCALATION_REMINDER_SECONDS: String(7 * 24 * 3600),
    ...options.env,
  });
  const runtime = await startLocalRuntime({
    dynamoEndpoint: inject("dynamoEndpoint"),
    tablePrefix: prefix,
    clock: { mode: "manual", startMs: START_MS },
    workflows: [{ name: "flow-a", file: "workflows/flow-a.asl.json" }],
  });
  const clock = runtime.clock;
  if (!isManualClock(clock)) throw new Error("the Flow A world needs the manual clock");
  const documentsDir = await mkdtemp(join(tmpdir(), `aidflow-${options.label}-`));
  // Signatures (requests and callbacks) carry wall-clock timestamps for their replay window; the
  // simulator keeps the wall clock while the business clock of the runtime is manual.
  const bank = await startBankSimulator({
    callbackSecret: CALLBACK_SECRET,
    requestSecret: REQUEST_SECRET,
    seed: 11,
    knobs: { delayScale: 0, ...options.knobs },
  });
  process.env.AIDFLOW_BANK_ENDPOINTS = JSON.stringify({ "*": bank.url });
  const api = await startApiServer({ env: { AIDFLOW_DOCUMENTS_DIR: documentsDir } });
  process.env.AIDFLOW_BANK_CALLBACK_URL = `${api.url}/bank/callback`;
  resetConfig();
  resetFlowDeps();

  const ledger = new LedgerWriter({
    client: runtime.dynamo,
    tables: { ledger: runtime.tables.ledger, main: runtime.tables.main },
  });
  await allocateDemoFunds(ledger, START_MS);

  const deps = createFlowDeps({
    client: runtime.dynamo,
    tables: runtime.tables,
    identityHashKey: IDENTITY_HASH_KEY,
    payeeHashSecret: PAYEE_HASH_SECRET,
    bankCallbackUrl: () => `${api.url}/bank/callback`,
    gateway: () => {
      throw new Error("the test's deps never instruct the bank");
    },
    now: () => new Date(clock.nowMs()),
  });
  const sfn = new SFNClient({
    endpoint: runtime.sfnEndpoint,
    region: "cn-north-1",
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
  });
  const flowAArn = runtime.stateMachines["flow-a"] as string;
  // The execution the case points at now (a loop may have handed the case over to a fresh one).
  const executionArn = async (caseId: string) =>
    executionArnOf(
      flowAArn,
      (await deps.cases.get(caseId).catch(() => undefined))?.executionName ?? firstExecutionName(caseId),
    );

  const eventually = async <T>(
    check: () => Promise<T | undefined | false>,
    what: string,
    timeoutMs = 15_000,
  ) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await check();
      if (value !== undefined && value !== false) return value as T;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  return {
    runtime,
    clock,
    api,
    bank,
    deps,
    sfn,
    flowAArn,
    ledger,
    signIn: (userId) => signIn(api.url, userId),
    openTask: (caseId, taskType, timeoutMs) =>
      eventually(
        () => waitingTask(deps, caseId, taskType),
        `an open ${taskType} task on ${caseId}`,
        timeoutMs,
      ),
    eventually,
    settleBank: async (...caseIds) => {
      // The payment step stores its attempt before it instructs: wait for the bank to hold the transfer
      // of each case named (or any transfer), then settle everything pending.
      const held = (caseId?: string) =>
        bank.simulator
          .transfers()
          .some((t) => t.status === "accepted" && (caseId === undefined || t.request.reference === caseId));
      for (const caseId of caseIds.length > 0 ? caseIds : [undefined]) {
        await eventually(async () => held(caseId), `a transfer at the bank${caseId ? ` for ${caseId}` : ""}`);
      }
      await bank.simulator.flush();
    },
    executionStatus: async (caseId) =>
      (await runtime.stepFunctions.describeExecution(await executionArn(caseId))).status,
    history: async (caseId) => {
      const events: HistoryEvent[] = [];
      let nextToken: string | undefined;
      do {
        const page = await sfn.send(
          new GetExecutionHistoryCommand({
            executionArn: await executionArn(caseId),
            ...(nextToken ? { nextToken } : {}),
          }),
        );
        events.push(...(page.events ?? []));
        nextToken = page.nextToken;
      } while (nextToken);
      return events;
    },
    balance: async (townshipId) => (await ledger.store.getFund(townshipId)).balanceYuan.toString(),
    logs: () => capture.lines,
    close: async () => {
      await api.close();
      await bank.stop();
      await runtime.stop();
      sfn.destroy();
      capture.stop();
      resetFlowDeps();
      await rm(documentsDir, { recursive: true, force: true });
    },
  };
}

/** A filing body (DOMAIN §3.1) for the demo township 城关镇 with a valid resident ID. */
export function filing(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    townshipId: "230123100",
    hardship: { cause: "fire" },
    description: "房屋失火，家中财物烧毁，急需生活救助",
    applicant: {
      name: "张伟",
      document: { type: "resident-id", number: "230123198001011238" },
      phone: "13812345678",
      registration: { countyCode: "230123" },
    },
    bankAccount: { holderName: "张伟", bankName: "农村信用社", account: "6217000012345678" },
    ...overrides,
  };
}

/** Paperwork by two distinct officers of 城关镇 (DOMAIN §3.4), optionally with more investigators or fraud found. */
export function paperworkBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    investigators: [
      { userId: "officer-chengguan-1", visitedAt: "2026-03-03T10:00:00+08:00" },
      { userId: "officer-chengguan-2", visitedAt: "2026-03-03T10:00:00+08:00" },
    ],
    economicCheck: { result: "eligible", reference: "HD-2026-0001" },
    facts: "入户核实：急难情形属实",
    goodFaithBasis: "现场照片及村（居）委会证明，经办人据实先行救助",
    ...overrides,
  };
}

let keySequence = 0;
/** A fresh Idempotency-Key (each POST of a test is its own request unless a replay is meant). */
export function key(label: string): { idempotencyKey: string } {
  keySequence += 1;
  return { idempotencyKey: `${label}-${keySequence}-${Math.random().toString(36).slice(2, 8)}` };
}

/** File as `filer` and wait for the advance decision task; returns the case id. */
export async function fileAndWait(
  world: FlowAWorld,
  filer: ApiClient,
  body: Record<string, unknown>,
): Promise<string> {
  const filed = await filer.post<{ caseId: string }>("/cases", body, key("file"));
  if (filed.status !== 201) throw new Error(`filing failed: ${filed.status} ${filed.text}`);
  await world.openTask(filed.body.caseId, "advance-decision");
  return filed.body.caseId;
}

/** Approve the advance, let the bank confirm it, and wait for the paperwork task. */
export async function approveAndPay(
  world: FlowAWorld,
  approver: ApiClient,
  caseId: string,
  amountYuan: string,
): Promise<void> {
  const approved = await approver.post(
    `/cases/${caseId}/advance-decision`,
    { decision: "approve", amountYuan },
    key("approve"),
  );
  if (approved.status !== 200) throw new Error(`approval failed: ${approved.status} ${approved.text}`);
  await world.settleBank(caseId);
  await world.openTask(caseId, "paperwork");
}

/**
 * The open task of this type once the case waits for it too: the task is stored before the case's
 * status moves to the wait (openHumanTask), and a decision posted in between is judged against the
 * status before. A task type without a wait status of its own is open as soon as it is stored.
 */
export async function waitingTask(
  deps: Pick<FlowDeps, "tasks" | "cases">,
  caseId: string,
  taskType: string,
): Promise<HumanTask | undefined> {
  const task = await deps.tasks.current(caseId, taskType);
  if (task?.status !== "open") return undefined;
  const record = await deps.cases.get(caseId);
  const waits: Record<string, string> = WAIT_STATES[record.flow === "B" ? "B" : "A"];
  return waits[taskType] === undefined || waits[taskType] === record.status ? task : undefined;
}

/**
 * Paperwork recorded by `officer` (signed in as `recorderId`), then confirmed by every other named
 * investigator with their own sign-in (DOMAIN §3.4); visits default to the world's today. Returns the
 * recording's answer (202) and the last confirmation's (200, the paperwork decided).
 */
export async function recordPaperwork(
  world: FlowAWorld,
  officer: ApiClient,
  caseId: string,
  overrides: Record<string, unknown> = {},
  recorderId = "officer-chengguan-1",
) {
  const visitedAt = new Date(world.clock.nowMs()).toISOString();
  const body = paperworkBody({
    investigators: [
      { userId: "officer-chengguan-1", visitedAt },
      { userId: "officer-chengguan-2", visitedAt },
    ],
    ...overrides,
  });
  const recorded = await officer.post(`/cases/${caseId}/paperwork`, body, key("paperwork"));
  if (recorded.status !== 202) throw new Error(`paperwork failed: ${recorded.status} ${recorded.text}`);
  const coSigners = [
    ...new Set(
      (body.investigators as { userId: string }[]).map((i) => i.userId).filter((id) => id !== recorderId),
    ),
  ];
  let confirmed: ApiResponse | undefined;
  for (const userId of coSigners) {
    const investigator = await world.signIn(userId);
    confirmed = await investigator.post(
      `/cases/${caseId}/paperwork/co-sign`,
      { decision: "confirm" },
      key("co-sign"),
    );
    if (confirmed.status !== 200) throw new Error(`co-sign failed: ${confirmed.status} ${confirmed.text}`);
  }
  return { recorded, confirmed };
}

/** Paperwork (co-signed), then the follow-up `body`; waits for the follow-up task in between. */
export async function paperworkThenFollowUp(
  world: FlowAWorld,
  officer: ApiClient,
  caseId: string,
  followUp: Record<string, unknown>,
  paperwork: Record<string, unknown> = {},
): Promise<void> {
  await recordPaperwork(world, officer, caseId, paperwork);
  await world.openTask(caseId, "follow-up");
  const decided = await officer.post(`/cases/${caseId}/follow-up`, followUp, key("follow-up"));
  if (decided.status !== 200) throw new Error(`follow-up failed: ${decided.status} ${decided.text}`);
}

/** The ledger entries of one case on a township fund, in order. */
export async function caseEntries(world: FlowAWorld, townshipId: string, caseId: string) {
  const entries = [];
  for await (const entry of world.ledger.store.streamEntries(townshipId)) {
    if (entry.reference.caseId === caseId) entries.push(entry);
  }
  return entries;
}
