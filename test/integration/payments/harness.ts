/**
 * One payment world per test: fresh tables on the run's DynamoDB Local, the bank simulator in-process
 * (manual clock: nothing settles until `flush`, no sleeping), the callback handler behind a loopback
 * HTTP server (as the local runtime will serve it), and a mocked Step Functions client to observe
 * SendTaskSuccess.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { SFNClient } from "@aws-sdk/client-sfn";
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import { mockClient } from "aws-sdk-client-mock";
import { HttpBankGateway } from "#adapters/payments/http-bank-gateway.ts";
import type { PaymentLogger } from "#adapters/payments/log.ts";
import { checkPayee, type PayeeRecord } from "#adapters/payments/payee.ts";
import { PaymentStore } from "#adapters/payments/payment-store.ts";
import { createBankCallbackHandler, createPollPaymentStatus } from "#functions/handlers/bank-callback.ts";
import type { KnobsPatch } from "#local/bank-simulator/knobs.ts";
import {
  type BankSimulatorTls,
  type RunningBankSimulator,
  startBankSimulator,
} from "#local/bank-simulator/server.ts";
import { createTestTables } from "#test/support/dynamo.ts";

export const CALLBACK_SECRET = "callback-secret-for-tests-0001";
export const REQUEST_SECRET = "request-secret-for-tests-00001";
export const PAYEE_HASH_SECRET = "payee-hash-secret-for-tests-01";

export interface LogLine {
  level: "info" | "warn" | "error";
  message: string;
  attributes?: Record<string, unknown>;
}

export function capturingLogger(): PaymentLogger & { lines: LogLine[] } {
  const lines: LogLine[] = [];
  return {
    lines,
    info: (message, attributes) =>
      lines.push({ level: "info", message, ...(attributes ? { attributes } : {}) }),
    warn: (message, attributes) =>
      lines.push({ level: "warn", message, ...(attributes ? { attributes } : {}) }),
    error: (message, attributes) =>
      lines.push({ level: "error", message, ...(attributes ? { attributes } : {}) }),
  };
}

export interface PaymentWorld {
  store: PaymentStore;
  bank: RunningBankSimulator;
  gateway: HttpBankGateway;
  sfnMock: ReturnType<typeof mockClient>;
  callbackUrl: string;
  logger: ReturnType<typeof capturingLogger>;
  callback: ReturnType<typeof createBankCallbackHandler>;
  poll: ReturnType<typeof createPollPaymentStatus>;
  close(): Promise<void>;
}

export async function createPaymentWorld(
  options: {
    knobs?: KnobsPatch;
    seed?: number;
    timeoutMs?: number;
    /** The bank demands mutual TLS; `gateway` then says how AidFlow reaches it. */
    bankTls?: BankSimulatorTls;
    gateway?: (bankUrl: string) => HttpBankGateway;
  } = {},
): Promise<PaymentWorld> {
  const tables = await createTestTables("pay");
  const logger = capturingLogger();
  const store = new PaymentStore({ client: tables.client, tableName: tables.names.main, logger });
  const sfn = new SFNClient({
    region: "cn-north-1",
    credentials: { accessKeyId: "x", secretAccessKey: "x" },
  });
  const sfnMock = mockClient(sfn);
  sfnMock.resolves({});
  const callback = createBankCallbackHandler({ store, sfn, callbackSecret: CALLBACK_SECRET, logger });
  const server = await serve(callback);
  const callbackUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/bank/callback`;
  const bank = await startBankSimulator({
    callbackSecret: CALLBACK_SECRET,
    requestSecret: REQUEST_SECRET,
    seed: options.seed ?? 7,
    knobs: { delayScale: 0, ...options.knobs },
    ...(options.bankTls ? { mutualTls: options.bankTls } : {}),
  });
  const gateway =
    options.gateway?.(bank.url) ??
    new HttpBankGateway({
      baseUrl: bank.url,
      requestSecret: REQUEST_SECRET,
      timeoutMs: options.timeoutMs ?? 5_000,
    });
  const poll = createPollPaymentStatus({ store, gatewayFor: () => gateway, logger });
  return {
    store,
    bank,
    gateway,
    sfnMock,
    callbackUrl,
    logger,
    callback,
    poll,
    close: async () => {
      await bank.stop();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      sfnMock.restore();
      tables.client.destroy();
    },
  };
}

/** The loopback HTTP → APIGatewayProxyEventV2 bridge, as the local runtime serves HTTP routes. */
async function serve(handler: ReturnType<typeof createBankCallbackHandler>): Promise<Server> {
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const event = {
      version: "2.0",
      routeKey: "POST /bank/callback",
      rawPath: url.pathname,
      rawQueryString: url.search.slice(1),
      headers: Object.fromEntries(
        Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(",") : (v ?? "")]),
      ),
      body: Buffer.concat(chunks).toString("utf8"),
      isBase64Encoded: false,
      requestContext: { http: { method: req.method ?? "POST", path: url.pathname, sourceIp: "127.0.0.1" } },
    } as unknown as APIGatewayProxyEventV2;
    try {
      const result = await handler(event);
      res.writeHead(result.statusCode ?? 200, { "content-type": "application/json" });
      res.end(result.body ?? "");
    } catch (error) {
      res.writeHead(500, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: String(error) }));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  return server;
}

export const APPLICANT = { name: "王小明", bankAccount: "6222020200112233445", bankName: "中国工商银行" };

export function applicantPayee(account = APPLICANT.bankAccount): PayeeRecord {
  return checkPayee(
    APPLICANT.name,
    { kind: "applicant", ...APPLICANT, bankAccount: account },
    PAYEE_HASH_SECRET,
  );
}

/**
 * Opens an obligation, records attempt `attempt` with a task token and sends the instruction — the
 * order the flow's payment step follows (record first, so no callback can outrun the record).
 */
export async function payByBank(
  world: PaymentWorld,
  input: { caseId: string; amountYuan: string; attempt?: number; bankAccount?: string; purpose?: string },
) {
  const attemptNo = input.attempt ?? 1;
  const obligation = await world.store.openObligation({
    caseId: input.caseId,
    purpose: input.purpose ?? "advance",
    countyCode: "230123",
    township: "T-QINGHE",
    fund: "FUND-QINGHE",
    amountYuan: input.amountYuan,
  });
  const attempt = await world.store.startBankAttempt({
    obligationId: obligation.obligationId,
    attempt: attemptNo,
    payee: applicantPayee(input.bankAccount),
    taskToken: `token-${input.caseId}-${attemptNo}`,
  });
  const status = await world.gateway.instruct({
    instructionId: attempt.instructionId,
    amountYuan: obligation.amountYuan,
    payee: { ...APPLICANT, bankAccount: input.bankAccount ?? APPLICANT.bankAccount },
    township: obligation.township,
    fund: obligation.fund,
    callbackUrl: world.callbackUrl,
    reference: input.caseId,
  });
  return { obligation, attempt, status };
}
