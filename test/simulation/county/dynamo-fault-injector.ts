/**
 * DynamoDB faults for the county simulation, injected through the SDK's request handler (issue 12:
 * "throttles and timeouts-after-commit injected through the SDK request handler"). Every DynamoDB
 * client of the local runtime — the handlers' (functions/runtime/dynamo-client.ts) and the Step
 * Functions layer's own — sends each attempt through `requestHandler`, which forwards it to DynamoDB
 * Local over HTTP or fails it; the SDK's own retry logic, the adapters' recovery and the state
 * machines' Retry/Catch all run as they would against AWS.
 *
 * Kinds (the same as test/support/faults.ts):
 * - `throttle`             — 400 ProvisionedThroughputExceededException; the request is not sent.
 * - `transaction-conflict` — TransactWriteItems: 400 TransactionCanceledException [TransactionConflict];
 *                            other writes: 400 TransactionConflictException; not sent.
 * - `timeout`              — the connection drops before the request is sent (ECONNRESET).
 * - `ambiguous-timeout`    — sent and COMMITTED, then the connection drops before the answer: the
 *                            caller cannot know it succeeded (a timeout after commit).
 * - `ambiguous-throttle`   — sent and committed, then answered with a throttle.
 *
 * Which request fails is decided by hashing (plan seed, kind, the request's normalized keys, how
 * often that request was seen) — never by a shared random stream — so concurrency cannot move a fault
 * from one request to another, and a seed replays the same storm. The local Step Functions layer's
 * own items (`SFN…` keys: inside Step Functions on AWS) are never faulted; neither is anything while
 * no plan is set.
 *
 * The injector also counts requests in flight (the simulation's quiescence probe, county/activity.ts)
 * and notes the items every write request names, so that the driver re-reads only what a write
 * touched since it last looked (driver.ts, `observe`).
 */
import { Agent } from "node:http";
import { NodeHttpHandler } from "@smithy/node-http-handler";
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

/** The slice of the SDK's HTTP request the injector reads. */
interface SdkHttpRequest {
  headers: Record<string, string>;
  body?: unknown;
}

interface SdkHttpResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: unknown;
}

/** What a `DynamoDBClient` takes as `requestHandler`. */
export interface FaultingRequestHandler {
  handle(request: SdkHttpRequest, options?: unknown): Promise<{ response: SdkHttpResponse }>;
  updateHttpClientConfig(key: never, value: never): void;
  httpHandlerConfigs(): Record<string, unknown>;
  destroy(): void;
}

export interface DynamoFaultInjector {
  /** Give this to every client of the county (`requestHandler`). */
  readonly requestHandler: FaultingRequestHandler;
  /** Requests sent or being answered right now. */
  readonly inFlight: number;
  /** Requests seen since the injector was made. */
  readonly requests: number;
  /** Starts injecting by `plan` (a fresh count of seen requests), or stops with `undefined`. */
  setPlan(plan: FaultPlan | undefined): void;
  /** Faults injected under the current plan. */
  readonly injected: readonly InjectedWireFault[];
  /**
   * The partitions that write requests named since the last call — sent, faulted or failed alike (a
   * superset of what changed) — and a fresh start.
   */
  takeWritten(): WrittenKeys;
  close(): void;
}

const TARGET_PREFIX = "DynamoDB_20120810.";

/** The partitions write requests named. */
export class WrittenKeys {
  /** A write named no partition the injector could read: anything may have changed. */
  private any = false;
  private readonly partitions = new Set<string>();

  /** Notes the partition key (`pk`: `{ S }`) of every object in a write request's (parsed) body. */
  note(input: Record<string, unknown> | undefined): void {
    let named = false;
    const walk = (value: unknown): void => {
      if (Array.isArray(value)) {
        for (const item of value) walk(item);
        return;
      }
      if (value === null || typeof value !== "object") return;
      const record = value as Record<string, unknown>;
      const pk = (record.pk as { S?: unknown } | undefined)?.S;
      if (typeof pk === "string") {
        named = true;
        this.partitions.add(pk);
      }
      for (const child of Object.values(record)) walk(child);
    };
    walk(input);
    if (!named) this.any = true;
  }

  /** May an item of partition `pk` have changed? */
  touched(pk: string): boolean {
    return this.any || this.partitions.has(pk);
  }
}
/** Operations that change nothing; every other operation counts as a write. */
const READ_OPERATIONS: ReadonlySet<string> = new Set([
  "GetItem",
  "BatchGetItem",
  "Query",
  "Scan",
  "TransactGetItems",
  "DescribeTable",
  "ListTables",
  "DescribeTimeToLive",
]);

