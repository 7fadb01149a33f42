/**
 * One seeded run of the ledger+payments model: scenario → random phase (filings, decisions in any
 * order, duplicate and late decisions, concurrent payment steps on one fund, bank settlement with
 * failures and duplicate or lost callbacks, clock jumps past deadlines, county finance topping up a
 * dry fund, DynamoDB faults) → drain (faults stop, money in flight settles) → invariants.
 */
import { type LedgerOutcome, LedgerWriter } from "#adapters/ledger/index.ts";
import {
  type Action,
  applyBankOutcome,
  type BrokenFault,
  bump,
  commitAction,
  decideAction,
  fileAction,
  financeAction,
  payAction,
  pollAction,
  type RunState,
  recheckAction,
  rerouteAction,
  resumeFromToken,
  reverseAction,
} from "./actions.ts";
import { FAULT_PROFILES } from "./faults.ts";
import { checkInvariants, type Violation } from "./invariants.ts";
import { generateScenario, TIMINGS, waitFor } from "./model.ts";
import { hashedUnit, Prng } from "./prng.ts";
import { createSimWorld, type SimTables } from "./world.ts";

/** Monday 2026-03-02 09:00 Asia/Shanghai. */
const START_MS = Date.parse("2026-03-02T01:00:00.000Z");
const DRAIN_ROUNDS_MAX = 40;

export interface RunOptions {
  seed: number;
  tables: SimTables;
  broken?: BrokenFault;
}

export interface RunResult {
  seed: number;
  backend: "memory" | "dynamodb-local";
  profile: string;
  funds: number;
  cases: number;
  steps: number;
  concurrentGroups: number;
  faultsInjected: number;
  /** DynamoDB requests the run made (every SDK attempt). */
  requests: number;
  stats: Record<string, number>;
  openCases: number;
  violations: Violation[];
  /** The actions in the order they were taken (for a failure report). */
  trace: string[];
  ms: number;
}

export async function runSeed(options: RunOptions): Promise<RunResult> {
  const started = Date.now();
  const rng = new Prng(options.seed);
  const scenario = generateScenario(options.seed, rng);
  const profile = FAULT_PROFILES[rng.int(0, FAULT_PROFILES.length - 1)] ?? FAULT_PROFILES[0];
  if (!profile) throw new Error("no fault profile");
  const world = createSimWorld({
    tables: options.tables,
    seed: options.seed,
    profile,
    knobs: scenario.knobs,
    startMs: START_MS,
  });
  const state: RunState = {
    world,
    cases: scenario.cases,
    funds: scenario.funds,
    mainTable: options.tables.names.main,
    ...(options.broken ? { broken: options.broken } : {}),
    applied: new Set(),
    drawCalls: 0,
    stats: {},
    submitted: new Map(),
    lateRetryFailures: [],
  };
  const trace: string[] = [];
  let concurrentGroups = 0;
  try {
    // The funds open with their quota allocated (as county finance does at the start of the year).
    for (const fund of state.funds) {
      await retrying(() => world.writer.store.openFund(fund.fundId, { alertPercent: "20" }));
      await runGroup(state, trace, [
        {
          label: `allocate ${fund.fundId}`,
          prepare: async () => {},
          entries: () => [
            {
              entryId: `allocation:${fund.fundId}:1`,
              fundId: fund.fundId,
              kind: "allocation",
              amountYuan: fund.quota.toString(),
              bookedAt: new Date(START_MS).toISOString(),
              reference: { actor: "finance-1" },
            },
          ],
          finish: async (outcomes) => {
            if (outcomes[0]?.status !== "rejected") state.applied.add(`allocation:${fund.fundId}:1`);
          },
        },
      ]);
    }

    for (let step = 0; step < scenario.randomSteps; step++) {
      const group = chooseGroup(state, rng);
      if (group.length > 1) concurrentGroups += 1;
      await runGroup(state, trace, group);
      await afterStep(state, rng);
      await lateRetry(state, options, step);
    }

    // Drain: the storm passes; money in flight settles; humans still owe their decisions.
    world.faults.disable();
    for (let round = 0; round < DRAIN_ROUNDS_MAX; round++) {
      await world.bank.flush();
      applyResumes(state);
      const group = drainGroup(state, rng);
      if (group.length === 0) break;
      await runGroup(state, trace, group);
    }
    await world.writer.idle();
    const violations = await checkInvariants(state, options.tables);
    return {
      seed: options.seed,
      backend: options.tables.memory ? "memory" : "dynamodb-local",
      profile: profile.name,
      funds: state.funds.length,
      cases: state.cases.length,
      steps: trace.length,
      concurrentGroups,
      faultsInjected: world.faults.injector.count(),
      requests: world.faults.injector.attempts,
      stats: state.stats,
      openCases: state.cases.filter((c) => c.status !== "closed").length,
      violations,
      trace,
      ms: Date.now() - started,
    };
  } finally {
    world.close();
  }
}

