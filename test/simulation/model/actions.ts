/**
 * What can happen in a run, as actions in three phases so a group of actions can run CONCURRENTLY
 * and still replay exactly: `prepare` (reads and payment-store writes, concurrent), then every
 * ledger entry of the group submitted in one tick in the group's order (the writer packs them into
 * one batch on the fund, validated in that order), then `finish` one action after the other.
 */
import { ConditionalCheckFailedException } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import type { LedgerOutcome } from "#adapters/ledger/index.ts";
import { instructionIdFor } from "#adapters/payments/gateway.ts";
import { checkPayee } from "#adapters/payments/payee.ts";
import type { LedgerEntryInput } from "#core/ledger/index.ts";
import { Yuan } from "#core/money/index.ts";
import {
  accountFor,
  close,
  currentAmount,
  obligationOf,
  type SimCase,
  type SimFund,
  TIMINGS,
  waitFor,
} from "./model.ts";
import { PAYEE_HASH_SECRET, type SimWorld } from "./world.ts";

/** Test-only faults that break a rule on purpose, to show the invariants catch them. */
export type BrokenFault = "skip-fund-check" | "non-idempotent-draw";

export interface RunState {
  world: SimWorld;
  cases: SimCase[];
  funds: SimFund[];
  mainTable: string;
  broken?: BrokenFault;
  /** Entry ids the model has seen applied (once each, whoever applied them). */
  applied: Set<string>;
  /** Per call, for the `non-idempotent-draw` fault. */
  drawCalls: number;
  stats: Record<string, number>;
  /** Each entry id as first submitted: what a caller submits again days later (driver.ts `lateRetry`). */
  submitted: Map<string, LedgerEntryInput>;
  /** Late retries the ledger applied or refused instead of answering with the original entry. */
  lateRetryFailures: string[];
}

export interface Action {
  label: string;
  caseId?: string;
  prepare(): Promise<void>;
  entries(): LedgerEntryInput[];
  finish(outcomes: LedgerOutcome[]): Promise<void>;
}

export function bump(state: RunState, name: string, by = 1): void {
  state.stats[name] = (state.stats[name] ?? 0) + by;
}

const nowIso = (state: RunState) => new Date(state.world.clock.nowMs()).toISOString();
const tokenOf = (obligationId: string, attempt: number) => `sim|${obligationId}|${attempt}`;

/** True once per entry id: applied now, or applied by an earlier (ambiguous) try. */
function firstTime(state: RunState, entryId: string, outcome: LedgerOutcome | undefined): boolean {
  if (!outcome || outcome.status === "rejected") return false;
  if (state.applied.has(entryId)) return false;
  state.applied.add(entryId);
  return true;
}

function noop(): LedgerEntryInput[] {
  return [];
}

// ── filing and decisions ────────────────────────────────────────────────────────────────────────

export function fileAction(state: RunState, c: SimCase): Action {
  return {
    label: `file ${c.caseId}`,
    caseId: c.caseId,
    prepare: async () => {},
    entries: noop,
    finish: async () => {
      if (c.status !== "unfiled") return;
      waitFor(
        c,
        "awaiting-decision",
        "township-approver",
        state.world.clock.nowMs() + TIMINGS.decisionResponseMs,
      );
      bump(state, "filed");
    },
  };
}

/** The decision record: written once; a second, different decision for the same case is refused. */
async function recordDecision(state: RunState, c: SimCase, decision: "approve" | "reject"): Promise<boolean> {
  const doc = DynamoDBDocumentClient.from(state.world.client);
  const item = {
    pk: `SIM#DECISION#${c.decisionId}`,
    sk: "DECISION",
    caseId: c.caseId,
    decision,
    amountYuan: c.amount.toString(),
    flow: c.flow,
    decidedBy: c.escalated ? "county-civil-affairs" : "township-approver",
  };
  try {
    await doc.send(
      new PutCommand({
        TableName: state.mainTable,
        Item: item,
        ConditionExpression: "attribute_not_exists(pk)",
      }),
    );
    return true;
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
    const got = await doc.send(
      new GetCommand({ TableName: state.mainTable, Key: { pk: item.pk, sk: item.sk }, ConsistentRead: true }),
    );
    return got.Item?.decision === decision;
  }
}

