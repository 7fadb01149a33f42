/**
 * Flow B transitions per stage, counted from the execution history of one 6-stage plan
 * run on the whole local county in this process with a MANUAL clock (months pass when this bench
 * moves the clock; the bank simulator settles in real time): filed → assessed → 7-day public notice →
 * approved and committed → each month re-checked and paid → closed.
 */

import { fileURLToPath, pathToFileURL } from "node:url";
import { DescribeExecutionCommand, GetExecutionHistoryCommand, type HistoryEvent } from "@aws-sdk/client-sfn";
import { localDateOf } from "#core/calendar/localDate.ts";
import { firstExecutionName } from "#functions/services/executions.ts";
import { isManualClock } from "#local/clock.ts";
import { startLocalCounty } from "#local/services.ts";
import { type ApiClient, signIn } from "#test/e2e/support/api.ts";
import { localSfn, until } from "./surge.ts";

/** Monday 2026-03-02 09:00 Asia/Shanghai. */
const START_MS = Date.parse("2026-03-02T09:00:00+08:00");
const DAY_MS = 24 * 3600 * 1000;

export interface FlowBRow {
  stages: number;
  perStage: number[];
  total: number;
  status: string;
}

interface PlanView {
  case: { status: string };
  plan: { stages: { index: number; dueAt: string; payment: string }[] };
  tasks: { taskType: string; status: string }[];
}

async function view(client: ApiClient, caseId: string): Promise<PlanView | undefined> {
  const got = await client.get<PlanView>(`/plans/${caseId}`);
  return got.status === 200 ? got.body : undefined;
}

async function openTask(
  client: ApiClient,
  caseId: string,
  taskType: string,
  deadlineMs: number,
): Promise<void> {
  await until(`an open ${taskType} task`, deadlineMs, async () => {
    const v = await view(client, caseId);
    return v?.tasks.some((t) => t.taskType === taskType && t.status === "open") ? true : undefined;
  });
}

function ok(response: { status: number; text: string }, what: string): void {
  if (response.status !== 200 && response.status !== 201) {
    throw new Error(`${what}: ${response.status} ${response.text.slice(0, 200)}`);
  }
}

/**
 * The states entered from one `WaitForStage` up to the next (or the close): one stage's transitions —
 * the re-check (a stop is its caught error, not a Choice), the draw through the fund's draw queue
 * (`DrawStage`), the bank step and its outcome (`StageSettled`, which also hands a long plan over by
 * the stage index: no round counter per stage).
 */
export function transitionsPerStage(history: HistoryEvent[]): number[] {
  const names = history
    .filter((e) => e.type?.endsWith("StateEntered"))
    .map((e) => e.stateEnteredEventDetails?.name ?? "?");
  const counts: number[] = [];
  let current = -1;
  for (const name of names) {
    if (name === "WaitForStage") {
      counts.push(0);
      current = counts.length - 1;
    }
    if (current >= 0 && name !== "ClosePlan" && name !== "PlanClosed")
      counts[current] = (counts[current] ?? 0) + 1;
    if (name === "ClosePlan") current = -1;
  }
  return counts;
}

