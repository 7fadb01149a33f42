/**
 * The payment step, reusable by every flow (DOMAIN §3.3, §5). Paid once, never twice:
 *
 * 1. The draw, before the bank step: the flow's draw state (Flow A's `DrawAid`, Flow B's
 *    `DrawStage`) sends it to the fund's draw queue, whose writer reads it here (`planBankDraw`,
 *    ledger entry id `draw:<obligation>:<attempt>` — a retry applies once) and answers the entry
 *    drawn (`settleBankDraw`). Not enough money → `FundInsufficientError` (Flow A's Catch waits for a
 *    replenishment, then comes back).
 *    `payByBank` (the `waitForTaskToken` task) then stores the task token on the payment attempt
 *    FIRST and instructs the bank for the entry drawn — refused if the queue drew another attempt —
 *    (instruction id from obligation + attempt — a retry is the same instruction). The signed bank
 *    callback resumes the token with `{ outcome: "confirmed" | "failed", reason?, bankReference }`.
 * 2. After the confirmation wait timed out (a lost callback) the payments module's
 *    `PollPaymentStatus` task asks the bank; `not-received` comes back here (same instruction).
 * 3. `reversePayment` after a failure: `reversal:<obligation>:<attempt>` (balance += amount); the
 *    obligation waits for a re-route and the next attempt is paid under the same obligation.
 * 4. `payInCash`: an officer recorded the hand-over with both signatures: draw + cash record.
 *
 * A flow names the obligation by `(caseId, purpose)`; Flow B uses `stage-<n>` purposes.
 */

import type { CaseRecord } from "#adapters/case-store.ts";
import type { InstructionStatus } from "#adapters/payments/contract.ts";
import { PaymentRouteNeededError, PaymentStateError } from "#adapters/payments/errors.ts";
import { instructionIdFor, obligationIdFor } from "#adapters/payments/gateway.ts";
import { checkPayee } from "#adapters/payments/payee.ts";
import type { Obligation } from "#adapters/payments/payment-store.ts";
import { PolicyRuleViolationError, requireCashHandOver } from "#core/cases/index.ts";
import { paymentPurposeZh } from "#core/labels/index.ts";
import { FundInsufficientError } from "#core/ledger/errors.ts";
import { Yuan } from "#core/money/index.ts";
import { isStagePurpose } from "./flow-b/plan-record.ts";
import { heldBackByQueue } from "./fund-queue.ts";
import { notifyPaymentOutcome } from "./messages/notify.ts";
import type { FlowDeps, LedgerOutcome, LedgerRequest } from "./ports.ts";
import { supersedeWaiting } from "./steps/human-tasks.ts";

export type PaymentOutcome = "confirmed" | "failed" | "pending";

export interface PaymentResult {
  outcome: PaymentOutcome;
  method?: "bank" | "cash";
  attempt?: number;
  bankReference?: string;
  reason?: string;
}

export interface PaymentStepInput {
  caseId: string;
  /** `advance`, `follow-up`, `stage-3` … — one obligation per (case, purpose). */
  purpose: string;
  correlationId: string;
  /** The ledger draw kind of this purpose. */
  drawKind: "advance" | "follow-up" | "stage";
  flow: "A" | "B";
}

export function drawEntryId(obligationId: string, attempt: number): string {
  return `draw:${obligationId}:${attempt}`;
}

export function reversalEntryId(obligationId: string, attempt: number): string {
  return `reversal:${obligationId}:${attempt}`;
}

async function obligationOf(deps: FlowDeps, caseId: string, purpose: string): Promise<Obligation> {
  const obligation = await deps.payments.getObligation(obligationIdFor(caseId, purpose));
  if (!obligation) {
    throw new PaymentStateError(
      `No approved payment ${purpose} for case ${caseId}`,
      `案件 ${caseId} 没有已批准的待发放款项（${paymentPurposeZh(purpose)}）`,
    );
  }
  return obligation;
}