/** Runs a group: prepares concurrently, submits every ledger entry in one tick, finishes in order. */
async function runGroup(state: RunState, trace: string[], group: Action[]): Promise<void> {
  trace.push(group.map((a) => a.label).join(" ‖ "));
  const prepared = await Promise.allSettled(group.map((a) => a.prepare()));
  const live = group.filter((_, i) => prepared[i]?.status === "fulfilled");
  bump(state, "task failures retried later", group.length - live.length);
  const submitted = live.map((a) =>
    Promise.all(
      a.entries().map((e) => {
        if (!state.submitted.has(e.entryId)) state.submitted.set(e.entryId, e);
        return state.world.writer.submit(e);
      }),
    ),
  );
  const outcomes = await Promise.allSettled(submitted);
  for (const [i, action] of live.entries()) {
    const result = outcomes[i];
    if (result?.status !== "fulfilled") {
      bump(state, "task failures retried later");
      continue;
    }
    try {
      await action.finish(result.value as LedgerOutcome[]);
    } catch {
      bump(state, "task failures retried later");
    }
  }
}

async function retrying<T>(work: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (attempt >= 20) throw error;
    }
  }
}

function applyResumes(state: RunState): void {
  const resumes = state.world.takeResumes().sort((a, b) => a.taskToken.localeCompare(b.taskToken));
  for (const resume of resumes) resumeFromToken(state, resume.taskToken, resume.output.outcome);
}

/** What may happen to each case now (several entries = several humans or retries racing). */
function caseActions(state: RunState, rng: Prng): Action[] {
  const now = state.world.clock.nowMs();
  const actions: Action[] = [];
  for (const c of state.cases) {
    switch (c.status) {
      case "unfiled":
        actions.push(fileAction(state, c));
        break;
      case "awaiting-decision": {
        const decision = rng.chance(0.8) ? "approve" : "reject";
        actions.push(decideAction(state, c, decision));
        break;
      }
      case "closed":
        // A decision that arrives after the case was decided (late, or contradicting it).
        if (c.outcome === "rejected" || c.outcome === "paid")
          actions.push(decideAction(state, c, rng.chance(0.5) ? "approve" : "reject", true));
        break;
      case "to-pay":
      case "awaiting-funds":
        actions.push(payAction(state, c));
        break;
      case "paying":
        if (now >= (c.dueAtMs ?? 0)) actions.push(pollAction(state, c));
        break;
      case "transfer-failed":
        actions.push(reverseAction(state, c));
        break;
      case "awaiting-reroute":
        actions.push(rerouteAction(state, c));
        break;
      case "awaiting-commit-funds":
        actions.push(commitAction(state, c));
        break;
      case "awaiting-stage":
        if (now >= (c.dueAtMs ?? 0)) actions.push(recheckAction(state, c, rng.chance(0.85)));
        break;
    }
  }
  return actions;
}

type GlobalMove = "bank" | "clock" | "finance";

function chooseGroup(state: RunState, rng: Prng): Action[] {
  const candidates = caseActions(state, rng);
  const move: GlobalMove | undefined =
    rng.chance(0.3) || candidates.length === 0 ? rng.pick(["bank", "clock", "finance"] as const) : undefined;
  if (move) return [globalAction(state, rng, move)];
  const size = rng.chance(0.5) ? 1 : rng.int(2, Math.min(5, candidates.length + 1));
  const group = rng.sample(candidates, size);
  // At-least-once delivery: sometimes the same step runs twice at the same time (a retried task,
  // a double-clicked decision).
  const first = group[0];
  if (first?.caseId && rng.chance(0.25)) {
    const again = caseActions(state, new Prng(rng.int(1, 2 ** 31))).find(
      (a) => a.caseId === first.caseId && a.label.split(" ")[0] === first.label.split(" ")[0],
    );
    if (again) {
      bump(state, "steps run twice at once");
      group.push(again);
    }
  }
  if (rng.chance(0.2)) {
    const fund = rng.pick(state.funds);
    group.push(financeAction(state, fund));
  }
  return group;
}

function globalAction(state: RunState, rng: Prng, move: GlobalMove): Action {
  const world = state.world;
  switch (move) {
    case "bank": {
      const ms = rng.pick([0, 30_000, 120_000, 900_000]);
      return {
        label: `bank advances ${ms / 1000}s`,
        prepare: async () => {
          await world.bank.advance(ms);
        },
        entries: () => [],
        finish: async () => {},
      };
    }
    case "clock": {
      const ms = rng.pick([
        10 * 60_000,
        2 * 3_600_000,
        26 * 3_600_000,
        8 * 24 * 3_600_000,
        31 * 24 * 3_600_000,
      ]);
      return {
        label: `clock jumps ${ms / 60_000} min`,
        prepare: async () => {
          world.clock.advance(ms);
          await world.bank.advance(ms);
        },
        entries: () => [],
        finish: async () => escalateOverdue(state),
      };
    }
    case "finance":
      return financeAction(state, rng.pick(state.funds));
  }
}

