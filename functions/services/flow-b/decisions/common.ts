/**
 * What Flow B's decisions share: their request fields, and the case change computed on the plan as
 * it is when the effects run.
 */
import * as z from "zod";
import type { HumanTaskDecision } from "#adapters/human-task-store.ts";
import type { FlowDeps } from "../../ports.ts";
import type { DecisionChange } from "../../steps/decision.ts";
import { type PlanRecord, planOf } from "../plan-record.ts";

export const LocalDateText = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "a date YYYY-MM-DD");
export const Text = z.string().trim().min(2).max(2000);

/** The decision's change to the case, from the plan read afresh (a healing retry sees what the first run wrote). */
export function onCurrentPlan(
  deps: FlowDeps,
  caseId: string,
  change: (recorded: HumanTaskDecision, plan: PlanRecord) => DecisionChange,
): (recorded: HumanTaskDecision) => Promise<DecisionChange> {
  return async (recorded) => change(recorded, planOf(await deps.cases.get(caseId)));
}
