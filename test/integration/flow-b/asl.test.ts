/**
 * The shape of workflows/flow-b.asl.json (issue 7 §6, STYLE §5): the stage loop is a cycle of
 * top-level states — no Map, no Parallel — of at most five states; every Task retries transient
 * errors and catches the rest by name; every function it names is in the catalog; every human wait
 * without a deadline is one a person is already notified of, and every deadline leads somewhere.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { FUNCTIONS } from "#functions/catalog.ts";

interface State {
  Type: string;
  Next?: string;
  Default?: string;
  Resource?: string;
  Parameters?: { FunctionName?: string; resumeAt?: string };
  TimeoutSecondsPath?: string;
  Retry?: Array<{ ErrorEquals: string[] }>;
  Catch?: Array<{ ErrorEquals: string[]; Next: string }>;
  Choices?: Array<{ Next: string }>;
}

const asl = JSON.parse(
  readFileSync(new URL("../../../workflows/flow-b.asl.json", import.meta.url), "utf8"),
) as {
  StartAt: string;
  States: Record<string, State>;
};
const states = asl.States;

/** A loop's round counter (`Repeat<X>`) stands for the state it resumes at. */
function successors(state: State): string[] {
  return direct(state).map((name) => states[name]?.Parameters?.resumeAt ?? name);
}

function direct(state: State): string[] {
  return [
    ...(state.Next ? [state.Next] : []),
    ...(state.Default ? [state.Default] : []),
    ...(state.Choices ?? []).map((c) => c.Next),
    ...(state.Catch ?? []).map((c) => c.Next),
  ];
}

describe("Flow B state machine", () => {
  it("has no Map or Parallel: every state is top-level, so a restart resumes at the current one", () => {
    expect(Object.values(states).filter((s) => s.Type === "Map" || s.Type === "Parallel")).toEqual([]);
  });

  it("pays a stage in a cycle of five states on the success path", () => {
    // Wait → re-check → decided? → pay → settled? → Wait
    const cycle = ["WaitForStage", "AwaitRecheck", "RecheckDecided", "PayStage", "StageSettled"];
    cycle.forEach((name, i) => {
      const next = cycle[(i + 1) % cycle.length] as string;
      expect(successors(states[name] as State), `${name} → ${next}`).toContain(next);
    });
    expect((states.WaitForStage as State & { TimestampPath?: string }).TimestampPath).toBe(
      "$.cursor.next.dueAt",
    );
  });

  it("every Task retries transient errors and catches everything else by name", () => {
    for (const [name, state] of Object.entries(states)) {
      // The hand-over to a fresh execution calls Step Functions, not a Lambda: its own retrier.
      if (state.Type !== "Task" || name === "RecordIncident" || name === "ContinueAsNew") continue;
      expect(state.Retry?.[0]?.ErrorEquals, name).toContain("LedgerUnavailableError");
      expect(state.Catch?.at(-1)?.ErrorEquals, name).toEqual(["States.ALL"]);
    }
    expect(states.CommitPlan?.Catch?.[0]).toMatchObject({
      ErrorEquals: ["FundInsufficientError"],
      Next: "AwaitPlanFunds",
    });
  });

  it("names only functions of the catalog", () => {
    const text = readFileSync(new URL("../../../workflows/flow-b.asl.json", import.meta.url), "utf8");
    // Partition is the deployment's (aws / aws-cn), substituted by the CDK app and the local loader.
    // ContinuationStateMachineArn: where a loop hands over (the workflow's own state machine alias).
    const ids = new Set([
      ...FUNCTIONS.map((f) => `${f.id}FunctionArn`),
      "Partition",
      "ContinuationStateMachineArn",
    ]);
    const used = [...text.matchAll(/\$\{([A-Za-z0-9]+)\}/g)].map((m) => m[1] as string);
    expect(used.length).toBeGreaterThan(0);
    expect(used.filter((u) => !ids.has(u))).toEqual([]);
  });

  it("a deadline never drops the case: every timed wait catches States.Timeout into a state that waits again or moves on", () => {
    for (const [name, state] of Object.entries(states)) {
      if (!state.TimeoutSecondsPath) continue;
      const timeout = state.Catch?.find((c) => c.ErrorEquals.includes("States.Timeout"));
      expect(timeout, name).toBeDefined();
      expect(states[timeout?.Next as string], `${name} → ${timeout?.Next}`).toBeDefined();
    }
    // The notice's timeout is "no objection": it leads to the approval.
    expect(states.PublicNotice?.Catch?.[0]).toMatchObject({
      ErrorEquals: ["States.Timeout"],
      Next: "AwaitApproval",
    });
    // An overdue re-check escalates and keeps waiting on itself.
    expect(successors({ Type: "Catch", Next: states.AwaitOverdueRecheck?.Catch?.[0]?.Next })).toEqual([
      "AwaitOverdueRecheck",
    ]);
  });

  it("every state is reachable from the start", () => {
    const seen = new Set<string>();
    const queue = [asl.StartAt];
    while (queue.length > 0) {
      const name = queue.shift() as string;
      if (seen.has(name)) continue;
      seen.add(name);
      queue.push(...direct(states[name] as State));
    }
    expect(Object.keys(states).filter((name) => !seen.has(name))).toEqual([]);
  });
});
