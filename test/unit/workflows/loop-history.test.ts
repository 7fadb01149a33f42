/**
 * Executions that last: no execution of Flow A or Flow B can reach Step Functions' 25,000-event
 * history limit — every loop (bank polling, fund re-checks, reminders, re-routes) counts its rounds
 * and hands the case over to a fresh execution after `roundsBeforeHandOver` rounds; Flow B's stage
 * loop hands over after `stagesBeforeHandOver` paid stages. The worst case is computed from the ASL
 * itself (test/unit/workflows/loop-history.ts).
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import {
  flowSettingsFromEnv,
  ROUNDS_BEFORE_HAND_OVER_MAX,
  STAGES_BEFORE_HAND_OVER_MAX,
} from "#functions/runtime/flow-settings.ts";
import {
  analyseLoops,
  type Definition,
  HISTORY_EVENTS_MAX,
  LoopWithoutCounterError,
} from "./loop-history.ts";

function workflow(file: string): Definition {
  return JSON.parse(readFileSync(resolve(import.meta.dirname, "../../../workflows", file), "utf8"));
}

describe.each([
  ["flow-a", "flow-a.asl.json", ["WaitBeforePolling", "RoutePayment", "AwaitOverdueRecovery"], {}],
  [
    "flow-b",
    "flow-b.asl.json",
    ["WaitBeforePolling", "CommitPlan", "WaitForStage", "AwaitOverdueRecheck"],
    { StageSettled: "WaitForStage" },
  ],
])("%s: executions that last", (flow, file, mustCount, stageGuards) => {
  it("every loop passes a round counter or a stage guard, and each hands over to a fresh execution", () => {
    // Prepare
    const definition = workflow(file);

    // Act
    const report = analyseLoops(definition);

    // Assess: bank polling, fund re-checks and reminders are among the counted loops; Flow B's stage
    // loop (a paid stage → wait for the next) is bounded by its stage limit instead of a counter
    expect(Object.values(report.counters)).toEqual(expect.arrayContaining(mustCount));
    expect(report.stageGuards).toEqual(stageGuards);
  });

  it("the worst-case history of one execution, with the largest allowed round limit, stays below 25,000 events", () => {
    // Prepare
    const report = analyseLoops(workflow(file));
    const defaults = flowSettingsFromEnv({});

    // Act
    const worst = report.worstEvents(ROUNDS_BEFORE_HAND_OVER_MAX, STAGES_BEFORE_HAND_OVER_MAX);
    console.log(
      `${flow}: ${Object.keys(report.counters).length} counted loops, worst round ${Math.max(...Object.values(report.roundEvents))} events, ` +
        `worst stage ${Math.max(0, ...Object.values(report.stageEvents))} events, prefix ${report.prefixEvents}, hand-over ${report.handOverEvents}; ` +
        `${ROUNDS_BEFORE_HAND_OVER_MAX} rounds and ${STAGES_BEFORE_HAND_OVER_MAX} stages → ${worst} events`,
    );

    // Assess: well before the limit (a fifth of it kept in reserve)
    expect(defaults.roundsBeforeHandOver).toBeLessThanOrEqual(ROUNDS_BEFORE_HAND_OVER_MAX);
    expect(defaults.stagesBeforeHandOver).toBeLessThanOrEqual(STAGES_BEFORE_HAND_OVER_MAX);
    expect(worst).toBeLessThan(HISTORY_EVENTS_MAX * 0.8);
  });
});

describe("the loop analysis", () => {
  const poll: Definition = {
    StartAt: "Poll",
    States: {
      Poll: {
        Type: "Task",
        Resource: "arn:aws:lambda:cn-north-1:000000000000:function:poll",
        Next: "Settled",
      },
      Settled: {
        Type: "Choice",
        Choices: [{ Next: "Done" }],
        Default: "WaitBeforePolling",
      },
      WaitBeforePolling: { Type: "Wait", Next: "Poll" },
      Done: { Type: "Succeed" },
    },
  };

  it("Noncompliance: a Wait → Choice polling loop without a round counter is refused", () => {
    expect(() => analyseLoops(poll)).toThrow(LoopWithoutCounterError);
  });

  it("Compliance: the same loop with a counter and a hand-over has a bounded history", () => {
    const counted: Definition = structuredClone(poll);
    (counted.States.Settled as { Default: string }).Default = "RepeatWaitBeforePolling";
    counted.States.RepeatWaitBeforePolling = {
      Type: "Pass",
      Parameters: { "rounds.$": "States.MathAdd($.loop.rounds, 1)", resumeAt: "WaitBeforePolling" },
      Next: "NextRound",
    };
    counted.States.NextRound = {
      Type: "Choice",
      Choices: [
        {
          Variable: "$.loop.rounds",
          NumericGreaterThanEqualsPath: "$.settings.roundsBeforeHandOver",
          Next: "Continue",
        },
        { Next: "WaitBeforePolling" },
      ],
    };
    counted.States.Continue = {
      Type: "Task",
      Resource: "arn:aws:states:::states:startExecution",
      Next: "Continued",
    };
    counted.States.Continued = { Type: "Succeed" };

    const report = analyseLoops(counted);

    // Pass 2 + NextRound 2 + Wait 2 + Task 6 + Choice 2, then at worst the way out (Succeed 2)
    expect(report.roundEvents).toEqual({ RepeatWaitBeforePolling: 16 });
    // started 1 + Poll…Done 10 + 11 rounds + NextRound 2, start 6, Continued 2
    expect(report.worstEvents(10)).toBe(1 + 10 + 11 * 16 + 2 + 6 + 2);
  });

  /** A stage loop: wait → pay → paid? → wait again, the next stage's index compared with the limit. */
  function stages(limitKept: boolean): Definition {
    return {
      StartAt: "Begin",
      States: {
        Begin: {
          Type: "Pass",
          Result: { rounds: 0, generation: 1, handOverAtStage: 0 },
          ResultPath: "$.loop",
          Next: "Commit",
        },
        Commit: {
          Type: "Pass",
          Parameters: limitKept
            ? {
                rounds: 0,
                "handOverAtStage.$": "States.MathAdd($.cursor.next.index, $.settings.stagesBeforeHandOver)",
              }
            : { rounds: 0 },
          ResultPath: "$.loop",
          Next: "WaitForStage",
        },
        WaitForStage: { Type: "Wait", Next: "Pay" },
        Pay: { Type: "Task", Resource: "arn:aws:lambda:cn-north-1:000000000000:function:pay", Next: "Paid" },
        Paid: {
          Type: "Choice",
          Choices: [
            { Variable: "$.cursor.current.last", Next: "Done" },
            {
              And: [
                { Variable: "$.payment.outcome" },
                { Variable: "$.cursor.next.index", NumericGreaterThanEqualsPath: "$.loop.handOverAtStage" },
              ],
              Next: "HandOver",
            },
          ],
          Default: "WaitForStage",
        },
        HandOver: {
          Type: "Pass",
          Parameters: {
            rounds: 0,
            resumeAt: "WaitForStage",
            "handOverAtStage.$": "States.MathAdd($.cursor.next.index, $.settings.stagesBeforeHandOver)",
          },
          ResultPath: "$.loop",
          Next: "Continue",
        },
        Continue: { Type: "Task", Resource: "arn:aws:states:::states:startExecution", Next: "Continued" },
        Continued: { Type: "Succeed" },
        Done: { Type: "Succeed" },
      },
    };
  }

  it("Compliance: a stage loop that hands over once the stage index reaches the limit is bounded by the stages", () => {
    const report = analyseLoops(stages(true));

    // Wait 2 + Pay 6 + Paid 2, then at worst the way out (the hand-over: HandOver 2, start 6, Continued 2)
    expect(report.stageGuards).toEqual({ Paid: "WaitForStage" });
    expect(report.stageEvents).toEqual({ Paid: 20 });
    // started 1 + Begin 2 + Commit 2 + a stage 20 + 4 stages, then the hand-over 10
    expect(report.worstEvents(0, 4)).toBe(1 + 24 + 4 * 20 + 10);
  });

  it("Noncompliance: a stage loop whose limit a state drops (writes $.loop without it) is refused", () => {
    expect(() => analyseLoops(stages(false))).toThrow("Commit writes $.loop without its stage limit");
  });

  it("Noncompliance: a stage loop without the guard is a loop without a counter", () => {
    const unguarded = stages(true);
    (unguarded.States.Paid as { Choices: unknown[] }).Choices.splice(1, 1);
    expect(() => analyseLoops(unguarded)).toThrow(LoopWithoutCounterError);
  });
});