function ledgerReference(
  record: CaseRecord,
  input: PaymentStepInput,
  obligation: Obligation,
  attempt: number,
) {
  return {
    caseId: record.caseId,
    obligationId: obligation.obligationId,
    paymentId: instructionIdFor(obligation.obligationId, attempt),
    flow: input.flow,
    hardshipType: record.hardship.cause,
    residency: record.applicant.local ? ("local" as const) : ("non-local" as const),
    correlationId: input.correlationId,
  };
}

function drawRequest(
  record: CaseRecord,
  input: PaymentStepInput,
  obligation: Obligation,
  attempt: number,
): LedgerRequest {
  return {
    entryId: drawEntryId(obligation.obligationId, attempt),
    townshipId: record.townshipId,
    kind: "draw",
    drawKind: input.drawKind,
    amountYuan: obligation.amountYuan,
    reference: ledgerReference(record, input, obligation, attempt),
  };
}

/** A wait that timed out re-checks the fund in its place: older waits the money does not cover go first. */
async function heldBackOf(deps: FlowDeps, record: CaseRecord): Promise<boolean> {
  if (!record.flags?.fundWaited) return false;
  const waiting = { caseId: record.caseId, countyId: record.countyId, townshipId: record.townshipId };
  return heldBackByQueue(deps, { ...waiting, taskType: "fund-replenishment" });
}

function fundInsufficient(record: CaseRecord, obligation: Obligation): FundInsufficientError {
  return new FundInsufficientError(
    `The fund of township ${record.townshipId} cannot cover ${Yuan.parse(obligation.amountYuan).format()}`,
    `该乡镇备用金不足以支付 ${Yuan.parse(obligation.amountYuan).format()}`,
    { details: { caseId: record.caseId, obligationId: obligation.obligationId } },
  );
}

/**
 * Drawn: a replenishment request still open from an earlier dry fund is answered, so county
 * finance is not asked to top up for a case long paid and closed.
 */
async function afterDrawn(deps: FlowDeps, record: CaseRecord): Promise<void> {
  if (record.flags?.fundWaited) await supersedeWaiting(deps, record.caseId, "fund-replenishment");
}

async function draw(
  deps: FlowDeps,
  record: CaseRecord,
  input: PaymentStepInput,
  obligation: Obligation,
  attempt: number,
) {
  const outcome = (await heldBackOf(deps, record))
    ? "insufficient-funds"
    : await deps.ledger.submit(drawRequest(record, input, obligation, attempt));
  if (outcome === "insufficient-funds") throw fundInsufficient(record, obligation);
  await afterDrawn(deps, record);
}

/** The attempt this call works on: the one in flight (a retry), or the next one. */
function attemptFor(obligation: Obligation): number {
  return obligation.status === "instructed" ? obligation.currentAttempt : obligation.currentAttempt + 1;
}

/** A cash hand-over pays only the payment it was recorded for (the advance when none is named). */
function cashHandedOverFor(record: CaseRecord, purpose: string): boolean {
  const cash = record.payout.cash;
  return record.payout.method === "cash" && cash !== undefined && (cash.purpose ?? "advance") === purpose;
}

/** The attempt the payment step will draw next for this route: `payByBank`'s or `payInCash`'s. */
function nextDrawAttempt(route: "bank" | "cash", obligation: Obligation): number {
  return route === "bank" ? attemptFor(obligation) : obligation.currentAttempt + 1;
}

export type ReserveOutcome = "drawn" | "paid" | "insufficient-funds" | "no-route";

/**
 * A top-up pays the cases waiting for money oldest first (DOMAIN §8): the money is drawn for the
 * case here with the very entry its payment step draws when the flow resumes — same id, so that
 * draw is a duplicate and the case is paid once — and the order holds whichever runs first. The
 * wait's task is left open for the resume. A payment with no route draws nothing (an officer is
 * asked first).
 */
