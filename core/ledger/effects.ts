/**
 * The effect of each entry kind on a fund (DOMAIN §5) and the invariant `balance ≥ committed ≥ 0`.
 * Pure: the writer validates every entry against the running head with this, and replay uses the
 * very same function, so "head = replay of its entries" cannot drift between the two.
 */
import { Yuan } from "../money/yuan.ts";
import type { LedgerEntry } from "./entry.ts";

export interface FundBalances {
  /** Total allocated by county finance: the ceiling for replenishment. */
  quota: Yuan;
  /** Money in the fund. */
  balance: Yuan;
  /** Promised to approved stage plans. */
  committed: Yuan;
}

export const EMPTY_BALANCES: FundBalances = { quota: Yuan.zero, balance: Yuan.zero, committed: Yuan.zero };

export function availableOf(balances: FundBalances): Yuan {
  return balances.balance.minus(balances.committed);
}

export type EffectRejection = "insufficient-funds" | "invalid";

export type EffectResult =
  | { ok: true; after: FundBalances }
  | { ok: false; reason: EffectRejection; message: string; messageZh: string };

export function applyEffect(
  before: FundBalances,
  entry: Pick<LedgerEntry, "kind" | "drawKind" | "amountYuan">,
): EffectResult {
  const amount = entry.amountYuan;
  if (!amount.isPositive()) {
    return { ok: false, reason: "invalid", message: "amount must be positive", messageZh: "金额必须大于零" };
  }
  let after: FundBalances;
  switch (entry.kind) {
    case "allocation":
      // DOMAIN §5: an allocation sets up or raises the quota, and the money arrives with it.
      after = { ...before, quota: before.quota.plus(amount), balance: before.balance.plus(amount) };
      break;
    case "draw":
      // A stage draw spends money that the approved plan had already committed (DOMAIN §4).
      after = {
        ...before,
        balance: before.balance.minus(amount),
        committed: entry.drawKind === "stage" ? before.committed.minus(amount) : before.committed,
      };
      break;
    case "commit":
      after = { ...before, committed: before.committed.plus(amount) };
      break;
    case "release":
      after = { ...before, committed: before.committed.minus(amount) };
      break;
    case "reversal":
    case "recovery":
      after = { ...before, balance: before.balance.plus(amount) };
      break;
    case "replenishment":
      after = { ...before, balance: before.balance.plus(amount) };
      // DOMAIN §5/§6: replenishment fills the fund up to its quota, never beyond.
      if (after.balance.greaterThan(before.quota)) {
        return {
          ok: false,
          reason: "invalid",
          message: `replenishment would raise the balance above the quota ${before.quota.toString()}`,
          messageZh: `补足后余额将超过额度 ${before.quota.format()}`,
        };
      }
      break;
  }
  if (after.committed.isNegative()) {
    return {
      ok: false,
      reason: "invalid",
      message: `${entry.kind} of ${amount.toString()} exceeds the committed ${before.committed.toString()}`,
      messageZh: `金额超过已承诺的 ${before.committed.format()}`,
    };
  }
  if (after.balance.lessThan(after.committed)) {
    return {
      ok: false,
      reason: "insufficient-funds",
      message: `${entry.kind} of ${amount.toString()} exceeds the available ${availableOf(before).toString()}`,
      messageZh: `备用金可用余额不足（可用 ${availableOf(before).format()}）`,
    };
  }
  return { ok: true, after };
}

export function sameBalances(a: FundBalances, b: FundBalances): boolean {
  return a.quota.equals(b.quota) && a.balance.equals(b.balance) && a.committed.equals(b.committed);
}
