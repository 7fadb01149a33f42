/**
 * Allocation (DOMAIN §5, §6): county finance sets up or raises a township fund's quota with an
 * allocation entry — the money arrives with it. The quota hint comes from the county policy
 * (DOMAIN §2.3: ≥ per-capita × registered population, or last year's spending).
 */
import * as z from "zod";
import type { FundView } from "#adapters/ledger/index.ts";
import type { Actor } from "#core/access/index.ts";
import { BusinessRuleError, NotFoundError, ValidationError } from "#core/errors.ts";
import type { LedgerEntryInput } from "#core/ledger/entry.ts";
import { Yuan } from "#core/money/yuan.ts";
import { allocationToReach, quotaHint } from "#core/reconciliation/index.ts";
import {
  audit,
  authorizeCounty,
  authorizeTownship,
  countyOfTownship,
  TownshipId,
  YuanText,
} from "./common.ts";
import type { FinanceDeps } from "./deps.ts";
import { resumeWaitingCases } from "./fund-waits.ts";

export const AllocationSchema = z
  .object({
    townshipId: TownshipId,
    /** Add exactly this much … */
    amountYuan: YuanText.optional(),
    /** … or raise the quota to this (the allocation is the difference). */
    targetQuotaYuan: YuanText.optional(),
    reason: z.string().trim().min(2).max(500),
  })
  .strict()
  .refine((v) => (v.amountYuan === undefined) !== (v.targetQuotaYuan === undefined), {
    message: "give either amountYuan or targetQuotaYuan",
    path: ["amountYuan"],
  });
export type AllocationRequest = z.output<typeof AllocationSchema>;

/** One township fund as finance sees it (`GET /funds`, and after a top-up). */
export const FundSummarySchema = z
  .object({
    townshipId: z.string(),
    name: z.string(),
    opened: z.boolean().meta({ description: "The fund is set up (false: no allocation yet, all zero)" }),
    quotaYuan: z.string(),
    balanceYuan: z.string(),
    committedYuan: z.string(),
    availableYuan: z.string(),
    alertLevelYuan: z.string().optional(),
    belowAlertLevel: z.boolean(),
    closedThrough: z.string().optional(),
    sequence: z.number().int(),
  })
  .meta({ id: "FundSummary" });
export type FundSummary = z.output<typeof FundSummarySchema>;

export function summaryOf(name: string, townshipId: string, view: FundView | undefined): FundSummary {
  if (!view) {
    return {
      townshipId,
      name,
      opened: false,
      quotaYuan: "0.00",
      balanceYuan: "0.00",
      committedYuan: "0.00",
      availableYuan: "0.00",
      belowAlertLevel: false,
      sequence: 0,
    };
  }
  const level =
    view.alertPercent !== undefined ? view.quotaYuan.times(view.alertPercent).times("0.01") : undefined;
  return {
    townshipId,
    name,
    opened: true,
    quotaYuan: view.quotaYuan.toString(),
    balanceYuan: view.balanceYuan.toString(),
    committedYuan: view.committedYuan.toString(),
    availableYuan: view.availableYuan.toString(),
    ...(level ? { alertLevelYuan: level.toString() } : {}),
    belowAlertLevel: level ? view.availableYuan.lessThan(level) : false,
    ...(view.closedThrough ? { closedThrough: view.closedThrough } : {}),
    sequence: view.sequence,
  };
}

/** The township fund's head, or undefined while the fund has never been allocated. */
export async function fundViewOf(deps: FinanceDeps, townshipId: string): Promise<FundView | undefined> {
  try {
    return await deps.ledger.getFund(townshipId);
  } catch (error) {
    if (error instanceof NotFoundError) return undefined;
    throw error;
  }
}

/** The county's township funds (fund.read: finance, civil affairs, auditors). */
export async function listFunds(deps: FinanceDeps, actor: Actor, countyId: string): Promise<FundSummary[]> {
  authorizeCounty(actor, "fund.read", countyId);
  const out: FundSummary[] = [];
  for (const t of await deps.directory.townshipsOf(countyId))
    out.push(summaryOf(t.name, t.townshipId, await fundViewOf(deps, t.townshipId)));
  return out;
}

/** Spending of the calendar year before `year` (draws − reversals), streamed from the ledger. */
async function spendingOfYear(
  deps: FinanceDeps,
  townshipId: string,
  year: number,
): Promise<Yuan | undefined> {
  if (!(await fundViewOf(deps, townshipId))) return undefined;
  const from = new Date(Date.UTC(year, 0, 1) - 8 * 3_600_000).toISOString();
  const to = new Date(Date.UTC(year + 1, 0, 1) - 8 * 3_600_000 - 1).toISOString();
  let spent = Yuan.zero;
  let any = false;
  for await (const entry of deps.ledger.streamEntries(townshipId, { from, to, pageSize: 1000 })) {
    if (entry.kind === "draw") spent = spent.plus(entry.amountYuan);
    else if (entry.kind === "reversal") spent = spent.minus(entry.amountYuan);
    else continue;
    any = true;
  }
  return any ? spent : undefined;
}

