/**
 * What a Flow A happy case costs in DynamoDB, by operation: every command any client of this process
 * sends is asked for `ReturnConsumedCapacity: "INDEXES"` and counted with what DynamoDB Local answers
 * (it computes the units from the item sizes as DynamoDB bills them: 1 KB a write unit, 4 KB a read
 * unit, ×2 in a transaction, ½ for an eventually consistent read, index writes on top). Each command is
 * attributed from its call stack: the handler file, the service function and the adapter method that
 * sent it, the command and the item types it touched (the `pk` prefix, e.g. `CASE#`).
 *
 * The bench's own progress polling (`GET /cases/{id}/progress` while it waits for each step) is
 * counted apart: it is this bench waiting, not the case.
 *
 * `--without-invocation-cache` measures the same tree with each invocation's stores made process-wide
 * again (CaseStore/MessageStore `forInvocation` answer the shared store): the figures before the cache.
 *
 *   npx tsx bench/cost/by-operation.ts [--cases 3] [--json out.json] [--without-invocation-cache]
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { writeFileSync } from "node:fs";
import { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { Command } from "commander";
import { CaseStore } from "#adapters/case-store.ts";
import { MessageStore } from "#adapters/message-store.ts";
import { executionArnOf, firstExecutionName } from "#functions/services/executions.ts";
import { startLocalCounty } from "#local/services.ts";
import { LocalFunctions } from "#local/stepfunctions/functions.ts";
import { runAsCommand } from "../main.ts";
import { happyPathCase, happyPathClients, history } from "../surge/run.ts";
import { localSfn } from "../surge/surge.ts";
import { costOf, DEFAULT_ASSUMPTIONS, requestUnitsOf } from "./estimate.ts";

/** One (step, adapter call, command, items) bucket. */
export interface OperationCost {
  /** `handler file › service function` (the first frames under functions/handlers and functions/services). */
  step: string;
  /** The adapter method that sent the command (first frame under functions/adapters), or "—". */
  call: string;
  command: string;
  /** Item types the command touched (pk prefix, `/sk` prefix in a case's partition), e.g. `CASE#/TASK#` or `AUDIT# + AUDITDEDUP#`. */
  items: string;
  requests: number;
  /** Write units billed to the table and to its indexes (DynamoDB Local's ConsumedCapacity). */
  wru: number;
  indexWru: number;
  rru: number;
  /** The same commands under the cost row's assumption (estimate.ts `requestUnitsOf`). */
  estimatedWru: number;
  estimatedRru: number;
}

interface Capacity {
  CapacityUnits?: number;
  ReadCapacityUnits?: number;
  WriteCapacityUnits?: number;
  Table?: { CapacityUnits?: number };
  GlobalSecondaryIndexes?: Record<string, { CapacityUnits?: number }>;
  LocalSecondaryIndexes?: Record<string, { CapacityUnits?: number }>;
}

const READ_COMMANDS = /^(Get|Query|Scan|BatchGet|TransactGet)/;

/** The frames of a stack under `functions/<dir>/`, as `file:function`. */
function framesUnder(stack: string, dir: string): { file: string; fn: string }[] {
  const out: { file: string; fn: string }[] = [];
  for (const line of stack.split("\n")) {
    const m = line.match(/at (?:async )?(?:(\S+) \()?.*?\/functions\/([^:]+):\d+:\d+\)?$/);
    if (!m?.[2]?.startsWith(`${dir}/`)) continue;
    out.push({
      file: m[2].slice(dir.length + 1).replace(/\.ts$/, ""),
      fn: (m[1] ?? "?").replace(/^Object\./, ""),
    });
  }
  return out;
}

/** The bench's own polling while it waits for each step. */
const POLLING_STEP = /^GET \/cases\/\{id\}\/progress/;

/** The invocation a command runs in: an HTTP route (`POST /cases/{id}/…`) or a state machine's task function. */
const invocation = new AsyncLocalStorage<string>();

