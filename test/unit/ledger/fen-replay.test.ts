import { createHash } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeStored, type StoredEntry } from "#core/ledger/canonical.ts";
import { applyEffectFen, FAST_FEN_LIMIT, yuanBalancesOf } from "#core/ledger/fen.ts";
import {
  applyEffect,
  type ChainedEntry,
  ChainVerifier,
  DRAW_KINDS,
  decodeCanonical,
  type EntryReference,
  GENESIS_HASH,
  type HeadSnapshot,
  type LedgerEntry,
} from "#core/ledger/index.ts";
import { chainedOf, readStoredFen } from "#core/ledger/stored.ts";
import { Yuan } from "#core/money/yuan.ts";
import { chainOf, storedOf } from "#test/support/ledger-chain.ts";

const FUND = "230123100";
const sha = (text: string) => createHash("sha256").update(text, "utf8").digest("hex");

/** Amounts at the edges of what the fast path reads (and beyond it, as bigint), and ordinary ones. */
const fenArb: fc.Arbitrary<number | bigint> = fc.oneof(
  fc.constantFrom<number | bigint>(
    1,
    99,
    100,
    99_999_999_99,
    FAST_FEN_LIMIT - 1,
    FAST_FEN_LIMIT,
    10n ** 16n,
    99_999_999_999_999_99n,
  ),
  fc.integer({ min: 1, max: 5_000_000 }),
  fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
);

/** Reference text, plain or not: quotes, backslashes, control chars, CJK, emoji, lone surrogates. */
const refTextArb = fc.oneof(
  fc.constantFrom(
    "c-1",
    "fire",
    "local",
    "张三",
    "火灾",
    "😀",
    'say "hi"',
    "a\\b",
    "tab\there",
    "\u0001",
    "\ud800",
    "x\udc00",
  ),
  fc.string({ minLength: 1, maxLength: 12 }),
  fc.string({ unit: "binary", minLength: 1, maxLength: 6 }),
);

const referenceArb: fc.Arbitrary<EntryReference> = fc
  .record(
    {
      caseId: refTextArb,
      decisionId: refTextArb,
      obligationId: refTextArb,
      paymentId: refTextArb,
      flow: fc.constantFrom("A", "B"),
      hardshipType: refTextArb,
      residency: fc.constantFrom("local", "non-local"),
      actor: refTextArb,
      correlationId: refTextArb,
    },
    { requiredKeys: [] },
  )
  .map((r) => r as EntryReference);

type Step = { kind: LedgerEntry["kind"]; stage: boolean; fen: number | bigint; reference: EntryReference };

const stepArb: fc.Arbitrary<Step> = fc.record({
  kind: fc.constantFrom<LedgerEntry["kind"]>(
    "draw",
    "draw",
    "draw",
    "commit",
    "release",
    "reversal",
    "recovery",
    "replenishment",
    "allocation",
  ),
  stage: fc.boolean(),
  fen: fenArb,
  reference: referenceArb,
});

/** A valid chain as the writer would build it: steps that would break the fund are skipped. */
function buildChain(steps: Step[], openingFen = 50_000_000): { entries: ChainedEntry[]; head: HeadSnapshot } {
  const opening: Step = { kind: "allocation", stage: false, fen: openingFen, reference: {} };
  return chainOf([opening, ...steps], (step, sequence) => ({
    fundId: FUND,
    kind: step.kind,
    ...(step.kind === "draw" ? { drawKind: step.stage ? "stage" : ("advance" as const) } : {}),
    amountYuan: Yuan.fromFen(step.fen),
    bookedAt: new Date(Date.UTC(2026, 9, 1) + sequence * 60_000).toISOString(),
    reference: step.reference,
  }));
}

/** Edits the canonical array of a stored entry and re-hashes it (a careful forger) or not. */
function edit(
  s: StoredEntry,
  change: (fields: unknown[]) => string | undefined,
  rehash: boolean,
): StoredEntry {
  const fields = JSON.parse(s.text) as unknown[];
  const text = change(fields) ?? JSON.stringify(fields);
  return { ...s, text, storedHash: rehash ? sha(text) : s.storedHash };
}

const AMOUNT_AT = 7;
const CASE_AT = 9;
const BALANCE_AT = 19;

type Tamper = (list: StoredEntry[], at: number, rehash: boolean) => StoredEntry[];
const at =
  (change: (fields: unknown[], text: string) => string | undefined): Tamper =>
  (list, i, rehash) =>
    list.map((s, j) => (j === i ? edit(s, (f) => change(f, s.text), rehash) : s));