/** Past the response time a decision escalates to the county and keeps waiting (DOMAIN §3.2). */
function escalateOverdue(state: RunState): void {
  const now = state.world.clock.nowMs();
  for (const c of state.cases) {
    if (c.status !== "awaiting-decision" || (c.dueAtMs ?? 0) > now) continue;
    if (!c.escalated) {
      c.escalated = true;
      bump(state, "decisions escalated to the county");
      waitFor(c, "awaiting-decision", "county-civil-affairs", now + TIMINGS.escalationReminderMs);
    } else {
      bump(state, "escalation reminders");
      waitFor(c, "awaiting-decision", "county-civil-affairs", now + TIMINGS.escalationReminderMs);
    }
  }
}

/** Share of steps after which an applied entry is submitted again, days later, by another process. */
const LATE_RETRY_RATE = 0.08;

/**
 * Retry after days: a caller whose answer was lost (a timeout after the commit, a crash) submits an
 * entry the ledger applied earlier again, 1–30 days later, through a NEW writer (another process: no
 * id cache, no memory of the first submission), under the run's faults. The ledger must answer it
 * `duplicate` — the original entry — and write nothing; it is never applied twice nor refused.
 * Decided by hashing (seed, step), so the run's own random stream is not shifted.
 */
async function lateRetry(state: RunState, options: RunOptions, step: number): Promise<void> {
  if (hashedUnit(options.seed, "late-retry", step) >= LATE_RETRY_RATE || state.applied.size === 0) return;
  const ids = [...state.applied].sort();
  const entryId = ids[Math.floor(hashedUnit(options.seed, "late-retry-pick", step) * ids.length)] as string;
  const original = state.submitted.get(entryId);
  if (!original) return;
  const days = 1 + Math.floor(hashedUnit(options.seed, "late-retry-days", step) * 30);
  const bookedAt = new Date(Date.parse(String(original.bookedAt)) + days * 86_400_000).toISOString();
  const writer = new LedgerWriter({
    client: state.world.client,
    tables: { ledger: options.tables.names.ledger, main: options.tables.names.main },
    backoffBaseMs: 1,
    backoffCapMs: 8,
    attemptsMax: 8,
    random: () => 0.5,
  });
  try {
    const outcome = await writer.submit({ ...original, bookedAt });
    if (outcome.status === "duplicate")
      bump(state, "late retries (days later, another process) answered duplicate");
    else state.lateRetryFailures.push(`${entryId} retried ${days} days later was answered ${outcome.status}`);
  } catch {
    // The storm kept the ledger unreachable: the caller learns nothing and would retry again.
    bump(state, "late retries unanswered (ledger unavailable)");
  }
}

async function afterStep(state: RunState, rng: Prng): Promise<void> {
  // Callbacks the bank could not deliver (a 5xx from a throttled handler) go again.
  if (rng.chance(0.3)) await state.world.bank.advance(0);
  applyResumes(state);
}

/** The drain's next group: everything that is not waiting for a human decision moves on. */
function drainGroup(state: RunState, rng: Prng): Action[] {
  const world = state.world;
  const now = world.clock.nowMs();
  const group: Action[] = [];
  let jumpTo = 0;
  for (const c of state.cases) {
    switch (c.status) {
      case "to-pay":
        group.push(payAction(state, c));
        break;
      case "transfer-failed":
        group.push(reverseAction(state, c));
        break;
      case "awaiting-reroute":
        group.push(rerouteAction(state, c));
        break;
      case "paying":
        if (now >= (c.dueAtMs ?? 0)) group.push(pollAction(state, c));
        else jumpTo = Math.max(jumpTo, c.dueAtMs ?? 0);
        break;
      case "awaiting-stage":
        if (now >= (c.dueAtMs ?? 0)) group.push(recheckAction(state, c, rng.chance(0.85)));
        else jumpTo = Math.max(jumpTo, c.dueAtMs ?? 0);
        break;
      default:
        break;
    }
  }
  const dryFunds = state.funds.filter((f) =>
    state.cases.some(
      (c) => c.fundId === f.fundId && (c.status === "awaiting-funds" || c.status === "awaiting-commit-funds"),
    ),
  );
  if (dryFunds.length > 0 && group.length === 0) {
    // County finance tops the dry funds up; the waiting steps retry on their next recheck.
    return [
      ...dryFunds.map((f) => financeAction(state, f)),
      ...state.cases
        .filter((c) => c.status === "awaiting-funds" || c.status === "awaiting-commit-funds")
        .map((c) => (c.status === "awaiting-funds" ? payAction(state, c) : commitAction(state, c))),
    ];
  }
  if (group.length === 0 && jumpTo > now) {
    return [
      {
        label: `clock jumps to ${new Date(jumpTo).toISOString()}`,
        prepare: async () => {
          const ms = jumpTo - world.clock.nowMs();
          world.clock.advance(ms);
          await world.bank.advance(ms);
        },
        entries: () => [],
        finish: async () => escalateOverdue(state),
      },
    ];
  }
  return group;
}

export { applyBankOutcome };
