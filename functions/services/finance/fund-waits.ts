/**
 * Cases waiting for money (DOMAIN §4.4, §8). A case whose payment (Flow A's `fund-replenishment`
 * wait) or plan commitment (Flow B's `plan-funds` wait) the fund could not cover waits on a task
 * token. Every top-up — allocation, replenishment, extra allocation — then walks the fund's queue
 * oldest first: it takes the money for a case with the very ledger entry the case's flow submits
 * (same id: applied once, whoever is first) and resumes the wait through the flow's own decision
 * path. The ledger decides what fits, so two top-ups, a retry or the hourly re-check running at
 * once pay each case once. The walk stops at the first case the money does not cover
 * (`FUND_WAIT_ORDER`, core/ledger/fund-wait-queue.ts).
 *
 * Finance's waiting list shows money, not people: case number, township, amount, since when, what
 * is still short.
 */
import * as z from "zod";
import type { Actor } from "#core/access/index.ts";
import { ConflictError } from "#core/errors.ts";
import {
  FUND_WAIT_ORDER,
  FUND_WAIT_ORDERS,
  type FundWaitOrder,
  fundWaitQueue,
  passesShortfall,
  queueOrder,
} from "#core/ledger/fund-wait-queue.ts";
import { Yuan } from "#core/money/yuan.ts";
import { resumeFundWait } from "../flow-a/decisions/fund-wait.ts";
import { reserveWaitingCommitment } from "../flow-b/steps.ts";
import { type FundWaitTaskType, purposeOf, type WaitingCase, waitingCases } from "../fund-queue.ts";
import { reserveWaitingPayment } from "../payment-step.ts";
import { deciderName, type FlowDeps } from "../ports.ts";
import { decideHumanTask } from "../steps/human-tasks.ts";
import { authorizeCounty, countyOfTownship } from "./common.ts";
import type { FinanceDeps } from "./deps.ts";

export { FUND_WAIT_TASK_TYPES } from "../fund-queue.ts";

/** Takes the case's money with its flow's own entry id; true when the fund covered it (now or before). */
async function reserve(flow: FlowDeps, wait: WaitingCase, correlationId: string): Promise<boolean> {
  const correlation = wait.task.correlationId ?? correlationId;
  if (wait.taskType === "plan-funds") {
    return (await reserveWaitingCommitment(flow, wait.caseId, correlation)) !== "insufficient-funds";
  }
  const purpose = wait.purpose ?? "advance";
  const outcome = await reserveWaitingPayment(flow, {
    caseId: wait.caseId,
    purpose,
    correlationId: correlation,
    drawKind: purpose === "follow-up" ? "follow-up" : "advance",
    flow: "A",
  });
  return outcome !== "insufficient-funds";
}

/** Resumes the wait through the flow's decision path (recorded, audited once, then SendTaskSuccess). */
async function resume(
  flow: FlowDeps,
  actor: Actor,
  wait: WaitingCase,
  topUpEntryId: string,
  correlationId: string,
): Promise<void> {
  if (wait.taskType === "fund-replenishment") {
    await resumeFundWait(flow, actor, wait.caseId, correlationId, topUpEntryId);
    return;
  }
  await decideHumanTask(flow, {
    caseId: wait.caseId,
    taskType: "plan-funds",
    actorUserId: actor.userId,
    decision: { resumed: true, topUp: topUpEntryId },
    output: { resumed: true },
    effects: async (recorded) => {
      await flow.audit.append({
        actorUserId: recorded.decidedBy,
        actorName: deciderName(actor, recorded.decidedBy),
        actorRoles: actor.roles,
        action: "fund.allocate",
        caseId: wait.caseId,
        countyId: countyOfTownship(wait.townshipId),
        townshipId: wait.townshipId,
        why: "fund topped up; commitment made",
        correlationId,
      });
    },
  });
}

/**
 * After money reached `townshipId`'s fund (entry `topUpEntryId`): pays the waiting cases oldest
 * first as far as the money goes and resumes them. Returns the cases this call resumed. One case's
 * trouble does not stop the others; a case another top-up or the re-check resumed first is skipped.
 */
