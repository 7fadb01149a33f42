/**
 * Durability of the local Step Functions layer (issue 3): the runtime runs in a child process on disk;
 * it is killed with SIGKILL while an execution waits for a reviewer; a new process on the same data
 * directory resumes the execution from its checkpoint, and the token handed out before the kill
 * completes the wait.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
} from "@aws-sdk/client-sfn";
import { afterAll, describe, expect, it, vi } from "vitest";
import { LOCAL_CREDENTIALS, LOCAL_REGION, localDynamoClient } from "../../../local/dynamodb/engine.ts";
import { awaitReviewToken } from "./support/review.ts";

interface ChildInfo {
  sfnEndpoint: string;
  dynamoEndpoint: string;
  tables: { main: string; ledger: string };
  stateMachines: Record<string, string>;
  resumed: string[];
}

const CHILD = join(import.meta.dirname, "support", "runtime-child.ts");
const dataDir = mkdtempSync(join(tmpdir(), "aidflow-durable-"));
const children: ChildProcess[] = [];

afterAll(async () => {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    }
  }
  // The engine of the killed child is reaped by the second child; make sure none survives the test.
  for (const pid of enginePidsServing(join(dataDir, "dynamodb"))) process.kill(pid, "SIGKILL");
  rmSync(dataDir, { recursive: true, force: true });
});

function startChild(): Promise<{ child: ChildProcess; info: ChildInfo }> {
  const child = spawn(process.execPath, ["--import", "tsx", CHILD, dataDir], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    lines.once("line", (line) => resolve({ child, info: JSON.parse(line) as ChildInfo }));
    child.once("exit", (code) =>
      reject(new Error(`runtime child exited (${code}) before it was ready:\n${stderr}`)),
    );
  });
}

function sfnClient(endpoint: string): SFNClient {
  return new SFNClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
}

/** PIDs of DynamoDB Local processes serving `dbPath` (Linux /proc). */
function enginePidsServing(dbPath: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync("/proc").filter((e) => /^[0-9]+$/.test(e))) {
    try {
      const args = readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0");
      const at = args.indexOf("-dbPath");
      if (at >= 0 && args[at + 1] === dbPath) pids.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return pids;
}

/** Two JVM start-ups and on-disk table creation on a busy 2-core machine. */
const DURABILITY_TEST_TIMEOUT_MS = 180_000;

describe("durability of executions across a kill -9", () => {
  it("a review wait begun before kill -9 is completed after the restart with the old token", {
    timeout: DURABILITY_TEST_TIMEOUT_MS,
  }, async () => {
    // Prepare: a child runtime on disk; an execution waiting for a reviewer.
    const first = await startChild();
    const caseId = "case-durable-1";
    const input = { caseId, level: 1, reviewTimeoutSeconds: 7 * 86_400, coolingOffSeconds: 0 };
    const { executionArn } = await sfnClient(first.info.sfnEndpoint).send(
      new StartExecutionCommand({
        stateMachineArn: first.info.stateMachines.review,
        name: caseId,
        input: JSON.stringify(input),
      }),
    );
    const dynamo = localDynamoClient(first.info.dynamoEndpoint);
    const oldToken = await awaitReviewToken(dynamo, first.info.tables.main, caseId, 1);
    dynamo.destroy();
    await vi.waitFor(
      async () => {
        const { events } = await sfnClient(first.info.sfnEndpoint).send(
          new GetExecutionHistoryCommand({ executionArn }),
        );
        expect(events?.map((e) => e.type)).toContain("TaskSubmitted");
      },
      { timeout: 10_000, interval: 25 },
    );

    // Act: kill -9, restart on the same data directory, answer with the token from before the kill.
    const killed = new Promise((resolve) => first.child.once("exit", resolve));
    first.child.kill("SIGKILL");
    await killed;
    const second = await startChild();
    const sfn = sfnClient(second.info.sfnEndpoint);
    await sfn.send(
      new SendTaskSuccessCommand({
        taskToken: oldToken,
        output: JSON.stringify({ approvedBy: "reviewer-after-restart" }),
      }),
    );

    // Assess
    expect(second.info.resumed).toEqual([executionArn]);
    const described = await vi.waitFor(
      async () => {
        const d = await sfn.send(new DescribeExecutionCommand({ executionArn }));
        expect(d.status).toBe("SUCCEEDED");
        return d;
      },
      { timeout: 15_000, interval: 50 },
    );
    expect(JSON.parse(described.output ?? "null")).toMatchObject({
      decision: { approvedBy: "reviewer-after-restart" },
      outcome: "approved",
    });
    const { events } = await sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000 }));
    const types = events?.map((e) => e.type) ?? [];
    // The handler that received the token ran once: the resumed wait did not notify the reviewer again.
    expect(types.filter((t) => t === "TaskSubmitted")).toHaveLength(1);
    expect(types.filter((t) => t === "ExecutionStarted")).toHaveLength(1);
    expect(types.at(-1)).toBe("ExecutionSucceeded");
    expect(enginePidsServing(join(dataDir, "dynamodb"))).toHaveLength(1);
  });
});
