/**
 * The fund-ledger half of DOMAIN §5, checked on what is STORED (read without faults) — shared by the
 * ledger+payments model (model/invariants.ts) and the full-flow county simulation
 * (county/invariants.ts):
 *
 * - Σ entries = balance (and Σ commits − releases − stage draws = committed), from an empty fund;
 * - balance ≥ committed ≥ 0 after every entry and at the head;
 * - the chain verifies (`LedgerStore.verify`);
 * - the stored head = the replay of its entries.
 */
import type { LedgerStore } from "#adapters/ledger/index.ts";
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
