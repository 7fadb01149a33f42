/**
 * The county the full-flow simulation runs on: the local runtime exactly as `npm start` composes it —
 * Flow A and Flow B state machines from workflows/*.asl.json, the catalog's handlers, the local
 * Step Functions layer, the HTTP API with its JWT check, the bank simulator with signed callbacks —
 * with three differences that make a run a seeded experiment:
 *
 * - a MANUAL clock: deadlines, Wait states and Retry back-offs pass only when the driver advances it
 *   (one timer at a time, the county settling in between), and it is reset to the same instant at
 *   the start of every run;
 * - the bank settles only when the driver flushes it, and the fate of each transfer is fixed by the
 *   payee's account (closed / callback lost / callback delivered twice), not by a random stream;
 * - every DynamoDB client sends its requests through a fault injector (dynamo-fault-injector.ts), and
 *   the handlers' clients retry as the SDK does (three attempts, throttles and transient errors
 *   only) but without its real-time backoff, which a manual clock has no use for.
 *
 * Every run gets a county of its own (policy, township directory, users, funds), so runs never share
 * money or people and a seed replays the same on a fresh county.
 */
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { DirectoryStore, putCountyPolicySet } from "#adapters/directory-store.ts";
import { UserDirectory } from "#adapters/user-directory.ts";
import type { Role } from "#core/access/index.ts";
import { type CountyPolicySet, parseCountyPolicySet } from "#core/policy/index.ts";
import { resetConfig } from "#functions/runtime/config.ts";
import { setDynamoClientDefaults } from "#functions/runtime/dynamo-client.ts";
import { captureLogs } from "#functions/runtime/logger.ts";
import { resetFlowDeps } from "#functions/services/deps.ts";
import { type RunningBankSimulator, startBankSimulator } from "#local/bank-simulator/server.ts";
import { isManualClock, type ManualClock } from "#local/clock.ts";
import { localDynamoClient } from "#local/dynamodb/engine.ts";
import { type ApiServer, startApiServer } from "#local/http/server.ts";
import type { LocalRuntime } from "#local/runtime.ts";
import { startLocalRuntime } from "#local/runtime.ts";
import { demoCountyParameters2026 } from "#local/seed/policy-demo-county.ts";
import { ApiClient } from "#test/e2e/support/api.ts";
import { quickRetryStrategy } from "#test/support/faults.ts";
import { countTaskInvocations, untilQuiet } from "./activity.ts";
import { createDynamoFaultInjector, type DynamoFaultInjector } from "./dynamo-fault-injector.ts";

/** Monday 2026-03-02 09:00 Asia/Shanghai: every run starts here. */
export const RUN_START_MS = Date.parse("2026-03-02T09:00:00+08:00");

/**
 * Operating intervals of the flows (not policy, functions/runtime/flow-settings.ts), shortened so
 * that a run sees the bank's silence, a poll and a re-check of a dry fund within a few clock steps.
 */
const SIM_FLOW_SETTINGS = {
  AIDFLOW_BANK_CONFIRMATION_TIMEOUT_SECONDS: String(30 * 60),
  AIDFLOW_PAYMENT_POLL_INTERVAL_SECONDS: String(15 * 60),
  AIDFLOW_FUND_RECHECK_SECONDS: String(24 * 3600),
  AIDFLOW_ESCALATION_REMINDER_SECONDS: String(24 * 3600),
  AIDFLOW_STAGE_RECHECK_DEADLINE_SECONDS: String(3 * 24 * 3600),
};

/** Attempts per SDK call, the SDK's standard strategy's default. */
const SDK_ATTEMPTS = 3;

export interface SimUser {
  userId: string;
  name: string;
  roles: Role[];
  countyId: string;
  townshipId?: string;
}

export interface SimCounty {
  runtime: LocalRuntime;
  clock: ManualClock;
  faults: DynamoFaultInjector;
  bank: RunningBankSimulator;
  api: ApiServer;
  /** A client straight to DynamoDB Local (no faults): provisioning and the invariant checks. */
  dynamo: DynamoDBClient;
  doc: DynamoDBDocumentClient;
  tables: { main: string; ledger: string };
  clientFor(user: SimUser): ApiClient;
  /** Waits until nothing moves (activity.ts). */
  quiet(): Promise<void>;
  logs(): readonly string[];
  /** Forgets the log lines kept so far (each run keeps only its own, for its failure report). */
  clearLogs(): void;
  close(): Promise<void>;
}

