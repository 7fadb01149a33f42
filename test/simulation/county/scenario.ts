/**
 * What one seed decides before a run starts: the fault profile, how big the township's fund is (ample,
 * or tight enough to run dry), and for each case its flow, cause, the fate of its bank account and
 * what every person on it will do when asked. The driver consumes these intents as the flows ask.
 */

import type { Prng } from "../model/prng.ts";
import type { WireFaultKind } from "./dynamo-fault-injector.ts";

export interface WireFaultProfile {
  name: "calm" | "mild" | "stormy";
  rates: Partial<Record<WireFaultKind, number>>;
}

/** Rates per request (every handler request of the run is asked; Step Functions' own items never). */
export const WIRE_FAULT_PROFILES: readonly WireFaultProfile[] = [
  { name: "calm", rates: {} },
  {
    name: "mild",
    rates: {
      throttle: 0.01,
      "transaction-conflict": 0.01,
      timeout: 0.005,
      "ambiguous-timeout": 0.01,
      "ambiguous-throttle": 0.005,
    },
  },
  {
    name: "stormy",
    rates: {
      throttle: 0.03,
      "transaction-conflict": 0.03,
      timeout: 0.015,
      "ambiguous-timeout": 0.03,
      "ambiguous-throttle": 0.015,
    },
  },
];

export type AccountFate = "pays" | "closed" | "callback-lost" | "callback-twice";
export type AdvanceIntent = "approve" | "reject" | "late";
export type FollowUpIntent = "close" | "additional-approve" | "additional-reject" | "referral" | "staged";

export interface CaseScenario {
  key: string;
  flow: "A" | "B";
  cause: string;
  /** The applicant's registration: local county or elsewhere (statistics only, never a rule). */
  local: boolean;
  accountFate: AccountFate;
  advance: AdvanceIntent;
  advanceAmountYuan: string;
  /** Send the decision again: with the same idempotency key, or a contradicting one under another key. */
  repeatDecision: "no" | "same-key" | "contradicting";
  route: "reroute" | "cash";
  paperworkLate: boolean;
  followUp: FollowUpIntent;
  additionalAidYuan: string;
  /** Flow B: months of the plan, and the stage (1-based) at which a re-check stops it (0: never). */
  planMonths: number;
  stopAtStage: number;
  planApproved: boolean;
}

export interface RunScenario {
  profile: WireFaultProfile;
  /** Registered population of the township: the fund's quota (DOMAIN §2.3: 1 yuan × population). */
  population: number;
  area: "urban" | "rural";
  cases: CaseScenario[];
  /** Finance tops the fund up by this much when a flow waits for money. */
  topUpYuan: string;
}

const ADVANCE_AMOUNTS = ["300.00", "500.00", "800.00", "1000.00"];
const URGENT = ["fire", "flood", "traffic-accident", "sudden-illness", "crime"];

export function generateRunScenario(rng: Prng): RunScenario {
  const profile = rng.pick(WIRE_FAULT_PROFILES);
  // A tight fund (1,000–1,800 yuan) runs dry after one or two advances; an ample one never does.
  const tight = rng.chance(0.35);
  const population = tight ? rng.int(10, 18) * 100 : rng.int(20, 60) * 1000;
  const count = rng.int(1, 3);
  const cases: CaseScenario[] = [];
  for (let i = 0; i < count; i++) {
    const flow = rng.chance(0.15) ? "B" : "A";
    const fateDraw = rng.float();
    const advanceDraw = rng.float();
    const repeatDraw = rng.float();
    const followDraw = rng.float();
    cases.push({
      key: `c${i + 1}`,
      flow,
      cause: flow === "B" ? "medical" : rng.pick(URGENT),
      local: rng.chance(0.6),
      accountFate:
        fateDraw < 0.55
          ? "pays"
          : fateDraw < 0.72
            ? "closed"
            : fateDraw < 0.86
              ? "callback-lost"
              : "callback-twice",
      advance: advanceDraw < 0.72 ? "approve" : advanceDraw < 0.86 ? "reject" : "late",
      advanceAmountYuan: rng.pick(ADVANCE_AMOUNTS),
      repeatDecision: repeatDraw < 0.7 ? "no" : repeatDraw < 0.85 ? "same-key" : "contradicting",
      route: rng.chance(0.7) ? "reroute" : "cash",
      paperworkLate: rng.chance(0.2),
      followUp:
        followDraw < 0.5
          ? "close"
          : followDraw < 0.65
            ? "additional-approve"
            : followDraw < 0.72
              ? "additional-reject"
              : followDraw < 0.85
                ? "referral"
                : "staged",
      additionalAidYuan: rng.pick(["200.00", "600.00", "1200.00"]),
      planMonths: rng.int(4, 5),
      stopAtStage: rng.chance(0.3) ? rng.int(1, 3) : 0,
      planApproved: rng.chance(0.85),
    });
  }
  return {
    profile,
    population,
    area: rng.chance(0.5) ? "urban" : "rural",
    cases,
    topUpYuan: rng.pick(["800.00", "2000.00", "5000.00"]),
  };
}
