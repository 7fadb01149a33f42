/**
 * A fault-injecting proxy in front of DynamoDB Local, for the county simulation. The local runtime's
 * handlers build their own SDK clients deep inside (`new DynamoDBClient({})`, endpoint from
 * `AWS_ENDPOINT_URL_DYNAMODB`), so the faults are injected on the wire they talk over: every SDK
 * attempt passes through here, and the SDK's own retry logic, the adapters' recovery and the state
 * machines' Retry/Catch all run as they would against AWS.
 *
 * Kinds (the same as test/support/faults.ts, seen from the wire):
 * - `throttle`             — 400 ProvisionedThroughputExceededException; the request is not forwarded.
 * - `transaction-conflict` — TransactWriteItems: 400 TransactionCanceledException [TransactionConflict];
 *                            other writes: 400 TransactionConflictException; not forwarded.
 * - `timeout`              — the connection is cut before forwarding (the SDK sees a socket error).
 * - `ambiguous-timeout`    — forwarded and COMMITTED, then the connection is cut: the caller cannot
 *                            know it succeeded (a timeout after commit).
 * - `ambiguous-throttle`   — forwarded and committed, then answered with a throttle.
 *
 * Which request fails is decided by hashing (plan seed, kind, the request's normalized keys, how
 * often that request was seen) — never by a shared random stream — so concurrency cannot move a fault
 * from one request to another, and a seed replays the same storm. The local Step Functions layer's
 * own items (`SFN…` keys: inside Step Functions on AWS) are never faulted; neither is anything while
 * no plan is set.
 *
 * The proxy also counts requests in flight: the simulation's quiescence probe (county/activity.ts).
 */
import {
  Agent,
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type ServerResponse,
} from "node:http";
import type { AddressInfo } from "node:net";
import { hashedUnit } from "../model/prng.ts";
import { requestKeys } from "../request-keys.ts";

export type WireFaultKind =
  | "throttle"
  | "transaction-conflict"
  | "timeout"
  | "ambiguous-timeout"
  | "ambiguous-throttle";

/** Fixed order: the first kind whose hash fires wins. */
export const WIRE_FAULT_KINDS: readonly WireFaultKind[] = [
  "throttle",
  "transaction-conflict",
  "timeout",
  "ambiguous-timeout",
  "ambiguous-throttle",
];

export interface FaultPlan {
  seed: number;
  rates: Partial<Record<WireFaultKind, number>>;
  /** Maps a request's keys to a replay-stable form (the run's ids → aliases). */
  normalize(text: string): string;
}

export interface InjectedWireFault {
  kind: WireFaultKind;
  operation: string;
  key: string;
}

export interface DynamoFaultProxy {
  url: string;
  /** Requests being forwarded or answered right now. */
  readonly inFlight: number;
  /** Requests seen since the proxy started. */
  readonly requests: number;
  /** Starts injecting by `plan` (a fresh count of seen requests), or stops with `undefined`. */
  setPlan(plan: FaultPlan | undefined): void;
  /** Faults injected under the current plan. */
  readonly injected: readonly InjectedWireFault[];
  close(): Promise<void>;
}

const TARGET_PREFIX = "DynamoDB_20120810.";