/** `/cases/C20261207-ab12/progress` → `/cases/{id}/progress`. */
function routeOf(method: string | undefined, url: string | undefined): string {
  const path = (url ?? "/").split("?")[0] ?? "/";
  return `${method ?? "?"} ${path.replace(/\/(C\d{8}-[0-9a-f]+|[0-9a-f-]{20,}|AF[0-9a-f]+)(?=\/|$)/g, "/{id}")}`;
}

/**
 * Lambda invocations since the last `takeInvocations()`: requests to the county's HTTP API (the bench's
 * polling apart; the local Step Functions and bank endpoints are no Lambda) and task functions.
 */
interface Invocations {
  /** The county API's port, once known: only its requests are counted. */
  apiPort?: number;
  http: number;
  polling: number;
  tasks: number;
}

/** Wraps each HTTP request and each task-function invocation of this process in `invocation`. */
function trackInvocations(counts: () => Invocations): () => void {
  const emit = Server.prototype.emit as (this: Server, event: string | symbol, ...args: unknown[]) => boolean;
  Server.prototype.emit = function (this: Server, event: string | symbol, ...args: unknown[]) {
    if (event !== "request") return emit.call(this, event, ...args);
    const request = args[0] as { method?: string; url?: string };
    const route = routeOf(request.method, request.url);
    const port = (this.address() as AddressInfo | null)?.port;
    if (port !== undefined && port === counts().apiPort) {
      if (POLLING_STEP.test(route)) counts().polling += 1;
      else counts().http += 1;
    }
    return invocation.run(route, () => emit.call(this, event, ...args));
  } as typeof Server.prototype.emit;
  const invoke = LocalFunctions.prototype.invoke;
  LocalFunctions.prototype.invoke = function (this: LocalFunctions, reference, event) {
    const name = reference.split(":").at(-1) ?? reference;
    counts().tasks += 1;
    return invocation.run(`task ${name.replace(/^aidflow-/, "")}`, () => invoke.call(this, reference, event));
  };
  return () => {
    Server.prototype.emit = emit as typeof Server.prototype.emit;
    LocalFunctions.prototype.invoke = invoke;
  };
}

function attribute(stack: string): { step: string; call: string } {
  const handler = invocation.getStore() ?? "(no invocation)";
  const services = framesUnder(stack, "services");
  // The outermost service frame names the use case; the innermost the step inside it.
  const outer = services.at(-1);
  const inner = services[0];
  const service =
    outer && inner && outer !== inner && outer.fn !== inner.fn
      ? `${outer.fn} › ${inner.fn}`
      : (outer?.fn ?? "");
  const adapter = framesUnder(stack, "adapters")[0];
  return {
    step: [handler, service].filter(Boolean).join(" › "),
    call: adapter ? adapter.fn : "—",
  };
}

function stringOf(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (value && typeof value === "object" && typeof (value as { S?: unknown }).S === "string") {
    return (value as { S: string }).S;
  }
  return undefined;
}

/** `CASE#C2026…` → `CASE#`; `SETTINGS` stays whole. */
function typeOf(value: string): string {
  const hash = value.indexOf("#");
  return hash > 0 ? value.slice(0, hash + 1) : value;
}

/** The item type: its `pk` prefix, and the `sk` prefix where one partition holds several (`CASE#/TASK#`). */
function prefixOf(key: unknown): string {
  const record = key as Record<string, unknown> | undefined;
  const pk = stringOf(record?.pk);
  if (!pk) return "?";
  const sk = stringOf(record?.sk);
  return pk.startsWith("CASE#") && sk ? `${typeOf(pk)}/${typeOf(sk)}` : typeOf(pk);
}

