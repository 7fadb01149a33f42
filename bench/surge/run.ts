/**
 * Flow A on the whole local county, in this process (`startLocalCounty`, in-memory DynamoDB Local,
 * real clock, the bank simulator with its default settlement delays):
 *
 * 1. the happy path (file → approve → paid by the bank → paperwork → close) for a few cases, with
 *    what each case used: state transitions and task (Lambda) invocations counted from its
 *    execution history, HTTP requests (each one Lambda invocation behind the HTTP API: the caller's
 *    plus the bank's callbacks), DynamoDB request units counted at the SDK — excluding the local
 *    Step Functions layer's own items (`SFN…` keys), which AWS keeps inside Step Functions;
 * 2. a surge: a fixed number of cases (default 10,000) filed and approved on ONE
 *    township by concurrent callers, then waiting until every advance is paid: cases per second end
 *    to end. Each advance is what the township fund can pay for all of them (at most ¥100), so the
 *    fund never runs dry mid-surge.
 *
 * Standalone (the ledger rate for the ratio is then "not measured"):
 *
 *   npx tsx bench/surge/run.ts [--cases 10000] [--concurrency 32] [--happy-cases 3]
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { GetExecutionHistoryCommand, type HistoryEvent, type SFNClient } from "@aws-sdk/client-sfn";
import { Command } from "commander";
import { Yuan } from "#core/money/index.ts";
import { executionArnOf, firstExecutionName } from "#functions/services/executions.ts";
import { startLocalCounty } from "#local/services.ts";
import { type ApiClient, signIn } from "#test/e2e/support/api.ts";
import { type CaseUsage, costOf, requestUnitsOf } from "../cost/estimate.ts";
import { runAsCommand } from "../main.ts";
import {
  advancePaid,
  type CaseProgress,
  fileAndApprove,
  inPool,
  localSfn,
  progressOf,
  SURGE_APPROVER,
  SURGE_OFFICER,
  SURGE_TOWNSHIP,
  surgeClients,
  surgeFiling,
  until,
  waitUntilPaid,
} from "./surge.ts";

export interface FlowARow {
  happyPath: { cases: number; transitions: number[]; usage: CaseUsage; states: string[] };
  surge: SurgeRow;
}

export interface SurgeRow {
  /** Cases filed and approved (= the count asked for, unless a filing failed). */
  cases: number;
  /** The count asked for. */
  requested: number;
  paid: number;
  /** Cases that stopped unpaid (an incident, closed), by status: a surge never waits for them. */
  stoppedUnpaid: Record<string, number>;
  /** From the first filing until every advance was paid. */
  seconds: number;
  /** Of which: filing and approving every case. */
  filingSeconds: number;
  casesPerSecond: number;
  amountYuan: string;
  concurrency: number;
}

/** The surge's default size. */
export const SURGE_CASES = 10_000;
/** Concurrent callers: enough that the county, not the callers' waits, sets the pace. */
export const SURGE_CONCURRENCY = 32;
const SURGE_AMOUNT_MAX = Yuan.parse("100.00");

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