export async function runFlowBBench(
  options: { dynamoEndpoint?: string; log?: (line: string) => void } = {},
): Promise<FlowBRow> {
  const log = options.log ?? (() => {});
  log("Flow B: a 6-stage plan on the local county with a manual clock …");
  const county = await startLocalCounty({
    ...(options.dynamoEndpoint
      ? { dynamoEndpoint: options.dynamoEndpoint, tablePrefix: `bench-b-${Date.now()}-` }
      : { inMemory: true }),
    clock: { mode: "manual", startMs: START_MS },
  });
  const clock = county.runtime.clock;
  const sfn = localSfn(county.runtime.sfnEndpoint);
  try {
    if (!isManualClock(clock)) throw new Error("Flow B bench needs the manual clock");
    const deadline = Date.now() + 300_000;
    const officer = await signIn(county.apiUrl, "officer-xinhua-1");
    const approver = await signIn(county.apiUrl, "approver-xinhua");
    const filed = await officer.post<{ caseId: string }>(
      "/plans",
      {
        townshipId: "230123300",
        hardship: { cause: "medical" },
        description: "家中主要劳动力患重病，长期住院治疗，医疗支出远超家庭承受能力",
        expectedDurationMonths: 6,
        estimatedTotalYuan: "2400.00",
        applicant: {
          name: "王建国",
          document: { type: "resident-id", number: "230123198001011238" },
          registration: { countyCode: "230123" },
        },
        bankAccount: { holderName: "王建国", bankName: "农村信用社", account: "6217000012345678" },
      },
      { idempotencyKey: "bench-flow-b-file" },
    );
    ok(filed, "filing the plan");
    const caseId = filed.body.caseId;
    await openTask(officer, caseId, "assessment", deadline);
    ok(
      await officer.post(
        `/plans/${caseId}/assessment`,
        {
          household: {
            members: [
              { relation: "本人", age: 46 },
              { relation: "配偶", age: 44 },
            ],
          },
          monthlyIncomeYuan: "1800.00",
          rigidExpenditure: {
            medicalMonthlyYuan: "600.00",
            educationMonthlyYuan: "0.00",
            otherMonthlyYuan: "0.00",
          },
          expectedDurationMonths: 6,
          firstStageDate: "2026-03-20",
          facts: "入户调查：本人患重病需长期治疗，配偶务农收入微薄，医疗支出每月约六百元",
        },
        { idempotencyKey: "bench-flow-b-assess" },
      ),
      "assessment",
    );
    await openTask(officer, caseId, "public-notice", deadline);
    await clock.advanceBy(7 * DAY_MS + 60_000);
    await openTask(officer, caseId, "plan-approval", deadline);
    ok(
      await approver.post(`/plans/${caseId}/approval`, { decision: "approve", reason: "公示无异议，同意" }),
      "approval",
    );
    const planned = await until("the stage plan", deadline, async () => {
      const v = await view(officer, caseId);
      return v && v.plan.stages.length > 0 ? v : undefined;
    });
    for (const stage of planned.plan.stages) {
      await clock.advanceTo(Math.max(Date.parse(stage.dueAt), clock.nowMs()));
      await openTask(officer, caseId, "stage-recheck", deadline);
      ok(
        await officer.post(
          `/plans/${caseId}/recheck`,
          {
            stage: stage.index,
            checkedOn: localDateOf(clock.nowMs()),
            outcome: "still-in-hardship",
            findings: `第${stage.index}期入户复核：仍在治疗，家庭困难未缓解`,
          },
          { idempotencyKey: `bench-flow-b-recheck-${stage.index}` },
        ),
        `re-check of stage ${stage.index}`,
      );
      await until(`stage ${stage.index} paid`, deadline, async () => {
        const v = await view(officer, caseId);
        return v?.plan.stages.find((s) => s.index === stage.index)?.payment === "paid" ? true : undefined;
      });
      log(`Flow B: stage ${stage.index} paid`);
    }
    // The case's first execution (`<caseId>-1`); a 6-stage plan runs far fewer rounds than a hand-over needs.
    const executionArn = `${(county.runtime.stateMachines["flow-b"] as string).replace(":stateMachine:", ":execution:")}:${firstExecutionName(caseId)}`;
    const status = await until("the plan's execution to end", deadline, async () => {
      const d = await sfn.send(new DescribeExecutionCommand({ executionArn }));
      return d.status === "RUNNING" ? undefined : (d.status ?? "UNKNOWN");
    });
    const events: HistoryEvent[] = [];
    let nextToken: string | undefined;
    do {
      const page = await sfn.send(
        new GetExecutionHistoryCommand({
          executionArn,
          maxResults: 1000,
          ...(nextToken ? { nextToken } : {}),
        }),
      );
      events.push(...(page.events ?? []));
      nextToken = page.nextToken;
    } while (nextToken);
    const perStage = transitionsPerStage(events);
    return {
      stages: planned.plan.stages.length,
      perStage,
      total: events.filter((e) => e.type?.endsWith("StateEntered")).length,
      status,
    };
  } finally {
    sfn.destroy();
    await county.stop();
  }
}

/**
 * Run alone in its own process (`node --import tsx bench/surge/flow-b.ts [dynamoEndpoint]`, one JSON
 * line on stdout): handler modules keep their configuration from their first call (as a Lambda
 * keeps it per container), so a second county in the same process would reach the first one's tables.
 */
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const endpoint = process.argv[2];
  const row = await runFlowBBench({
    ...(endpoint ? { dynamoEndpoint: endpoint } : {}),
    log: (line) => process.stderr.write(`· ${line}\n`),
  });
  process.stdout.write(`${JSON.stringify(row)}\n`);
  process.exit(0);
}

/** Runs the Flow B bench in a child process and returns its row. */
export async function runFlowBBenchInChild(
  options: { dynamoEndpoint?: string; log?: (line: string) => void } = {},
): Promise<FlowBRow> {
  const { spawn } = await import("node:child_process");
  const child = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      fileURLToPath(import.meta.url),
      ...(options.dynamoEndpoint ? [options.dynamoEndpoint] : []),
    ],
    {
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on("data", (chunk: Buffer) => {
    const text = chunk.toString();
    stderr = (stderr + text).slice(-4000);
    for (const line of text.split("\n")) if (line.startsWith("· ")) options.log?.(line.slice(2));
  });
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  // Handlers log JSON lines too: the row is the line with the row's fields.
  const line = stdout
    .split("\n")
    .filter((l) => l.startsWith("{") && l.includes('"perStage"'))
    .at(-1);
  if (code !== 0 || !line)
    throw new Error(
      `Flow B bench exited ${code}: ${
        stderr
          .split("\n")
          .filter((l) => l.includes("Error"))
          .slice(-1)[0] ?? stderr.slice(-300)
      }`,
    );
  return JSON.parse(line) as FlowBRow;
}