export function decideAction(
  state: RunState,
  c: SimCase,
  decision: "approve" | "reject",
  late = false,
): Action {
  let accepted = false;
  return {
    label: `${late ? "late " : ""}${decision} ${c.caseId}`,
    caseId: c.caseId,
    prepare: async () => {
      accepted = await recordDecision(state, c, decision);
      if (accepted && decision === "approve" && c.flow === "A") {
        await state.world.payments.openObligation({
          caseId: c.caseId,
          purpose: "advance",
          countyCode: "230123",
          township: c.fundId,
          fund: c.fundId,
          amountYuan: c.amount,
        });
      }
    },
    entries: () => (accepted && decision === "approve" && c.flow === "B" ? [commitEntry(state, c)] : []),
    finish: async (outcomes) => {
      if (!accepted) {
        bump(state, "decisions refused (contradict the recorded one)");
        return;
      }
      if (c.status !== "awaiting-decision") {
        bump(state, "duplicate decisions answered with the recorded one");
        return;
      }
      c.decided = decision;
      if (decision === "reject") {
        close(c, "rejected");
        return;
      }
      if (c.flow === "A") {
        c.obligations.push(obligationOf(c));
        waitFor(c, "to-pay", "payment-step", state.world.clock.nowMs());
        return;
      }
      afterCommit(state, c, outcomes[0]);
    },
  };
}

function commitEntry(state: RunState, c: SimCase): LedgerEntryInput {
  return {
    entryId: `commit:${c.caseId}`,
    fundId: c.fundId,
    kind: "commit",
    amountYuan: c.amount.toString(),
    bookedAt: nowIso(state),
    reference: { caseId: c.caseId, decisionId: c.decisionId, flow: "B" },
  };
}

function afterCommit(state: RunState, c: SimCase, outcome: LedgerOutcome | undefined): void {
  if (outcome?.status === "rejected") {
    bump(state, "fund could not cover a plan (waits for finance)");
    waitFor(c, "awaiting-commit-funds", "county-finance", state.world.clock.nowMs() + TIMINGS.fundRecheckMs);
    return;
  }
  if (!outcome) return;
  if (firstTime(state, `commit:${c.caseId}`, outcome)) c.committedLeft = c.committedLeft.plus(c.amount);
  // The first stage is due at once, the next ones a stage interval apart (DOMAIN §4.5).
  waitFor(c, "awaiting-stage", "township-officer", state.world.clock.nowMs());
}

export function commitAction(state: RunState, c: SimCase): Action {
  return {
    label: `commit ${c.caseId}`,
    caseId: c.caseId,
    prepare: async () => {},
    entries: () => [commitEntry(state, c)],
    finish: async (outcomes) => {
      if (c.status !== "awaiting-commit-funds") return;
      afterCommit(state, c, outcomes[0]);
    },
  };
}

// ── payments ────────────────────────────────────────────────────────────────────────────────────

/** The payment step: attempt (with its task token) first, then the draw, then the bank instruction. */
export function payAction(state: RunState, c: SimCase): Action {
  const obligationId = obligationOf(c);
  const attempt = c.attempt;
  const amount = currentAmount(c);
  let instructionId = "";
  let drawId = `draw:${obligationId}:${attempt}`;
  return {
    label: `pay ${obligationId}#${attempt}`,
    caseId: c.caseId,
    prepare: async () => {
      const payee = checkPayee(
        c.applicant,
        { kind: "applicant", name: c.applicant, bankName: "农村信用社", bankAccount: accountFor(c, attempt) },
        PAYEE_HASH_SECRET,
      );
      const stored = await state.world.payments.startBankAttempt({
        obligationId,
        attempt,
        payee,
        taskToken: tokenOf(obligationId, attempt),
        drawEntryId: drawId,
      });
      instructionId = stored.instructionId;
      // Test-only fault: a step that mints a fresh draw id per call applies a retried draw again.
      if (state.broken === "non-idempotent-draw") drawId = `${drawId}:call${++state.drawCalls}`;
    },
    entries: () => [
      {
        entryId: drawId,
        fundId: c.fundId,
        kind: "draw",
        drawKind: c.flow === "A" ? "advance" : "stage",
        amountYuan: amount.toString(),
        bookedAt: nowIso(state),
        reference: {
          caseId: c.caseId,
          decisionId: c.decisionId,
          obligationId,
          paymentId: instructionId,
          flow: c.flow,
          hardshipType: "flood",
          residency: "local",
        },
      },
    ],
    finish: async (outcomes) => {
      const outcome = outcomes[0];
      const skipCheck = state.broken === "skip-fund-check" && outcome?.status === "rejected";
      if (outcome?.status === "rejected" && !skipCheck) {
        if (c.status === "to-pay" || c.status === "awaiting-funds") {
          bump(state, "draws refused: fund ran dry (waits for finance)");
          waitFor(c, "awaiting-funds", "county-finance", state.world.clock.nowMs() + TIMINGS.fundRecheckMs);
        }
        return;
      }
      if (firstTime(state, drawId, outcome)) {
        bump(state, "draws applied");
        if (c.flow === "B") c.committedLeft = c.committedLeft.minus(amount);
      }
      // The same instruction id on every retry: the bank holds one transfer for it.
      state.world.bank.receive({
        instructionId,
        amountYuan: amount.toString(),
        currency: "CNY",
        payee: { name: c.applicant, bankAccount: accountFor(c, attempt), bankName: "农村信用社" },
        payer: { township: c.fundId, fund: c.fundId },
        callbackUrl: state.world.callbackUrl,
        reference: c.caseId,
      });
      if (c.status === "to-pay" || c.status === "awaiting-funds") {
        waitFor(c, "paying", "bank", state.world.clock.nowMs() + TIMINGS.bankConfirmationTimeoutMs);
      }
    },
  };
}