/** The item types a command touches, from its keys (a Query: its index and key value's prefix). */
export function itemsOf(commandName: string, input: Record<string, unknown>): string {
  const name = commandName.replace(/Command$/, "");
  if (/^Transact(Write|Get)/.test(name)) {
    const counts = new Map<string, number>();
    for (const item of (input.TransactItems ?? []) as Record<string, Record<string, unknown>>[]) {
      const op = Object.values(item)[0] ?? {};
      const p = prefixOf(op.Item ?? op.Key);
      counts.set(p, (counts.get(p) ?? 0) + 1);
    }
    return [...counts].map(([p, n]) => (n > 1 ? `${p}×${n}` : p)).join(" + ");
  }
  if (/^Batch(Get|Write)/.test(name)) {
    const counts = new Map<string, number>();
    for (const value of Object.values((input.RequestItems ?? {}) as Record<string, unknown>)) {
      const list = Array.isArray(value) ? value : ((value as { Keys?: unknown[] }).Keys ?? []);
      for (const entry of list as Record<string, Record<string, unknown>>[]) {
        const key = entry.PutRequest?.Item ?? entry.DeleteRequest?.Key ?? entry;
        const p = prefixOf(key);
        counts.set(p, (counts.get(p) ?? 0) + 1);
      }
    }
    return [...counts].map(([p, n]) => (n > 1 ? `${p}×${n}` : p)).join(" + ");
  }
  if (name === "Query" || name === "Scan") {
    const values = Object.values((input.ExpressionAttributeValues ?? {}) as Record<string, unknown>)
      .map(stringOf)
      .filter((v): v is string => v !== undefined);
    const first = values.find((v) => v.includes("#")) ?? values[0] ?? "?";
    const hash = first.indexOf("#");
    const prefix = hash > 0 ? first.slice(0, hash + 1) : first;
    return `${input.IndexName ? `${String(input.IndexName)}: ` : ""}${prefix}`;
  }
  return prefixOf(input.Item ?? input.Key);
}

function unitsOf(consumed: unknown): { total: number; index: number } {
  const list = (Array.isArray(consumed) ? consumed : consumed ? [consumed] : []) as Capacity[];
  let total = 0;
  let index = 0;
  for (const c of list) {
    total += c.CapacityUnits ?? 0;
    for (const i of Object.values(c.GlobalSecondaryIndexes ?? {})) index += i.CapacityUnits ?? 0;
    for (const i of Object.values(c.LocalSecondaryIndexes ?? {})) index += i.CapacityUnits ?? 0;
  }
  return { total, index };
}

export interface OperationMeter {
  /** Buckets since the last `take()`, emptied by it. */
  take(): OperationCost[];
  /** Invocations since the last `takeInvocations()`, reset by it. */
  takeInvocations(): Invocations;
  /** Counts the requests of the HTTP API on this port only. */
  countApiOn(port: number): void;
  restore(): void;
}

