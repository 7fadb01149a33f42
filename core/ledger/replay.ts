/**
 * Replay and chain check (DOMAIN §5: the balance equals the replay of its entries; tampering is
 * detectable). `ChainVerifier` takes entries one at a time so a store can stream a fund's history
 * page by page; `replay` is the same over an in-memory list (reconciliation, tests).
 */

import { type ChainedEntry, decodeStored, GENESIS_HASH, hashEntry, type StoredEntry } from "./canonical.ts";
import { applyEffect, EMPTY_BALANCES, type FundBalances, sameBalances } from "./effects.ts";
import { EMPTY_FEN_BALANCES, effectGives, type FenBalances, fenBalancesOf, yuanBalancesOf } from "./fen.ts";
import { sha256OfScanned } from "./scanner.ts";
import { chainedOf, isPlainText, readPlainStored, type StoredFenEntry } from "./stored.ts";

export interface ReplayState {
  /** Sequence of the last entry replayed; 0 before the first. */
  sequence: number;
  /** Hash of the last entry replayed; GENESIS_HASH before the first. */
  headHash: string;
  balances: FundBalances;
}

export const GENESIS_STATE: ReplayState = { sequence: 0, headHash: GENESIS_HASH, balances: EMPTY_BALANCES };

export type ReplayResult =
  | { ok: true; state: ReplayState }
  | {
      ok: false;
      /** State after the last entry that checked out. */
      state: ReplayState;
      /** The first sequence number at which the history stops being the truth. */
      firstBadSequence: number;
      problem: string;
    };

/** The head as a store keeps it, to compare with the replay. */
export interface HeadSnapshot {
  sequence: number;
  headHash: string;
  balances: FundBalances;
}

/** What `pushStoredFen` read: the fen entry when the fast reader took it, else the decoded entry. */
export type StoredPush =
  | { ok: boolean; fen: StoredFenEntry; entry?: undefined }
  | { ok: boolean; fen?: undefined; entry: ChainedEntry };

export class ChainVerifier {
  private sequence = 0;
  private headHash = GENESIS_HASH;
  /** The replayed balances: at least one of the two is set; the other is derived when asked for. */
  private balancesYuan: FundBalances | undefined = EMPTY_BALANCES;
  private balancesFen: FenBalances | undefined = EMPTY_FEN_BALANCES;
  /** False while `balancesFen` has not been derived from `balancesYuan` yet. */
  private fenKnown = true;
  private failure: { firstBadSequence: number; problem: string } | undefined;

  /** A fund id JSON writes as it is (no escapes): the fast reader compares it in place. */
  private readonly fundIdPlain: boolean;
  /**
   * The same for the head hash (a SHA-256 in hex whenever an entry was accepted; checked when the
   * head moves the long way, so the fast reader may compare it in place).
   */
  private headPlain = true;

  constructor(private readonly fundId: string) {
    this.fundIdPlain = isPlainText(fundId);
  }

  get state(): ReplayState {
    return { sequence: this.sequence, headHash: this.headHash, balances: this.balances() };
  }

  /** Feeds the next entry in sequence order; false once the chain is broken (later entries are ignored). */
  push(entry: ChainedEntry): boolean {
    if (this.failure) return false;
    return this.accept(entry, () => hashEntry(entry) === entry.entryHash);
  }

  /**
   * The same check over an entry as stored: the hash is taken over the stored canonical text itself
   * (no re-encoding). Throws `UnreadableEntryError` where `decodeCanonical` would. Returns the
   * decoded entry and whether the chain still holds.
   */
  pushStored(stored: StoredEntry): { entry: ChainedEntry; ok: boolean } {
    const pushed = this.pushStoredFen(stored);
    return { entry: pushed.entry ?? chainedOf(pushed.fen), ok: pushed.ok };
  }

  /**
   * `pushStored` for long replays: plain canonical text is read and checked in integer fen
   * (`readStoredFen`, `applyEffectFen`) and handed back as a `FenEntry`, without decimals; anything
   * else, and any entry that does not check out, goes through the very checks of `push`, so the
   * verdicts and the problems named are the same whichever way an entry went.
   */
  pushStoredFen(stored: StoredEntry): StoredPush {
    const fen = this.pushPlain(stored);
    if (fen) return { fen, ok: true };
    // Anything else the long way, with exactly the checks and problems of `push`.
    const { entry, hashMatches } = decodeStored(stored);
    if (this.failure) return { entry, ok: false };
    return { entry, ok: this.accept(entry, () => hashMatches) };
  }

  /**
   * The hot half of `pushStoredFen`, for a replay of a million entries: the entry read and checked
   * in fen when it reads plainly, links to the head, has the effect its balances say and matches its
   * hash (then it is accepted, as `pushStoredFen` would); else undefined and nothing changed, and
   * the caller hands the entry to `pushStoredFen`, which checks it the long way.
   */
  pushPlain(stored: StoredEntry): StoredFenEntry | undefined {
    return this.failure ? undefined : this.acceptFen(stored);
  }

