/**
 * An execution started before `stagesBeforeHandOver` existed carries settings without it. Continued or
 * redriven on today's Flow B definition, it is adopted (`AdoptExecution`) with this deployment's value
 * filled in (functions/services/flow-b/settings.ts), so the stage loop's hand-over, which fixes the
 * next execution's stage limit from it, does not fail (States.Runtime). On DynamoDB Local and the real
 * ASL, with a stage limit of 2.
 */
import {
  GetExecutionHistoryCommand,
  type HistoryEvent,
  StartExecutionCommand,
  StopExecutionCommand,
} from "@aws-sdk/client-sfn";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { executionReader } from "#adapters/execution-reader.ts";
import { localDateOf } from "#core/calendar/localDate.ts";
import { executionArnOf, executionNameOf } from "#functions/services/executions.ts";
import {
  approvedPlan,
  type FlowBWorld,
  type PlanStage,
  stagedFiling,
  startFlowBWorld,
  statesEntered,
} from "./world.ts";

let world: FlowBWorld;
const XINHUA = "230123300";

beforeAll(async () => {
  world = await startFlowBWorld({
    label: "fb-older-settings",
    env: { AIDFLOW_STAGES_BEFORE_HAND_OVER: "2" },
  });
});

afterAll(async () => {
  await world?.close();
});

type Client = Awaited<ReturnType<FlowBWorld["signIn"]>>;

function flowB(): string {
  return world.runtime.stateMachines["flow-b"] as string;
}

async function statusOf(name: string): Promise<string | undefined> {
  return (await executionReader(world.sfn).describe(executionArnOf(flowB(), name)))?.status;
}

