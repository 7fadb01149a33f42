/**
 * The cases of one simulation run and what may happen to them next. At this level the driver IS the
 * workflow (Flow A's advance payment, Flow B's commit → stages → release), built on the real ledger
 * writer and payment store; every state names who the case waits for and until when, so "every case
 * is closed or waiting with a named owner and a deadline" can be checked after each run.
 */
import { Yuan } from "#core/money/index.ts";
import type { Prng } from "./prng.ts";

/**
 * The driver's operating intervals. These are the simulation's own timings, not county policy
 * (DOMAIN §7 values live in core/policy): they only need to put deadlines before and after clock jumps.
 */
export const TIMINGS = {
  decisionResponseMs: 24 * 3_600_000,
  escalationReminderMs: 7 * 24 * 3_600_000,
  bankConfirmationTimeoutMs: 10 * 60_000,
  fundRecheckMs: 3_600_000,
  rerouteDeadlineMs: 5 * 24 * 3_600_000,
  stageIntervalMs: 30 * 24 * 3_600_000,
} as const;

export type Owner =
  | "township-approver"
  | "county-civil-affairs"
  | "county-finance"
  | "township-officer"
  | "bank"
  | "payment-step";

export type CaseStatus =
  | "unfiled"
  | "awaiting-decision"
  | "to-pay"
  | "awaiting-funds"
  | "paying"
  | "transfer-failed"
  | "awaiting-reroute"
  | "awaiting-commit-funds"
  | "awaiting-stage"
  | "closed";

export type Outcome = "paid" | "rejected" | "stopped" | "completed";

export interface SimCase {
  caseId: string;
  flow: "A" | "B";
  fundId: string;
  applicant: string;
  /** Flow A: the advance; Flow B: the plan's total. */
  amount: Yuan;
  /** Flow B: the stage amounts (sum = amount). */
  stages: Yuan[];
  status: CaseStatus;
  owner?: Owner;
  dueAtMs?: number;
  escalated: boolean;
  decisionId: string;
  decided?: "approve" | "reject";
  outcome?: Outcome;
  /** Current payment obligation's purpose (`advance`, `stage-<n>`) and attempt. */
  purpose: string;
  attempt: number;
  /** Flow B: index of the stage being paid or re-checked next. */
  stage: number;
  /** Flow B: what is still committed for this plan. */
  committedLeft: Yuan;
  /** The obligation ids this case opened, paid or not. */
  obligations: string[];
}

export interface SimFund {
  fundId: string;
  quota: Yuan;
  /** Counters that make finance's entry ids unique and replayable. */
  replenishments: number;
  allocations: number;
}

export interface Scenario {
  funds: SimFund[];
  cases: SimCase[];
  knobs: {
    failureRate: number;
    duplicateCallbackRate: number;
    lostCallbackRate: number;
    minDelayMs: number;
    maxDelayMs: number;
  };
  randomSteps: number;
}

const NAMES = ["张伟", "王芳", "李娜", "刘洋", "陈静", "杨磊", "赵敏", "黄强", "周杰", "吴霞"];

/** A seeded scenario: a few township funds, cases across them, bank knobs. Often more demand than money. */
export function generateScenario(seed: number, rng: Prng): Scenario {
  const fundCount = rng.chance(0.6) ? 1 : rng.int(2, 3);
  const funds: SimFund[] = Array.from({ length: fundCount }, (_, i) => ({
    fundId: `S${seed}-T${i + 1}`,
    quota: Yuan.fromFen(rng.int(15, 60) * 10_000),
    replenishments: 0,
    allocations: 0,
  }));
  const caseCount = rng.int(1, 5);
  const cases: SimCase[] = Array.from({ length: caseCount }, (_, i) => {
    const flow = rng.chance(0.7) ? "A" : "B";
    const fund = rng.pick(funds);
    const stages =
      flow === "B"
        ? Array.from({ length: rng.int(2, 4) }, () => Yuan.fromFen(rng.int(100, 900) * 100 + rng.int(0, 99)))
        : [];
    const amount = flow === "A" ? Yuan.fromFen(rng.int(100, 1000) * 100 + rng.int(0, 99)) : Yuan.sum(stages);
    const caseId = `S${seed}-C${i + 1}`;
    return {
      caseId,
      flow,
      fundId: fund.fundId,
      applicant: rng.pick(NAMES),
      amount,
      stages,
      status: "unfiled",
      escalated: false,
      decisionId: `D-${caseId}`,
      purpose: flow === "A" ? "advance" : "stage-1",
      attempt: 1,
      stage: 0,
      committedLeft: Yuan.zero,
      obligations: [],
    };
  });
  const minDelayMs = rng.pick([1_000, 30_000, 120_000]);
  return {
    funds,
    cases,
    knobs: {
      failureRate: rng.pick([0, 0.1, 0.3]),
      duplicateCallbackRate: rng.pick([0, 0.2, 0.5]),
      lostCallbackRate: rng.pick([0, 0.1, 0.3]),
      minDelayMs,
      maxDelayMs: minDelayMs + rng.pick([0, 60_000, 600_000]),
    },
    randomSteps: rng.int(4, 14),
  };
}

/** Moves a case to a waiting state, naming who it waits for and until when. */
export function waitFor(c: SimCase, status: CaseStatus, owner: Owner, dueAtMs: number): void {
  c.status = status;
  c.owner = owner;
  c.dueAtMs = dueAtMs;
}

export function close(c: SimCase, outcome: Outcome): void {
  c.status = "closed";
  c.outcome = outcome;
  delete c.owner;
  delete c.dueAtMs;
}

export function obligationOf(c: SimCase): string {
  return `${c.caseId}.${c.purpose}`;
}

/** The amount of the obligation being paid now. */
export function currentAmount(c: SimCase): Yuan {
  return c.flow === "A" ? c.amount : (c.stages[c.stage] as Yuan);
}

/** Account of attempt n: a re-route goes to another own account of the applicant. */
export function accountFor(c: SimCase, attempt: number): string {
  const digits = c.caseId.replace(/\D/g, "").slice(-8).padStart(8, "0");
  return `6217${digits}${String(attempt).padStart(4, "0")}`;
}