export async function reserveWaitingPayment(
  deps: FlowDeps,
  input: PaymentStepInput,
): Promise<ReserveOutcome> {
  const record = await deps.cases.get(input.caseId);
  const obligation = await obligationOf(deps, input.caseId, input.purpose);
  if (obligation.status === "paid") return "paid";
  const route =
    record.payout.method === "bank" && record.payout.bank
      ? "bank"
      : cashHandedOverFor(record, input.purpose)
        ? "cash"
        : undefined;
  if (!route || obligation.status === "awaiting-reroute") return "no-route";
  const attempt = nextDrawAttempt(route, obligation);
  const outcome = await deps.ledger.submit(drawRequest(record, input, obligation, attempt));
  return outcome === "insufficient-funds" ? "insufficient-funds" : "drawn";
}

/** What a queued bank draw holds between reading the case and the ledger's answer (ledger-draws.ts). */
export type BankDrawPlan =
  | { status: "already-paid" }
  | { status: "held-back"; record: CaseRecord; obligation: Obligation }
  | { status: "draw"; record: CaseRecord; obligation: Obligation; request: LedgerRequest };

/** What the draw step answers: the entry the bank instruction of `payByBank` then pays. */
export interface DrawnEntry {
  outcome: "applied" | "duplicate" | "already-paid";
  entryId?: string;
}

/**
 * The draw of a bank payment, read but not yet submitted: the caller (the fund's queue consumer)
 * submits the draws of a whole batch in one turn, so the writer commits them as one page. Same
 * entry id as `payByBank`'s attempt (`draw:<obligation>:<attempt>`): a retry, a re-sent message or
 * a top-up's reservation of the same draw is a duplicate.
 */
export async function planBankDraw(deps: FlowDeps, input: PaymentStepInput): Promise<BankDrawPlan> {
  const record = await deps.cases.get(input.caseId);
  const obligation = await obligationOf(deps, input.caseId, input.purpose);
  if (obligation.status === "paid") return { status: "already-paid" };
  if (record.payout.method !== "bank" || !record.payout.bank) throw noBankAccount();
  // A stage draw takes money its plan's commitment already holds (available does not move): no
  // case waiting for the fund is passed by it, so the fund's waiting queue does not hold it back.
  if (input.drawKind !== "stage" && (await heldBackOf(deps, record))) {
    return { status: "held-back", record, obligation };
  }
  const attempt = nextDrawAttempt("bank", obligation);
  return { status: "draw", record, obligation, request: drawRequest(record, input, obligation, attempt) };
}

/** The ledger's answer to a planned draw: the drawn entry, or `FundInsufficientError`. */
export async function settleBankDraw(
  deps: FlowDeps,
  plan: BankDrawPlan,
  outcome: LedgerOutcome | undefined,
): Promise<DrawnEntry> {
  if (plan.status === "already-paid") return { outcome: "already-paid" };
  if (plan.status === "held-back" || outcome === "insufficient-funds" || outcome === undefined) {
    throw fundInsufficient(plan.record, plan.obligation);
  }
  await afterDrawn(deps, plan.record);
  return { outcome, entryId: plan.request.entryId };
}

function noBankAccount(): PaymentRouteNeededError {
  return new PaymentRouteNeededError(
    "The case has no bank account to pay to: an officer must route the payment",
    "案件未登记收款银行账户，需经办人重新指定发放方式",
  );
}

