/**
 * Flow A on the whole local county, in this process (`startLocalCounty`, in-memory DynamoDB Local,
 * real clock, the bank simulator with its default settlement delays):
 *
 * 1. the happy path (file → approve → paid by the bank → paperwork → close) for a few cases, with
 *    what each case used: state transitions and task (Lambda) invocations counted from its
 *    execution history, HTTP requests (each one Lambda invocation behind the HTTP API: the caller's
 *    plus the bank's callbacks), DynamoDB request units counted at the SDK — excluding the local
 *    Step Functions layer's own items (`SFN…` keys), which AWS keeps inside Step Functions;
 * 2. a surge: as many cases as can be filed and approved in `surgeSeconds` on ONE township, then
 *    waiting until every advance is paid: cases per second end to end.
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { GetExecutionHistoryCommand, type HistoryEvent, SFNClient } from "@aws-sdk/client-sfn";
import { LOCAL_CREDENTIALS, LOCAL_REGION } from "#local/dynamodb/engine.ts";
import { startLocalCounty } from "#local/services.ts";
import { type ApiClient, signIn } from "#test/e2e/support/api.ts";
import { type CaseUsage, requestUnitsOf } from "../cost/estimate.ts";
import {
  advancePaid,
  type CaseProgress,
  fileAndApprove,
  progressOf,
  SURGE_TOWNSHIP,
  surgeClients,
  surgeFiling,
  waitUntilPaid,
} from "./surge.ts";

export interface FlowARow {
  happyPath: { cases: number; transitions: number[]; usage: CaseUsage; states: string[] };
  surge: { cases: number; paid: number; seconds: number; casesPerSecond: number; budgetSeconds: number };
}

interface Meter {
  wru: number;
  rru: number;
}

/** Counts DynamoDB request units of every client in this process (handlers build their own clients). */
function meterDynamoDb(): { meter: Meter; restore(): void } {
  const meter: Meter = { wru: 0, rru: 0 };
  // The SDK's common client base: DynamoDBClient and DynamoDBDocumentClient both send through it.
  const prototype = Object.getPrototypeOf(DynamoDBClient.prototype) as {
    send: (...args: unknown[]) => unknown;
  };
  const original = prototype.send;
  prototype.send = function (this: { constructor: { name: string } }, ...args: unknown[]) {
    const command = args[0] as { constructor: { name: string }; input?: Record<string, unknown> };
    const client = this.constructor.name;
    if (client === "DynamoDBClient" || client === "DynamoDBDocumentClient") {
      const input = command.input ?? {};
      // The local Step Functions layer's executions, events and tokens: inside Step Functions on AWS.
      if (!JSON.stringify(input).includes('"SFN')) {
        const units = requestUnitsOf(command.constructor.name, input);
        meter.wru += units.wru;
        meter.rru += units.rru;
      }
    }
    return original.apply(this, args);
  };
  return {
    meter,
    restore: () => {
      prototype.send = original;
    },
  };
}

