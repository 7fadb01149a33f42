/**
 * Every DynamoDB client of the handlers and services is made here, so that one process-wide setting
 * reaches all of them. In AWS nothing is set: each client gets the SDK's standard retry strategy
 * (endpoint and region from the environment) — with one addition: a `TransactionConflictException`
 * (a plain write to an item a transaction holds) is retried like a throttle. DynamoDB documents it
 * as retryable, but the SDK classifies it as a client error, and one conflict used to fail the
 * whole step. The embedded runtime's simulation sets a
 * retry strategy that keeps the SDK's semantics without its real-time backoff (its clock is manual:
 * a backoff of real seconds only slows the runs down) and a request handler that injects DynamoDB
 * faults (test/simulation/county/county.ts). A client of the local runtime's DynamoDB (a loopback
 * endpoint) sends its requests unsigned (local-signer.ts); in AWS the SDK signs them as always.
 */
import { DynamoDBClient, type DynamoDBClientConfig } from "@aws-sdk/client-dynamodb";
import { StandardRetryStrategy } from "@smithy/core/retry";
import { signerForEndpoint } from "./local-signer.ts";

/** The part of the SDK configuration a process may set for all its clients. */
export type DynamoClientDefaults = Pick<DynamoDBClientConfig, "requestHandler"> & {
  retryStrategy?: RetryStrategyLike;
};

/** The SDK's standard attempts per call (its default). */
const STANDARD_ATTEMPTS = 3;

/** The slice of the SDK's retry strategy (v2) this module wraps. */
export interface RetryStrategyLike {
  mode?: string;
  acquireInitialRetryToken(scope: string): Promise<unknown>;
  refreshRetryTokenForRetry(
    token: unknown,
    errorInfo: { errorType: string; error?: unknown },
  ): Promise<unknown>;
  recordSuccess(token: unknown): void;
}

let defaults: DynamoClientDefaults = {};

/** Sets the configuration of the clients made from now on (clients already made keep theirs). */
export function setDynamoClientDefaults(next: DynamoClientDefaults): void {
  defaults = { ...next };
}

/**
 * `strategy`, but a `TransactionConflictException` counts as a throttle: retried, with backoff, within
 * the same attempts. Everything else is classified as the SDK does.
 */
export function retryingTransactionConflicts(strategy: RetryStrategyLike): RetryStrategyLike {
  return {
    ...(strategy.mode ? { mode: strategy.mode } : {}),
    acquireInitialRetryToken: (scope) => strategy.acquireInitialRetryToken(scope),
    refreshRetryTokenForRetry: (token, errorInfo) =>
      strategy.refreshRetryTokenForRetry(
        token,
        (errorInfo.error as { name?: string } | undefined)?.name === "TransactionConflictException"
          ? { ...errorInfo, errorType: "THROTTLING" }
          : errorInfo,
      ),
    recordSuccess: (token) => strategy.recordSuccess(token),
  };
}

/** Where the SDK sends this process's DynamoDB requests, from its own variables (config.ts reads them). */
export interface DynamoEndpoint {
  /** `AWS_ENDPOINT_URL_DYNAMODB` or `AWS_ENDPOINT_URL`; absent in AWS. */
  url?: string;
  accessKeyId: string;
  region: string;
}

/**
 * A new DynamoDB client with this process's defaults. `endpoint` only chooses the signer: the SDK
 * itself reads its endpoint, region and credentials from the same variables.
 */
export function newDynamoDbClient(endpoint: DynamoEndpoint): DynamoDBClient {
  const { retryStrategy, ...rest } = defaults;
  const strategy = retryStrategy ?? new StandardRetryStrategy(STANDARD_ATTEMPTS);
  const signer = signerForEndpoint(endpoint.url, {
    accessKeyId: endpoint.accessKeyId,
    region: endpoint.region,
    service: "dynamodb",
  });
  return new DynamoDBClient({
    ...rest,
    ...signer,
    retryStrategy: retryingTransactionConflicts(strategy) as never,
  });
}