export async function payByBank(
  deps: FlowDeps,
  input: PaymentStepInput & {
    taskToken: string;
    /** What the fund's queue drew for this payment (Flow A's `DrawAid`, Flow B's `DrawStage`). */
    drawn: DrawnEntry;
  },
): Promise<void> {
  const record = await deps.cases.get(input.caseId);
  const obligation = await obligationOf(deps, input.caseId, input.purpose);
  if (obligation.status === "paid") {
    // Re-entered after the payment was confirmed (a resumed execution): answer at once, pay nothing.
    await deps.workflow.sendTaskSuccess(input.taskToken, { outcome: "confirmed", alreadyPaid: true });
    return;
  }
  const bank = record.payout.bank;
  if (record.payout.method !== "bank" || !bank) throw noBankAccount();
  const attempt = nextDrawAttempt("bank", obligation);
  const entryId = drawEntryId(obligation.obligationId, attempt);
  if (input.drawn.entryId !== entryId) {
    // The queue drew another attempt than the one this step would instruct: never pay undrawn money.
    throw new PaymentStateError(
      `Payment ${obligation.obligationId} attempt ${attempt} was not drawn (the draw step drew ${input.drawn.entryId ?? "nothing"})`,
      "该笔支付尚未从备用金中支取，不能发出转账指令",
    );
  }
  const { account, payeeRecord } = await bankPayeeOf(deps, record, bank);
  // 1. The token first: a callback can then always find the step it must resume.
  const stored = await deps.payments.startBankAttempt({
    obligationId: obligation.obligationId,
    attempt,
    payee: payeeRecord,
    taskToken: input.taskToken,
    drawEntryId: entryId,
  });
  if (stored.status !== "instructed") {
    // The bank's answer arrived before this (retried) task: resume with it.
    await deps.workflow.sendTaskSuccess(input.taskToken, {
      outcome: stored.status === "confirmed" ? "confirmed" : "failed",
      ...(stored.bankReference ? { bankReference: stored.bankReference } : {}),
      ...(stored.reason ? { reason: stored.reason } : {}),
    });
    return;
  }
  // 2. The draw is the queue's (applied once per attempt, whatever the retries): checked above.
  await deps.cases.update(input.caseId, { event: { type: "payment.started" } });
  // 3. The instruction (the same id on every retry: the bank holds one transfer).
  const status = await deps.gateway(record.countyId).instruct({
    instructionId: stored.instructionId,
    amountYuan: obligation.amountYuan,
    payee: { name: bank.holderName, bankAccount: account, bankName: bank.bankName },
    township: record.townshipId,
    fund: obligation.fund,
    callbackUrl: deps.bankCallbackUrl(),
    reference: record.caseId,
  });
  if (status.status === "confirmed" || status.status === "failed") {
    await resumeWithSettledInstruction(deps, input.taskToken, stored.instructionId, status, status.status);
  }
  deps.log.info("payment instructed", {
    caseId: input.caseId,
    obligationId: obligation.obligationId,
    attempt,
    correlationId: input.correlationId,
  });
}

type BankDetails = NonNullable<CaseRecord["payout"]["bank"]>;

/** Opens the sealed account number and checks the payee against the applicant (who may be paid, and why). */
async function bankPayeeOf(deps: FlowDeps, record: CaseRecord, bank: BankDetails) {
  const account = await deps.accounts.open(bank);
  const payeeRecord = checkPayee(
    record.applicant.name,
    {
      kind: (record.payout as { payeeKind?: "guardian" | "agent" }).payeeKind ?? "applicant",
      name: bank.holderName,
      bankName: bank.bankName,
      bankAccount: account,
      ...((record.payout as { exceptionReason?: string }).exceptionReason
        ? { exceptionReason: (record.payout as { exceptionReason?: string }).exceptionReason }
        : {}),
    },
    deps.payeeHashSecret(),
  );
  return { account, payeeRecord };
}

/** A re-sent instruction the bank had already settled: record it like a poll would, and resume the step with it. */
async function resumeWithSettledInstruction(
  deps: FlowDeps,
  taskToken: string,
  instructionId: string,
  status: InstructionStatus,
  outcome: "confirmed" | "failed",
): Promise<void> {
  const recorded = await deps.payments.recordOutcome({
    instructionId,
    outcome,
    ...(status.bankReference ? { bankReference: status.bankReference } : {}),
    ...(status.reason ? { reason: status.reason } : {}),
    amountYuan: status.amountYuan,
    source: "poll",
  });
  if (recorded.kind === "recorded" || recorded.kind === "duplicate") {
    await deps.workflow.sendTaskSuccess(taskToken, {
      outcome,
      ...(status.bankReference ? { bankReference: status.bankReference } : {}),
      ...(status.reason ? { reason: status.reason } : {}),
    });
    await notifyPaymentOutcome(deps, recorded.attempt);
  }
}

