/**
 * The queue of cases waiting for money on a township fund, as the flows' stores hold it (DOMAIN
 * §4.4, §8): Flow A's `fund-replenishment` waits (the payment's obligation says how much) and Flow
 * B's `plan-funds` waits (the approved plan's total). Read by finance's top-up walk and waiting list
 * (finance/fund-waits.ts) and by a flow re-checking the fund on its own, which keeps its place in
 * the queue (`heldBackByQueue`). The order itself is core's (core/ledger/fund-wait-queue.ts).
 */
import type { HumanTask } from "#adapters/human-task-store.ts";
import { obligationIdFor } from "#adapters/payments/gateway.ts";
import { FUND_WAIT_ORDER, type FundWait, fundWaitQueue } from "#core/ledger/fund-wait-queue.ts";
import { Yuan } from "#core/money/yuan.ts";
import { planOf } from "./flow-b/plan-record.ts";
import type { FlowDeps } from "./ports.ts";

/** The waits of the flows for money, by task type (functions/services/flow-a/tasks.ts, flow-b/tasks.ts). */
export const FUND_WAIT_TASK_TYPES = ["fund-replenishment", "plan-funds"] as const;
export type FundWaitTaskType = (typeof FUND_WAIT_TASK_TYPES)[number];

export interface WaitingCase extends FundWait {
  task: HumanTask;
  taskType: FundWaitTaskType;
  townshipId: string;
  flow: "A" | "B";
  /** Flow A's payment purpose (`advance`, `follow-up`); Flow B commits the plan. */
  purpose?: string;
}

function isFundWait(task: HumanTask): task is HumanTask & { taskType: FundWaitTaskType } {
  return task.status === "open" && (FUND_WAIT_TASK_TYPES as readonly string[]).includes(task.taskType);
}

/**
 * Every open wait of the county's finance queue: a top-up pays the queue oldest first, so a walk
 * that read only the first page would skip older cases past it and leave them waiting.
 */
async function fundWaitTasks(flow: FlowDeps, countyId: string, townshipId?: string): Promise<HumanTask[]> {
  const open = await flow.tasks.openForCounty(countyId, "county-finance");
  return open.filter(
    (task) => isFundWait(task) && (townshipId === undefined || task.townshipId === townshipId),
  );
}

export function purposeOf(task: HumanTask): string {
  const purpose = task.details?.purpose;
  return typeof purpose === "string" ? purpose : "advance";
}

/** The first wait for this money: the re-check and a resume that found too little open new tasks. */
async function waitingSinceOf(flow: FlowDeps, task: HumanTask): Promise<string> {
  let since = task.openedAt;
  for (const other of await flow.tasks.forCase(task.caseId)) {
    if (other.taskType !== task.taskType) continue;
    if (task.taskType === "fund-replenishment" && purposeOf(other) !== purposeOf(task)) continue;
    if (other.openedAt < since) since = other.openedAt;
  }
  return since;
}

/**
 * The wait with its amount; undefined when the money is no longer owed (paid or committed), and
 * `unknown` when nothing on record says what is owed.
 */
async function waitingCaseOf(flow: FlowDeps, task: HumanTask): Promise<WaitingCase | "unknown" | undefined> {
  const waitingSince = await waitingSinceOf(flow, task);
  const base = { task, caseId: task.caseId, townshipId: task.townshipId, waitingSince };
  if (task.taskType === "fund-replenishment") {
    const purpose = purposeOf(task);
    const obligation = await flow.payments.getObligation(obligationIdFor(task.caseId, purpose));
    if (!obligation) return "unknown";
    if (obligation.status === "paid") return undefined;
    const amountYuan = Yuan.parse(obligation.amountYuan);
    return { ...base, taskType: "fund-replenishment", flow: "A", purpose, amountYuan };
  }
  const plan = planOf(await flow.cases.get(task.caseId));
  if (plan.commitment) return undefined;
  if (!plan.totalYuan) return "unknown";
  return { ...base, taskType: "plan-funds", flow: "B", amountYuan: Yuan.parse(plan.totalYuan) };
}

export async function waitingCases(
  flow: FlowDeps,
  countyId: string,
  townshipId?: string,
): Promise<{ known: WaitingCase[]; unknown: HumanTask[] }> {
  const known: WaitingCase[] = [];
  const unknown: HumanTask[] = [];
  for (const task of await fundWaitTasks(flow, countyId, townshipId)) {
    const waiting = await waitingCaseOf(flow, task);
    if (waiting === "unknown") unknown.push(task);
    else if (waiting) known.push(waiting);
  }
  return { known, unknown };
}

/**
 * True when a case whose wait for money timed out (nobody resumed it) re-checks the fund while cases
 * ahead of it in the queue are still short: it keeps waiting, so the money the head lacks is not
 * spent past it — the re-check serves the queue's order as a top-up does. A wait resumed by a top-up
 * or by finance is not held back (its money was taken for it, or finance chose it).
 */
export async function heldBackByQueue(
  flow: FlowDeps,
  wait: { caseId: string; countyId: string; townshipId: string; taskType: FundWaitTaskType },
): Promise<boolean> {
  const own = await flow.tasks.current(wait.caseId, wait.taskType);
  if (own?.status !== "open") return false;
  const fund = await flow.ledger.fund(wait.townshipId);
  if (!fund) return false;
  const available = Yuan.parse(fund.availableYuan, "availableYuan", { allowNegative: true });
  const { known } = await waitingCases(flow, wait.countyId, wait.townshipId);
  const row = fundWaitQueue(known, available, FUND_WAIT_ORDER).find((r) => r.caseId === wait.caseId);
  return row !== undefined && !row.fitsNow;
}
