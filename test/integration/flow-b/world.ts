/**
 * One Flow B world per test file, on the local runtime: this run's DynamoDB Local (fresh prefixed
 * tables), the local Step Functions layer running BOTH `workflows/flow-a.asl.json` (for the hand-over)
 * and `workflows/flow-b.asl.json` with the catalog's handlers on a MANUAL clock (stage dates and
 * deadlines pass when a test advances it — tests never sleep), the bank simulator (nothing settles
 * until `settleBank()`), and the HTTP API server with dev sign-in. Township funds of the demo county
 * are opened and allocated to their quota.
 */

import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GetExecutionHistoryCommand, type HistoryEvent, SFNClient } from "@aws-sdk/client-sfn";
import { expect, inject } from "vitest";
import { executionReader } from "#adapters/execution-reader.ts";
import type { HumanTask } from "#adapters/human-task-store.ts";
import { LedgerWriter } from "#adapters/ledger/index.ts";
import { localDateOf } from "#core/calendar/localDate.ts";
import type { ChainedEntry } from "#core/ledger/index.ts";
import { resetConfig } from "#functions/runtime/config.ts";
import { captureLogs } from "#functions/runtime/logger.ts";
import { createFlowDeps, resetFlowDeps } from "#functions/services/deps.ts";
import { executionArnOf, firstExecutionName } from "#functions/services/executions.ts";
import type { FlowDeps } from "#functions/services/ports.ts";
import { type RunningBankSimulator, startBankSimulator } from "#local/bank-simulator/server.ts";
import { isManualClock, type ManualClock } from "#local/clock.ts";
import { localDynamoClient } from "#local/dynamodb/engine.ts";
import { type ApiServer, startApiServer } from "#local/http/server.ts";
import { type LocalRuntime, startLocalRuntime } from "#local/runtime.ts";
import { DEMO_COUNTY, HEDONG } from "#local/seed/demo-county.ts";
import { DEMO_USERS, type DemoUser } from "#local/seed/users.ts";
import { type ApiClient, signIn } from "#test/e2e/support/api.ts";
import { waitingTask } from "#test/integration/flow-a/world.ts";
import { allocateDemoFunds } from "#test/support/demo-funds.ts";

export const IDENTITY_HASH_KEY = "flow-b-test-identity-hash-key-0123456789abcdef";
const CALLBACK_SECRET = "flow-b-callback-secret-000000001";
const REQUEST_SECRET = "flow-b-request-secret-0000000001";
const PAYEE_HASH_SECRET = "flow-b-payee-hash-secret-00000001";
/** Monday 2026-03-02 09:00 in Asia/Shanghai. */
export const START_MS = Date.parse("2026-03-02T09:00:00+08:00");
export const DAY_MS = 24 * 3600 * 1000;

/**
 * A small township's leader who is both officer and approver (河东乡): the case where maker ≠ checker
 * matters — the one who assessed a plan may not approve it.
 */
export const LEADER_HEDONG: DemoUser = {
  userId: "leader-hedong",
  name: "孙刚",
  roles: ["township-officer", "township-approver"],
  countyId: DEMO_COUNTY.countyId,
  townshipId: HEDONG.townshipId,
  descriptionZh: "河东乡负责人（经办兼审批）",
};

export interface FlowBWorld {
  runtime: LocalRuntime;
  clock: ManualClock;
  api: ApiServer;
  bank: RunningBankSimulator;
  deps: FlowDeps;
  sfn: SFNClient;
  ledger: LedgerWriter;
  signIn(userId: string): Promise<ApiClient>;
  openTask(caseId: string, taskType: string, timeoutMs?: number): Promise<HumanTask>;
  eventually<T>(check: () => Promise<T | undefined | false>, what: string, timeoutMs?: number): Promise<T>;
  settleBank(): Promise<void>;
  /** Lets the bank settle until the obligation is paid (the instruction may still be on its way). */
  payOut(obligationId: string): Promise<void>;
  executionStatus(flow: "flow-a" | "flow-b", caseId: string): Promise<string>;
  history(flow: "flow-a" | "flow-b", caseId: string): Promise<HistoryEvent[]>;
  fund(townshipId: string): Promise<{ balance: string; committed: string; available: string }>;
  entries(townshipId: string): Promise<ChainedEntry[]>;
  logs(): readonly string[];
  /**
   * Stops the runtime (executions suspended at their checkpoints, as a process exit leaves them) and
   * starts a new one on the same tables, clock time and Step Functions port; returns what resumed.
   */
  restartRuntime(): Promise<string[]>;
  close(): Promise<void>;
}

