/**
 * Replay and chain check (DOMAIN §5: the balance equals the replay of its entries; tampering is
 * detectable). `ChainVerifier` takes entries one at a time so a store can stream a fund's history
 * page by page; `replay` is the same over an in-memory list (reconciliation, tests).
 */

import { type ChainedEntry, decodeStored, GENESIS_HASH, hashEntry, type StoredEntry } from "./canonical.ts";
import { applyEffect, EMPTY_BALANCES, type FundBalances, sameBalances } from "./effects.ts";

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

export class ChainVerifier {
  private current: ReplayState = GENESIS_STATE;
  private failure: { firstBadSequence: number; problem: string } | undefined;

  constructor(private readonly fundId: string) {}

  get state(): ReplayState {
    return this.current;
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
    const { entry, hashMatches } = decodeStored(stored);
    if (this.failure) return { entry, ok: false };
    return { entry, ok: this.accept(entry, () => hashMatches) };
  }

  private accept(entry: ChainedEntry, hashMatches: () => boolean): boolean {
    const problem = this.check(entry, hashMatches);
    if (problem) {
      this.failure = problem;
      return false;
    }
    this.current = { sequence: entry.sequence, headHash: entry.entryHash, balances: entry.after };
    return true;
  }

  /** The verdict; with `head`, the stored head must equal the replay exactly. */
  finish(head?: HeadSnapshot): ReplayResult {
    if (this.failure) return { ok: false, state: this.current, ...this.failure };
    const state = this.current;
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
    const expected = this.current.sequence + 1;
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
    if (entry.prevHash !== this.current.headHash) {
      return {
        firstBadSequence: expected,
        problem: `entry ${expected} does not link to entry ${expected - 1} (inserted or re-chained)`,
      };
    }
    const effect = applyEffect(this.current.balances, entry);
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