/** Meters every DynamoDB command of this process by operation (handlers build their own clients). */
export function meterByOperation(): OperationMeter {
  let buckets = new Map<string, OperationCost>();
  let counts: Invocations = { http: 0, polling: 0, tasks: 0 };
  const prototype = Object.getPrototypeOf(DynamoDBClient.prototype) as {
    send: (...args: unknown[]) => unknown;
  };
  const original = prototype.send;
  const stackLimit = Error.stackTraceLimit;
  const untrack = trackInvocations(() => counts);
  Error.stackTraceLimit = 80;
  prototype.send = function (this: { constructor: { name: string } }, ...args: unknown[]) {
    const client = this.constructor.name;
    const command = args[0] as { constructor: { name: string }; input?: Record<string, unknown> };
    if (client !== "DynamoDBClient" && client !== "DynamoDBDocumentClient") return original.apply(this, args);
    const input = command.input ?? {};
    // The local Step Functions layer's executions, events and tokens: inside Step Functions on AWS.
    if (JSON.stringify(input).includes('"SFN')) return original.apply(this, args);
    const where = attribute(new Error().stack ?? "");
    const commandName = command.constructor.name.replace(/Command$/, "");
    const items = itemsOf(commandName, input);
    const estimate = requestUnitsOf(commandName, input);
    if (input.ReturnConsumedCapacity === undefined) input.ReturnConsumedCapacity = "INDEXES";
    const key = `${where.step}|${where.call}|${commandName}|${items}`;
    const bucket =
      buckets.get(key) ??
      ({
        step: where.step,
        call: where.call,
        command: commandName,
        items,
        requests: 0,
        wru: 0,
        indexWru: 0,
        rru: 0,
        estimatedWru: 0,
        estimatedRru: 0,
      } satisfies OperationCost);
    buckets.set(key, bucket);
    bucket.requests += 1;
    bucket.estimatedWru += estimate.wru;
    bucket.estimatedRru += estimate.rru;
    const count = (output: unknown) => {
      const units = unitsOf((output as { ConsumedCapacity?: unknown } | undefined)?.ConsumedCapacity);
      if (READ_COMMANDS.test(commandName)) bucket.rru += units.total;
      else {
        bucket.wru += units.total - units.index;
        bucket.indexWru += units.index;
      }
      return output;
    };
    // A refused conditional write is billed too, but DynamoDB Local reports nothing for it: counted as
    // its estimate (one unit per item), so a lost race is not free in this table.
    const refused = (error: unknown) => {
      if (READ_COMMANDS.test(commandName)) bucket.rru += estimate.rru;
      else bucket.wru += estimate.wru;
      throw error;
    };
    return (original.apply(this, args) as Promise<unknown>).then(count, refused);
  };
  return {
    take() {
      const out = [...buckets.values()];
      buckets = new Map();
      return out;
    },
    takeInvocations() {
      const out = counts;
      counts = { apiPort: out.apiPort, http: 0, polling: 0, tasks: 0 };
      return out;
    },
    countApiOn(port: number) {
      counts.apiPort = port;
    },
    restore() {
      prototype.send = original;
      Error.stackTraceLimit = stackLimit;
      untrack();
    },
  };
}

/** Whether a bucket is the bench's own polling rather than the case. */
export function isPolling(op: OperationCost): boolean {
  return POLLING_STEP.test(op.step);
}

export interface CaseCostRun {
  cases: number;
  /** Whether each invocation had its own stores (false: `--without-invocation-cache`). */
  invocationCache: boolean;
  transitions: number[];
  /** Per case: HTTP requests of the case (not the polling) and task-function invocations. */
  httpRequests: number;
  taskInvocations: number;
  /** Per case (sums over the cases ÷ cases). */
  operations: OperationCost[];
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}

function perCase(ops: OperationCost[], cases: number): OperationCost[] {
  const merged = new Map<string, OperationCost>();
  for (const op of ops) {
    const key = `${op.step}|${op.call}|${op.command}|${op.items}`;
    const m = merged.get(key);
    if (!m) merged.set(key, { ...op });
    else {
      m.requests += op.requests;
      m.wru += op.wru;
      m.indexWru += op.indexWru;
      m.rru += op.rru;
      m.estimatedWru += op.estimatedWru;
      m.estimatedRru += op.estimatedRru;
    }
  }
  return [...merged.values()].map((m) => ({
    ...m,
    requests: round(m.requests / cases),
    wru: round(m.wru / cases),
    indexWru: round(m.indexWru / cases),
    rru: round(m.rru / cases),
    estimatedWru: round(m.estimatedWru / cases),
    estimatedRru: round(m.estimatedRru / cases),
  }));
}

/** Makes `forInvocation` answer the process-wide store itself (the code before the cache); returns the undo. */
function withoutInvocationCache(): () => void {
  const cases = CaseStore.prototype.forInvocation;
  const messages = MessageStore.prototype.forInvocation;
  CaseStore.prototype.forInvocation = function (this: CaseStore) {
    return this;
  };
  MessageStore.prototype.forInvocation = function (this: MessageStore) {
    return this;
  };
  return () => {
    CaseStore.prototype.forInvocation = cases;
    MessageStore.prototype.forInvocation = messages;
  };
}