export async function startFlowBWorld(options: {
  label: string;
  env?: Record<string, string>;
}): Promise<FlowBWorld> {
  const capture = captureLogs({ echo: process.env.AIDFLOW_TEST_ECHO_LOGS === "1" });
  const prefix = `${options.label}-${Math.random().toString(36).slice(2, 8)}-`;
  Object.assign(process.env, {
    AIDFLOW_IDENTITY_HASH_KEY: IDENTITY_HASH_KEY,
    AIDFLOW_RUNTIME: "local",
    AIDFLOW_BANK_CALLBACK_SECRET: CALLBACK_SECRET,
    AIDFLOW_BANK_REQUEST_SECRET: REQUEST_SECRET,
    AIDFLOW_PAYEE_HASH_SECRET: PAYEE_HASH_SECRET,
    // Operating intervals (not policy), chosen so that advancing a month never fires a reminder by accident.
    AIDFLOW_BANK_CONFIRMATION_TIMEOUT_SECONDS: "600",
    AIDFLOW_PAYMENT_POLL_INTERVAL_SECONDS: "300",
    AIDFLOW_FUND_RECHECK_SECONDS: String(365 * 24 * 3600),
    AIDFLOW_ESCALATION_REMINDER_SECONDS: String(365 * 24 * 3600),
    AIDFLOW_STAGE_RECHECK_DEADLINE_SECONDS: String(3 * 24 * 3600),
    ...options.env,
  });
  const startRuntime = (startMs: number, sfnPort?: number) =>
    startLocalRuntime({
      dynamoEndpoint: inject("dynamoEndpoint"),
      tablePrefix: prefix,
      clock: { mode: "manual", startMs },
      workflows: [
        { name: "flow-a", file: "workflows/flow-a.asl.json" },
        { name: "flow-b", file: "workflows/flow-b.asl.json" },
      ],
      ...(sfnPort !== undefined ? { sfnPort } : {}),
    });
  let runtime = await startRuntime(START_MS);
  let clock = manual(runtime);
  const documentsDir = await mkdtemp(join(tmpdir(), `aidflow-${options.label}-`));
  const bank = await startBankSimulator({
    callbackSecret: CALLBACK_SECRET,
    requestSecret: REQUEST_SECRET,
    seed: 7,
    knobs: { delayScale: 0 },
  });
  process.env.AIDFLOW_BANK_ENDPOINTS = JSON.stringify({ "*": bank.url });
  const api = await startApiServer({
    env: { AIDFLOW_DOCUMENTS_DIR: documentsDir },
    users: [...DEMO_USERS, LEADER_HEDONG],
  });
  process.env.AIDFLOW_BANK_CALLBACK_URL = `${api.url}/bank/callback`;
  resetConfig();
  resetFlowDeps();

  // The world's own client: the runtime's is closed when it stops (restartRuntime).
  const dynamo = localDynamoClient(inject("dynamoEndpoint"));
  const ledger = new LedgerWriter({
    client: dynamo,
    tables: { ledger: runtime.tables.ledger, main: runtime.tables.main },
  });
  await allocateDemoFunds(ledger, START_MS);

  const deps = createFlowDeps({
    client: dynamo,
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
  // The flow's execution the case points at now (a loop may have handed over to a fresh one); the
  // first execution for a flow the case has left.
  const executionArn = async (flow: string, caseId: string) => {
    const record = await deps.cases.get(caseId).catch(() => undefined);
    const current = record?.flow === (flow === "flow-b" ? "B" : "A") ? record?.executionName : undefined;
    return executionArnOf(runtime.stateMachines[flow] as string, current ?? firstExecutionName(caseId));
  };

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
      await new Promise((r) => setTimeout(r, 40));
    }
  };

  return {
    get runtime() {
      return runtime;
    },
    get clock() {
      return clock;
    },
    api,
    bank,
    deps,
    sfn,
    ledger,
    signIn: (userId) => signIn(api.url, userId),
    openTask: (caseId, taskType, timeoutMs) =>
      eventually(
        () => waitingTask(deps, caseId, taskType),
        `an open ${taskType} task on ${caseId}`,
        timeoutMs,
      ),
    eventually,
    settleBank: async () => {
      await bank.simulator.flush();
    },
    payOut: async (obligationId) => {
      await eventually(async () => {
        await bank.simulator.flush();
        return (await deps.payments.getObligation(obligationId))?.status === "paid";
      }, `${obligationId} paid`);
    },
    executionStatus: async (flow, caseId) =>
      (await runtime.stepFunctions.describeExecution(await executionArn(flow, caseId))).status,
    history: async (flow, caseId) => {
      const events: HistoryEvent[] = [];
      let nextToken: string | undefined;
      do {
        const page = await sfn.send(
          new GetExecutionHistoryCommand({
            executionArn: await executionArn(flow, caseId),
            ...(nextToken ? { nextToken } : {}),
          }),
        );
        events.push(...(page.events ?? []));
        nextToken = page.nextToken;
      } while (nextToken);
      return events;
    },
    fund: async (townshipId) => {
      const view = await ledger.store.getFund(townshipId);
      return {
        balance: view.balanceYuan.toString(),
        committed: view.committedYuan.toString(),
        available: view.availableYuan.toString(),
      };
    },
    entries: async (townshipId) => {
      const out: ChainedEntry[] = [];
      for await (const entry of ledger.store.streamEntries(townshipId)) out.push(entry);
      return out;
    },
    logs: () => capture.lines,
    restartRuntime: async () => {
      const nowMs = clock.nowMs();
      const sfnPort = Number(new URL(runtime.sfnEndpoint).port);
      await runtime.stop();
      runtime = await startRuntime(nowMs, sfnPort);
      clock = manual(runtime);
      resetFlowDeps();
      return runtime.resumed;
    },
    close: async () => {
      await api.close();
      await bank.stop();
      await runtime.stop();
      sfn.destroy();
      dynamo.destroy();
      capture.stop();
      resetFlowDeps();
      await rm(documentsDir, { recursive: true, force: true });
    },
  };
}

