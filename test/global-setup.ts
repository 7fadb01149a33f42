/**
 * Starts DynamoDB Local once per test run, in memory (ARCHITECTURE §4). Tests isolate themselves by
 * table prefix (`test/support/dynamo.ts`). The endpoint reaches the test workers through `provide`.
 */
import type { TestProject } from "vitest/node";
import { type DynamoEngine, startDynamoEngine } from "../local/dynamodb/engine.ts";

let engine: DynamoEngine | undefined;

export async function setup(project: TestProject): Promise<void> {
  engine = await startDynamoEngine();
  project.provide("dynamoEndpoint", engine.endpoint);
  process.env.AIDFLOW_TEST_DYNAMO_ENDPOINT = engine.endpoint;
}

export async function teardown(): Promise<void> {
  await engine?.stop();
}

declare module "vitest" {
  export interface ProvidedContext {
    dynamoEndpoint: string;
  }
}