/** An execution's whole history, every page of it. */
export async function history(sfn: SFNClient, executionArn: string): Promise<HistoryEvent[]> {
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

function openTask(progress: CaseProgress, taskType: string) {
  return progress.tasks.find((t) => t.taskType === taskType && t.status === "open");
}

export interface HappyPathClients {
  officer: ApiClient;
  officer2: ApiClient;
  approver: ApiClient;
}

/** The sign-ins a happy-path case needs: the filing officer, the second investigator, the approver. */
export async function happyPathClients(apiUrl: string): Promise<HappyPathClients> {
  return {
    officer: await signIn(apiUrl, SURGE_OFFICER),
    officer2: await signIn(apiUrl, "officer-chengguan-2"),
    approver: await signIn(apiUrl, SURGE_APPROVER),
  };
}

/** One Flow A case along the happy path; returns the HTTP requests it made. */
export async function happyPathCase(
  clients: HappyPathClients,
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
  if (paperwork.status === 202) {
    // The second investigator confirms the recording (DOMAIN §3.4 co-signature); then the flow resumes.
    const coSigned = await clients.officer2.post(
      `/cases/${caseId}/paperwork/co-sign`,
      { decision: "confirm" },
      { idempotencyKey: `bench-happy-co-sign-${index}` },
    );
    requests += 1;
    if (coSigned.status !== 200) throw new Error(`co-signature refused: ${coSigned.status} ${coSigned.text}`);
  } else if (paperwork.status !== 200) {
    throw new Error(`paperwork refused: ${paperwork.status} ${paperwork.text}`);
  }
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
    /** Cases in the surge; default SURGE_CASES. */
    surgeCases?: number;
    concurrency?: number;
    /** A running DynamoDB Local to use (fresh tables); default the county starts its own in memory. */
    dynamoEndpoint?: string;
    log?: (line: string) => void;
  } = {},
): Promise<FlowARow> {
  const log = options.log ?? (() => {});
  const happyCases = options.happyCases ?? 3;
  const surgeCases = options.surgeCases ?? SURGE_CASES;
  const concurrency = options.concurrency ?? SURGE_CONCURRENCY;
  const metering = meterDynamoDb();
  log("starting the local county (in-memory DynamoDB Local, real clock) …");
  const county = await startLocalCounty({
    ...(options.dynamoEndpoint
      ? { dynamoEndpoint: options.dynamoEndpoint, tablePrefix: `bench-a-${Date.now()}-` }
      : { inMemory: true }),
    clock: { mode: "real" },
  });
  const sfn = localSfn(county.runtime.sfnEndpoint);
  try {
    const flowAArn = county.runtime.stateMachines["flow-a"];
    if (!flowAArn) throw new Error("no flow-a state machine");
    const executionArn = (caseId: string) => executionArnOf(flowAArn, firstExecutionName(caseId));
    const clients = await happyPathClients(county.apiUrl);

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
    const amountYuan = await surgeAmount(county.apiUrl, surgeCases);
    log(
      `surge: ${surgeCases.toLocaleString("en-US")} cases of ¥${amountYuan} on township ${SURGE_TOWNSHIP}, ${concurrency} concurrent callers …`,
    );
    const surge = await surgeClients(county.apiUrl);
    const progressLine = progressReporter(log, surgeCases);
    const started = Date.now();
    const caseIds: string[] = [];
    const cases = await inPool(surgeCases, concurrency, async (index) => {
      const c = await fileAndApprove(surge, index, {
        runId: "bench-surge",
        amountYuan,
        deadlineMs: Date.now() + 300_000,
      });
      if (c.caseId) caseIds.push(c.caseId);
      progressLine.tick(started);
      return c;
    });
    const filingSeconds = (Date.now() - started) / 1000;
    progressLine.done();
    log(
      `surge: ${caseIds.length} cases filed and approved in ${filingSeconds.toFixed(1)} s; waiting for the payments …`,
    );
    const progress = await waitUntilPaid(
      surge.officer,
      caseIds,
      Date.now() + 600_000,
      concurrency,
      (p) => advancePaid(p) || STOPPED_STATUSES.has(p.case.status),
    );
    const paid = [...progress.values()].filter(advancePaid).length;
    const stoppedUnpaid: Record<string, number> = {};
    for (const p of progress.values()) {
      if (!advancePaid(p)) stoppedUnpaid[p.case.status] = (stoppedUnpaid[p.case.status] ?? 0) + 1;
    }
    const seconds = (Date.now() - started) / 1000;
    return {
      happyPath: { cases: happyCases, transitions, usage, states },
      surge: {
        cases: cases.filter((c) => c.caseId !== undefined).length,
        requested: surgeCases,
        paid,
        stoppedUnpaid,
        seconds: Math.round(seconds * 10) / 10,
        filingSeconds: Math.round(filingSeconds * 10) / 10,
        casesPerSecond: Math.round((paid / seconds) * 100) / 100,
        amountYuan,
        concurrency,
      },
    };
  } finally {
    sfn.destroy();
    await county.stop();
    metering.restore();
  }
}

/** `; stopped unpaid: 1 incident` — empty when every case was paid. */
export function stoppedLine(stopped: Record<string, number>): string {
  const parts = Object.entries(stopped).map(([status, n]) => `${n} ${status}`);
  return parts.length > 0 ? `; stopped unpaid: ${parts.join(", ")}` : "";
}