function manual(runtime: LocalRuntime): ManualClock {
  if (!isManualClock(runtime.clock)) throw new Error("the Flow B world needs the manual clock");
  return runtime.clock;
}

/** A staged-assistance filing (DOMAIN §4.1): a medical expenditure case, valid resident ID, own account. */
export function stagedFiling(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    townshipId: "230123300",
    hardship: { cause: "medical" },
    description: "家中主要劳动力患重病，长期住院治疗，医疗支出远超家庭承受能力",
    expectedDurationMonths: 6,
    estimatedTotalYuan: "2400.00",
    applicant: {
      name: "王建国",
      document: { type: "resident-id", number: "230123198001011238" },
      phone: "13812345678",
      registration: { countyCode: "230123" },
    },
    bankAccount: { holderName: "王建国", bankName: "农村信用社", account: "6217000012345678" },
    ...overrides,
  };
}

/** A stage of `GET /plans/{caseId}` as the helpers read it. */
export interface PlanStage {
  index: number;
  dueAt: string;
  payment: string;
}

/**
 * A plan filed by `officer` (`filing`: stagedFiling's body), assessed with `months` monthly stages from
 * 10 days on, 7 days of public notice, approved by `approver` and committed: its case and stages.
 */
export async function approvedPlan(
  world: FlowBWorld,
  officer: ApiClient,
  approver: ApiClient,
  filing: Record<string, unknown>,
  months: number,
): Promise<{ caseId: string; stages: PlanStage[] }> {
  const filed = await officer.post<{ caseId: string }>("/plans", filing);
  expect(filed.status, JSON.stringify(filed.body)).toBe(201);
  const caseId = filed.body.caseId;
  await world.openTask(caseId, "assessment");
  const assessed = await officer.post(
    `/plans/${caseId}/assessment`,
    assessmentBody({
      expectedDurationMonths: months,
      firstStageDate: localDateOf(world.clock.nowMs() + 10 * DAY_MS),
    }),
  );
  expect(assessed.status).toBe(200);
  await world.openTask(caseId, "public-notice");
  await world.clock.advanceBy(7 * DAY_MS + 60_000);
  await world.openTask(caseId, "plan-approval");
  expect((await approver.post(`/plans/${caseId}/approval`, { decision: "approve" })).status).toBe(200);
  await world.eventually(
    async () => (await world.deps.cases.get(caseId)).status === "stage-waiting" || undefined,
    "the commitment",
  );
  const view = await officer.get<{ plan: { stages: PlanStage[] } }>(`/plans/${caseId}`);
  return { caseId, stages: view.body.plan.stages };
}

