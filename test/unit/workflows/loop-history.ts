/**
 * Worst-case history of one execution, computed from the ASL alone (Step Functions ends an execution
 * at 25,000 history events). Every cycle of the state graph must pass through a round counter — a
 * Pass state that adds one to `$.loop.rounds` and goes to `NextRound` — and `NextRound` must hand
 * over to a fresh execution (`states:startExecution`) once the rounds reach the limit. With counters
 * as cuts the rest of the graph is acyclic, so every stretch between two counters is a path of it:
 *
 *   events ≤ 1 (ExecutionStarted) + prefix + (limit + 1) × round + hand-over
 *
 * with each state visit priced at its worst: every retrier used to its MaxAttempts.
 */
export const HISTORY_EVENTS_MAX = 25_000;

interface Retrier {
  ErrorEquals: string[];
  MaxAttempts?: number;
}

export interface State {
  Type: string;
  Resource?: string;
  Next?: string;
  Default?: string;
  End?: boolean;
  Choices?: Array<{ Next: string; Variable?: string; NumericGreaterThanEqualsPath?: string }>;
  Catch?: Array<{ ErrorEquals: string[]; Next: string }>;
  Retry?: Retrier[];
  Parameters?: Record<string, unknown>;
}

export interface Definition {
  StartAt: string;
  States: Record<string, State>;
}

export interface LoopReport {
  /** Round counters by name → the state their round resumes at. */
  counters: Record<string, string>;
  /** Worst-case events of one round, by counter. */
  roundEvents: Record<string, number>;
  prefixEvents: number;
  handOverEvents: number;
  /** Worst-case events of one execution with `limit` rounds before the hand-over. */
  worstEvents(limit: number): number;
}

export class LoopWithoutCounterError extends Error {
  constructor(readonly cycle: string[]) {
    super(`a loop without a round counter: ${cycle.join(" → ")}`);
    this.name = "LoopWithoutCounterError";
  }
}

const ROUND_INCREMENT = "States.MathAdd($.loop.rounds, 1)";
const START_EXECUTION = /:states:::states:startExecution$/;
const NEXT_ROUND = "NextRound";

/** Events one visit of a state can write at worst (entered/exited, every attempt of a task). */
export function visitEvents(state: State): number {
  if (state.Type === "Succeed" || state.Type === "Fail") return 2; // entered + the execution's end
  if (state.Type !== "Task") return 2;
  const retries = (state.Retry ?? []).reduce((sum, r) => sum + (r.MaxAttempts ?? 3), 0);
  // entered, exited; the last attempt scheduled/started/submitted/ended; each failed one 3 more.
  return 2 + 4 + 3 * retries;
}

function successors(state: State): string[] {
  return [
    ...(state.Next ? [state.Next] : []),
    ...(state.Default ? [state.Default] : []),
    ...(state.Choices ?? []).map((c) => c.Next),
    ...(state.Catch ?? []).map((c) => c.Next),
  ];
}

function counterTarget(state: State): string | undefined {
  if (state.Type !== "Pass" || state.Next !== NEXT_ROUND) return undefined;
  const parameters = state.Parameters ?? {};
  if (parameters["rounds.$"] !== ROUND_INCREMENT) return undefined;
  return typeof parameters.resumeAt === "string" ? parameters.resumeAt : undefined;
}

function assertHandOver(definition: Definition): string[] {
  const nextRound = definition.States[NEXT_ROUND];
  const first = nextRound?.Choices?.[0];
  if (first?.Variable !== "$.loop.rounds" || !first.NumericGreaterThanEqualsPath) {
    throw new Error(`${NEXT_ROUND} must first compare $.loop.rounds with the round limit`);
  }
  const chain: string[] = [];
  let name: string | undefined = first.Next;
  while (name) {
    chain.push(name);
    const state: State | undefined = definition.States[name];
    if (!state) throw new Error(`the hand-over names a missing state ${name}`);
    if (state.Type === "Task" && !START_EXECUTION.test(state.Resource ?? "")) {
      throw new Error(`the hand-over runs ${name}, which does not start an execution`);
    }
    if (state.Type === "Succeed") break;
    name = state.Next;
  }
  if (!chain.some((n) => START_EXECUTION.test(definition.States[n]?.Resource ?? ""))) {
    throw new Error("the hand-over never starts a fresh execution");
  }
  return chain;
}

export function analyseLoops(definition: Definition): LoopReport {
  const counters: Record<string, string> = {};
  for (const [name, state] of Object.entries(definition.States)) {
    const target = counterTarget(state);
    if (target !== undefined) counters[name] = target;
  }
  const handOverChain = Object.keys(counters).length > 0 ? assertHandOver(definition) : [];
  const cost = (name: string) => visitEvents(definition.States[name] as State);
  // Longest stretch from a state until the next counter (exclusive) — counters and NextRound are cuts.
  const memo = new Map<string, number>();
  const onPath: string[] = [];
  const longest = (name: string): number => {
    const known = memo.get(name);
    if (known !== undefined) return known;
    const loopAt = onPath.indexOf(name);
    if (loopAt >= 0) throw new LoopWithoutCounterError([...onPath.slice(loopAt), name]);
    onPath.push(name);
    const state = definition.States[name] as State;
    let best = 0;
    for (const next of successors(state)) {
      if (next in counters || next === NEXT_ROUND) continue;
      best = Math.max(best, longest(next));
    }
    onPath.pop();
    const total = cost(name) + best;
    memo.set(name, total);
    return total;
  };
  const roundEvents: Record<string, number> = {};
  for (const [counter, target] of Object.entries(counters)) {
    roundEvents[counter] = cost(counter) + cost(NEXT_ROUND) + longest(target);
  }
  // Every state is checked for cycles, reachable from the start or not.
  for (const name of Object.keys(definition.States)) if (name !== NEXT_ROUND) longest(name);
  const prefixEvents = longest(definition.StartAt);
  const handOverEvents = cost(NEXT_ROUND) + handOverChain.reduce((sum, name) => sum + cost(name), 0);
  const round = Math.max(0, ...Object.values(roundEvents));
  return {
    counters,
    roundEvents,
    prefixEvents,
    handOverEvents,
    worstEvents: (limit) => 1 + prefixEvents + (limit + 1) * round + handOverEvents,
  };
}