  /**
   * The entry read and checked in fen when it reads plainly, links to the head, has the effect
   * its balances say and matches its hash; else undefined and nothing changed (the caller then
   * checks it the long way, which finds the same or names what is wrong).
   */
  private acceptFen(stored: StoredEntry): StoredFenEntry | undefined {
    if (stored.sequence !== this.sequence + 1 || !this.fundIdPlain || !this.headPlain) return undefined;
    const before = this.fenBalances();
    if (!before) return undefined;
    const entry = readPlainStored(stored, this.headHash, this.fundId);
    if (!entry || !effectGives(before, entry.kind, entry.drawKind, entry.amountFen, entry.after)) {
      return undefined;
    }
    if (stored.bookedAtCopy !== undefined && stored.bookedAtCopy !== entry.bookedAt) return undefined;
    if (sha256OfScanned(stored.text) !== entry.entryHash) return undefined;
    this.sequence = entry.sequence;
    this.headHash = entry.entryHash;
    this.balancesFen = entry.after;
    this.fenKnown = true;
    this.balancesYuan = undefined;
    return entry;
  }

  private accept(entry: ChainedEntry, hashMatches: () => boolean): boolean {
    const problem = this.check(entry, hashMatches);
    if (problem) {
      this.failure = problem;
      return false;
    }
    this.sequence = entry.sequence;
    this.headHash = entry.entryHash;
    this.headPlain = isPlainText(entry.entryHash);
    this.balancesYuan = entry.after;
    this.fenKnown = false;
    return true;
  }

  private balances(): FundBalances {
    this.balancesYuan ??= yuanBalancesOf(this.balancesFen as FenBalances);
    return this.balancesYuan;
  }

  private fenBalances(): FenBalances | undefined {
    if (!this.fenKnown) {
      this.balancesFen = fenBalancesOf(this.balances());
      this.fenKnown = true;
    }
    return this.balancesFen;
  }

  /** The verdict; with `head`, the stored head must equal the replay exactly. */
  finish(head?: HeadSnapshot): ReplayResult {
    const state = this.state;
    if (this.failure) return { ok: false, state, ...this.failure };
    if (head) {
      if (head.sequence < state.sequence) {
        return fail(state, head.sequence + 1, `entry ${head.sequence + 1} lies beyond the head (inserted)`);
      }
      if (head.sequence > state.sequence) {
        return fail(state, state.sequence + 1, `entry ${state.sequence + 1} is missing (deleted)`);
      }
      if (head.headHash !== state.headHash || !sameBalances(head.balances, state.balances)) {
        return fail(state, head.sequence, "the stored head differs from the replay of its entries");
      }
    }
    return { ok: true, state };
  }

  private check(
    entry: ChainedEntry,
    hashMatches: () => boolean,
  ): { firstBadSequence: number; problem: string } | undefined {
    const expected = this.sequence + 1;
    if (entry.sequence > expected) {
      return { firstBadSequence: expected, problem: `entry ${expected} is missing (deleted)` };
    }
    if (entry.sequence < expected) {
      return {
        firstBadSequence: entry.sequence,
        problem: `entry ${entry.sequence} appears twice or out of order`,
      };
    }
    if (entry.fundId !== this.fundId) {
      return { firstBadSequence: expected, problem: `entry ${expected} belongs to fund ${entry.fundId}` };
    }
    if (!hashMatches()) {
      return { firstBadSequence: expected, problem: `entry ${expected} does not match its hash (edited)` };
    }
    if (entry.prevHash !== this.headHash) {
      return {
        firstBadSequence: expected,
        problem: `entry ${expected} does not link to entry ${expected - 1} (inserted or re-chained)`,
      };
    }
    const effect = applyEffect(this.balances(), entry);
    if (!effect.ok) {
      return { firstBadSequence: expected, problem: `entry ${expected} breaks the fund: ${effect.message}` };
    }
    if (!sameBalances(effect.after, entry.after)) {
      return {
        firstBadSequence: expected,
        problem: `entry ${expected} records balances its effect does not give`,
      };
    }
    return undefined;
  }
}

function fail(state: ReplayState, firstBadSequence: number, problem: string): ReplayResult {
  return { ok: false, state, firstBadSequence, problem };
}

/** Replays a fund's entries (in sequence order) from genesis, checking the chain as it goes. */
export function replay(fundId: string, entries: Iterable<ChainedEntry>, head?: HeadSnapshot): ReplayResult {
  const verifier = new ChainVerifier(fundId);
  for (const entry of entries) {
    if (!verifier.push(entry)) break;
  }
  return verifier.finish(head);
}

/** The same over a stream, holding one entry at a time. */
export async function replayStream(
  fundId: string,
  entries: AsyncIterable<ChainedEntry>,
  head?: HeadSnapshot,
): Promise<ReplayResult> {
  const verifier = new ChainVerifier(fundId);
  for await (const entry of entries) {
    if (!verifier.push(entry)) break;
  }
  return verifier.finish(head);
}
