/**
 * The reconciliation's `MatchingSource` (core/reconciliation/matching.ts) over the real stores:
 * decisions from the case (Flow A's `advance` / `additionalAid`, Flow B's `plan.approval` with its
 * stage amounts), payments and confirmations from the payment store, draws from the ledger. Each
 * batch is read with bounded parallelism; nothing of the period is held beyond the batch.
 */
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { CaseRecord, CaseStore } from "#adapters/case-store.ts";
import type { LedgerStore } from "#adapters/ledger/index.ts";
import type { Confirmation, PaymentAttempt, PaymentStore } from "#adapters/payments/payment-store.ts";
import { Yuan } from "#core/money/yuan.ts";
import type {
  ConfirmationFact,
  DecisionFact,
  DrawFacts,
  LedgerDrawFact,
  MatchableDraw,
  MatchingSource,
  PaymentFact,
} from "#core/reconciliation/index.ts";

export interface StoreMatchingOptions {
  client: DynamoDBClient;
  ledgerTable: string;
  cases: CaseStore;
  payments: PaymentStore;
  ledger: LedgerStore;
}

/**
 * A stored amount text as a fact carries it: in fen without a decimal when it reads so (a long
 * reconciliation compares a million), always with its `Yuan` too for other readers of a decision.
 */
function amountOf(text: string): { amountYuan: Yuan; amountFen?: number } {
  const amountFen = Yuan.fenOfText(text);
  return { amountYuan: Yuan.parse(text), ...(amountFen !== undefined ? { amountFen } : {}) };
}

/** The approved decision a payment purpose rests on (DOMAIN §3.2, §3.5, §4.4). */
export function decisionFor(record: CaseRecord, purpose: string): DecisionFact | undefined {
  const approvedOf = (decision: Record<string, unknown> | undefined, decisionId: string, amount?: unknown) =>
    decision
      ? {
          decisionId,
          approved: decision.decision === "approve",
          ...(typeof amount === "string" && Yuan.isValidText(amount) ? amountOf(amount) : {}),
        }
      : undefined;
  if (purpose === "advance") {
    return approvedOf(record.advance, `${record.caseId}:advance-decision`, record.advance?.amountYuan);
  }
  if (purpose === "follow-up") {
    return approvedOf(
      record.additionalAid,
      `${record.caseId}:additional-aid-decision`,
      record.additionalAid?.amountYuan,
    );
  }
  const stage = /^stage-(\d+)$/.exec(purpose);
  if (stage) {
    const plan = (
      record as CaseRecord & {
        plan?: { approval?: Record<string, unknown>; stages?: { index: number; amountYuan: string }[] };
      }
    ).plan;
    const index = Number(stage[1]);
    const amount = plan?.stages?.find((s) => s.index === index)?.amountYuan;
    return approvedOf(plan?.approval, `${record.caseId}:plan-approval`, amount);
  }
  return undefined;
}

function paymentAmountOf(text: string): { amountYuan: Yuan } | { amountFen: number } {
  const amountFen = Yuan.fenOfText(text);
  return amountFen !== undefined ? { amountFen } : { amountYuan: Yuan.parse(text) };
}

export function paymentFactOf(attempt: PaymentAttempt): PaymentFact {
  return {
    paymentId: attempt.instructionId,
    method: attempt.method,
    status: attempt.status,
    // In fen, read straight from the stored text, when it reads so: no decimal per payment.
    ...paymentAmountOf(attempt.amountYuan),
    ...(attempt.bankReference ? { bankReference: attempt.bankReference } : {}),
    ...(attempt.method === "cash"
      ? {
          signatures: {
            receiver: Boolean(attempt.cash?.receiverSignatureRef?.trim()),
            officer: Boolean(attempt.cash?.officerSignatureRef?.trim()),
          },
        }
      : {}),
    ...(attempt.payee?.name || attempt.cash?.receiverName
      ? { payeeName: attempt.payee?.name ?? attempt.cash?.receiverName }
      : {}),
    ...(attempt.payee?.accountMasked ? { accountMasked: attempt.payee.accountMasked } : {}),
  };
}

export function storeMatchingSource(options: StoreMatchingOptions): MatchingSource {
  const caseOf = async (caseId: string | undefined): Promise<CaseRecord | undefined> => {
    if (!caseId) return undefined;
    try {
      return await options.cases.get(caseId);
    } catch (error) {
      if ((error as Error).name === "NotFoundError") return undefined;
      throw error;
    }
  };

  async function factsOf(draw: MatchableDraw): Promise<DrawFacts> {
    const obligationId = draw.reference.obligationId;
    const [payment, record] = await Promise.all([
      obligationId ? options.payments.getPayment(obligationId) : undefined,
      caseOf(draw.reference.caseId),
    ]);
    // The attempt this draw funded: named on the attempt, else by the instruction the draw names.
    const attempt = payment?.attempts.find(
      (a) =>
        a.drawEntryId === draw.entryId ||
        (draw.reference.paymentId && a.instructionId === draw.reference.paymentId),
    );
    const decision = record && payment ? decisionFor(record, payment.obligation.purpose) : undefined;
    return {
      ...(decision ? { decision } : {}),
      ...(attempt ? { payment: paymentFactOf(attempt) } : {}),
    };
  }

  return {
    async drawFacts(_fundId, draws) {
      const facts = await Promise.all(draws.map(factsOf));
      return new Map(draws.map((draw, i) => [draw.entryId, facts[i] as DrawFacts]));
    },

    async *confirmations(fundId, period) {
      // One township's confirmations of one period (fundId = township code, functions/services/steps/decision.ts).
      for (const c of await options.payments.listConfirmations(fundId, period.fromIso, period.toIso)) {
        yield confirmationFactOf(c);
      }
    },

    async ledgerEntries(fundId, entryIds) {
      return readLedgerDraws(options, fundId, entryIds);
    },
  };
}

function confirmationFactOf(c: Confirmation): ConfirmationFact {
  return {
    bankReference: c.bankReference,
    method: c.method,
    amountYuan: Yuan.parse(c.amountYuan),
    confirmedAt: c.confirmedAt,
    caseId: c.caseId,
    obligationId: c.obligationId,
    paymentId: c.instructionId,
    // Older confirmations may lack the id: the payment step names draws `draw:<obligation>:<attempt>`.
    drawEntryId: c.drawEntryId ?? `draw:${c.obligationId}:${c.attempt}`,
  };
}

/** The applied entries as draw facts, read from their ledger pages; one that does not read back is named unreadable under its id. */
async function readLedgerDraws(
  options: StoreMatchingOptions,
  fundId: string,
  entryIds: readonly string[],
): Promise<Map<string, LedgerDrawFact>> {
  const found = new Map<string, LedgerDrawFact>();
  for (const [id, { applied, entry }] of await options.ledger.readAppliedEntries(fundId, entryIds)) {
    if (entry)
      found.set(entry.entryId, { sequence: entry.sequence, kind: entry.kind, amountYuan: entry.amountYuan });
    else found.set(id, { sequence: applied.sequence, unreadable: true });
  }
  return found;
}
