/**
 * The matching data a reconciliation checks the ledger against (DOMAIN §6): decisions live with the
 * cases, payments and confirmations in the payment store. The core sees them only through this
 * port, so it is tested over in-memory data and runs over the real stores through an adapter
 * (functions/services/finance/matching-source.ts). Every call takes a bounded batch.
 */
import type { ChainedEntry } from "../ledger/canonical.ts";
import type { LedgerEntry } from "../ledger/entry.ts";
import { Yuan } from "../money/yuan.ts";
import type { Period } from "./period.ts";

/**
 * What matching reads of a draw: its content and place in the chain, not the balances after it.
 * A draw read in integer fen (core/ledger `readStoredFen`) also carries `amountFen`, and then makes
 * its `amountYuan` only when asked for (a discrepancy row): a long period matches a million draws.
 */
export type MatchableDraw = LedgerEntry & { sequence: number; amountFen?: number };

/**
 * An amount as a store hands it over: in decimals, or in integer fen when the store read its text
 * straight to fen (`Yuan.fenOfText`: no decimal per fact), or both (then equal).
 */
export interface FactAmount {
  amountYuan?: Yuan;
  /** Integer fen below 10^15 (core/ledger FAST_FEN_LIMIT), equal to `amountYuan` when both are given. */
  amountFen?: number;
}

/** The approved decision a draw pays out. */
export interface DecisionFact extends FactAmount {
  decisionId: string;
  approved: boolean;
  /** The approved amount, when the decision names one for this payment (in either form). */
  amountYuan?: Yuan;
}

/** The payment that carried a draw: a bank attempt or a cash hand-over; its amount in either form. */
export type PaymentFact = PaymentFactFields &
  ({ amountYuan: Yuan; amountFen?: number } | { amountYuan?: Yuan; amountFen: number });

interface PaymentFactFields {
  paymentId: string;
  method: "bank" | "cash";
  status: "instructed" | "confirmed" | "failed" | "cancelled";
  bankReference?: string;
  /** Cash only: whether each signature is on record (DOMAIN §3.3). */
  signatures?: { receiver: boolean; officer: boolean };
  /** Who was paid (personal data: masked per role in exports, never logged). */
  payeeName?: string;
  /** The payee's account, already masked by the payment store. */
  accountMasked?: string;
}

export interface DrawFacts {
  decision?: DecisionFact;
  payment?: PaymentFact;
}

/** A bank or cash confirmation of the township in the period. */
export interface ConfirmationFact {
  bankReference: string;
  method: "bank" | "cash";
  amountYuan: Yuan;
  confirmedAt: string;
  caseId?: string;
  obligationId?: string;
  paymentId?: string;
  /** The ledger entry id of the draw that funded the payment. */
  drawEntryId?: string;
}

/** A draw of the fund's ledger, found by its entry id (whatever period it was booked in). */
export type LedgerDrawFact =
  | { sequence: number; kind: ChainedEntry["kind"]; amountYuan: Yuan }
  /** The entry exists but its stored text cannot be read: the chain check reports it already. */
  | { sequence: number; unreadable: true };

export interface MatchingSource {
  /** Facts for a batch of draws (at most `MATCH_BATCH_MAX`), keyed by entry id; absent = nothing found. */
  drawFacts(fundId: string, draws: readonly MatchableDraw[]): Promise<Map<string, DrawFacts>>;
  /** The township's confirmations in the period, in any order, one page at a time. */
  confirmations(fundId: string, period: Period): AsyncIterable<ConfirmationFact>;
  /** The ledger entries with these ids (at most `MATCH_BATCH_MAX`), keyed by entry id. */
  ledgerEntries(fundId: string, entryIds: readonly string[]): Promise<Map<string, LedgerDrawFact>>;
}

/** A fact's amount in decimals, whichever form it came in; undefined when it names none. */
export function yuanOfFact(fact: FactAmount): Yuan | undefined {
  return fact.amountYuan ?? (fact.amountFen === undefined ? undefined : Yuan.fromFen(fact.amountFen));
}

/**
 * True when a fact names exactly the draw's amount: compared in integer fen when both were read in
 * fen (no decimal made), else in decimals. The same answer either way: fen and decimals are both exact.
 */
export function sameAmount(draw: MatchableDraw, fact: FactAmount): boolean {
  if (draw.amountFen !== undefined && fact.amountFen !== undefined) return draw.amountFen === fact.amountFen;
  const amount = yuanOfFact(fact);
  return amount !== undefined && draw.amountYuan.equals(amount);
}

/** Draws or confirmations looked up per call: memory stays bounded whatever the period holds. */
export const MATCH_BATCH_MAX = 100;
