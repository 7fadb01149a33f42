/**
 * The steps of a case ahead of the applicant, in the order the flow takes them (DOMAIN §3 Flow A,
 * §4 Flow B), and where the case stands. A case that ended without the flow's last step (refused,
 * withdrawn) has no journey: its status says it all.
 */
export interface Journey {
  steps: string[];
  current: number;
}

const FLOW_A = ["filed", "advance-decision", "payment", "paperwork", "follow-up", "closed"];
const FLOW_B = ["filed", "assessment", "notice", "approval", "stages", "closed"];

const FLOW_A_AT: Record<string, number> = {
  "awaiting-advance-decision": 1,
  paying: 2,
  "awaiting-payment-route": 2,
  "awaiting-fund-replenishment": 2,
  "awaiting-paperwork": 3,
  "awaiting-follow-up": 4,
  "awaiting-additional-aid-approval": 4,
  "awaiting-recovery": 4,
  "handed-over-to-flow-b": 4,
  closed: 5,
};

const FLOW_B_AT: Record<string, number> = {
  assessing: 1,
  "in-notice": 2,
  "awaiting-plan-approval": 3,
  "awaiting-plan-funds": 3,
  "stage-waiting": 4,
  "stage-recheck": 4,
  "stage-paying": 4,
  "plan-stopped": 5,
  closed: 5,
};

export function journeyOf(flow: string, status: string): Journey | undefined {
  const steps = flow === "B" ? FLOW_B : FLOW_A;
  const current = (flow === "B" ? FLOW_B_AT : FLOW_A_AT)[status];
  return current === undefined ? undefined : { steps, current };
}
