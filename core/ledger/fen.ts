/**
 * The replay's hot loop in integer fen (分): the same effects as `effects.ts`, on plain integer
 * Numbers instead of decimal.js, for reading long histories (a period of 1,000,000 entries).
 * No float ever holds money here: every value is an integer of fen below `FAST_FEN_LIMIT`, so
 * any sum or difference of two of them stays an exact safe integer (DOMAIN §5 needs the replay
 * exact to the fen). Amounts outside that range simply take the decimal path (`effects.ts`), and
 * test/unit/ledger/fen-replay.test.ts proves both paths give the same answers.
 */
import { Yuan } from "../money/yuan.ts";
import type { FundBalances } from "./effects.ts";
import type { DrawKind, EntryKind } from "./entry.ts";

/** A fund's balances in integer fen. */
export interface FenBalances {
  quota: number;
  balance: number;
  committed: number;
}

export const EMPTY_FEN_BALANCES: FenBalances = { quota: 0, balance: 0, committed: 0 };

/**
 * Amounts read the fast way stay below 10^15 fen (¥10 trillion, 13 digits of yuan): the sum of
 * two stays below 2^53, so it is exact. Larger amounts are legal and go the decimal way.
 */
export const FAST_FEN_LIMIT = 1_000_000_000_000_000; // not-policy: 10^15 fen keeps a sum of two below 2^53
/** Integer fen of a Yuan when it lies in the fast range [0, FAST_FEN_LIMIT), else `undefined`. */
export function fenOfYuan(yuan: Yuan): number | undefined {
  if (yuan.isNegative()) return undefined;
  const fen = Number(yuan.toFenString());
  return fen < FAST_FEN_LIMIT ? fen : undefined;
}

export function fenBalancesOf(balances: FundBalances): FenBalances | undefined {
  const quota = fenOfYuan(balances.quota);
  const balance = fenOfYuan(balances.balance);
  const committed = fenOfYuan(balances.committed);
  if (quota === undefined || balance === undefined || committed === undefined) return undefined;
  return { quota, balance, committed };
}

export function yuanBalancesOf(fen: FenBalances): FundBalances {
  return {
    quota: Yuan.fromFen(fen.quota),
    balance: Yuan.fromFen(fen.balance),
    committed: Yuan.fromFen(fen.committed),
  };
}

/**
 * `applyEffect` in fen for balances and an amount in the fast range: the balances after, or
 * `undefined` where `applyEffect` refuses the entry (the caller asks `applyEffect` for the reason).
 */
export function applyEffectFen(
  before: FenBalances,
  kind: EntryKind,
  drawKind: DrawKind | undefined,
  amountFen: number,
): FenBalances | undefined {
  const after = { quota: 0, balance: 0, committed: 0 };
  return effectInto(before, kind, drawKind, amountFen, after) ? after : undefined;
}

/** Where `effectGives` works out the balances: one object for every entry, not one per entry. */
const scratch: FenBalances = { quota: 0, balance: 0, committed: 0 };

/**
 * True when `applyEffect(before, entry)` accepts the entry and gives exactly `after`: the replay's
 * check in fen.
 */
export function effectGives(
  before: FenBalances,
  kind: EntryKind,
  drawKind: DrawKind | undefined,
  amountFen: number,
  after: FenBalances,
): boolean {
  return effectInto(before, kind, drawKind, amountFen, scratch) && sameFenBalances(scratch, after);
}

/** The effect itself: writes the balances after into `out`; false where `applyEffect` refuses. */
function effectInto(
  before: FenBalances,
  kind: EntryKind,
  drawKind: DrawKind | undefined,
  amountFen: number,
  out: FenBalances,
): boolean {
  if (amountFen <= 0) return false;
  let { quota, balance, committed } = before;
  switch (kind) {
    case "allocation":
      // DOMAIN §5: an allocation sets up or raises the quota, and the money arrives with it.
      quota += amountFen;
      balance += amountFen;
      break;
    case "draw":
      // A stage draw spends money that the approved plan had already committed (DOMAIN §4).
      balance -= amountFen;
      if (drawKind === "stage") committed -= amountFen;
      break;
    case "commit":
      committed += amountFen;
      break;
    case "release":
      committed -= amountFen;
      break;
    case "reversal":
    case "recovery":
      balance += amountFen;
      break;
    case "replenishment":
      balance += amountFen;
      // DOMAIN §5/§6: replenishment fills the fund up to its quota, never beyond.
      if (balance > before.quota) return false;
      break;
  }
  if (committed < 0 || balance < committed) return false;
  out.quota = quota;
  out.balance = balance;
  out.committed = committed;
  return true;
}

export function sameFenBalances(a: FenBalances, b: FenBalances): boolean {
  return a.quota === b.quota && a.balance === b.balance && a.committed === b.committed;
}
