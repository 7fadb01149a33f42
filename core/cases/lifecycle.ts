/**
 * The case lifecycle (DOMAIN §3 Flow A, §4 Flow B): the one list of case statuses — the status a
 * stored case carries, listed and filtered by — and the transition table between them. Services
 * never write a status: they name what happened (an event) and the case store asks `nextState`
 * from the status it read, so a status reached in production is one this table allows. Anything
 * not in the table is refused with a typed error: a rejected case cannot be paid, a closed or
 * withdrawn case accepts nothing.
 */
import { IllegalTransitionError } from "./errors.ts";

/** Flow B — 一次审批、分阶段救助: the open statuses, then its two ends. */
const FLOW_B_OPEN_STATES = [
  "assessing",
  "in-notice",
  "awaiting-plan-approval",
  "awaiting-plan-funds",
  "stage-waiting",
  "stage-recheck",
  "stage-paying",
] as const;
const FLOW_B_STATES = [...FLOW_B_OPEN_STATES, "plan-rejected", "plan-stopped"] as const;

/** Flow A — 先行救助 → 跟进救助: the open statuses after the advance was approved. */
const FLOW_A_APPROVED_OPEN_STATES = [
  "paying",
  "awaiting-payment-route",
  "awaiting-fund-replenishment",
  "awaiting-paperwork",
  "awaiting-follow-up",
  "awaiting-additional-aid-approval",
  "awaiting-recovery",
] as const;

export const CASE_STATES = [
  // Flow A — 先行救助 → 跟进救助
  "awaiting-advance-decision",
  "advance-rejected",
  ...FLOW_A_APPROVED_OPEN_STATES,
  "handed-over-to-flow-b",
  ...FLOW_B_STATES,
  // both: a step failed past its retries and an officer must look (redrive); the ends
  "incident",
  "closed",
  // The applicant (or an officer for them) withdrew before any aid was approved (DOMAIN §1).
  "withdrawn",
] as const;

export type CaseState = (typeof CASE_STATES)[number];
export type Flow = "A" | "B";

/** The human waits of each flow (the task types of its ASL), each with the status the case waits in. */
export const WAIT_STATES = {
  A: {
    "advance-decision": "awaiting-advance-decision",
    "payment-route": "awaiting-payment-route",
    "fund-replenishment": "awaiting-fund-replenishment",
    paperwork: "awaiting-paperwork",
    "follow-up": "awaiting-follow-up",
    "additional-aid-approval": "awaiting-additional-aid-approval",
    recovery: "awaiting-recovery",
  },
  B: {
    assessment: "assessing",
    "public-notice": "in-notice",
    "plan-approval": "awaiting-plan-approval",
    "plan-funds": "awaiting-plan-funds",
    "stage-recheck": "stage-recheck",
    // A failed stage transfer waits for its new route inside the stage's payment.
    "payment-route": "stage-paying",
  },
} as const satisfies Record<Flow, Record<string, CaseState>>;

export type WaitOf<F extends Flow> = keyof (typeof WAIT_STATES)[F];

export type CaseEvent =
  | { type: "wait.opened"; flow: "A"; wait: WaitOf<"A"> }
  | { type: "wait.opened"; flow: "B"; wait: WaitOf<"B"> }
  | { type: "advance.approved" }
  | { type: "advance.rejected" }
  /** Money is on its way: approved, routed again, paid in cash, or the fund was topped up. */
  | { type: "payment.started"; staged?: boolean }
  | { type: "paperwork.completed" }
  | { type: "followUp.stagedHandover" }
  | { type: "assessment.completed"; noticeRequired: boolean }
  | { type: "notice.objection" }
  | { type: "plan.rejected" }
  | { type: "stages.scheduled" }
  | { type: "recheck.passed" }
  | { type: "recheck.failed" }
  | { type: "step.failed" }
  | { type: "case.closed" }
  | { type: "case.withdrawn" };

export type CaseEventType = CaseEvent["type"];

/** A case in progress: counted for duplicate filings (DOMAIN §3.1) and listed as open. */
export const OPEN_STATES: readonly CaseState[] = [
  "awaiting-advance-decision",
  ...FLOW_A_APPROVED_OPEN_STATES,
  "incident",
  ...FLOW_B_OPEN_STATES,
];

/** The statuses a Flow A case is filed in and a Flow B case starts in. */
export function filedState(flow: Flow): CaseState {
  return flow === "A" ? "awaiting-advance-decision" : "assessing";
}

type Target = CaseState | ((event: CaseEvent) => CaseState);
type Row = Partial<Record<CaseEventType, Target>>;

const waitTarget: Target = (e) =>
  e.type !== "wait.opened" ? "incident" : e.flow === "A" ? WAIT_STATES.A[e.wait] : WAIT_STATES.B[e.wait];

/**
 * What happens in any open step: a wait of the flow opens (the ASL orders them), a step fails past
 * its retries (an officer looks), the flow closes the case.
 */
const ANY_OPEN_STEP: Row = {
  "wait.opened": waitTarget,
  "step.failed": "incident",
  "case.closed": "closed",
};

