import { createHash } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { StoredEntry } from "#core/ledger/canonical.ts";
import {
  type ChainedEntry,
  decodeCanonical,
  EMPTY_BALANCES,
  FAST_FEN_LIMIT,
  type FenEntry,
  GENESIS_HASH,
  type HeadSnapshot,
  type LedgerEntry,
} from "#core/ledger/index.ts";
import { Yuan } from "#core/money/yuan.ts";
import {
  type DrawFacts,
  type FactAmount,
  FiguresAccumulator,
  type MatchingSource,
  parsePeriod,
  type ReconciliationReport,
  reconcilePeriod,
} from "#core/reconciliation/index.ts";
import { chainOf, storedOf } from "#test/support/ledger-chain.ts";
import { FUND, matchingFor } from "./support.ts";

const october = parsePeriod("2026-10");
const sha = (text: string) => createHash("sha256").update(text, "utf8").digest("hex");

type When = "before" | "in" | "after";
type Step = {
  kind: LedgerEntry["kind"];
  drawKind: NonNullable<LedgerEntry["drawKind"]>;
  fen: number | bigint;
  when: When;
  reference: LedgerEntry["reference"];
};

const fenArb: fc.Arbitrary<number | bigint> = fc.oneof(
  fc.constantFrom<number | bigint>(1, 100, 99_999_999_99, FAST_FEN_LIMIT - 1, 10n ** 16n),
  fc.integer({ min: 1, max: 3_000_000 }),
);

