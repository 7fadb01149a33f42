import { createHash } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeStored, type StoredEntry } from "#core/ledger/canonical.ts";
import {
  applyEffect,
  type ChainedEntry,
  ChainVerifier,
  canonicalEncoding,
  chainEntry,
  decodeCanonical,
  EMPTY_BALANCES,
  GENESIS_HASH,
  type HeadSnapshot,
  hashEntry,
  type LedgerEntry,
} from "#core/ledger/index.ts";
import { Yuan } from "#core/money/yuan.ts";

const FUND = "township-unit";
const sha = (text: string) => createHash("sha256").update(text, "utf8").digest("hex");

type Step = { kind: LedgerEntry["kind"]; fen: number; ref: boolean };

/** A valid chain: steps that would break the fund are skipped, as the writer would refuse them. */
function buildChain(steps: Step[]): { stored: StoredEntry[]; head: HeadSnapshot } {
  let balances = EMPTY_BALANCES;
  let prevHash = GENESIS_HASH;
  const stored: StoredEntry[] = [];
  for (const step of [{ kind: "allocation", fen: 5_000_000, ref: false } as Step, ...steps]) {
    const sequence = stored.length + 1;
    const entry: LedgerEntry = {
      entryId: `e-${sequence}`,
      fundId: FUND,
      kind: step.kind,
      ...(step.kind === "draw" ? { drawKind: "advance" as const } : {}),
      amountYuan: Yuan.fromFen(step.fen),
      bookedAt: `2025-07-01T00:00:${String(sequence % 60).padStart(2, "0")}.000Z`,
      reference: step.ref ? { caseId: `c-${sequence}`, flow: "A" } : {},
    };
    const effect = applyEffect(balances, entry);
    if (!effect.ok) continue;
    const chained = chainEntry(entry, sequence, prevHash, effect.after);
    const { entryHash, ...unhashed } = chained;
    stored.push({ text: canonicalEncoding(unhashed), sequence, storedHash: entryHash });
    balances = effect.after;
    prevHash = entryHash;
  }
  const last = stored.at(-1) as StoredEntry;
  return { stored, head: { sequence: last.sequence, headHash: last.storedHash, balances } };
}

/** Edits the JSON array of a stored entry, optionally re-hashing the edited text (a careful forger). */
function editFields(
  s: StoredEntry,
  edit: (fields: unknown[]) => void,
  rehash: boolean,
  spacing = false,
): StoredEntry {
  const fields = JSON.parse(s.text) as unknown[];
  edit(fields);
  const text = spacing ? JSON.stringify(fields, null, 1) : JSON.stringify(fields);
  return { ...s, text, storedHash: rehash ? sha(text) : s.storedHash };
}

const setField =
  (index: number, value: (old: unknown) => unknown) =>
  (fields: unknown[]): void => {
    fields[index] = value(fields[index]);
  };

const AMOUNT_AT = 7;
const SEQUENCE_AT = 1;
const CASE_AT = 9;

type Tamper = (list: StoredEntry[], at: number, rehash: boolean) => StoredEntry[];

const TAMPERS: Record<string, Tamper> = {
  "edited amount": (l, i, r) =>
    l.map((s, j) =>
      j === i
        ? editFields(
            s,
            setField(AMOUNT_AT, () => "1.00"),
            r,
          )
        : s,
    ),
  "amount spelled differently": (l, i, r) =>
    l.map((s, j) =>
      j === i
        ? editFields(
            s,
            setField(AMOUNT_AT, (v) => String(v).replace(/0$/, "")),
            r,
          )
        : s,
    ),
  "amount with a sign": (l, i, r) =>
    l.map((s, j) =>
      j === i
        ? editFields(
            s,
            setField(AMOUNT_AT, (v) => `-${String(v)}`),
            r,
          )
        : s,
    ),
  "reference as a number": (l, i, r) =>
    l.map((s, j) =>
      j === i
        ? editFields(
            s,
            setField(CASE_AT, () => 7),
            r,
          )
        : s,
    ),
  "sequence field rewritten": (l, i, r) =>
    l.map((s, j) =>
      j === i
        ? editFields(
            s,
            setField(SEQUENCE_AT, (v) => Number(v) + 1),
            r,
          )
        : s,
    ),
  "same fields, other spacing": (l, i, r) =>
    l.map((s, j) => (j === i ? editFields(s, () => {}, r, true) : s)),
  deleted: (l, i) => l.filter((_, j) => j !== i).map((s, j) => ({ ...s, sequence: j + 1 })),
  inserted: (l, i) =>
    [...l.slice(0, i), l[i] as StoredEntry, ...l.slice(i)].map((s, j) => ({ ...s, sequence: j + 1 })),
  reordered: (l, i) => {
    const k = Math.min(i + 1, l.length - 1);
    const copy = [...l];
    [copy[i], copy[k]] = [copy[k] as StoredEntry, copy[i] as StoredEntry];
    return copy.map((s, j) => ({ ...s, sequence: j + 1 }));
  },
  "garbage text": (l, i, r) =>
    l.map((s, j) =>
      j === i ? { ...s, text: `${s.text.slice(0, 20)}`, storedHash: r ? sha(s.text) : s.storedHash } : s,
    ),
  "not an encoding": (l, i) => l.map((s, j) => (j === i ? { ...s, text: '["x"]' } : s)),
};