export function createDynamoFaultInjector(): DynamoFaultInjector {
  const http = new NodeHttpHandler({ httpAgent: new Agent({ keepAlive: true, maxSockets: 64 }) });
  let plan: FaultPlan | undefined;
  let seen = new Map<string, number>();
  let injected: InjectedWireFault[] = [];
  let inFlight = 0;
  let requests = 0;
  let written = new WrittenKeys();

  const decide = (
    operation: string,
    input: Record<string, unknown> | undefined,
  ): WireFaultKind | undefined => {
    if (!plan || !input) return undefined;
    const keys = requestKeys(input);
    // Step Functions' own bookkeeping (local layer) is not DynamoDB on AWS: never faulted.
    if (keys.length === 0 || keys.some((k) => /=SFN/.test(k))) return undefined;
    const key = plan.normalize(`${operation}|${keys.join("|")}`);
    const nth = (seen.get(key) ?? 0) + 1;
    seen.set(key, nth);
    for (const kind of WIRE_FAULT_KINDS) {
      const rate = plan.rates[kind] ?? 0;
      if (rate > 0 && hashedUnit(plan.seed, kind, key, nth) < rate) {
        injected.push({ kind, operation, key });
        return kind;
      }
    }
    return undefined;
  };

  const send = async (request: SdkHttpRequest, options?: unknown): Promise<{ response: SdkHttpResponse }> => {
    const target = request.headers["x-amz-target"] ?? request.headers["X-Amz-Target"] ?? "";
    const operation = target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : "";
    const body = bodyText(request.body);
    const write = !READ_OPERATIONS.has(operation);
    // Parsed once, for what the injector needs it for: the written partitions, the fault plan.
    const input = write || plan ? parseBody(body) : undefined;
    if (write) written.note(input);
    const fault = operation ? decide(operation, input) : undefined;
    if (fault === "timeout") throw connectionReset();
    if (fault === "throttle") return errorAnswer(throttled());
    if (fault === "transaction-conflict") return errorAnswer(conflict(operation, body));

    const answer = await http.handle(request as never, options as never);
    if (fault === "ambiguous-timeout" || fault === "ambiguous-throttle") {
      // Committed: read the answer to its end (the socket goes back to the pool), then lose it.
      await drain(answer.response.body);
      if (fault === "ambiguous-timeout") throw connectionReset();
      return errorAnswer(throttled());
    }
    return answer as { response: SdkHttpResponse };
  };

  const requestHandler: FaultingRequestHandler = {
    async handle(request, options) {
      inFlight += 1;
      requests += 1;
      try {
        return await send(request, options);
      } finally {
        inFlight -= 1;
      }
    },
    updateHttpClientConfig: () => {},
    httpHandlerConfigs: () => ({}),
    // Clients destroy their handler when they are destroyed; this one is shared, so it stays.
    destroy: () => {},
  };

  return {
    requestHandler,
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
    takeWritten() {
      const taken = written;
      written = new WrittenKeys();
      return taken;
    },
    close: () => http.destroy(),
  };
}

function parseBody(body: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(body) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

function bodyText(body: unknown): string {
  if (typeof body === "string") return body;
  if (body instanceof Uint8Array)
    return Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString("utf8");
  return "";
}

async function drain(body: unknown): Promise<void> {
  if (body && typeof (body as AsyncIterable<unknown>)[Symbol.asyncIterator] === "function") {
    for await (const _ of body as AsyncIterable<unknown>) {
      // read to the end
    }
  }
}

/** What the SDK's HTTP handler throws when the connection drops: a transient network error. */
function connectionReset(): Error {
  return Object.assign(new Error("socket hang up (injected)"), { code: "ECONNRESET" });
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

function conflict(operation: string, body: string): WireError {
  if (operation !== "TransactWriteItems") {
    return { type: "TransactionConflictException", message: "injected: transaction is ongoing for the item" };
  }
  let actions = 1;
  try {
    const items = (JSON.parse(body) as { TransactItems?: unknown[] }).TransactItems;
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

/** An error answer as DynamoDB's JSON 1.0 protocol sends it; the SDK turns `__type` into the exception. */
function errorAnswer(error: WireError): { response: SdkHttpResponse } {
  const payload = JSON.stringify({
    __type: `com.amazonaws.dynamodb.v20120810#${error.type}`,
    message: error.message,
    ...error.extra,
  });
  return {
    response: {
      statusCode: 400,
      headers: { "content-type": "application/x-amz-json-1.0", "x-amzn-requestid": "injected" },
      body: new TextEncoder().encode(payload),
    },
  };
}