/** A bank outcome reached the case (callback resume or poll): paid, or failed and to be reversed. */
export function applyBankOutcome(
  state: RunState,
  c: SimCase,
  attempt: number,
  outcome: "confirmed" | "failed",
): void {
  if (c.status !== "paying" || c.attempt !== attempt) return;
  if (outcome === "failed") {
    bump(state, "transfers failed");
    waitFor(c, "transfer-failed", "payment-step", state.world.clock.nowMs());
    return;
  }
  bump(state, "transfers confirmed");
  if (c.flow === "A") {
    close(c, "paid");
    return;
  }
  c.stage += 1;
  c.attempt = 1;
  if (c.stage >= c.stages.length) {
    close(c, "completed");
    return;
  }
  c.purpose = `stage-${c.stage + 1}`;
  waitFor(c, "awaiting-stage", "township-officer", state.world.clock.nowMs() + TIMINGS.stageIntervalMs);
}

export function resumeFromToken(state: RunState, token: string, outcome: "confirmed" | "failed"): void {
  const [, obligationId, attempt] = token.split("|");
  const c = state.cases.find((x) => obligationId === obligationOf(x));
  if (c) applyBankOutcome(state, c, Number(attempt), outcome);
}

/** After the confirmation wait timed out (a lost callback): ask the bank. */
export function pollAction(state: RunState, c: SimCase): Action {
  const obligationId = obligationOf(c);
  const attempt = c.attempt;
  let result: Awaited<ReturnType<SimWorld["poll"]>> | undefined;
  return {
    label: `poll ${obligationId}#${attempt}`,
    caseId: c.caseId,
    prepare: async () => {
      result = await state.world.poll({ obligationId });
    },
    entries: noop,
    finish: async () => {
      if (!result || c.status !== "paying" || c.attempt !== attempt) return;
      bump(state, "polls after a confirmation timeout");
      if (result.outcome === "confirmed" || result.outcome === "failed") {
        applyBankOutcome(state, c, attempt, result.outcome);
      } else if (result.outcome === "not-received") {
        waitFor(c, "to-pay", "payment-step", state.world.clock.nowMs());
      } else {
        waitFor(c, "paying", "bank", state.world.clock.nowMs() + TIMINGS.bankConfirmationTimeoutMs);
      }
    },
  };
}

/** The transfer failed after the draw: the money comes back (reversal); a stage's promise stands again. */
export function reverseAction(state: RunState, c: SimCase): Action {
  const obligationId = obligationOf(c);
  const attempt = c.attempt;
  const amount = currentAmount(c);
  const reference = {
    caseId: c.caseId,
    decisionId: c.decisionId,
    obligationId,
    paymentId: instructionIdFor(obligationId, attempt),
    flow: c.flow,
  };
  return {
    label: `reverse ${obligationId}#${attempt}`,
    caseId: c.caseId,
    prepare: async () => {},
    entries: () => [
      {
        entryId: `reversal:${obligationId}:${attempt}`,
        fundId: c.fundId,
        kind: "reversal",
        amountYuan: amount.toString(),
        bookedAt: nowIso(state),
        reference,
      },
      ...(c.flow === "B"
        ? [
            {
              entryId: `recommit:${obligationId}:${attempt}`,
              fundId: c.fundId,
              kind: "commit" as const,
              amountYuan: amount.toString(),
              bookedAt: nowIso(state),
              reference,
            },
          ]
        : []),
    ],
    finish: async (outcomes) => {
      if (c.status !== "transfer-failed" || c.attempt !== attempt) return;
      if (outcomes.some((o) => o.status === "rejected")) return;
      if (firstTime(state, `reversal:${obligationId}:${attempt}`, outcomes[0])) bump(state, "reversals");
      if (c.flow === "B" && firstTime(state, `recommit:${obligationId}:${attempt}`, outcomes[1])) {
        c.committedLeft = c.committedLeft.plus(amount);
      }
      waitFor(
        c,
        "awaiting-reroute",
        "township-officer",
        state.world.clock.nowMs() + TIMINGS.rerouteDeadlineMs,
      );
    },
  };
}