const TAMPERS: Record<string, Tamper> = {
  "amount edited": at((f) => {
    f[AMOUNT_AT] = "1.00";
    return undefined;
  }),
  "amount and balance edited together": at((f) => {
    f[AMOUNT_AT] = "0.01";
    f[BALANCE_AT] = "0.01";
    return undefined;
  }),
  "amount with fourteen digits of yuan": at((f) => {
    f[AMOUNT_AT] = "12345678901234.00";
    return undefined;
  }),
  "amount with a leading zero": at((f) => {
    f[AMOUNT_AT] = `0${String(f[AMOUNT_AT])}`;
    return undefined;
  }),
  "raw control character in a reference": at((_f, text) => text.replace('"e-', '"\u0001e-')),
  "raw tab in the entry id": at((_f, text) => text.replace('"e-', '"\te-')),
  "lone surrogate in a reference": at((f) => {
    f[CASE_AT] = "\ud800";
    return JSON.stringify(f).replace("\\ud800", "\ud800");
  }),
  "escaped quote in a reference": at((f) => {
    f[CASE_AT] = 'a"b';
    return undefined;
  }),
  "spaces between fields": at((f) => JSON.stringify(f, null, 1)),
  "sequence field rewritten": at((f) => {
    f[1] = Number(f[1]) + 1;
    return undefined;
  }),
  "sequence with a leading zero": at((f, text) => text.replace(`,${String(f[1])},`, `,0${String(f[1])},`)),
  "sequence of twenty digits": at((f, text) => text.replace(`,${String(f[1])},`, `,${"9".repeat(20)},`)),
  "sequence past 2^53": at((f) => {
    f[1] = 2 ** 53 + 1 + Number(f[1]); // not-policy: a sequence no safe integer spells
    return undefined;
  }),
  "kind unknown": at((f) => {
    f[5] = "gift";
    return undefined;
  }),
  "draw kind unknown": at((f) => {
    f[6] = "bonus";
    return undefined;
  }),
  "fund changed": at((f) => {
    f[3] = "230123999";
    return undefined;
  }),
  "link changed": at((f) => {
    f[2] = "f".repeat(64);
    return undefined;
  }),
  "not JSON": at((_f, text) => text.slice(0, 40)),
  deleted: (l, i) => l.filter((_, j) => j !== i).map((s, j) => ({ ...s, sequence: j + 1 })),
  inserted: (l, i) =>
    [...l.slice(0, i), l[i] as StoredEntry, ...l.slice(i)].map((s, j) => ({ ...s, sequence: j + 1 })),
  reordered: (l, i) => {
    const k = Math.min(i + 1, l.length - 1);
    const copy = [...l];
    [copy[i], copy[k]] = [copy[k] as StoredEntry, copy[i] as StoredEntry];
    return copy.map((s, j) => ({ ...s, sequence: j + 1 }));
  },
};

type Verdict = { pushes: boolean[]; entries: unknown[]; unreadable?: string; result: unknown };

/** The decimal path: decode, then `push` (re-encodes, hashes, applies effects in Yuan). */
function viaDecimal(list: StoredEntry[], head: HeadSnapshot): Verdict {
  const verifier = new ChainVerifier(FUND);
  const pushes: boolean[] = [];
  const entries: unknown[] = [];
  for (const s of list) {
    let entry: ChainedEntry;
    try {
      entry = { ...decodeCanonical(s.text, s.sequence), entryHash: s.storedHash };
    } catch (error) {
      return { pushes, entries, unreadable: (error as Error).message, result: verifier.finish(head) };
    }
    entries.push(entry);
    pushes.push(verifier.push(entry));
  }
  return { pushes, entries, result: verifier.finish(head) };
}

/** The fen path: `pushStoredFen` (plain text read and checked in integer fen). */
function viaFen(list: StoredEntry[], head: HeadSnapshot): Verdict & { fast: number } {
  const verifier = new ChainVerifier(FUND);
  const pushes: boolean[] = [];
  const entries: unknown[] = [];
  let fast = 0;
  for (const s of list) {
    try {
      const pushed = verifier.pushStoredFen(s);
      if (pushed.fen) fast += 1;
      entries.push(pushed.entry ?? chainedOf(pushed.fen));
      pushes.push(pushed.ok);
    } catch (error) {
      return { pushes, entries, unreadable: (error as Error).message, result: verifier.finish(head), fast };
    }
  }
  return { pushes, entries, result: verifier.finish(head), fast };
}