/** Runs `cases` Flow A happy cases one at a time on a fresh in-memory county and meters them. */
export async function measureCaseCost(
  cases: number,
  log: (line: string) => void,
  options: { invocationCache?: boolean } = {},
): Promise<CaseCostRun> {
  const invocationCache = options.invocationCache ?? true;
  const restoreCache = invocationCache ? () => {} : withoutInvocationCache();
  const meter = meterByOperation();
  log("starting the local county (in-memory DynamoDB Local, real clock) …");
  const county = await startLocalCounty({ inMemory: true, clock: { mode: "real" } });
  meter.countApiOn(Number(new URL(county.apiUrl).port));
  const sfn = localSfn(county.runtime.sfnEndpoint);
  try {
    const flowAArn = county.runtime.stateMachines["flow-a"];
    if (!flowAArn) throw new Error("no flow-a state machine");
    const clients = await happyPathClients(county.apiUrl);
    // One warm-up case (first imports, first reads of a cold runtime), not counted.
    await happyPathCase(clients, 800_000, Date.now() + 180_000);
    meter.take();
    meter.takeInvocations();
    const all: OperationCost[] = [];
    const transitions: number[] = [];
    let httpRequests = 0;
    let taskInvocations = 0;
    for (let i = 0; i < cases; i++) {
      log(`case ${i + 1} of ${cases} …`);
      const { caseId } = await happyPathCase(clients, 810_000 + i, Date.now() + 180_000);
      // The case is closed: let the last step's trailing writes land before the meter is read.
      await new Promise((resolve) => setTimeout(resolve, 500));
      all.push(...meter.take());
      const counted = meter.takeInvocations();
      httpRequests += counted.http;
      taskInvocations += counted.tasks;
      const events = await history(sfn, executionArnOf(flowAArn, firstExecutionName(caseId)));
      transitions.push(events.filter((e) => e.type?.endsWith("StateEntered")).length);
    }
    return {
      cases,
      invocationCache,
      transitions,
      httpRequests: round(httpRequests / cases),
      taskInvocations: round(taskInvocations / cases),
      operations: perCase(all, cases),
    };
  } finally {
    sfn.destroy();
    await county.stop();
    meter.restore();
    restoreCache();
  }
}

function sum(ops: OperationCost[], f: (o: OperationCost) => number): number {
  return round(ops.reduce((n, o) => n + f(o), 0));
}

const usd = (n: number) => `$${n < 0.01 ? n.toFixed(6) : n.toFixed(4)}`;

/**
 * The cost row of the case (bench/run.ts's, from this run): its own DynamoDB units as DynamoDB Local
 * bills them, indexes included, without the bench's polling.
 */
export function costLine(run: CaseCostRun): string {
  const own = run.operations.filter((o) => !isPolling(o));
  const transitions = round(run.transitions.reduce((n, t) => n + t, 0) / run.cases);
  const wru = sum(own, (o) => o.wru + o.indexWru);
  const rru = sum(own, (o) => o.rru);
  const lambdaInvocations = round(run.taskInvocations + run.httpRequests);
  const cost = costOf({
    transitions,
    lambdaInvocations,
    httpRequests: run.httpRequests,
    writeRequestUnits: wru,
    readRequestUnits: rru,
  });
  return (
    `**${usd(cost.totalUsd)}** = Step Functions ${usd(cost.stepFunctionsUsd)} (${transitions} transitions) + ` +
    `Lambda ${usd(cost.lambdaUsd)} (${lambdaInvocations} invocations: ${run.taskInvocations} tasks + ${run.httpRequests} HTTP, ` +
    `${DEFAULT_ASSUMPTIONS.memoryMb} MB × ${DEFAULT_ASSUMPTIONS.billedMsPerInvocation} ms assumed) + ` +
    `DynamoDB ${usd(cost.dynamoDbUsd)} (${wru} WRU, ${rru} RRU) + HTTP API ${usd(cost.httpApiUsd)} (${run.httpRequests} requests)`
  );
}