type Verdict = { pushes: boolean[]; unreadable?: string; result: unknown };

/** The existing path: decode, then `push` (which re-encodes and hashes). */
function viaDecode(list: StoredEntry[], head: HeadSnapshot): Verdict {
  const verifier = new ChainVerifier(FUND);
  const pushes: boolean[] = [];
  for (const s of list) {
    let entry: ChainedEntry;
    try {
      entry = { ...decodeCanonical(s.text, s.sequence), entryHash: s.storedHash };
    } catch (error) {
      return { pushes, unreadable: (error as Error).message, result: verifier.finish(head) };
    }
    pushes.push(verifier.push(entry));
  }
  return { pushes, result: verifier.finish(head) };
}

/** The fast path: `pushStored` hashes the stored text as it is. */
function viaStored(list: StoredEntry[], head: HeadSnapshot): Verdict {
  const verifier = new ChainVerifier(FUND);
  const pushes: boolean[] = [];
  for (const s of list) {
    try {
      pushes.push(verifier.pushStored(s).ok);
    } catch (error) {
      return { pushes, unreadable: (error as Error).message, result: verifier.finish(head) };
    }
  }
  return { pushes, result: verifier.finish(head) };
}

const stepArb = fc.record({
  kind: fc.constantFrom<LedgerEntry["kind"]>(
    "draw",
    "commit",
    "release",
    "reversal",
    "recovery",
    "replenishment",
  ),
  fen: fc.integer({ min: 1, max: 2_000_000 }),
  ref: fc.boolean(),
});

describe("verifying a fund's chain from its stored canonical text", () => {
  it("gives exactly the verdicts of decoding and re-encoding on random valid chains", () => {
    fc.assert(
      fc.property(fc.array(stepArb, { minLength: 0, maxLength: 25 }), (steps) => {
        // Prepare
        const { stored, head } = buildChain(steps);
        // Act
        const fast = viaStored(stored, head);
        // Assess
        expect(fast).toEqual(viaDecode(stored, head));
        expect(fast.pushes.every(Boolean)).toBe(true);
        expect((fast.result as { ok: boolean }).ok).toBe(true);
      }),
      { numRuns: 150 },
    );
  });

  it("gives exactly the verdicts of decoding and re-encoding on tampered chains", () => {
    fc.assert(
      fc.property(
        fc.array(stepArb, { minLength: 2, maxLength: 20 }),
        fc.constantFrom(...Object.keys(TAMPERS)),
        fc.nat(),
        fc.boolean(),
        (steps, tamperName, where, rehash) => {
          // Prepare
          const { stored, head } = buildChain(steps);
          const tampered = (TAMPERS[tamperName] as Tamper)(stored, where % stored.length, rehash);
          // Act
          const fast = viaStored(tampered, head);
          const slow = viaDecode(tampered, head);
          // Assess
          expect(fast).toEqual(slow);
        },
      ),
      { numRuns: 600 },
    );
  });

  it("refuses a re-hashed entry whose amount is spelled otherwise than the encoding writes it", () => {
    // Prepare
    const { stored } = buildChain([{ kind: "draw", fen: 12_30, ref: true }]);
    const forged = editFields(
      stored[1] as StoredEntry,
      (f) => {
        f[AMOUNT_AT] = "12.3";
      },
      true,
    );
    // Act
    const { entry, hashMatches } = decodeStored(forged);
    // Assess
    expect(entry.amountYuan.toString()).toBe("12.30");
    expect(hashMatches).toBe(false);
    expect(hashEntry(entry) === forged.storedHash).toBe(false);
  });
});

describe("the period copy of bookedAt a store keeps beside the text", () => {
  it("read fast when it agrees; an edited copy names the entry edited, as decoding the item does", () => {
    // Prepare
    const { stored } = buildChain([
      { kind: "draw", fen: 12_345, ref: true },
      { kind: "draw", fen: 678, ref: false },
    ]);
    const withCopies = stored.map((s) => ({
      ...s,
      bookedAtCopy: decodeCanonical(s.text, s.sequence).bookedAt,
    }));
    const edited = withCopies.map((s, i) =>
      i === 1 ? { ...s, bookedAtCopy: "2025-08-01T00:00:00.000Z" } : s,
    );
    // Act
    const agreeing = new ChainVerifier(FUND);
    const fast = withCopies.map((s) => agreeing.pushPlain(s) !== undefined);
    const verifier = new ChainVerifier(FUND);
    for (const s of edited) verifier.pushStoredFen(s);
    // Assess
    expect(fast).toEqual([true, true, true]);
    expect(verifier.finish()).toMatchObject({
      ok: false,
      firstBadSequence: 2,
      problem: "entry 2 does not match its hash (edited)",
    });
  });
});