/** The transfer failed after the draw: the money came back to the fund (DOMAIN §5 reversal). */
export async function reversePayment(
  deps: FlowDeps,
  input: PaymentStepInput,
): Promise<{ reversedAttempt: number; amountYuan: string }> {
  const record = await deps.cases.get(input.caseId);
  const obligation = await obligationOf(deps, input.caseId, input.purpose);
  if (obligation.status !== "awaiting-reroute") {
    throw new PaymentStateError(
      `Payment ${obligation.obligationId} is ${obligation.status}; only a failed transfer is reversed`,
      "该笔支付不是发放失败的转账，仅失败的转账可冲回",
    );
  }
  const attempt = obligation.currentAttempt;
  const outcome = await deps.ledger.submit({
    entryId: reversalEntryId(obligation.obligationId, attempt),
    townshipId: record.townshipId,
    kind: "reversal",
    amountYuan: obligation.amountYuan,
    reference: ledgerReference(record, input, obligation, attempt),
  });
  deps.log.info("failed transfer reversed", {
    caseId: input.caseId,
    obligationId: obligation.obligationId,
    attempt,
    outcome,
  });
  await deps.cases.update(input.caseId, {
    set: { payments: { ...(record.payments ?? {}), [input.purpose]: { lastFailedAttempt: attempt } } },
  });
  return { reversedAttempt: attempt, amountYuan: obligation.amountYuan };
}

/** Cash hand-over recorded by an officer (both signatures on the case): draw, then the cash record. */
export async function payInCash(deps: FlowDeps, input: PaymentStepInput): Promise<PaymentResult> {
  const record = await deps.cases.get(input.caseId);
  const obligation = await obligationOf(deps, input.caseId, input.purpose);
  const cash = record.payout.cash;
  // A hand-over is recorded (signatures and all) for one payment: the advance's does not pay the
  // follow-up aid (else the follow-up would be drawn, then refused as cash above the ceiling). Another payment asks an officer for its route — before any draw.
  if (!cash || !cashHandedOverFor(record, input.purpose)) {
    throw new PaymentRouteNeededError(
      `No cash hand-over is recorded for the ${input.purpose} payment: an officer must route it`,
      `该笔${paymentPurposeZh(input.purpose)}款项未登记现金发放，需经办人重新指定发放方式`,
    );
  }
  if (obligation.status === "paid") {
    return {
      outcome: "confirmed",
      method: "cash",
      attempt: obligation.paidAttempt ?? obligation.currentAttempt,
    };
  }
  const attempt = nextDrawAttempt("cash", obligation);
  const policy = await deps.policy.resolveVersion(record.countyId, record.townshipId, record.policyVersionId);
  try {
    // DOMAIN §3.3: core's cash rules, judged BEFORE anything is drawn.
    requireCashHandOver(
      {
        stageOfPlan: isStagePurpose(input.purpose),
        hardshipType: record.hardship.kind,
        amountYuan: Yuan.parse(obligation.amountYuan),
        receiverSignatureRef: cash.receiverSignatureRef,
        officerSignatureRef: cash.officerSignatureRef,
      },
      policy,
    );
  } catch (error) {
    if (!(error instanceof PolicyRuleViolationError)) throw error;
    throw new PaymentRouteNeededError(error.message, error.messageZh, { fields: error.fields, cause: error });
  }
  await draw(deps, record, input, obligation, attempt);
  const recorded = await deps.payments.recordCashPayment({
    obligationId: obligation.obligationId,
    attempt,
    receiverName: cash.receiverName ?? record.applicant.name,
    receiverSignatureRef: cash.receiverSignatureRef,
    officerSignatureRef: cash.officerSignatureRef,
    officerId: cash.officerUserId,
    drawEntryId: drawEntryId(obligation.obligationId, attempt),
  });
  return {
    outcome: "confirmed",
    method: "cash",
    attempt,
    ...(recorded.bankReference ? { bankReference: recorded.bankReference } : {}),
  };
}
