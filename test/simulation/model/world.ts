/**
 * The world of one ledger+payments simulation run, all in this process: the REAL group-commit ledger
 * writer and the REAL payment store on DynamoDB Local (through a client with this run's injected
 * faults), the REAL bank simulator (seeded, manual settlement) and the REAL signed-callback handler.
 * Left out at this level, and named so: HTTP transport (the bank's `receive` is called directly and
 * callbacks reach the handler through an in-process `fetch`), Step Functions (a resumed task token is
 * recorded for the driver), the case store and the human-task store (the driver keeps the cases).
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import { LedgerWriter } from "#adapters/ledger/index.ts";
import type { PaymentLogger } from "#adapters/payments/log.ts";
import { PaymentStore } from "#adapters/payments/payment-store.ts";
import { createBankCallbackHandler, createPollPaymentStatus } from "#functions/handlers/bank-callback.ts";
import type { KnobsPatch } from "#local/bank-simulator/knobs.ts";
import { BankSimulator } from "#local/bank-simulator/simulator.ts";
import { LOCAL_CREDENTIALS, LOCAL_REGION } from "#local/dynamodb/engine.ts";
import { quickRetryStrategy } from "#test/support/faults.ts";
import { type FaultProfile, injectRunFaults, type RunFaults } from "./faults.ts";
import type { MemoryDynamo } from "./memory-dynamo.ts";

export const CALLBACK_SECRET = "simulation-callback-secret-0000001";
export const PAYEE_HASH_SECRET = "simulation-payee-hash-secret-00001";
const CALLBACK_URL = "http://simulation.invalid/bank/callback";

export interface SimTables {
  /** DynamoDB Local's endpoint — or, with `memory`, a name only (no request leaves the process). */
  endpoint: string;
  prefix: string;
  names: { main: string; ledger: string };
  /** The in-memory DynamoDB answering this run's requests instead of DynamoDB Local. */
  memory?: MemoryDynamo;
}

/** A client of the run's database: DynamoDB Local, or the in-memory one through the SDK's request handler. */
export function simClient(tables: SimTables, retryAttempts = 4): DynamoDBClient {
  return new DynamoDBClient({
    endpoint: tables.endpoint,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    retryStrategy: quickRetryStrategy(retryAttempts, 1),
    ...(tables.memory ? { requestHandler: tables.memory.requestHandler as never } : {}),
  });
}

export interface Resume {
  taskToken: string;
  output: { outcome: "confirmed" | "failed"; reason?: string; bankReference: string };
}

export interface VirtualClock {
  nowMs(): number;
  advance(ms: number): void;
}

export interface SimWorld {
  client: DynamoDBClient;
  faults: RunFaults;
  writer: LedgerWriter;
  payments: PaymentStore;
  bank: BankSimulator;
  callbackUrl: string;
  poll: ReturnType<typeof createPollPaymentStatus>;
  clock: VirtualClock;
  /** Task tokens resumed by the callback handler since the last `takeResumes()`. */
  takeResumes(): Resume[];
  close(): void;
}

const silent: PaymentLogger = { info: () => {}, warn: () => {}, error: () => {} };

export function createSimWorld(options: {
  tables: SimTables;
  seed: number;
  profile: FaultProfile;
  knobs: KnobsPatch;
  startMs: number;
}): SimWorld {
  let now = options.startMs;
  const clock: VirtualClock = {
    nowMs: () => now,
    advance: (ms) => {
      now += ms;
    },
  };
  const client = simClient(options.tables);
  const faults = injectRunFaults(client, options.seed, options.profile, options.tables.prefix);
  const tables = { ledger: options.tables.names.ledger, main: options.tables.names.main };
  const writer = new LedgerWriter({
    client,
    tables,
    backoffBaseMs: 1,
    backoffCapMs: 8,
    attemptsMax: 8,
    random: () => 0.5,
  });
  const payments = new PaymentStore({ client, tableName: tables.main, logger: silent, nowMs: clock.nowMs });
  const resumes: Resume[] = [];
  const callback = createBankCallbackHandler({
    store: payments,
    sfn: {
      send: async (command: { input: { taskToken?: string; output?: string } }) => {
        resumes.push({
          taskToken: command.input.taskToken ?? "",
          output: JSON.parse(command.input.output ?? "{}"),
        });
        return {};
      },
    } as never,
    callbackSecret: CALLBACK_SECRET,
    logger: silent,
    nowMs: clock.nowMs,
  });
  const bank = new BankSimulator({
    callbackSecret: CALLBACK_SECRET,
    seed: options.seed,
    knobs: { delayScale: 0, ...options.knobs },
    wallClockMs: clock.nowMs,
    fetch: inProcessFetch(callback),
  });
  const poll = createPollPaymentStatus({
    store: payments,
    logger: silent,
    gatewayFor: () => ({
      instruct: async () => {
        throw new Error("the simulation instructs the bank directly");
      },
      status: async (instructionId) =>
        bank.status(instructionId) ?? { instructionId, status: "unknown" as const },
      cancel: async () => {
        throw new Error("the simulation does not cancel transfers");
      },
    }),
  });
  return {
    client,
    faults,
    writer,
    payments,
    bank,
    callbackUrl: CALLBACK_URL,
    poll,
    clock,
    takeResumes: () => resumes.splice(0, resumes.length),
    close: () => {
      bank.stop();
      client.destroy();
    },
  };
}

/** The bank's callbacks go straight to the handler, as API Gateway would hand them over. */
function inProcessFetch(handler: ReturnType<typeof createBankCallbackHandler>): typeof fetch {
  return (async (url: string | URL, init?: RequestInit) => {
    const target = new URL(String(url));
    const headers = Object.fromEntries(Object.entries((init?.headers ?? {}) as Record<string, string>));
    const event = {
      version: "2.0",
      routeKey: "POST /bank/callback",
      rawPath: target.pathname,
      rawQueryString: "",
      headers,
      body: String(init?.body ?? ""),
      isBase64Encoded: false,
      requestContext: { http: { method: "POST", path: target.pathname, sourceIp: "127.0.0.1" } },
    } as unknown as APIGatewayProxyEventV2;
    try {
      const result = await handler(event);
      return new Response(result.body ?? "", { status: result.statusCode ?? 200 });
    } catch {
      // A handler failure is a 5xx to the bank, which delivers again later.
      return new Response("", { status: 500 });
    }
  }) as typeof fetch;
}