const stepArb: fc.Arbitrary<Step> = fc.record({
  kind: fc.constantFrom<LedgerEntry["kind"]>(
    "draw",
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
  drawKind: fc.constantFrom("advance", "follow-up", "stage"),
  fen: fenArb,
  when: fc.constantFrom<When>("before", "in", "in", "in", "after"),
  reference: fc.record(
    {
      caseId: fc.constantFrom("c-1", "c-2", "张三"),
      obligationId: fc.constantFrom("c-1:advance", "c-2:stage-1"),
      paymentId: fc.constantFrom("AF1", "AF2"),
      flow: fc.constantFrom("A", "B"),
      hardshipType: fc.constantFrom("fire", "flood", "serious-illness", "医疗"),
      residency: fc.constantFrom("local", "non-local"),
      actor: fc.constantFrom("u-finance", 'quote"d'),
    },
    { requiredKeys: [] },
  ) as fc.Arbitrary<LedgerEntry["reference"]>,
});

const DAY_MS = 86_400_000;
const START_MS = {
  before: Date.parse(october.fromIso) - 20 * DAY_MS,
  in: Date.parse(october.fromIso),
  after: Date.parse(october.toIso),
};

/**
 * A fund's history over September–November, valid as the writer keeps it (steps that would break
 * the fund are skipped). Steps are booked in the order given: a step "before" after one "in" is
 * out of order, as a reconciliation must report.
 */
function history(steps: Step[]): { entries: ChainedEntry[]; head: HeadSnapshot } {
  const opening: Step = {
    kind: "allocation",
    drawKind: "advance",
    fen: 80_000_000,
    when: "before",
    reference: {},
  };
  return chainOf([opening, ...steps], (step, sequence) => ({
    fundId: FUND,
    kind: step.kind,
    ...(step.kind === "draw" ? { drawKind: step.drawKind } : {}),
    amountYuan: Yuan.fromFen(step.fen),
    bookedAt: new Date(START_MS[step.when] + sequence * 60_000).toISOString(),
    reference: step.kind === "draw" ? step.reference : {},
  }));
}

/** The decimal path: every entry decoded (JSON.parse, Yuan) and pushed as a `ChainedEntry`. */
function* decoded(list: StoredEntry[]): Generator<ChainedEntry> {
  for (const s of list) yield { ...decodeCanonical(s.text, s.sequence), entryHash: s.storedHash };
}

/** Pages of `size` stored entries, as a store reads them. */
function* pages(list: StoredEntry[], size: number): Generator<StoredEntry[]> {
  for (let i = 0; i < list.length; i += size) yield list.slice(i, i + size);
}

type Tamper = (list: StoredEntry[], at: number) => StoredEntry[];
const rewrite =
  (change: (fields: unknown[]) => void): Tamper =>
  (list, i) =>
    list.map((s, j) => {
      if (j !== i) return s;
      const fields = JSON.parse(s.text) as unknown[];
      change(fields);
      const text = JSON.stringify(fields);
      return { ...s, text, storedHash: sha(text) };
    });

const TAMPERS: Record<string, Tamper> = {
  none: (l) => l,
  "amount edited and re-hashed": rewrite((f) => {
    f[7] = "0.01";
  }),
  "hardship type edited and re-hashed": rewrite((f) => {
    f[14] = "flood";
  }),
  "booked a month later and re-hashed": rewrite((f) => {
    f[8] = "2026-11-20T00:00:00.000Z";
  }),
  "raw control character": (l, i) =>
    l.map((s, j) => (j === i ? { ...s, text: s.text.replace('"e-', '"\u0002e-') } : s)),
  deleted: (l, i) => l.filter((_, j) => j !== i).map((s, j) => ({ ...s, sequence: j + 1 })),
};

async function bothWays(
  stored: StoredEntry[],
  entries: ChainedEntry[],
  head: HeadSnapshot,
  pageSize: number,
): Promise<{ fen: ReconciliationReport; decimal: ReconciliationReport }> {
  const input = { fundId: FUND, period: october, head, source: matchingFor(entries, october) };
  const fen = await reconcilePeriod({ ...input, entries: pageSize > 1 ? pages(stored, pageSize) : stored });
  const decimal = await reconcilePeriod({ ...input, entries: decoded(stored) });
  return { fen, decimal };
}

describe("reconciliation in integer fen gives the figures and findings of the decimal path", () => {
  it("on random months of a fund: same opening, figures by flow, hardship, residency and kind, closing, rows", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(stepArb, { minLength: 0, maxLength: 30 }),
        fc.constantFrom(1, 3, 1000),
        async (steps, pageSize) => {
          // Prepare
          const { entries, head } = history(steps);
          // Act
          const { fen, decimal } = await bothWays(entries.map(storedOf), entries, head, pageSize);
          // Assess
          expect(fen).toEqual(decimal);
        },
      ),
      { numRuns: 250 },
    );
  });

  it("on tampered months: the same discrepancy rows, chain verdict and figures", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(stepArb, { minLength: 2, maxLength: 20 }),
        fc.constantFrom(...Object.keys(TAMPERS)),
        fc.nat(),
        async (steps, tamperName, where) => {
          // Prepare
          const { entries, head } = history(steps);
          const stored = (TAMPERS[tamperName] as Tamper)(entries.map(storedOf), where % entries.length);
          // Act
          const { fen, decimal } = await bothWays(stored, entries, head, 1);
          // Assess
          expect(fen).toEqual(decimal);
        },
      ),
      { numRuns: 400 },
    );
  });

  it("sums beyond 2^53 fen stay exact: the running sums move into decimals before they could round", () => {
    // Prepare: 40 draws of just under ¥10 trillion each, read in fen and decoded in Yuan.
    const amountFen = FAST_FEN_LIMIT - 1;
    const fenWay = new FiguresAccumulator();
    const yuanWay = new FiguresAccumulator();
    const after = { quota: 0, balance: 0, committed: 0 };
    // Act
    for (let sequence = 1; sequence <= 40; sequence++) {
      const reference = { flow: "A" as const, hardshipType: "fire", residency: "local" as const };
      const fenEntry: FenEntry = {
        sequence,
        prevHash: GENESIS_HASH,
        fundId: FUND,
        entryId: `e-${sequence}`,
        kind: "draw",
        drawKind: "advance",
        amountFen,
        bookedAt: october.fromIso,
        reference,
        after,
        entryHash: GENESIS_HASH,
      };
      fenWay.inFen(fenEntry);
      yuanWay.in({
        ...fenEntry,
        amountYuan: Yuan.fromFen(amountFen),
        after: EMPTY_BALANCES,
      });
    }
    const fen = fenWay.result();
    // Assess
    expect(fen).toEqual(yuanWay.result());
    expect(fen.draws.sumYuan.toFenString()).toBe((BigInt(amountFen) * 40n).toString());
    expect(fen.draws.byHardshipType.fire?.sumYuan.toFenString()).toBe((BigInt(amountFen) * 40n).toString());
  });
});

/** A fact's amount as a store reading its text straight to fen hands it over (decimals beyond the fast range). */
function inFen(fact: FactAmount): FactAmount {
  const text = (fact.amountYuan as Yuan).toString();
  const amountFen = Yuan.fenOfText(text);
  return amountFen === undefined ? { amountYuan: Yuan.parse(text) } : { amountFen };
}

