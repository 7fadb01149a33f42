/**
 * No human wait without a deadline (DOMAIN §3: "never dropped"; §5: nobody is left owed): every
 * state of both flows that waits for a person (a task token) either times out into a reminder or
 * an escalation, or is named here with the reason it may wait unbounded.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";

interface AslState {
  Type: string;
  Resource?: string;
  TimeoutSeconds?: number;
  TimeoutSecondsPath?: string;
  Catch?: { ErrorEquals: string[]; Next: string }[];
  Branches?: { States: Record<string, AslState> }[];
  ItemProcessor?: { States: Record<string, AslState> };
}

/** Waits allowed without a timeout, and why. */
const UNBOUNDED_WAITS: Record<string, string> = {};

function humanWaits(file: string): [string, AslState][] {
  const definition = JSON.parse(
    readFileSync(resolve(import.meta.dirname, "../../../workflows", file), "utf8"),
  );
  const found: [string, AslState][] = [];
  const walk = (states: Record<string, AslState>) => {
    for (const [name, state] of Object.entries(states)) {
      if (state.Type === "Task" && state.Resource?.endsWith(".waitForTaskToken")) found.push([name, state]);
      for (const branch of state.Branches ?? []) walk(branch.States);
      if (state.ItemProcessor) walk(state.ItemProcessor.States);
    }
  };
  walk(definition.States);
  return found;
}

describe.each([
  ["flow-a", "flow-a.asl.json"],
  ["flow-b", "flow-b.asl.json"],
])("%s: every wait for a person has a deadline", (flow, file) => {
  it("times out into another state (reminder, escalation or re-check), or is a named exception", () => {
    // Prepare
    const waits = humanWaits(file);

    // Act
    const unbounded = waits
      .filter(([, state]) => {
        const times = state.TimeoutSeconds !== undefined || state.TimeoutSecondsPath !== undefined;
        const caught = (state.Catch ?? []).some((c) => c.ErrorEquals.includes("States.Timeout"));
        return !(times && caught);
      })
      .map(([name]) => `${flow}/${name}`);

    // Assess
    expect(waits.length).toBeGreaterThan(3);
    expect(unbounded).toEqual(Object.keys(UNBOUNDED_WAITS).filter((key) => key.startsWith(`${flow}/`)));
  });
});
