/**
 * An execution started before `stagesBeforeHandOver` existed carries settings without it. Continued or
 * redriven on today's Flow B definition, it is adopted (`AdoptExecution`) with this deployment's value
 * filled in (functions/services/flow-b/settings.ts), so the stage loop's hand-over, which fixes the
 * next execution's stage limit from it, does not fail (States.Runtime). On DynamoDB Local and the real
 * ASL, with a stage limit of 2.
 */
import { StartExecutionCommand, StopExecutionCommand } from "@aws-sdk/client-sfn";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { executionReader } from "#adapters/execution-reader.ts";
import { executionArnOf, executionNameOf } from "#functions/services/executions.ts";
import {
  executionHistoryOf,
  executionStatusOf,
  type FlowBWorld,
  type PlanStage,
  planFor,
  recheckAndPay,
  startFlowBWorld,
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

function flowB(): string {
  return world.runtime.stateMachines["flow-b"] as string;
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
      const { caseId, stages } = await planFor(world, officer, approver, 4, applicant);
      await recheckAndPay(world, officer, caseId, stages[0] as PlanStage);
      await world.clock.advanceTo(Date.parse(stages[1]?.dueAt as string));
      await world.openTask(caseId, "stage-recheck");
      await world.sfn.send(
        new StopExecutionCommand({ executionArn: executionArnOf(flowB(), executionNameOf(caseId, 1)) }),
      );
      await world.eventually(
        async () => (await executionStatusOf(world, executionNameOf(caseId, 1))) === "ABORTED",
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
      for (const stage of stages.slice(1)) await recheckAndPay(world, officer, caseId, stage);
      await world.eventually(
        async () => (await executionStatusOf(world, executionNameOf(caseId, 3))) === "SUCCEEDED",
        "the close",
      );

      // Assess: generation 2 handed over after its first paid stage (the limit came from this
      // deployment's stagesBeforeHandOver, 2: generation 3 may pay stages 3 and 4), nothing failed
      expect(await executionStatusOf(world, executionNameOf(caseId, 2))).toBe("SUCCEEDED");
      const second = await executionHistoryOf(world, executionNameOf(caseId, 2));
      expect(second.entered.slice(0, firstStates.length)).toEqual(firstStates);
      expect(second.entered.slice(-3)).toEqual([
        "PrepareStageContinuation",
        "ContinueAsNew",
        "ContinuedAsNew",
      ]);
      const third = await executionHistoryOf(world, executionNameOf(caseId, 3));
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