/** `GET /funds/{townshipId}/quota-hint`: the policy's quota bases (core quotaHint) and what reaches it. */
export const QuotaHintAnswerSchema = z
  .object({
    townshipId: z.string(),
    name: z.string(),
    registeredPopulation: z.number().int(),
    perCapitaYuan: z.string(),
    lastYear: z.number().int(),
    suggestedQuotaYuan: z.string().meta({ description: "The larger of the two bases" }),
    byPopulationYuan: z.string(),
    byLastYearSpendingYuan: z.string().optional(),
    basis: z.enum(["population", "last-year-spending"]),
    currentQuotaYuan: z.string(),
    allocationToReachYuan: z.string(),
  })
  .meta({ id: "QuotaHint" });
export type QuotaHintAnswer = z.output<typeof QuotaHintAnswerSchema>;

export async function quotaHintFor(
  deps: FinanceDeps,
  actor: Actor,
  townshipId: string,
): Promise<QuotaHintAnswer> {
  const township = await authorizeTownship(deps, actor, "fund.read", townshipId);
  const now = deps.now();
  const policy = await deps.policy.resolve(township.townshipId.slice(0, 6), townshipId, now);
  const shanghaiYear = new Date(now.getTime() + 8 * 3_600_000).getUTCFullYear();
  const lastYear = await spendingOfYear(deps, townshipId, shanghaiYear - 1);
  const hint = quotaHint(policy, township.registeredPopulation, lastYear);
  const view = await fundViewOf(deps, townshipId);
  return {
    townshipId,
    name: township.name,
    registeredPopulation: township.registeredPopulation,
    perCapitaYuan: policy.fundQuotaPerCapitaYuan.toString(),
    lastYear: shanghaiYear - 1,
    suggestedQuotaYuan: hint.suggestedQuotaYuan.toString(),
    byPopulationYuan: hint.byPopulationYuan.toString(),
    ...(hint.byLastYearSpendingYuan
      ? { byLastYearSpendingYuan: hint.byLastYearSpendingYuan.toString() }
      : {}),
    basis: hint.basis,
    currentQuotaYuan: (view?.quotaYuan ?? Yuan.zero).toString(),
    allocationToReachYuan: allocationToReach(
      view?.quotaYuan ?? Yuan.zero,
      hint.suggestedQuotaYuan,
    ).toString(),
  };
}

/**
 * Sets up or raises a fund: opens it (with the policy's alert level) if new, then one allocation
 * entry whose id is derived from the request's idempotency key — a retried request allocates once.
 */
export async function allocate(
  deps: FinanceDeps,
  actor: Actor,
  request: AllocationRequest,
  requestKey: string,
  correlationId: string,
): Promise<TopUpResult> {
  const township = await authorizeTownship(deps, actor, "fund.allocate", request.townshipId);
  const countyId = township.townshipId.slice(0, 6);
  const now = deps.now();
  const policy = await deps.policy.resolve(countyId, township.townshipId, now);
  const alertPercent = String(policy.lowBalanceAlertPercent);
  let view = await deps.ledger.openFund(township.townshipId, { alertPercent });
  if (view.alertPercent !== alertPercent)
    view = await deps.ledger.setAlertPercent(township.townshipId, alertPercent);
  const amount =
    request.amountYuan !== undefined
      ? Yuan.parse(request.amountYuan)
      : allocationToReach(view.quotaYuan, Yuan.parse(request.targetQuotaYuan ?? "0"));
  if (!amount.isPositive()) {
    throw new ValidationError("nothing to allocate", "拨付金额须大于零", {
      fields: [
        request.amountYuan !== undefined
          ? { path: "amountYuan", message: "must be more than zero", messageZh: "须大于零" }
          : {
              path: "targetQuotaYuan",
              message: `must be above the current quota ${view.quotaYuan.toString()}`,
              messageZh: `须高于现有额度 ${view.quotaYuan.format()}`,
            },
      ],
    });
  }
  return bookTopUp(
    deps,
    { actor, action: "fund.allocate", township, view, amount, reason: request.reason, correlationId },
    {
      entryId: `allocation:${township.townshipId}:${requestKey}`,
      kind: "allocation",
      bookedAt: now.toISOString(),
      reference: { actor: actor.userId, correlationId },
    },
  );
}

interface TopUpBooked {
  actor: Actor;
  action: "fund.allocate" | "fund.allocate.extra";
  township: { townshipId: string; name: string };
  /** The fund before the top-up. */
  view: FundView;
  amount: Yuan;
  reason: string | undefined;
  correlationId: string;
}

/** The ledger entry of a top-up: its id (from the request's idempotency key), kind and reference. */
type TopUpEntry = Pick<LedgerEntryInput, "entryId" | "kind" | "bookedAt" | "reference">;

/**
 * Books a top-up's entry in the fund, then audits it once (when it applied; a retry finds it in the
 * ledger) and walks the fund's waiting cases. A refused entry answers 422, or what `invalid` names
 * for the ledger's `invalid` refusal.
 */
