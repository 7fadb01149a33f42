/**
 * Test chains of ledger entries as the writer keeps them: each entry applied to the balances before
 * it (an entry the fund would refuse is skipped), chained to the previous hash, and the head it
 * leaves. Shared by the property tests of the fen replay and the reconciliation.
 */
import { canonicalEncoding, type StoredEntry } from "#core/ledger/canonical.ts";
import {
  applyEffect,
  type ChainedEntry,
  chainEntry,
  EMPTY_BALANCES,
  type FundBalances,
  GENESIS_HASH,
  type HeadSnapshot,
  type LedgerEntry,
} from "#core/ledger/index.ts";

/** `entryFor` builds each step's entry for the sequence it would take (`e-<sequence>` is its id). */
export function chainOf<S>(
  steps: readonly S[],
  entryFor: (step: S, sequence: number) => Omit<LedgerEntry, "entryId">,
): { entries: ChainedEntry[]; head: HeadSnapshot } {
  let balances: FundBalances = EMPTY_BALANCES;
  let prevHash = GENESIS_HASH;
  const entries: ChainedEntry[] = [];
  for (const step of steps) {
    const sequence = entries.length + 1;
    const entry = { ...entryFor(step, sequence), entryId: `e-${sequence}` } as LedgerEntry;
    const effect = applyEffect(balances, entry);
    if (!effect.ok) continue;
    const chained = chainEntry(entry, sequence, prevHash, effect.after);
    entries.push(chained);
    balances = effect.after;
    prevHash = chained.entryHash;
  }
  const last = entries.at(-1) as ChainedEntry;
  return { entries, head: { sequence: last.sequence, headHash: last.entryHash, balances } };
}

/** An entry as the store keeps it: the canonical text, its sequence and the hash stored with it. */
export function storedOf(entry: ChainedEntry): StoredEntry {
  const { entryHash, ...unhashed } = entry;
  return { text: canonicalEncoding(unhashed), sequence: entry.sequence, storedHash: entryHash };
}