/** The markdown tables: by step, then by operation (step, call, command, items). */
export function markdown(run: CaseCostRun): string {
  const own = run.operations.filter((o) => !isPolling(o));
  const polling = run.operations.filter(isPolling);
  const lines: string[] = [
    `${run.invocationCache ? "Each invocation with its own stores" : "Without the invocation cache (--without-invocation-cache)"}. Cost: ${costLine(run)}.`,
    "",
  ];
  const total = (ops: OperationCost[]) =>
    `${sum(ops, (o) => o.requests)} requests, **${sum(ops, (o) => o.wru + o.indexWru)} WRU** (table ${sum(ops, (o) => o.wru)} + indexes ${sum(ops, (o) => o.indexWru)}), **${sum(ops, (o) => o.rru)} RRU**`;
  lines.push(
    `Per Flow A happy case (mean of ${run.cases}; transitions ${run.transitions.join(", ")}): the case ${total(own)}; ` +
      `the bench's progress polling ${total(polling)}. Cost row's estimate (1 unit an item) for the case: ` +
      `${sum(own, (o) => o.estimatedWru)} WRU, ${sum(own, (o) => o.estimatedRru)} RRU; with the polling ` +
      `${sum(run.operations, (o) => o.estimatedWru)} WRU, ${sum(run.operations, (o) => o.estimatedRru)} RRU.`,
    "",
    "| step (handler › service) | requests | WRU (table + indexes) | RRU |",
    "|---|---|---|---|",
  );
  const bySteps = new Map<string, OperationCost[]>();
  for (const op of own) bySteps.set(op.step, [...(bySteps.get(op.step) ?? []), op]);
  const steps = [...bySteps].sort(
    (a, b) => sum(b[1], (o) => o.wru + o.indexWru + o.rru) - sum(a[1], (o) => o.wru + o.indexWru + o.rru),
  );
  for (const [step, ops] of steps) {
    lines.push(
      `| ${step} | ${sum(ops, (o) => o.requests)} | ${sum(ops, (o) => o.wru + o.indexWru)} (${sum(ops, (o) => o.wru)} + ${sum(ops, (o) => o.indexWru)}) | ${sum(ops, (o) => o.rru)} |`,
    );
  }
  lines.push(
    "",
    "| step | adapter call | command | items (pk prefix / sk prefix) | requests | WRU (table + indexes) | RRU |",
    "|---|---|---|---|---|---|---|",
  );
  for (const [step, ops] of steps) {
    for (const o of [...ops].sort((a, b) => b.wru + b.indexWru + b.rru - (a.wru + a.indexWru + a.rru))) {
      lines.push(
        `| ${step} | ${o.call} | ${o.command} | ${o.items} | ${o.requests} | ${round(o.wru + o.indexWru)} (${o.wru} + ${o.indexWru}) | ${o.rru} |`,
      );
    }
  }
  return lines.join("\n");
}

async function main(): Promise<void> {
  const options = new Command()
    .option("--cases <n>", "happy-path cases measured one at a time", Number, 3)
    .option("--json <file>", "also write the per-case operations as JSON")
    .option(
      "--without-invocation-cache",
      "every invocation on the process-wide stores (the code before the cache)",
    )
    .parse()
    .opts<{ cases: number; json?: string; withoutInvocationCache?: boolean }>();
  const run = await measureCaseCost(options.cases, (line) => process.stderr.write(`· ${line}\n`), {
    invocationCache: !options.withoutInvocationCache,
  });
  if (options.json) writeFileSync(options.json, `${JSON.stringify(run, null, 2)}\n`);
  console.log(markdown(run));
}

runAsCommand(import.meta.url, main);