export async function startDynamoFaultProxy(targetEndpoint: string): Promise<DynamoFaultProxy> {
  const target = new URL(targetEndpoint);
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  let plan: FaultPlan | undefined;
  let seen = new Map<string, number>();
  let injected: InjectedWireFault[] = [];
  let inFlight = 0;
  let requests = 0;

  const decide = (operation: string, body: string): { kind: WireFaultKind; key: string } | undefined => {
    if (!plan) return undefined;
    let input: Record<string, unknown>;
    try {
      input = JSON.parse(body) as Record<string, unknown>;
    } catch {
      return undefined;
    }
    const keys = requestKeys(input);
    // Step Functions' own bookkeeping (local layer) is not DynamoDB on AWS: never faulted.
    if (keys.length === 0 || keys.some((k) => /=SFN/.test(k))) return undefined;
    const key = plan.normalize(`${operation}|${keys.join("|")}`);
    const nth = (seen.get(key) ?? 0) + 1;
    seen.set(key, nth);
    for (const kind of WIRE_FAULT_KINDS) {
      const rate = plan.rates[kind] ?? 0;
      if (rate > 0 && hashedUnit(plan.seed, kind, key, nth) < rate) return { kind, key };
    }
    return undefined;
  };

  const forward = (
    req: IncomingMessage,
    body: Buffer,
  ): Promise<{ status: number; headers: Record<string, string>; body: Buffer }> =>
    new Promise((resolve, reject) => {
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(req.headers)) {
        if (value !== undefined && name !== "host" && name !== "connection")
          headers[name] = Array.isArray(value) ? value.join(", ") : value;
      }
      headers.host = target.host;
      const upstream = httpRequest(
        { host: target.hostname, port: target.port, method: req.method, path: req.url, headers, agent },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (chunk: Buffer) => chunks.push(chunk));
          res.on("end", () => {
            const out: Record<string, string> = {};
            for (const [name, value] of Object.entries(res.headers)) {
              if (value !== undefined && name !== "connection" && name !== "transfer-encoding")
                out[name] = Array.isArray(value) ? value.join(", ") : value;
            }
            resolve({ status: res.statusCode ?? 500, headers: out, body: Buffer.concat(chunks) });
          });
          res.on("error", reject);
        },
      );
      upstream.on("error", reject);
      upstream.end(body);
    });

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const targetHeader = String(req.headers["x-amz-target"] ?? "");
    const operation = targetHeader.startsWith(TARGET_PREFIX) ? targetHeader.slice(TARGET_PREFIX.length) : "";
    const fault = operation ? decide(operation, body.toString("utf8")) : undefined;
    if (fault) injected.push({ kind: fault.kind, operation, key: fault.key });

    if (fault?.kind === "timeout") return cut(res);
    if (fault?.kind === "throttle") return sendError(res, throttled());
    if (fault?.kind === "transaction-conflict") return sendError(res, conflict(operation, body));

    const answer = await forward(req, body);
    if (fault?.kind === "ambiguous-timeout") return cut(res);
    if (fault?.kind === "ambiguous-throttle") return sendError(res, throttled());
    res.writeHead(answer.status, answer.headers);
    res.end(answer.body);
  };

  const server = createServer((req, res) => {
    inFlight += 1;
    requests += 1;
    res.on("close", () => {
      inFlight -= 1;
    });
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendError(res, { type: "InternalServerError", message: String(error) }, 500);
      else res.destroy();
    });
  });
  // The SDK keeps its sockets alive: a cut must not poison the next request on a reused socket.
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    get inFlight() {
      return inFlight;
    },
    get requests() {
      return requests;
    },
    get injected() {
      return injected;
    },
    setPlan(next) {
      plan = next;
      seen = new Map();
      injected = [];
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      agent.destroy();
    },
  };
}

interface WireError {
  type: string;
  message: string;
  extra?: Record<string, unknown>;
}

function throttled(): WireError {
  return {
    type: "ProvisionedThroughputExceededException",
    message: "injected: the level of configured provisioned throughput for the table was exceeded",
  };
}

function conflict(operation: string, body: Buffer): WireError {
  if (operation !== "TransactWriteItems") {
    return { type: "TransactionConflictException", message: "injected: transaction is ongoing for the item" };
  }
  let actions = 1;
  try {
    const items = (JSON.parse(body.toString("utf8")) as { TransactItems?: unknown[] }).TransactItems;
    actions = Array.isArray(items) ? items.length : 1;
  } catch {
    actions = 1;
  }
  const reasons = Array.from({ length: actions }, (_, i) =>
    i === 0
      ? { Code: "TransactionConflict", Message: "Transaction is ongoing for the item" }
      : { Code: "None" },
  );
  return {
    type: "TransactionCanceledException",
    message: `Transaction cancelled, please refer cancellation reasons for specific reasons [${reasons.map((r) => r.Code).join(", ")}]`,
    extra: { CancellationReasons: reasons },
  };
}

function sendError(res: ServerResponse, error: WireError, status = 400): void {
  const payload = JSON.stringify({
    __type: `com.amazonaws.dynamodb.v20120810#${error.type}`,
    message: error.message,
    ...error.extra,
  });
  res.writeHead(status, {
    "content-type": "application/x-amz-json-1.0",
    "x-amzn-requestid": `injected-${Date.now()}`,
    "content-length": Buffer.byteLength(payload),
  });
  res.end(payload);
}

/** Cuts the connection without an answer: the SDK sees a socket error and decides whether to retry. */
function cut(res: ServerResponse): void {
  res.socket?.destroy();
}