/** An assessment body: 2 members, urban 低保 800 → need 1,600 + medical 600 = 2,200; income 1,800 → 400 a month. */
export function assessmentBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    household: {
      members: [
        { relation: "本人", age: 46 },
        { relation: "配偶", age: 44 },
      ],
    },
    monthlyIncomeYuan: "1800.00",
    rigidExpenditure: {
      medicalMonthlyYuan: "600.00",
      educationMonthlyYuan: "0.00",
      otherMonthlyYuan: "0.00",
    },
    expectedDurationMonths: 6,
    firstStageDate: "2026-03-20",
    facts: "入户调查：本人患尿毒症需长期透析，配偶务农收入微薄，医疗支出每月约六百元",
    ...overrides,
  };
}

/** The state names entered, in order, from the execution history. */
export function statesEntered(history: HistoryEvent[]): string[] {
  return history
    .filter((e) => e.type?.endsWith("StateEntered"))
    .map((e) => e.stateEnteredEventDetails?.name ?? "?");
}

/** Transitions of each stage: the states entered from one `WaitForStage` up to the next (or the close). */
export function transitionsPerStage(history: HistoryEvent[]): number[] {
  const names = statesEntered(history);
  const counts: number[] = [];
  let current = -1;
  for (const name of names) {
    if (name === "WaitForStage") {
      counts.push(0);
      current = counts.length - 1;
    }
    if (current >= 0 && name !== "ClosePlan" && name !== "PlanClosed")
      counts[current] = (counts[current] ?? 0) + 1;
    if (name === "ClosePlan") current = -1;
  }
  return counts;
}

type WorldClient = Awaited<ReturnType<FlowBWorld["signIn"]>>;

/** Filed for `applicant` with their own bank account, then assessed, noticed, approved and committed. */
export function planFor(
  world: FlowBWorld,
  officer: WorldClient,
  approver: WorldClient,
  months: number,
  applicant: { name: string; id: string; account: string },
) {
  const filing = stagedFiling({
    applicant: {
      name: applicant.name,
      document: { type: "resident-id", number: applicant.id },
      registration: { countyCode: "230123" },
    },
    bankAccount: { holderName: applicant.name, bankName: "农村信用社", account: applicant.account },
  });
  return approvedPlan(world, officer, approver, filing, months);
}

/** The stage falls due, the officer re-checks it (still in hardship) and the bank pays it. */
export async function recheckAndPay(
  world: FlowBWorld,
  officer: WorldClient,
  caseId: string,
  stage: { index: number; dueAt: string },
): Promise<void> {
  await world.clock.advanceTo(Math.max(Date.parse(stage.dueAt), world.clock.nowMs()));
  const task = await world.openTask(caseId, "stage-recheck");
  expect(task.details?.stage).toBe(stage.index);
  const recheck = await officer.post(`/plans/${caseId}/recheck`, {
    stage: stage.index,
    checkedOn: localDateOf(world.clock.nowMs()),
    outcome: "still-in-hardship",
    findings: `第${stage.index}期复核：困难仍在`,
  });
  expect(recheck.status).toBe(200);
  await world.payOut(`${caseId}.stage-${stage.index}`);
}

/** The status of the Flow B execution `name` (undefined when it was never started). */
export async function executionStatusOf(world: FlowBWorld, name: string): Promise<string | undefined> {
  const flowB = world.runtime.stateMachines["flow-b"] as string;
  return (await executionReader(world.sfn).describe(executionArnOf(flowB, name)))?.status;
}

/** The states the Flow B execution `name` entered, and its transitions per stage. */
export async function executionHistoryOf(world: FlowBWorld, name: string) {
  const flowB = world.runtime.stateMachines["flow-b"] as string;
  const events: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await world.sfn.send(
      new GetExecutionHistoryCommand({
        executionArn: executionArnOf(flowB, name),
        ...(nextToken ? { nextToken } : {}),
      }),
    );
    events.push(...(page.events ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return { entered: statesEntered(events), perStage: transitionsPerStage(events) };
}