export async function startSimCounty(options: {
  dynamoEndpoint: string;
  label?: string;
}): Promise<SimCounty> {
  countTaskInvocations();
  const capture = captureLogs({ echo: process.env.AIDFLOW_TEST_ECHO_LOGS === "1" });
  const secrets = {
    identity: randomBytes(24).toString("hex"),
    payee: randomBytes(24).toString("hex"),
    callback: randomBytes(24).toString("hex"),
    request: randomBytes(24).toString("hex"),
    devToken: randomBytes(24).toString("hex"),
  };
  Object.assign(process.env, {
    AIDFLOW_RUNTIME: "local",
    AIDFLOW_IDENTITY_HASH_KEY: secrets.identity,
    AIDFLOW_PAYEE_HASH_SECRET: secrets.payee,
    AIDFLOW_BANK_CALLBACK_SECRET: secrets.callback,
    AIDFLOW_BANK_REQUEST_SECRET: secrets.request,
    ...SIM_FLOW_SETTINGS,
  });
  // As many attempts as the SDK's standard strategy makes; set before any handler makes its client.
  const faults = createDynamoFaultInjector();
  setDynamoClientDefaults({
    retryStrategy: quickRetryStrategy(SDK_ATTEMPTS, 0),
    requestHandler: faults.requestHandler,
  });
  const runtime = await startLocalRuntime({
    dynamoEndpoint: options.dynamoEndpoint,
    dynamoRequestHandler: faults.requestHandler,
    tablePrefix: `${options.label ?? "simc"}-${randomBytes(4).toString("hex")}-`,
    clock: { mode: "manual", startMs: RUN_START_MS },
    workflows: [
      { name: "flow-a", file: "workflows/flow-a.asl.json" },
      { name: "flow-b", file: "workflows/flow-b.asl.json" },
    ],
    onError: () => {},
  });
  if (!isManualClock(runtime.clock)) throw new Error("the simulation needs the manual clock");
  const clock = runtime.clock;
  const bank = await startBankSimulator({
    callbackSecret: secrets.callback,
    requestSecret: secrets.request,
    seed: 1,
    knobs: { delayScale: 0 },
  });
  process.env.AIDFLOW_BANK_ENDPOINTS = JSON.stringify({ "*": bank.url });
  const documentsDir = await mkdtemp(join(tmpdir(), "aidflow-sim-"));
  const api = await startApiServer({
    devTokenSecret: secrets.devToken,
    env: { AIDFLOW_DOCUMENTS_DIR: documentsDir },
    users: false,
  });
  process.env.AIDFLOW_BANK_CALLBACK_URL = `${api.url}/bank/callback`;
  resetConfig();
  resetFlowDeps();
  const dynamo = localDynamoClient(options.dynamoEndpoint);
  return {
    runtime,
    clock,
    faults,
    bank,
    api,
    dynamo,
    doc: DynamoDBDocumentClient.from(dynamo, { marshallOptions: { removeUndefinedValues: true } }),
    tables: runtime.tables,
    clientFor: (user) => new ApiClient(api.url, api.mintToken(user)),
    quiet: () => untilQuiet(faults, runtime.stepFunctions),
    logs: () => capture.lines,
    clearLogs: () => {
      capture.lines.length = 0;
    },
    close: async () => {
      await api.close();
      await bank.stop();
      await runtime.stop();
      faults.close();
      dynamo.destroy();
      capture.stop();
      resetFlowDeps();
      setDynamoClientDefaults({});
      await rm(documentsDir, { recursive: true, force: true });
    },
  };
}

export interface RunCounty {
  countyId: string;
  townshipId: string;
  users: {
    officer: SimUser;
    officer2: SimUser;
    approver: SimUser;
    civil: SimUser;
    finance: SimUser;
    finance2: SimUser;
  };
}

/**
 * A county of its own for run number `instance` (unique in this process): county 9xxxxx with one
 * township, its policy (the demo county's typical values), its users; the fund is opened and
 * allocated by county finance through the API by the caller (the real path).
 */
export async function provisionRunCounty(
  county: SimCounty,
  instance: number,
  shape: { registeredPopulation: number; area: "urban" | "rural" },
): Promise<RunCounty> {
  const countyId = `9${String(instance % 100_000).padStart(5, "0")}`;
  const townshipId = `${countyId}001`;
  const policy: CountyPolicySet = parseCountyPolicySet({
    countyId,
    countyName: `模拟县${countyId}`,
    versions: [
      {
        versionId: `${countyId}-2026-01`,
        countyId,
        effectiveFrom: "2026-01-01T00:00:00+08:00",
        basis: "模拟县：取示例县政策（DOMAIN §7 典型值）",
        parameters: demoCountyParameters2026,
      },
    ],
  });
  await putCountyPolicySet(county.doc, county.tables.main, policy);
  await new DirectoryStore(county.doc, county.tables.main).putCounty({
    countyId,
    name: `模拟县${countyId}`,
    townships: [
      {
        townshipId,
        name: shape.area === "urban" ? "模拟街道" : "模拟镇",
        registeredPopulation: shape.registeredPopulation,
        area: shape.area,
      },
    ],
  });
  const user = (key: string, name: string, roles: Role[], township = true): SimUser => ({
    userId: `sim-${countyId}-${key}`,
    name,
    roles,
    countyId,
    ...(township ? { townshipId } : {}),
  });
  const users = {
    officer: user("officer-1", "经办甲", ["township-officer"]),
    officer2: user("officer-2", "经办乙", ["township-officer"]),
    approver: user("approver", "审批丙", ["township-approver"]),
    civil: user("civil", "民政丁", ["county-civil-affairs"], false),
    finance: user("finance-1", "财务戊", ["county-finance"], false),
    finance2: user("finance-2", "财务己", ["county-finance"], false),
  };
  // The county's staff in the user directory: the paperwork's investigators are checked against it.
  await new UserDirectory(county.doc, county.tables.main).putUsers(
    countyId,
    Object.values(users).map((u) => ({ ...u, roles: [...u.roles], active: true })),
  );
  return { countyId, townshipId, users };
}

/** Advances the manual clock to `targetMs` one timer at a time, letting the county settle after each. */
export async function advanceClock(county: SimCounty, targetMs: number): Promise<number> {
  let fired = 0;
  for (;;) {
    const next = county.clock.nextDueMs();
    if (next === undefined || next > targetMs) break;
    await county.clock.advanceTo(next);
    await county.quiet();
    fired += 1;
  }
  if (county.clock.nowMs() < targetMs) await county.clock.advanceTo(targetMs);
  await county.quiet();
  return fired;
}
