/**
 * Every failed case can be restarted where it stopped (docs/operations.md, A failed case): each state
 * of both flows whose failure is recorded as an incident is a state `NextRound` dispatches to by
 * `loop.resumeAt`, or a state of the loop's own routing that carries the `resumeAt` it was going to.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { ROUTING_STATES, resumePointsOf } from "#functions/services/redrive.ts";

interface AslState {
  Type: string;
  Catch?: { ErrorEquals: string[]; Next: string }[];
}

function definitionOf(file: string): string {
  return readFileSync(resolve(import.meta.dirname, "../../../workflows", file), "utf8");
}

describe.each(["flow-a.asl.json", "flow-b.asl.json"])("%s", (file) => {
  const definitionJson = definitionOf(file);
  const states = (JSON.parse(definitionJson) as { States: Record<string, AslState> }).States;
  const points = resumePointsOf(definitionJson);

  it("every state that ends in an incident can be resumed by a redrive", () => {
    const caught = Object.entries(states)
      .filter(([, state]) => state.Catch?.some((c) => c.Next === "RecordIncident"))
      .map(([name]) => name);
    expect(caught.length).toBeGreaterThan(10);
    expect(caught.filter((name) => !points.has(name) && !ROUTING_STATES.has(name))).toEqual([]);
  });

  it("resumes only at states of the definition, never at the incident's own states", () => {
    for (const point of points) expect(states[point], point).toBeDefined();
    expect(points.has("RecordIncident")).toBe(false);
    expect(points.has("CaseIncident")).toBe(false);
    for (const name of ROUTING_STATES) expect(states[name], name).toBeDefined();
  });
});