describe("replaying a fund in integer fen (the reconciliation's fast path)", () => {
  it("an entry's effect in fen is the effect in Yuan, refusals included, at edge amounts", () => {
    const balanceArb = fc.integer({ min: 0, max: FAST_FEN_LIMIT - 1 });
    fc.assert(
      fc.property(
        balanceArb,
        balanceArb,
        balanceArb,
        fc.constantFrom<LedgerEntry["kind"]>(
          "allocation",
          "draw",
          "commit",
          "release",
          "reversal",
          "recovery",
          "replenishment",
        ),
        fc.constantFrom(...DRAW_KINDS),
        fc.oneof(fc.constantFrom(0, 1, 99_999_999_99, FAST_FEN_LIMIT - 1), balanceArb),
        (quota, balance, committed, kind, drawKind, fen) => {
          // Prepare
          const before = { quota, balance, committed };
          const entry = {
            kind,
            ...(kind === "draw" ? { drawKind } : {}),
            amountYuan: Yuan.fromFen(fen),
          };
          // Act
          const inFen = applyEffectFen(before, kind, kind === "draw" ? drawKind : undefined, fen);
          const inYuan = applyEffect(yuanBalancesOf(before), entry);
          // Assess
          expect(inFen === undefined).toBe(!inYuan.ok);
          if (inFen && inYuan.ok) expect(yuanBalancesOf(inFen)).toEqual(inYuan.after);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("a plain canonical entry is read fast and reads exactly as decodeStored reads it", () => {
    fc.assert(
      fc.property(fc.array(stepArb, { minLength: 1, maxLength: 12 }), (steps) => {
        // Prepare
        const { entries } = buildChain(steps);
        let prevHash = GENESIS_HASH;
        for (const entry of entries) {
          const stored = storedOf(entry);
          // Act
          const fen = readStoredFen(stored, prevHash, FUND);
          const slow = decodeStored(stored);
          // Assess: read fast unless the text needed escapes or holds amounts beyond the fast range.
          const escaped = stored.text.includes("\\");
          const huge = [entry.amountYuan, entry.after.quota, entry.after.balance, entry.after.committed].some(
            (y) => y.greaterThanOrEqual(Yuan.fromFen(FAST_FEN_LIMIT)),
          );
          const surrogate = /[\ud800-\udfff]/.test(stored.text);
          if (!escaped && !huge && !surrogate) expect(fen).toBeDefined();
          if (fen) {
            expect(chainedOf(fen)).toEqual(slow.entry);
            expect(slow.hashMatches).toBe(true);
          }
          prevHash = entry.entryHash;
        }
      }),
      { numRuns: 300 },
    );
  });

  it("gives exactly the verdicts, entries and balances of the decimal path on random valid chains", () => {
    fc.assert(
      fc.property(fc.array(stepArb, { minLength: 0, maxLength: 25 }), (steps) => {
        // Prepare
        const { entries, head } = buildChain(steps);
        const stored = entries.map(storedOf);
        // Act
        const { fast, ...fen } = viaFen(stored, head);
        // Assess
        expect(fen).toEqual(viaDecimal(stored, head));
        expect((fen.result as { ok: boolean }).ok).toBe(true);
        expect(fast).toBeGreaterThan(0);
      }),
      { numRuns: 200 },
    );
  });

  it("gives exactly the verdicts of the decimal path on tampered chains", () => {
    fc.assert(
      fc.property(
        fc.array(stepArb, { minLength: 2, maxLength: 15 }),
        fc.constantFrom(...Object.keys(TAMPERS)),
        fc.nat(),
        fc.boolean(),
        (steps, tamperName, where, rehash) => {
          // Prepare
          const { entries, head } = buildChain(steps);
          const stored = entries.map(storedOf);
          const tampered = (TAMPERS[tamperName] as Tamper)(stored, where % stored.length, rehash);
          // Act
          const { fast: _fast, ...fen } = viaFen(tampered, head);
          // Assess
          expect(fen).toEqual(viaDecimal(tampered, head));
        },
      ),
      { numRuns: 1500 },
    );
  });

  it("a forged entry with a raw control character is unreadable there, as JSON says, even re-hashed", () => {
    // Prepare
    const { entries, head } = buildChain([
      { kind: "draw", stage: false, fen: 12_30, reference: { caseId: "c-2" } },
      { kind: "draw", stage: false, fen: 5_00, reference: { caseId: "c-3" } },
    ]);
    const stored = entries.map(storedOf);
    const forged = (TAMPERS["raw control character in a reference"] as Tamper)(stored, 1, true);
    // Act
    const verdict = viaFen(forged, head);
    // Assess
    expect(verdict.pushes).toEqual([true]);
    expect(verdict.unreadable).toMatch(/entry 2 cannot be read/);
  });
});
