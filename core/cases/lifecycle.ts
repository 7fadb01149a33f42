/**
 * The case lifecycle as a pure transition table (DOMAIN §3 Flow A, §4 Flow B). Workflows and
 * handlers ask `transition` before writing; anything not in the table is refused with a typed
 * error: a rejected case cannot be paid, a closed case accepts nothing.
 */
import { IllegalTransitionError } from "./errors.ts";

export const CASE_STATES = [
  "filed",
  // Flow A — 先行救助 → 跟进救助
  "awaiting-advance-decision",
  "escalated",
  "advance-approved",
  "advance-rejected",
  "paying",
  "paid",
  "awaiting-paperwork",
  "paperwork-overdue",
  "paperwork-complete",
  "follow-up",
  // Flow B — 一次审批、分阶段救助
  "assessing",
  "in-notice",
  "awaiting-approval",
  "awaiting-funds",
  "committed",
  "rejected",
  "stage-waiting",
  "stage-recheck",
  "stage-paying",
  "stopped",
  // both
  "closed",
  "withdrawn",
] as const;

export type CaseState = (typeof CASE_STATES)[number];
export type Flow = "A" | "B";

export type CaseEvent =
  | { type: "route.advance" }
  | { type: "route.staged" }
  | { type: "advance.responseTimeElapsed" }
  | { type: "advance.approved" }
  | { type: "advance.rejected" }
  | { type: "payment.started" }
  | { type: "payment.rerouted" }
  | { type: "payment.confirmed" }
  | { type: "paperwork.opened" }
  | { type: "paperwork.deadlinePassed" }
  | { type: "paperwork.completed" }
  | { type: "followUp.started" }
  | { type: "followUp.stagedHandover" }
  | { type: "assessment.completed"; noticeRequired: boolean }
  | { type: "notice.objection" }
  | { type: "notice.ended" }
  | { type: "plan.approved"; fundsAvailable: boolean }
  | { type: "plan.rejected" }
  | { type: "funds.replenished" }
  | { type: "stages.scheduled" }
  | { type: "stage.due" }
  | { type: "recheck.passed" }
  | { type: "recheck.failed" }
  | { type: "stage.paid"; lastStage: boolean }
  | { type: "plan.stopped" }
  | { type: "case.closed" }
  | { type: "case.withdrawn" };

export type CaseEventType = CaseEvent["type"];

type Target = CaseState | ((event: CaseEvent) => CaseState);

