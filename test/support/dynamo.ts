/**
 * Test isolation on the one DynamoDB Local of the run: each test file gets its own table prefix and
 * its own tables, created from `infra/tables.ts`.
 */
import { randomUUID } from "node:crypto";
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { inject } from "vitest";
import { ensureTables, localDynamoClient } from "../../local/dynamodb/engine.ts";
import { storeDemoReference } from "../../local/seed/reference.ts";

export interface TestTables {
  endpoint: string;
  client: DynamoDBClient;
  prefix: string;
  names: { main: string; ledger: string };
}

/** With `demoCounty: false` the tables hold no county at all (as a fresh deployment in AWS). */
export async function createTestTables(
  label = "t",
  options: { demoCounty?: boolean } = {},
): Promise<TestTables> {
  const endpoint = inject("dynamoEndpoint");
  const client = localDynamoClient(endpoint);
  const prefix = `${label}-${randomUUID().slice(0, 8)}-`;
  const names = await ensureTables(client, prefix);
  // The demo county is stored as an administrator would store it: handlers know no other source.
  if (options.demoCounty !== false) await storeDemoReference(client, names.main);
  return { endpoint, client, prefix, names };
}