export async function resumeWaitingCases(
  deps: FinanceDeps,
  actor: Actor,
  townshipId: string,
  topUpEntryId: string,
  correlationId: string,
  order: FundWaitOrder = FUND_WAIT_ORDER,
): Promise<string[]> {
  const flow = deps.flow?.();
  if (!flow) return [];
  const resumed: string[] = [];
  const tryResume = async (wait: WaitingCase) => {
    try {
      await resume(flow, actor, wait, topUpEntryId, correlationId);
      resumed.push(wait.caseId);
    } catch (error) {
      const log = error instanceof ConflictError ? deps.log.info : deps.log.warn;
      log.call(deps.log, "a case waiting for money was not resumed by this top-up", {
        caseId: wait.caseId,
        taskType: wait.taskType,
        error: (error as Error).message,
      });
    }
  };
  const { known, unknown } = await waitingCases(flow, countyOfTownship(townshipId), townshipId);
  for (const wait of queueOrder(known)) {
    let covered: boolean;
    try {
      covered = await reserve(flow, wait, correlationId);
    } catch (error) {
      deps.log.warn("the money of a waiting case could not be taken", {
        caseId: wait.caseId,
        error: (error as Error).message,
      });
      continue;
    }
    if (covered) await tryResume(wait);
    else if (!passesShortfall(order)) break;
  }
  // What these need is not on record here: their flows try, and wait again if the fund is short.
  for (const task of unknown) {
    await tryResume({
      task,
      taskType: task.taskType as FundWaitTaskType,
      caseId: task.caseId,
      townshipId: task.townshipId,
      waitingSince: task.openedAt,
      amountYuan: Yuan.zero,
      flow: task.taskType === "plan-funds" ? "B" : "A",
      purpose: purposeOf(task),
    });
  }
  return resumed;
}

/** One case waiting for money, as finance sees it: money and dates, no names (DOMAIN §1). */
export const WaitingRowSchema = z.object({
  position: z.number().int(),
  caseId: z.string(),
  townshipId: z.string(),
  flow: z.enum(["A", "B"]),
  purpose: z
    .string()
    .meta({ description: "`advance`, `follow-up` (Flow A) or `plan` (Flow B's commitment)" }),
  amountYuan: z.string(),
  waitingSince: z.string(),
  fitsNow: z.boolean(),
  shortfallYuan: z.string(),
  cumulativeShortfallYuan: z.string(),
});
export type WaitingRow = z.output<typeof WaitingRowSchema>;

export const FundWaitingListSchema = z.object({
  townshipId: z.string(),
  name: z.string(),
  availableYuan: z.string(),
  shortYuan: z
    .string()
    .meta({ description: "What the whole queue lacks: the top-up that pays every waiting case" }),
  cases: z.array(WaitingRowSchema),
});
export type FundWaitingList = z.output<typeof FundWaitingListSchema>;

/** `GET /fund-waits`: the queues in the order a top-up pays them. */
export const FundWaitsSchema = z
  .object({ order: z.enum(FUND_WAIT_ORDERS), funds: z.array(FundWaitingListSchema) })
  .meta({ id: "FundWaits" });

/** Finance's waiting list: per fund with waiting cases, the queue in the order a top-up pays it. */
export async function waitingLists(
  deps: FinanceDeps,
  actor: Actor,
  countyId: string,
  townshipId?: string,
): Promise<z.output<typeof FundWaitsSchema>> {
  authorizeCounty(actor, "fund.read", countyId);
  // A township of another county is refused like any other resource of it, not answered empty.
  if (townshipId) authorizeCounty(actor, "fund.read", countyOfTownship(townshipId));
  const flow = deps.flow?.();
  if (!flow) return { order: FUND_WAIT_ORDER, funds: [] };
  const waits = (await waitingCases(flow, countyId, townshipId)).known;
  const funds: FundWaitingList[] = [];
  for (const township of await deps.directory.townshipsOf(countyId)) {
    const mine = waits.filter((w) => w.townshipId === township.townshipId);
    if (mine.length === 0) continue;
    const fund = await deps.ledger.getFund(township.townshipId);
    const queue = fundWaitQueue(mine, fund.availableYuan, FUND_WAIT_ORDER);
    funds.push({
      townshipId: township.townshipId,
      name: township.name,
      availableYuan: fund.availableYuan.toString(),
      shortYuan: (queue.at(-1)?.cumulativeShortfallYuan ?? Yuan.zero).toString(),
      cases: queue.map((row) => ({
        position: row.position,
        caseId: row.caseId,
        townshipId: row.townshipId,
        flow: row.flow,
        purpose: row.purpose ?? "plan",
        amountYuan: row.amountYuan.toString(),
        waitingSince: row.waitingSince,
        fitsNow: row.fitsNow,
        shortfallYuan: row.shortfallYuan.toString(),
        cumulativeShortfallYuan: row.cumulativeShortfallYuan.toString(),
      })),
    });
  }
  return { order: FUND_WAIT_ORDER, funds };
}