async function history(sfn: SFNClient, executionArn: string): Promise<HistoryEvent[]> {
  const events: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await sfn.send(
      new GetExecutionHistoryCommand({ executionArn, maxResults: 1000, ...(nextToken ? { nextToken } : {}) }),
    );
    events.push(...(page.events ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return events;
}

async function until<T>(what: string, deadlineMs: number, check: () => Promise<T | undefined>): Promise<T> {
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadlineMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function openTask(progress: CaseProgress, taskType: string) {
  return progress.tasks.find((t) => t.taskType === taskType && t.status === "open");
}

/** One Flow A case along the happy path; returns the HTTP requests it made. */
async function happyPathCase(
  clients: { officer: ApiClient; officer2: ApiClient; approver: ApiClient },
  index: number,
  deadlineMs: number,
): Promise<{ caseId: string; httpRequests: number }> {
  let requests = 0;
  const filed = await clients.officer.post<{ caseId: string }>("/cases", surgeFiling(index), {
    idempotencyKey: `bench-happy-file-${index}`,
  });
  requests += 1;
  if (filed.status !== 201) throw new Error(`filing refused: ${filed.status} ${filed.text}`);
  const caseId = filed.body.caseId;
  await until("the advance decision task", deadlineMs, async () => {
    const p = await progressOf(clients.officer, caseId, deadlineMs);
    return openTask(p, "advance-decision");
  });
  const approved = await clients.approver.post(
    `/cases/${caseId}/advance-decision`,
    { decision: "approve", amountYuan: "800.00" },
    { idempotencyKey: `bench-happy-approve-${index}` },
  );
  requests += 1;
  if (approved.status !== 200) throw new Error(`approval refused: ${approved.status} ${approved.text}`);
  const paid = await until("the paperwork task after the payment", deadlineMs, async () => {
    const p = await progressOf(clients.officer, caseId, deadlineMs);
    return advancePaid(p) && openTask(p, "paperwork") ? p : undefined;
  });
  // One bank callback per payment attempt reaches the HTTP API.
  requests += paid.payments.reduce((n, p) => n + p.attempts.length, 0);
  const paperwork = await clients.officer.post(
    `/cases/${caseId}/paperwork`,
    {
      investigators: [
        { userId: "officer-chengguan-1", visitedAt: new Date().toISOString() },
        { userId: "officer-chengguan-2", visitedAt: new Date().toISOString() },
      ],
      economicCheck: { result: "eligible", reference: `HD-BENCH-${index}` },
      facts: "入户核实：房屋被洪水冲毁属实，家庭无其他收入来源",
      goodFaithBasis: "现场照片及村委会证明，经办人据实先行救助",
    },
    { idempotencyKey: `bench-happy-paperwork-${index}` },
  );
  requests += 1;
  if (paperwork.status !== 200) throw new Error(`paperwork refused: ${paperwork.status} ${paperwork.text}`);
  await until("the follow-up task", deadlineMs, async () => {
    const p = await progressOf(clients.officer, caseId, deadlineMs);
    return openTask(p, "follow-up");
  });
  const closed = await clients.officer.post(
    `/cases/${caseId}/follow-up`,
    { close: { summary: "先行救助已解决临时困难，结案" } },
    { idempotencyKey: `bench-happy-close-${index}` },
  );
  requests += 1;
  if (closed.status !== 200) throw new Error(`closing refused: ${closed.status} ${closed.text}`);
  await until("the case to close", deadlineMs, async () => {
    const p = await progressOf(clients.officer, caseId, deadlineMs);
    return p.case.status === "closed" ? true : undefined;
  });
  return { caseId, httpRequests: requests };
}

export async function runFlowABench(
  options: {
    happyCases?: number;
    surgeSeconds?: number;
    concurrency?: number;
    /** A running DynamoDB Local to use (fresh tables); default the county starts its own in memory. */
    dynamoEndpoint?: string;
    log?: (line: string) => void;
  } = {},
): Promise<FlowARow> {
  const log = options.log ?? (() => {});
  const happyCases = options.happyCases ?? 3;
  const budgetSeconds = options.surgeSeconds ?? 120;
  const metering = meterDynamoDb();
  log("starting the local county (in-memory DynamoDB Local, real clock) …");
  const county = await startLocalCounty({
    ...(options.dynamoEndpoint
      ? { dynamoEndpoint: options.dynamoEndpoint, tablePrefix: `bench-a-${Date.now()}-` }
      : { inMemory: true }),
    clock: { mode: "real" },
  });
  const sfn = new SFNClient({
    endpoint: county.runtime.sfnEndpoint,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
  });
  try {
    const flowAArn = county.runtime.stateMachines["flow-a"];
    if (!flowAArn) throw new Error("no flow-a state machine");
    const executionArn = (caseId: string) => `${flowAArn.replace(":stateMachine:", ":execution:")}:${caseId}`;
    const clients = {
      officer: await signIn(county.apiUrl, "officer-chengguan-1"),
      officer2: await signIn(county.apiUrl, "officer-chengguan-2"),
      approver: await signIn(county.apiUrl, "approver-chengguan"),
    };

    // 1. The happy path, one case at a time so the meter attributes to one case.
    log(`Flow A happy path × ${happyCases} …`);
    const transitions: number[] = [];
    const total: CaseUsage = {
      transitions: 0,
      lambdaInvocations: 0,
      httpRequests: 0,
      writeRequestUnits: 0,
      readRequestUnits: 0,
    };
    let states: string[] = [];
    for (let i = 0; i < happyCases; i++) {
      const before = { ...metering.meter };
      const { caseId, httpRequests } = await happyPathCase(clients, 900_000 + i, Date.now() + 180_000);
      const events = await history(sfn, executionArn(caseId));
      const entered = events.filter((e) => e.type?.endsWith("StateEntered"));
      const tasks = events.filter((e) => e.type === "TaskScheduled" || e.type === "LambdaFunctionScheduled");
      transitions.push(entered.length);
      states = entered.map((e) => e.stateEnteredEventDetails?.name ?? "?");
      total.transitions += entered.length;
      total.lambdaInvocations += tasks.length + httpRequests;
      total.httpRequests += httpRequests;
      total.writeRequestUnits += metering.meter.wru - before.wru;
      total.readRequestUnits += metering.meter.rru - before.rru;
    }
    // Reads include this bench's own progress polling while it waits: an upper bound for the case.
    const usage: CaseUsage = {
      transitions: total.transitions / happyCases,
      lambdaInvocations: total.lambdaInvocations / happyCases,
      httpRequests: total.httpRequests / happyCases,
      writeRequestUnits: Math.round((total.writeRequestUnits / happyCases) * 10) / 10,
      readRequestUnits: Math.round((total.readRequestUnits / happyCases) * 10) / 10,
    };

    // 2. The surge on one township.
    log(`surge: filing and approving for ${budgetSeconds} s on township ${SURGE_TOWNSHIP} …`);
    const surge = await surgeClients(county.apiUrl);
    const started = Date.now();
    const stopFilingAt = started + budgetSeconds * 1000;
    const caseIds: string[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: options.concurrency ?? 8 }, async () => {
        while (Date.now() < stopFilingAt) {
          const index = next++;
          const c = await fileAndApprove(surge, index, {
            runId: "bench-surge",
            amountYuan: "100.00",
            deadlineMs: stopFilingAt + 120_000,
          });
          if (c.caseId) caseIds.push(c.caseId);
        }
      }),
    );
    log(`surge: ${caseIds.length} cases filed and approved; waiting for the payments …`);
    const progress = await waitUntilPaid(surge.officer, caseIds, Date.now() + 300_000);
    const paid = [...progress.values()].filter(advancePaid).length;
    const seconds = (Date.now() - started) / 1000;
    return {
      happyPath: { cases: happyCases, transitions, usage, states },
      surge: {
        cases: caseIds.length,
        paid,
        seconds: Math.round(seconds * 10) / 10,
        casesPerSecond: Math.round((paid / seconds) * 100) / 100,
        budgetSeconds,
      },
    };
  } finally {
    sfn.destroy();
    await county.stop();
    metering.restore();
  }
}