/** A surge case in one of these will not be paid without a person: the bench stops waiting for it. */
const STOPPED_STATUSES: ReadonlySet<string> = new Set(["incident", "closed", "withdrawn"]);

/**
 * The advance per surge case: what the township fund has available, spread over every case (the
 * happy path's cases were paid already), at most ¥100 — a surge that drains the fund would measure
 * the wait for a replenishment, not the county.
 */
async function surgeAmount(apiUrl: string, cases: number): Promise<string> {
  const finance = await signIn(apiUrl, "finance-1");
  const listed = await finance.get<{ funds: { townshipId: string; availableYuan: string }[] }>("/funds");
  const fund =
    listed.status === 200 ? listed.body.funds.find((f) => f.townshipId === SURGE_TOWNSHIP) : undefined;
  if (!fund)
    throw new Error(`no fund of township ${SURGE_TOWNSHIP}: ${listed.status} ${listed.text.slice(0, 200)}`);
  const share = Yuan.fromFen(Math.floor(Number(Yuan.parse(fund.availableYuan).toFenString()) / cases));
  if (share.compare(Yuan.parse("0.01")) < 0) {
    throw new Error(`the fund (¥${fund.availableYuan} available) cannot pay ${cases} cases`);
  }
  return Yuan.min(share, SURGE_AMOUNT_MAX).toString();
}

/** A progress line about every 15 s (and at every 10 %): cases done, rate so far, time left. */
function progressReporter(log: (line: string) => void, total: number) {
  let done = 0;
  let lastAt = Date.now();
  let lastTenth = 0;
  return {
    tick(startedMs: number) {
      done += 1;
      const now = Date.now();
      const tenth = Math.floor((done * 10) / total);
      if (now - lastAt < 15_000 && tenth === lastTenth) return;
      lastAt = now;
      lastTenth = tenth;
      const rate = done / ((now - startedMs) / 1000);
      const left = rate > 0 ? Math.round((total - done) / rate) : 0;
      log(
        `surge: ${done.toLocaleString("en-US")}/${total.toLocaleString("en-US")} filed and approved, ${rate.toFixed(1)}/s, ≈ ${left} s left`,
      );
    },
    done() {
      lastAt = 0;
    },
  };
}

async function main(): Promise<void> {
  const options = new Command()
    .option("--cases <n>", "cases in the surge", Number, SURGE_CASES)
    .option("--concurrency <n>", "concurrent callers", Number, SURGE_CONCURRENCY)
    .option("--happy-cases <n>", "happy-path cases measured one at a time", Number, 3)
    .parse()
    .opts<{ cases: number; concurrency: number; happyCases: number }>();
  const log = (line: string) => process.stderr.write(`· ${line}\n`);
  const row = await runFlowABench({
    surgeCases: options.cases,
    concurrency: options.concurrency,
    happyCases: options.happyCases,
    log,
  });
  const s = row.surge;
  console.log(
    `surge: ${s.paid} of ${s.cases} cases (¥${s.amountYuan} each) paid in ${s.seconds} s ` +
      `(filing and approving ${s.filingSeconds} s) = ${s.casesPerSecond} cases/s; ` +
      "ratio to the ledger rate: not measured (run npm run bench)" +
      stoppedLine(s.stoppedUnpaid),
  );
  console.log(
    `happy path transitions: ${row.happyPath.transitions.join(", ")} — ${row.happyPath.states.join(" → ")}`,
  );
  const u = row.happyPath.usage;
  const cost = costOf(u);
  console.log(
    `happy path cost (bench/run.ts's row): $${cost.totalUsd.toFixed(6)} = Step Functions $${cost.stepFunctionsUsd.toFixed(6)} ` +
      `(${u.transitions} transitions) + Lambda $${cost.lambdaUsd.toFixed(6)} (${u.lambdaInvocations} invocations) + ` +
      `DynamoDB $${cost.dynamoDbUsd.toFixed(6)} (${u.writeRequestUnits} WRU, ≤ ${u.readRequestUnits} RRU) + ` +
      `HTTP API $${cost.httpApiUsd.toFixed(6)} (${u.httpRequests} requests)`,
  );
}

runAsCommand(import.meta.url, main);