export function rerouteAction(state: RunState, c: SimCase): Action {
  return {
    label: `re-route ${obligationOf(c)}`,
    caseId: c.caseId,
    prepare: async () => {},
    entries: noop,
    finish: async () => {
      if (c.status !== "awaiting-reroute") return;
      c.attempt += 1;
      bump(state, "re-routes");
      waitFor(c, "to-pay", "payment-step", state.world.clock.nowMs());
    },
  };
}

/** Flow B stage date: re-check, then pay the stage — or stop the plan and release what is left. */
export function recheckAction(state: RunState, c: SimCase, stillInHardship: boolean): Action {
  const left = c.committedLeft;
  return {
    label: `re-check ${c.caseId} stage ${c.stage + 1}: ${stillInHardship ? "continue" : "stop"}`,
    caseId: c.caseId,
    prepare: async () => {
      if (!stillInHardship) return;
      await state.world.payments.openObligation({
        caseId: c.caseId,
        purpose: `stage-${c.stage + 1}`,
        countyCode: "230123",
        township: c.fundId,
        fund: c.fundId,
        amountYuan: currentAmount(c),
      });
    },
    entries: () =>
      !stillInHardship && left.isPositive()
        ? [
            {
              entryId: `release:${c.caseId}`,
              fundId: c.fundId,
              kind: "release",
              amountYuan: left.toString(),
              bookedAt: nowIso(state),
              reference: { caseId: c.caseId, decisionId: c.decisionId, flow: "B" },
            },
          ]
        : [],
    finish: async (outcomes) => {
      if (c.status !== "awaiting-stage") return;
      if (stillInHardship) {
        c.purpose = `stage-${c.stage + 1}`;
        c.attempt = 1;
        c.obligations.push(obligationOf(c));
        waitFor(c, "to-pay", "payment-step", state.world.clock.nowMs());
        return;
      }
      if (outcomes[0]?.status === "rejected") return;
      if (firstTime(state, `release:${c.caseId}`, outcomes[0])) c.committedLeft = c.committedLeft.minus(left);
      bump(state, "plans stopped at a re-check");
      close(c, "stopped");
    },
  };
}

// ── county finance ──────────────────────────────────────────────────────────────────────────────

/** Tops the fund up to its quota (补足) and, if waiting cases need more, allocates the shortfall. */
export function financeAction(state: RunState, fund: SimFund): Action {
  let entries: LedgerEntryInput[] = [];
  return {
    label: `finance ${fund.fundId}`,
    prepare: async () => {
      const view = await state.world.writer.store.getFund(fund.fundId);
      const waiting = state.cases.filter(
        (c) =>
          c.fundId === fund.fundId && (c.status === "awaiting-funds" || c.status === "awaiting-commit-funds"),
      );
      const need = Yuan.sum(
        waiting.map((c) => (c.status === "awaiting-funds" ? currentAmount(c) : c.amount)),
      );
      const topUp = view.quotaYuan.minus(view.balanceYuan);
      const afterTopUp = view.quotaYuan.minus(view.committedYuan);
      const shortfall = need.minus(afterTopUp);
      entries = [];
      const bookedAt = nowIso(state);
      if (topUp.isPositive()) {
        fund.replenishments += 1;
        entries.push({
          entryId: `replenishment:${fund.fundId}:${fund.replenishments}`,
          fundId: fund.fundId,
          kind: "replenishment",
          amountYuan: topUp.toString(),
          bookedAt,
          reference: { actor: "finance-1" },
        });
      }
      if (shortfall.isPositive()) {
        fund.allocations += 1;
        entries.push({
          entryId: `allocation:${fund.fundId}:${fund.allocations + 1}`,
          fundId: fund.fundId,
          kind: "allocation",
          amountYuan: shortfall.toString(),
          bookedAt,
          reference: { actor: "finance-1" },
        });
      }
    },
    entries: () => entries,
    finish: async (outcomes) => {
      for (const [index, entry] of entries.entries()) {
        if (firstTime(state, entry.entryId, outcomes[index])) bump(state, `${entry.kind}s`);
      }
    },
  };
}