async function bookTopUp(
  deps: FinanceDeps,
  booked: TopUpBooked,
  entry: TopUpEntry,
  invalid?: () => Promise<Error>,
): Promise<TopUpResult> {
  const { township, view, amount, correlationId } = booked;
  const entryId = entry.entryId;
  const outcome = await deps.writer.submit({ ...entry, fundId: township.townshipId, amountYuan: amount });
  if (outcome.status === "rejected") {
    if (outcome.reason === "invalid" && invalid) throw await invalid();
    throw new BusinessRuleError(outcome.message, outcome.messageZh, { details: { reason: outcome.reason } });
  }
  const applied = outcome.status === "applied";
  if (applied) {
    await audit(deps, {
      actor: booked.actor,
      action: booked.action,
      countyId: countyOfTownship(township.townshipId),
      townshipId: township.townshipId,
      resourceType: "fund",
      resourceId: township.townshipId,
      reason: booked.reason,
      before: { quotaYuan: view.quotaYuan.toString(), balanceYuan: view.balanceYuan.toString() },
      after: { allocatedYuan: amount.toString(), entryId },
      correlationId,
    });
  }
  // A retried request walks the queue again: a walk cut short (a crash, a timeout) is finished.
  const resumedCases = await resumeWaitingCases(
    deps,
    booked.actor,
    township.townshipId,
    entryId,
    correlationId,
  );
  return {
    ...summaryOf(township.name, township.townshipId, await fundViewOf(deps, township.townshipId)),
    entryId,
    allocatedYuan: amount.toString(),
    outcome: applied ? "applied" : "duplicate",
    resumedCases,
  };
}

export const ExtraAllocationSchema = z
  .object({
    amountYuan: YuanText,
    reason: z.string().trim().min(2).max(500),
  })
  .strict();
export type ExtraAllocationRequest = z.output<typeof ExtraAllocationSchema>;

/** What an allocation or an extra allocation answers: the fund after it, and what it paid. */
export const TopUpResultSchema = FundSummarySchema.extend({
  entryId: z.string(),
  allocatedYuan: z.string(),
  outcome: z.enum(["applied", "duplicate"]),
  resumedCases: z
    .array(z.string())
    .meta({ description: "The waiting cases this top-up paid and resumed, oldest first" }),
}).meta({ id: "TopUpResult" });
export type TopUpResult = z.output<typeof TopUpResultSchema>;

function extraAllocationTooLarge(view: FundView): ValidationError {
  const room = Yuan.max(view.quotaYuan.minus(view.balanceYuan), Yuan.zero);
  return new ValidationError(
    `an extra allocation keeps the balance within the quota ${view.quotaYuan.toString()}: at most ${room.toString()} now; raise the quota with an allocation for more`,
    `临时追加后余额不得超过额度 ${view.quotaYuan.format()}，当前最多可追加 ${room.format()}；超出部分请通过拨付提高额度`,
    {
      fields: [
        {
          path: "amountYuan",
          message: `at most ${room.toString()}`,
          messageZh: `不超过 ${room.format()}`,
        },
      ],
    },
  );
}

/**
 * 临时追加: money for a fund in mid-period that leaves its quota as it is (DOMAIN §8) — one ledger
 * `replenishment` entry (balance += amount; the ledger keeps the balance within the quota, so more
 * than that is a quota raise, i.e. an allocation), its id derived from the request's idempotency key,
 * audited, and then the cases waiting for money are paid oldest first.
 */
export async function allocateExtra(
  deps: FinanceDeps,
  actor: Actor,
  townshipId: string,
  request: ExtraAllocationRequest,
  requestKey: string,
  correlationId: string,
): Promise<TopUpResult> {
  const township = await authorizeTownship(deps, actor, "fund.allocate", townshipId);
  const view = await fundViewOf(deps, township.townshipId);
  if (!view) {
    throw new BusinessRuleError(
      `the fund of ${township.townshipId} is not set up: allocate its quota first`,
      `${township.name}备用金尚未设立，请先拨付额度`,
    );
  }
  const amount = Yuan.parse(request.amountYuan);
  if (!amount.isPositive()) {
    throw new ValidationError("nothing to allocate", "追加金额须大于零", {
      fields: [{ path: "amountYuan", message: "must be more than zero", messageZh: "须大于零" }],
    });
  }
  const entryId = `extra:${township.townshipId}:${requestKey}`;
  const applied = await deps.ledger.readAppliedIds(township.townshipId, [entryId]);
  if (!applied.has(entryId) && amount.greaterThan(view.quotaYuan.minus(view.balanceYuan))) {
    throw extraAllocationTooLarge(view);
  }
  return bookTopUp(
    deps,
    { actor, action: "fund.allocate.extra", township, view, amount, reason: request.reason, correlationId },
    {
      entryId,
      kind: "replenishment",
      bookedAt: deps.now().toISOString(),
      reference: { actor: actor.userId, decisionId: `extra-allocation:${requestKey}`, correlationId },
    },
    // Another top-up landed first and the fund is now nearer its quota.
    async () => extraAllocationTooLarge(await deps.ledger.getFund(township.townshipId)),
  );
}
