/**
 * Every DynamoDB client of the handlers and services is made here, so that one process-wide setting
 * reaches all of them. In AWS nothing is set: each client is `new DynamoDBClient({})` (endpoint,
 * region and retries from the SDK's own defaults and environment). The embedded runtime's
 * simulation sets a retry strategy that keeps the SDK's semantics without its real-time backoff
 * (its clock is manual: a backoff of real seconds only slows the runs down) and a request handler
 * that injects DynamoDB faults (test/simulation/county/county.ts).
 */
import { DynamoDBClient, type DynamoDBClientConfig } from "@aws-sdk/client-dynamodb";

/** The part of the SDK configuration a process may set for all its clients. */
export type DynamoClientDefaults = Pick<
  DynamoDBClientConfig,
  "retryStrategy" | "maxAttempts" | "requestHandler"
>;

let defaults: DynamoClientDefaults = {};

/** Sets the configuration of the clients made from now on (clients already made keep theirs). */
export function setDynamoClientDefaults(next: DynamoClientDefaults): void {
  defaults = { ...next };
}

/** A new DynamoDB client with this process's defaults. */
export function newDynamoDbClient(): DynamoDBClient {
  return new DynamoDBClient({ ...defaults });
}
