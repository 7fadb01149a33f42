/**
 * Fault injection for DynamoDB clients (ARCHITECTURE §4: DynamoDB Local serializes transactions and
 * never throttles, so the failures real DynamoDB produces are injected here). The middleware sits
 * just inside the SDK's retry middleware, so every attempt passes through it and the SDK's real
 * retry logic runs: a throttle is retried by the SDK, a transaction cancellation reaches the caller.
 *
 * Kinds:
 * - `throttle`             — `ProvisionedThroughputExceededException`, request not sent.
 * - `transaction-conflict` — TransactWriteItems: `TransactionCanceledException` whose first reason
 *                            is `TransactionConflict`; other writes: `TransactionConflictException`.
 * - `timeout`              — `TimeoutError`, request not sent (a clean failure).
 * - `ambiguous-timeout`    — the request IS sent and commits, then the caller sees `TimeoutError`.
 * - `ambiguous-throttle`   — the request commits, then the caller sees a throttle.
 *
 * Shared with other engineers: keep it dependency-free beyond the DynamoDB client.
 */
import {
  DynamoDBClient,
  ProvisionedThroughputExceededException,
  TransactionCanceledException,
  TransactionConflictException,
} from "@aws-sdk/client-dynamodb";
import { LOCAL_CREDENTIALS, LOCAL_REGION } from "../../local/dynamodb/engine.ts";

export type FaultKind =
  | "throttle"
  | "transaction-conflict"
  | "timeout"
  | "ambiguous-timeout"
  | "ambiguous-throttle";

export interface FaultRule {
  kind: FaultKind;
  /** Command names this rule applies to, e.g. ["TransactWriteItemsCommand"]; default every command. */
  commands?: readonly string[];
  /** Fire on these matching calls (1-based, counted per rule). */
  onCalls?: readonly number[];
  /** Otherwise fire with this probability (seeded, so a failing run can be replayed). */
  probability?: number;
  /** Never fire more often than this. */
  timesMax?: number;
  /** Extra filter on the command input. */
  when?: (input: Record<string, unknown>) => boolean;
}

export interface InjectedFault {
  command: string;
  kind: FaultKind;
  /** True when the request reached the database (ambiguous kinds). */
  sent: boolean;
}

export interface FaultInjector {
  /** Requests that passed through the middleware (every SDK attempt counts). */
  readonly attempts: number;
  readonly injected: readonly InjectedFault[];
  count(kind?: FaultKind): number;
  /** Stops injecting (the middleware stays but passes everything through). */
  disable(): void;
}

interface MiddlewareContext {
  commandName?: string;
}
type Next = (args: { input: Record<string, unknown> }) => Promise<unknown>;

export function injectFaults(
  client: DynamoDBClient,
  rules: readonly FaultRule[],
  options: { seed?: number } = {},
): FaultInjector {
  const random = mulberry32(options.seed ?? 20240701);
  const callsPerRule = rules.map(() => 0);
  const firedPerRule = rules.map(() => 0);
  const injected: InjectedFault[] = [];
  let attempts = 0;
  let enabled = true;

  const pick = (command: string, input: Record<string, unknown>): FaultRule | undefined => {
    for (const [index, rule] of rules.entries()) {
      if (rule.commands && !rule.commands.includes(command)) continue;
      if (rule.when && !rule.when(input)) continue;
      const call = ++callsPerRule[index]!;
      if (rule.timesMax !== undefined && firedPerRule[index]! >= rule.timesMax) continue;
      const fire = rule.onCalls ? rule.onCalls.includes(call) : random() < (rule.probability ?? 0);
      if (fire) {
        firedPerRule[index]! += 1;
        return rule;
      }
    }
    return undefined;
  };

  const middleware =
    (next: Next, context: MiddlewareContext) =>
    async (args: { input: Record<string, unknown> }): Promise<unknown> => {
      attempts += 1;
      const command = context.commandName ?? "unknown";
      const rule = enabled ? pick(command, args.input) : undefined;
      if (!rule) return next(args);
      const sent = rule.kind.startsWith("ambiguous");
      injected.push({ command, kind: rule.kind, sent });
      if (sent) await next(args);
      throw faultError(rule.kind, command, args.input);
    };

  client.middlewareStack.addRelativeTo(middleware as never, {
    relation: "after",
    toMiddleware: "retryMiddleware",
    name: `aidflowFaultInjection-${Math.floor(random() * 1e9)}`,
  });

  return {
    get attempts() {
      return attempts;
    },
    injected,
    count: (kind) => (kind ? injected.filter((f) => f.kind === kind).length : injected.length),
    disable: () => {
      enabled = false;
    },
  };
}

function faultError(kind: FaultKind, command: string, input: Record<string, unknown>): Error {
  const $metadata = { httpStatusCode: 400, attempts: 1 };
  switch (kind) {
    case "throttle":
    case "ambiguous-throttle":
      return new ProvisionedThroughputExceededException({
        message: "injected: rate of requests exceeds the allowed throughput",
        $metadata,
      });
    case "timeout":
    case "ambiguous-timeout":
      return Object.assign(new Error("injected: socket timed out"), { name: "TimeoutError", $metadata: {} });
    case "transaction-conflict": {
      if (command === "TransactWriteItemsCommand") {
        const actions = Array.isArray(input.TransactItems) ? input.TransactItems.length : 1;
        return new TransactionCanceledException({
          message:
            "injected: Transaction cancelled, please refer cancellation reasons for specific reasons [TransactionConflict]",
          $metadata,
          CancellationReasons: Array.from({ length: actions }, (_, i) =>
            i === 0
              ? { Code: "TransactionConflict", Message: "Transaction is ongoing for the item" }
              : { Code: "None" },
          ),
        });
      }
      return new TransactionConflictException({ message: "injected: transaction conflict", $metadata });
    }
  }
}

/**
 * A retry strategy with the SDK's semantics (throttling and transient errors retried, others not)
 * but millisecond delays, so tests with many injected faults stay fast.
 */
export function quickRetryStrategy(attemptsMax: number, delayMs = 2) {
  const token = (count: number) => ({
    getRetryCount: () => count,
    getRetryDelay: () => delayMs * (count + 1),
  });
  return {
    mode: "standard",
    acquireInitialRetryToken: async () => token(0),
    refreshRetryTokenForRetry: async (
      previous: { getRetryCount(): number },
      info: { errorType: "THROTTLING" | "TRANSIENT" | "SERVER_ERROR" | "CLIENT_ERROR" },
    ) => {
      const count = previous.getRetryCount() + 1;
      if (count >= attemptsMax || (info.errorType !== "THROTTLING" && info.errorType !== "TRANSIENT")) {
        throw new Error("no more retries");
      }
      return token(count);
    },
    recordSuccess: () => {},
  };
}

/** A DynamoDB Local client of its own (faults injected into it stay out of other clients). */
export function faultyClient(
  endpoint: string,
  rules: readonly FaultRule[],
  options: { seed?: number; attemptsMax?: number } = {},
) {
  const client = new DynamoDBClient({
    endpoint,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    retryStrategy: quickRetryStrategy(options.attemptsMax ?? 3),
  });
  return { client, faults: injectFaults(client, rules, options) };
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