/** state → event → next state. A state missing from the table, or an event missing from a row, is illegal. */
export const TRANSITIONS: Readonly<Partial<Record<CaseState, Partial<Record<CaseEventType, Target>>>>> = {
  filed: {
    "route.advance": "awaiting-advance-decision",
    "route.staged": "assessing",
    "case.withdrawn": "withdrawn",
  },
  "awaiting-advance-decision": {
    // DOMAIN §3.2: nobody decided within the response time → county, and keep waiting.
    "advance.responseTimeElapsed": "escalated",
    "advance.approved": "advance-approved",
    "advance.rejected": "advance-rejected",
    "case.withdrawn": "withdrawn",
  },
  escalated: {
    "advance.approved": "advance-approved",
    "advance.rejected": "advance-rejected",
    "case.withdrawn": "withdrawn",
  },
  "advance-approved": { "payment.started": "paying" },
  "advance-rejected": { "case.closed": "closed" },
  // A failed transfer is re-routed (DOMAIN §5 reversal) and the case stays in paying.
  paying: { "payment.rerouted": "paying", "payment.confirmed": "paid" },
  paid: { "paperwork.opened": "awaiting-paperwork" },
  // DOMAIN §3.4: past the deadline the case is flagged and escalated, never dropped.
  "awaiting-paperwork": {
    "paperwork.deadlinePassed": "paperwork-overdue",
    "paperwork.completed": "paperwork-complete",
  },
  "paperwork-overdue": { "paperwork.completed": "paperwork-complete" },
  "paperwork-complete": { "followUp.started": "follow-up", "case.closed": "closed" },
  // DOMAIN §3.5: additional aid, referral and recovery are recorded within follow-up; staged aid hands over to Flow B.
  "follow-up": { "followUp.stagedHandover": "assessing", "case.closed": "closed" },

  assessing: {
    // DOMAIN §4.3: expenditure cases go to public notice; urgent cases are exempt.
    "assessment.completed": (e) =>
      e.type === "assessment.completed" && e.noticeRequired ? "in-notice" : "awaiting-approval",
    "case.withdrawn": "withdrawn",
  },
  "in-notice": {
    "notice.objection": "assessing",
    "notice.ended": "awaiting-approval",
    "case.withdrawn": "withdrawn",
  },
  "awaiting-approval": {
    // DOMAIN §4.4: approval commits the total; without money the case waits for replenishment, never fails.
    "plan.approved": (e) =>
      e.type === "plan.approved" && !e.fundsAvailable ? "awaiting-funds" : "committed",
    "plan.rejected": "rejected",
    "case.withdrawn": "withdrawn",
  },
  "awaiting-funds": { "funds.replenished": "committed" },
  committed: { "stages.scheduled": "stage-waiting" },
  rejected: { "case.closed": "closed" },
  "stage-waiting": { "stage.due": "stage-recheck", "plan.stopped": "stopped" },
  "stage-recheck": { "recheck.passed": "stage-paying", "recheck.failed": "stopped" },
  "stage-paying": {
    "payment.rerouted": "stage-paying",
    "stage.paid": (e) => (e.type === "stage.paid" && e.lastStage ? "closed" : "stage-waiting"),
  },
  // DOMAIN §4.6: close when the plan stops early (what is left is released from the commitment).
  stopped: { "case.closed": "closed" },
  // closed and withdrawn accept nothing.
};

export const TERMINAL_STATES: readonly CaseState[] = CASE_STATES.filter(
  (s) => Object.keys(TRANSITIONS[s] ?? {}).length === 0,
);

/** States in which a case counts as open for duplicate checks (DOMAIN §3.1). */
export function isOpen(state: CaseState): boolean {
  return (
    !TERMINAL_STATES.includes(state) &&
    state !== "advance-rejected" &&
    state !== "rejected" &&
    state !== "stopped"
  );
}

/** Which flow a state belongs to; `filed`, `closed`, `withdrawn` keep the case's current flow. */
const FLOW_B_STATES: readonly CaseState[] = [
  "assessing",
  "in-notice",
  "awaiting-approval",
  "awaiting-funds",
  "committed",
  "rejected",
  "stage-waiting",
  "stage-recheck",
  "stage-paying",
  "stopped",
];

export interface CaseLifecycle {
  state: CaseState;
  flow?: Flow;
}

export function allowedEvents(state: CaseState): CaseEventType[] {
  return Object.keys(TRANSITIONS[state] ?? {}) as CaseEventType[];
}

export function canTransition(state: CaseState, event: CaseEvent): boolean {
  return TRANSITIONS[state]?.[event.type] !== undefined;
}

/** The next state of the case, or an IllegalTransitionError naming the state and the event. */
export function nextState(state: CaseState, event: CaseEvent): CaseState {
  const target = TRANSITIONS[state]?.[event.type];
  if (target === undefined) {
    throw new IllegalTransitionError(
      `a case in state ${state} does not accept ${event.type}`,
      `案件当前状态（${state}）不允许执行 ${event.type}`,
      { details: { state, event: event.type, allowed: allowedEvents(state) } },
    );
  }
  return typeof target === "function" ? target(event) : target;
}

/** Applies an event to a case, returning a new object (the input is not changed). */
export function transition<C extends CaseLifecycle>(current: C, event: CaseEvent): C {
  const state = nextState(current.state, event);
  const flow: Flow | undefined = FLOW_B_STATES.includes(state)
    ? "B"
    : state === "closed" || state === "withdrawn" || state === "filed"
      ? current.flow
      : "A";
  return { ...current, state, ...(flow === undefined ? {} : { flow }) };
}