async function historyOf(name: string) {
  const events: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await world.sfn.send(
      new GetExecutionHistoryCommand({
        executionArn: executionArnOf(flowB(), name),
        ...(nextToken ? { nextToken } : {}),
      }),
    );
    events.push(...(page.events ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return { entered: statesEntered(events) };
}

/** The stage falls due, the officer re-checks it (still in hardship) and the bank pays it. */
async function payStage(officer: Client, caseId: string, stage: PlanStage) {
  await world.clock.advanceTo(Math.max(Date.parse(stage.dueAt), world.clock.nowMs()));
  const task = await world.openTask(caseId, "stage-recheck");
  expect(task.details?.stage).toBe(stage.index);
  const recheck = await officer.post(`/plans/${caseId}/recheck`, {
    stage: stage.index,
    checkedOn: localDateOf(world.clock.nowMs()),
    outcome: "still-in-hardship",
    findings: `第${stage.index}期复核：困难仍在`,
  });
  expect(recheck.status).toBe(200);
  await world.payOut(`${caseId}.stage-${stage.index}`);
}

function planOf(
  officer: Client,
  approver: Client,
  months: number,
  applicant: { name: string; id: string; account: string },
) {
  const filing = stagedFiling({
    applicant: {
      name: applicant.name,
      document: { type: "resident-id", number: applicant.id },
      registration: { countyCode: "230123" },
    },
    bankAccount: { holderName: applicant.name, bankName: "农村信用社", account: applicant.account },
  });
  return approvedPlan(world, officer, approver, filing, months);
}

describe("Flow B: an execution whose settings predate stagesBeforeHandOver", () => {
  it.each([
    {
      what: "whose settings lack stagesBeforeHandOver (started by an earlier definition)",
      applicant: { name: "孟凡英", id: "230123197011204565", account: "6217000099990011" },
      settingsOf: (settings: Record<string, unknown>) => {
        const { stagesBeforeHandOver: _dropped, ...older } = settings;
        return older;
      },
      firstStates: ["Start", "HandOverAfterFirstStage", "AdoptExecution"],
    },
    {
      what: "with no settings at all (a redrive of an execution that failed before StartFlowB set them)",
      applicant: { name: "柏玉兰", id: "230123197203154566", account: "6217000099990012" },
      settingsOf: () => undefined,
      firstStates: ["Start", "SettingsToCome", "HandOverAfterFirstStage", "AdoptExecution"],
    },
  ])(
    "an execution $what is adopted with this deployment's value and hands over without failing",
    async ({ applicant, settingsOf, firstStates }) => {
      // Prepare: a 4-stage plan, stage 1 paid; stage 2 waits for its re-check when the execution is stopped
      const officer = await world.signIn("officer-xinhua-1");
      const approver = await world.signIn("approver-xinhua");
      const { caseId, stages } = await planOf(officer, approver, 4, applicant);
      await payStage(officer, caseId, stages[0] as PlanStage);
      await world.clock.advanceTo(Date.parse(stages[1]?.dueAt as string));
      await world.openTask(caseId, "stage-recheck");
      await world.sfn.send(
        new StopExecutionCommand({ executionArn: executionArnOf(flowB(), executionNameOf(caseId, 1)) }),
      );
      await world.eventually(
        async () => (await statusOf(executionNameOf(caseId, 1))) === "ABORTED",
        "stopped",
      );
      // The state it stood in, as an earlier definition carried it: no stagesBeforeHandOver, no stage limit
      let waiting: Record<string, unknown> | undefined;
      for await (const entered of executionReader(world.sfn).statesEnteredNewestFirst(
        executionArnOf(flowB(), executionNameOf(caseId, 1)),
        1000,
      )) {
        if (entered.name === "AwaitRecheck") {
          waiting = JSON.parse(entered.input) as Record<string, unknown>;
          break;
        }
      }
      expect(waiting, "the stopped execution's AwaitRecheck").toBeDefined();
      const { settings, ...rest } = waiting as { settings: Record<string, unknown> };
      const olderSettings = settingsOf(settings);
      const input = {
        ...rest,
        ...(olderSettings ? { settings: olderSettings } : {}),
        loop: { rounds: 0, generation: 2, resumeAt: "AwaitRecheck" },
      };
      expect(JSON.stringify(input)).not.toContain("stagesBeforeHandOver");
      expect(JSON.stringify(input)).not.toContain("handOverAtStage");

      // Act: the older execution's continuation starts; stages 2–4 are re-checked and paid
      await world.sfn.send(
        new StartExecutionCommand({
          stateMachineArn: flowB(),
          name: executionNameOf(caseId, 2),
          input: JSON.stringify(input),
        }),
      );
      for (const stage of stages.slice(1)) await payStage(officer, caseId, stage);
      await world.eventually(
        async () => (await statusOf(executionNameOf(caseId, 3))) === "SUCCEEDED",
        "the close",
      );

      // Assess: generation 2 handed over after its first paid stage (the limit came from this
      // deployment's stagesBeforeHandOver, 2: generation 3 may pay stages 3 and 4), nothing failed
      expect(await statusOf(executionNameOf(caseId, 2))).toBe("SUCCEEDED");
      const second = await historyOf(executionNameOf(caseId, 2));
      expect(second.entered.slice(0, firstStates.length)).toEqual(firstStates);
      expect(second.entered.slice(-3)).toEqual([
        "PrepareStageContinuation",
        "ContinueAsNew",
        "ContinuedAsNew",
      ]);
      const third = await historyOf(executionNameOf(caseId, 3));
      expect(third.entered.filter((s) => s === "PayStage")).toHaveLength(2);
      expect(third.entered.at(-1)).toBe("PlanClosed");
      const thirdInput = JSON.parse(
        (await executionReader(world.sfn).describe(executionArnOf(flowB(), executionNameOf(caseId, 3))))
          ?.input ?? "{}",
      ) as { loop: { handOverAtStage: number }; settings: { stagesBeforeHandOver: number } };
      expect(thirdInput.loop.handOverAtStage).toBe(3 + 2);
      expect(thirdInput.settings.stagesBeforeHandOver).toBe(2);
      const entries = (await world.entries(XINHUA)).filter((e) => e.reference.caseId === caseId);
      expect(entries.map((e) => `${e.kind}${e.drawKind ? `:${e.drawKind}` : ""}`)).toEqual([
        "commit",
        ...Array(4).fill("draw:stage"),
      ]);
    },
  );
});
