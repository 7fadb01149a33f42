/**
 * The fund-ledger and payment half of DOMAIN §5, checked on what is STORED (read without faults) —
 * shared by the ledger+payments model (model/invariants.ts) and the full-flow county simulation
 * (county/invariants.ts):
 *
 * - Σ entries = balance (and Σ commits − releases − stage draws = committed), from an empty fund;
 * - balance ≥ committed ≥ 0 after every entry and at the head;
 * - the chain verifies (`LedgerStore.verify`);
 * - the stored head = the replay of its entries;
 * - no obligation paid twice (`checkPaidOnce`).
 */
import type { LedgerStore } from "#adapters/ledger/index.ts";
import { instructionIdFor } from "#adapters/payments/gateway.ts";
import type { PaymentStore } from "#adapters/payments/payment-store.ts";
import { type ChainedEntry, replay } from "#core/ledger/index.ts";
import { Yuan } from "#core/money/index.ts";

export type FundInvariant =
  | "sum-of-entries"
  | "balance>=committed>=0"
  | "chain-verifies"
  | "head-equals-replay";

export async function checkFundLedger(
  store: LedgerStore,
  fundId: string,
  fail: (invariant: FundInvariant, detail: string) => void,
): Promise<ChainedEntry[]> {
  const head = await store.readHead(fundId);
  if (!head) {
    fail("head-equals-replay", `fund ${fundId} has no head`);
    return [];
  }
  const entries: ChainedEntry[] = [];
  for await (const entry of store.streamEntries(fundId, { consistentRead: true })) entries.push(entry);

  let balance = Yuan.zero;
  let committed = Yuan.zero;
  for (const e of entries) {
    if (e.kind === "draw") {
      balance = balance.minus(e.amountYuan);
      if (e.drawKind === "stage") committed = committed.minus(e.amountYuan);
    } else if (e.kind === "commit") committed = committed.plus(e.amountYuan);
    else if (e.kind === "release") committed = committed.minus(e.amountYuan);
    else balance = balance.plus(e.amountYuan);
    if (e.after.balance.lessThan(e.after.committed) || e.after.committed.isNegative()) {
      fail(
        "balance>=committed>=0",
        `${fundId} entry ${e.sequence}: balance ${e.after.balance} committed ${e.after.committed}`,
      );
    }
  }
  if (!balance.equals(head.balances.balance) || !committed.equals(head.balances.committed)) {
    fail(
      "sum-of-entries",
      `${fundId}: Σ entries balance ${balance} committed ${committed}, head ${head.balances.balance} / ${head.balances.committed}`,
    );
  }
  if (head.balances.balance.lessThan(head.balances.committed) || head.balances.committed.isNegative()) {
    fail(
      "balance>=committed>=0",
      `${fundId} head: balance ${head.balances.balance} committed ${head.balances.committed}`,
    );
  }
  const verified = await store.verify(fundId);
  if (!verified.ok)
    fail("chain-verifies", `${fundId}: entry ${verified.firstBadSequence}: ${verified.problem}`);
  const replayed = replay(fundId, entries, {
    sequence: head.sequence,
    headHash: head.headHash,
    balances: head.balances,
  });
  if (!replayed.ok) fail("head-equals-replay", `${fundId}: ${replayed.problem}`);
  return entries;
}

/**
 * No obligation paid twice: ≤ 1 confirmed attempt, ≤ 1 transfer paid by the bank, and the fund's net
 * outflow for it (draws − reversals) 0 or its amount — its amount once paid, by exactly one bank
 * transfer (or none, when it was paid in cash).
 */
export async function checkPaidOnce(
  payments: PaymentStore,
  obligationIds: Iterable<string>,
  entries: readonly ChainedEntry[],
  transfers: readonly { instructionId: string; status: string }[],
  fail: (invariant: "no-double-payment", detail: string) => void,
): Promise<void> {
  for (const obligationId of [...new Set(obligationIds)].sort()) {
    const payment = await payments.getPayment(obligationId);
    if (!payment) {
      fail("no-double-payment", `${obligationId}: drawn for, but no obligation is stored`);
      continue;
    }
    const amount = Yuan.parse(payment.obligation.amountYuan);
    const confirmed = payment.attempts.filter((a) => a.status === "confirmed");
    if (confirmed.length > 1)
      fail("no-double-payment", `${obligationId}: ${confirmed.length} confirmed attempts`);
    const instructionIds = new Set(
      Array.from({ length: Math.max(payment.obligation.currentAttempt, 1) }, (_, i) =>
        instructionIdFor(obligationId, i + 1),
      ),
    );
    const bankPaid = transfers.filter((t) => instructionIds.has(t.instructionId) && t.status === "confirmed");
    if (bankPaid.length > 1)
      fail("no-double-payment", `${obligationId}: the bank paid ${bankPaid.length} transfers`);
    const own = entries.filter((e) => e.reference.obligationId === obligationId);
    const net = Yuan.sum(own.filter((e) => e.kind === "draw").map((e) => e.amountYuan)).minus(
      Yuan.sum(own.filter((e) => e.kind === "reversal").map((e) => e.amountYuan)),
    );
    if (!net.isZero() && !net.equals(amount))
      fail(
        "no-double-payment",
        `${obligationId}: the fund paid out ${net} net for an obligation of ${amount}`,
      );
    if (payment.obligation.status !== "paid") continue;
    if (!net.equals(amount))
      fail("no-double-payment", `${obligationId}: paid, but the fund's net outflow for it is ${net}`);
    if (confirmed[0]?.method === "cash") {
      if (bankPaid.length !== 0) fail("no-double-payment", `${obligationId}: paid in cash AND by the bank`);
    } else if (bankPaid.length !== 1) {
      fail("no-double-payment", `${obligationId}: paid, but the bank confirmed ${bankPaid.length} transfers`);
    }
  }
}
