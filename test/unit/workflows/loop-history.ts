/**
 * Worst-case history of one execution, computed from the ASL alone (Step Functions ends an execution
 * at 25,000 history events). Every cycle of the state graph must pass through a round counter — a
 * Pass state that adds one to `$.loop.rounds` and goes to `NextRound` — and `NextRound` must hand
 * over to a fresh execution (`states:startExecution`) once the rounds reach the limit; or through a
 * stage guard (Flow B's stage loop, which pays a stage per cycle without a counter): a Choice that,
 * once `$.cursor.next.index` reaches `$.loop.handOverAtStage`, hands over to a fresh execution
 * instead of going round again. Each cycle moves the cursor's index on by one and the limit is
 * always the index where it was fixed plus `stagesBeforeHandOver` (or 0, or carried over unchanged),
 * so one execution goes round a stage guard at most `stagesBeforeHandOver` times. With counters and
 * guards as cuts the rest of the graph is acyclic, so every stretch between two cuts is a path of it:
 *
 *   events ≤ 1 (ExecutionStarted) + prefix + (limit + 1) × round + stages × stage round + hand-over
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
  Choices?: Array<ChoiceRule & { Next: string }>;
  Catch?: Array<{ ErrorEquals: string[]; Next: string }>;
  Retry?: Retrier[];
  Parameters?: Record<string, unknown>;
  Result?: unknown;
  ResultPath?: string | null;
}

interface ChoiceRule {
  Variable?: string;
  NumericGreaterThanEqualsPath?: string;
  And?: ChoiceRule[];
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
  /** Stage guards by name → the state their stage loop goes round to. */
  stageGuards: Record<string, string>;
  /** Worst-case events of one stage (from the state a guard goes round to up to the next cut), by guard. */
  stageEvents: Record<string, number>;
  prefixEvents: number;
  handOverEvents: number;
  /** Worst-case events of one execution with `limit` rounds and `stages` stages before the hand-over. */
  worstEvents(limit: number, stages?: number): number;
}

export class LoopWithoutCounterError extends Error {
  constructor(readonly cycle: string[]) {
    super(`a loop without a round counter: ${cycle.join(" → ")}`);
    this.name = "LoopWithoutCounterError";
  }
}

const ROUND_INCREMENT = "States.MathAdd($.loop.rounds, 1)";
const STAGE_INDEX = "$.cursor.next.index";
const STAGE_LIMIT = "$.loop.handOverAtStage";
/** The only way a stage limit is fixed: where the cursor stands now, plus the stages one execution may pay. */
const STAGE_LIMIT_FIXED = "States.MathAdd($.cursor.next.index, $.settings.stagesBeforeHandOver)";
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

/** The hand-over a stage guard's rule leads to: a Pass fixing the next execution's limit, then the start. */
function stageHandOverTarget(definition: Definition, name: string): string | undefined {
  const state = definition.States[name];
  if (state?.Type !== "Pass" || state.ResultPath !== "$.loop") return undefined;
  const parameters = state.Parameters ?? {};
  if (parameters["handOverAtStage.$"] !== STAGE_LIMIT_FIXED || parameters.rounds !== 0) return undefined;
  return typeof parameters.resumeAt === "string" ? parameters.resumeAt : undefined;
}

function comparesStageLimit(rule: ChoiceRule): boolean {
  if (rule.Variable === STAGE_INDEX && rule.NumericGreaterThanEqualsPath === STAGE_LIMIT) return true;
  return (rule.And ?? []).some(comparesStageLimit);
}

/** Choice states that hand over once the stage index reaches the limit: guard → { hand-over, round target }. */
function stageGuardsOf(definition: Definition): Record<string, { handOver: string; target: string }> {
  const guards: Record<string, { handOver: string; target: string }> = {};
  for (const [name, state] of Object.entries(definition.States)) {
    if (state.Type !== "Choice") continue;
    for (const rule of state.Choices ?? []) {
      const target = comparesStageLimit(rule) ? stageHandOverTarget(definition, rule.Next) : undefined;
      if (target !== undefined) guards[name] = { handOver: rule.Next, target };
    }
  }
  return guards;
}

/** Every state that writes `$.loop` keeps the stage limit, fixes it from the cursor, or starts it at 0. */
function assertStageLimitKept(definition: Definition): void {
  for (const [name, state] of Object.entries(definition.States)) {
    if (state.ResultPath === STAGE_LIMIT) throw new Error(`${name} sets the stage limit by itself`);
    if (state.ResultPath !== "$.loop") continue;
    const kept = state.Parameters?.["handOverAtStage.$"];
    if (kept === STAGE_LIMIT || kept === STAGE_LIMIT_FIXED || state.Parameters?.handOverAtStage === 0)
      continue;
    if (state.Type === "Pass" && (state.Result as { handOverAtStage?: unknown })?.handOverAtStage === 0)
      continue;
    throw new Error(`${name} writes $.loop without its stage limit`);
  }
}

/** The states from a hand-over's first state until the execution ends; it must start a fresh execution. */
function handOverChainFrom(definition: Definition, first: string | undefined): string[] {
  const chain: string[] = [];
  let name: string | undefined = first;
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

function assertHandOver(definition: Definition): string[] {
  const nextRound = definition.States[NEXT_ROUND];
  const first = nextRound?.Choices?.[0];
  if (first?.Variable !== "$.loop.rounds" || !first.NumericGreaterThanEqualsPath) {
    throw new Error(`${NEXT_ROUND} must first compare $.loop.rounds with the round limit`);
  }
  return handOverChainFrom(definition, first.Next);
}

export function analyseLoops(definition: Definition): LoopReport {
  const counters: Record<string, string> = {};
  for (const [name, state] of Object.entries(definition.States)) {
    const target = counterTarget(state);
    if (target !== undefined) counters[name] = target;
  }
  const handOverChain = Object.keys(counters).length > 0 ? assertHandOver(definition) : [];
  const guards = stageGuardsOf(definition);
  if (Object.keys(guards).length > 0) assertStageLimitKept(definition);
  const cost = (name: string) => visitEvents(definition.States[name] as State);
  const stageHandOverEvents = Math.max(
    0,
    ...Object.values(guards).map(({ handOver }) =>
      handOverChainFrom(definition, handOver).reduce((sum, name) => sum + cost(name), 0),
    ),
  );
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
      if (guards[name]?.target === next) continue; // one more stage: a cut, bounded by the stage limit
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
  const stageEvents: Record<string, number> = {};
  for (const [guard, { target }] of Object.entries(guards)) stageEvents[guard] = longest(target);
  // Every state is checked for cycles, reachable from the start or not.
  for (const name of Object.keys(definition.States)) if (name !== NEXT_ROUND) longest(name);
  const prefixEvents = longest(definition.StartAt);
  const roundHandOverEvents =
    handOverChain.length > 0
      ? cost(NEXT_ROUND) + handOverChain.reduce((sum, name) => sum + cost(name), 0)
      : 0;
  const handOverEvents = Math.max(roundHandOverEvents, stageHandOverEvents);
  const round = Math.max(0, ...Object.values(roundEvents));
  const stage = Math.max(0, ...Object.values(stageEvents));
  return {
    counters,
    roundEvents,
    stageGuards: Object.fromEntries(Object.entries(guards).map(([name, { target }]) => [name, target])),
    stageEvents,
    prefixEvents,
    handOverEvents,
    worstEvents: (limit, stages = 0) =>
      1 + prefixEvents + (limit + 1) * round + stages * stage + handOverEvents,
  };
}
