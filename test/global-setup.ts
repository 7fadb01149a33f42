/**
 * Starts DynamoDB Local once per test run, in memory (ARCHITECTURE §4). Tests isolate themselves by
 * table prefix (`test/support/dynamo.ts`). The endpoint reaches the test workers through `provide`.
 *
 * Both test groups of vitest.config.ts name this setup, and vitest runs a project's global setup per
 * project in the one main process: the first starts the engine, the others share it, and the last
 * teardown stops it.
 */
import type { TestProject } from "vitest/node";
import { type DynamoEngine, startDynamoEngine } from "../local/dynamodb/engine.ts";

interface Shared {
  engine: Promise<DynamoEngine>;
  users: number;
}
const KEY = Symbol.for("aidflow.test.dynamoEngine");
const registry = globalThis as typeof globalThis & { [KEY]?: Shared };

export async function setup(project: TestProject): Promise<void> {
  registry[KEY] ??= { engine: startDynamoEngine(), users: 0 };
  registry[KEY].users += 1;
  const engine = await registry[KEY].engine;
  project.provide("dynamoEndpoint", engine.endpoint);
  process.env.AIDFLOW_TEST_DYNAMO_ENDPOINT = engine.endpoint;
}

export async function teardown(): Promise<void> {
  const shared = registry[KEY];
  if (!shared) return;
  shared.users -= 1;
  if (shared.users > 0) return;
  registry[KEY] = undefined;
  await (await shared.engine).stop();
}

declare module "vitest" {
  export interface ProvidedContext {
    dynamoEndpoint: string;
  }
}
