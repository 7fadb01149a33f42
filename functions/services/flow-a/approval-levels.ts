/**
 * Flow A's wire names of core's approval levels (`core/cases/rules/approvalLevel.ts`): the 一事一议
 * level is called "coordination" on tasks, in the state machine's choices and in the web client.
 * Core decides the level; this only names it.
 */
import type { Action } from "#core/access/index.ts";
import { APPROVAL_ACTION, type ApprovalLevel as CoreApprovalLevel } from "#core/cases/index.ts";

export type ApprovalLevel = "township" | "county" | "coordination";

export const WIRE_LEVEL: Readonly<Record<CoreApprovalLevel, ApprovalLevel>> = {
  township: "township",
  county: "county",
  "county-coordination": "coordination",
};

/** The access action per Flow A level is core's (`APPROVAL_ACTION`), keyed by the wire names. */
export const LEVEL_ACTION: Readonly<Record<ApprovalLevel, Action>> = {
  township: APPROVAL_ACTION.township,
  county: APPROVAL_ACTION.county,
  coordination: APPROVAL_ACTION["county-coordination"],
};