/** The same matching data with every decision and payment amount handed over in fen where it reads so. */
function factsInFen(source: MatchingSource): MatchingSource {
  return {
    ...source,
    async drawFacts(fundId, draws) {
      const facts = await source.drawFacts(fundId, draws);
      const out = new Map<string, DrawFacts>();
      for (const [id, f] of facts) {
        const decision = f.decision?.amountYuan
          ? { ...f.decision, amountYuan: undefined, ...inFen(f.decision) }
          : f.decision;
        const payment = f.payment ? { ...f.payment, amountYuan: undefined, ...inFen(f.payment) } : undefined;
        out.set(id, {
          ...(decision ? { decision } : {}),
          ...(payment ? { payment: payment as NonNullable<DrawFacts["payment"]> } : {}),
        });
      }
      return out;
    },
  };
}

type FactChange =
  | "none"
  | "decision amount"
  | "payment amount"
  | "no decision"
  | "rejected"
  | "no payment"
  | "cash unsigned";
const factChangeArb = fc.constantFrom<FactChange>(
  "none",
  "none",
  "decision amount",
  "payment amount",
  "no decision",
  "rejected",
  "no payment",
  "cash unsigned",
);

describe("matching in integer fen gives the rows of matching in decimals", () => {
  it("an amount text a store keeps reads to the fen `Yuan.parse` gives, or is left to `Yuan.parse`", () => {
    const textArb = fc.oneof(
      fc.constantFrom(
        "0",
        "0.00",
        "0.5",
        "12.30",
        "9999999999999.99",
        "10000000000000.00",
        "012.30",
        "1.",
        ".5",
        "1.234",
        "-1.00",
        "1e3",
        " 1",
        "",
      ),
      fc.bigInt({ min: 0n, max: 10n ** 16n }).map((fen) => Yuan.fromFen(fen).toString()),
      fc.stringMatching(/^-?\d{1,16}(\.\d{0,3})?$/),
    );
    fc.assert(
      fc.property(textArb, (text) => {
        // Act
        const fen = Yuan.fenOfText(text);
        // Assess: exact where read, and read wherever it is valid and below 10^15 fen.
        if (!Yuan.isValidText(text)) {
          expect(fen).toBeUndefined();
          return;
        }
        const exact = BigInt(Yuan.parse(text).toFenString());
        if (exact < BigInt(FAST_FEN_LIMIT) && !/^0\d/.test(text)) expect(fen).toBe(Number(exact));
        if (fen !== undefined) {
          expect(BigInt(fen)).toBe(exact);
          // Within the ledger's fast range: a sum of two stays a safe integer.
          expect(fen).toBeLessThan(FAST_FEN_LIMIT);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it("facts handed over in fen give exactly the report of facts in decimals, findings included", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(stepArb, { minLength: 0, maxLength: 25 }),
        fc.array(factChangeArb, { minLength: 25, maxLength: 25 }),
        fc.constantFrom(1, 1000),
        async (steps, changes, pageSize) => {
          // Prepare: the ordinary facts of the history, some of them changed as a store might hold them.
          const { entries, head } = history(steps);
          const source = matchingFor(entries, october);
          entries
            .filter((e) => e.kind === "draw")
            .forEach((e, i) => {
              const f = source.facts.get(e.entryId) as DrawFacts;
              const other = e.amountYuan.plus(Yuan.fromFen(1));
              const change = changes[i % changes.length];
              if (change === "decision amount" && f.decision)
                f.decision = { ...f.decision, amountYuan: other };
              if (change === "payment amount" && f.payment) f.payment = { ...f.payment, amountYuan: other };
              if (change === "no decision") delete f.decision;
              if (change === "rejected" && f.decision) f.decision = { ...f.decision, approved: false };
              if (change === "no payment") delete f.payment;
              if (change === "cash unsigned" && f.payment) {
                f.payment = { ...f.payment, method: "cash", signatures: { receiver: true, officer: false } };
              }
            });
          const stored = entries.map(storedOf);
          const input = { fundId: FUND, period: october, head };
          // Act: draws read in fen matched against facts in fen, and everything in decimals.
          const fen = await reconcilePeriod({
            ...input,
            source: factsInFen(source),
            entries: pageSize > 1 ? pages(stored, pageSize) : stored,
          });
          const decimal = await reconcilePeriod({ ...input, source, entries: decoded(stored) });
          // Assess
          expect(fen).toEqual(decimal);
        },
      ),
      { numRuns: 250 },
    );
  });
});