/** Money goes out (the payment step, a new route, cash, a topped-up fund); a Flow B stage stays in its stage. */
const PAYS: Row = {
  "payment.started": (e) => (e.type === "payment.started" && e.staged ? "stage-paying" : "paying"),
};

/** state → event → next state. A state missing from the table, or an event missing from a row, is illegal. */
export const TRANSITIONS: Readonly<Partial<Record<CaseState, Row>>> = {
  "awaiting-advance-decision": {
    ...ANY_OPEN_STEP,
    "advance.approved": "paying",
    "advance.rejected": "advance-rejected",
    "case.withdrawn": "withdrawn",
  },
  // A rejected advance is closed by the flow; nothing is paid.
  "advance-rejected": { "case.closed": "closed" },
  paying: { ...ANY_OPEN_STEP, ...PAYS, "followUp.stagedHandover": "handed-over-to-flow-b" },
  "awaiting-payment-route": { ...ANY_OPEN_STEP, ...PAYS },
  "awaiting-fund-replenishment": { ...ANY_OPEN_STEP, ...PAYS },
  // DOMAIN §3.4: past the deadline the case is flagged and escalated, never dropped.
  "awaiting-paperwork": { ...ANY_OPEN_STEP, "paperwork.completed": "awaiting-follow-up" },
  // DOMAIN §3.5: additional aid, referral and recovery are decided in follow-up; staged aid hands over to Flow B.
  "awaiting-follow-up": { ...ANY_OPEN_STEP, ...PAYS, "followUp.stagedHandover": "handed-over-to-flow-b" },
  "awaiting-additional-aid-approval": {
    ...ANY_OPEN_STEP,
    ...PAYS,
    "followUp.stagedHandover": "handed-over-to-flow-b",
  },
  "awaiting-recovery": { ...ANY_OPEN_STEP, "followUp.stagedHandover": "handed-over-to-flow-b" },
  // Flow B takes the case on: its first wait (the assessment) moves it.
  "handed-over-to-flow-b": { "wait.opened": waitTarget, "step.failed": "incident", "case.closed": "closed" },

  assessing: {
    ...ANY_OPEN_STEP,
    // DOMAIN §4.3: expenditure cases go to public notice; urgent cases are exempt.
    "assessment.completed": (e) =>
      e.type === "assessment.completed" && e.noticeRequired ? "in-notice" : "awaiting-plan-approval",
    "case.withdrawn": "withdrawn",
  },
  "in-notice": { ...ANY_OPEN_STEP, "notice.objection": "assessing", "case.withdrawn": "withdrawn" },
  "awaiting-plan-approval": {
    ...ANY_OPEN_STEP,
    // DOMAIN §4.4: approval commits the total; without money the case waits for replenishment, never fails.
    "stages.scheduled": "stage-waiting",
    "plan.rejected": "plan-rejected",
    "case.withdrawn": "withdrawn",
  },
  "awaiting-plan-funds": { ...ANY_OPEN_STEP, "stages.scheduled": "stage-waiting" },
  "stage-waiting": { ...ANY_OPEN_STEP, ...PAYS },
  // DOMAIN §4.5: each stage is re-checked before it is paid; a failed re-check stops the plan.
  "stage-recheck": { ...ANY_OPEN_STEP, "recheck.passed": "stage-paying", "recheck.failed": "plan-stopped" },
  "stage-paying": { ...ANY_OPEN_STEP, ...PAYS },
  "plan-rejected": { "case.closed": "closed" },
  // DOMAIN §4.6: close when the plan stops early (what is left is released from the commitment).
  "plan-stopped": { "case.closed": "closed" },
  // An officer redrives the failed step; the flow carries on from it.
  incident: {
    ...ANY_OPEN_STEP,
    ...PAYS,
    "followUp.stagedHandover": "handed-over-to-flow-b",
    "stages.scheduled": "stage-waiting",
  },
  // closed and withdrawn accept nothing.
};

export const TERMINAL_STATES: readonly CaseState[] = CASE_STATES.filter(
  (s) => Object.keys(TRANSITIONS[s] ?? {}).length === 0,
);

/** States in which a case counts as open for duplicate checks (DOMAIN §3.1). */
export function isOpen(state: CaseState): boolean {
  return OPEN_STATES.includes(state);
}

/** Which flow a state belongs to; undefined for those of both (`incident`, `closed`, `withdrawn`). */
export function flowOf(state: CaseState): Flow | undefined {
  if ((FLOW_B_STATES as readonly CaseState[]).includes(state)) return "B";
  return state === "incident" || state === "closed" || state === "withdrawn" ? undefined : "A";
}

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
      `案件当前状态不允许此操作`,
      { details: { state, event: event.type, allowed: allowedEvents(state) } },
    );
  }
  return typeof target === "function" ? target(event) : target;
}

/** Applies an event to a case, returning a new object (the input is not changed). */
export function transition<C extends CaseLifecycle>(current: C, event: CaseEvent): C {
  const state = nextState(current.state, event);
  const flow = flowOf(state) ?? current.flow;
  return { ...current, state, ...(flow === undefined ? {} : { flow }) };
}
