import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type ChainedEntry,
  canonicalEncoding,
  canonicalTextOf,
  chainEntry,
  decodeCanonical,
  fingerprintEntry,
  GENESIS_HASH,
  hashEntry,
  type LedgerEntry,
  type PlanningHead,
  parseLedgerEntry,
  planBatch,
  replay,
  UnreadableEntryError,
} from "#core/ledger/index.ts";
import { Yuan } from "#core/money/yuan.ts";

const FUND = "township-unit";
const BOOKED_AT = "2025-07-01T00:00:00.000Z";

const entry = (
  entryId: string,
  kind: LedgerEntry["kind"],
  amount: string,
  extra: Partial<LedgerEntry> = {},
): LedgerEntry =>
  parseLedgerEntry({
    entryId,
    fundId: FUND,
    kind,
    ...(kind === "draw" ? { drawKind: "advance" } : {}),
    amountYuan: amount,
    bookedAt: BOOKED_AT,
    reference: { caseId: `case-${entryId}` },
    ...extra,
  });

const genesis: PlanningHead = {
  fundId: FUND,
  sequence: 0,
  headHash: GENESIS_HASH,
  balances: { quota: Yuan.zero, balance: Yuan.zero, committed: Yuan.zero },
  alertState: "armed",
};

/** Chains entries through the writer's own planner, as the store would hold them. */
function chain(entries: LedgerEntry[]): { chained: ChainedEntry[]; head: PlanningHead } {
  const plan = planBatch(genesis, entries, (e) => e, 1000);
  return { chained: plan.accepted.map((a) => a.chained), head: plan.head };
}

const history = () =>
  chain([
    entry("alloc", "allocation", "1000"),
    ...Array.from({ length: 9 }, (_, i) => entry(`pay-${i}`, "draw", "50")),
  ]);

describe("canonical encoding and the hash chain", () => {
  it("encodes an entry as a fixed-order array with amounts as two-decimal text", () => {
    const chained = chainEntry(entry("pay-1", "draw", "12.3"), 7, GENESIS_HASH, {
      quota: Yuan.parse("100"),
      balance: Yuan.parse("87.7"),
      committed: Yuan.zero,
    });

    expect(JSON.parse(canonicalEncoding(chained))).toEqual([
      "aidflow-ledger-v1",
      7,
      GENESIS_HASH,
      FUND,
      "pay-1",
      "draw",
      "advance",
      "12.30",
      BOOKED_AT,
      "case-pay-1",
      ...Array(8).fill(null),
      "100.00",
      "87.70",
      "0.00",
    ]);
    expect(hashEntry(chained)).toMatch(/^[0-9a-f]{64}$/);
  });

  it("the text an entry was chained from is its canonical encoding, the one its hash is of", () => {
    const chained = chainEntry(entry("pay-1", "draw", "12.3"), 7, GENESIS_HASH, {
      quota: Yuan.parse("100"),
      balance: Yuan.parse("87.7"),
      committed: Yuan.zero,
    });
    const copy: ChainedEntry = { ...chained };

    expect(canonicalTextOf(chained)).toBe(canonicalEncoding(chained));
    expect(canonicalTextOf(copy)).toBe(canonicalEncoding(chained));
    expect(hashEntry(chained)).toBe(chained.entryHash);
  });

  it("the same content in another place of the chain hashes differently; the fingerprint does not", () => {
    const e = entry("pay-1", "draw", "10");
    const after = { quota: Yuan.zero, balance: Yuan.zero, committed: Yuan.zero };

    expect(chainEntry(e, 1, GENESIS_HASH, after).entryHash).not.toBe(
      chainEntry(e, 2, GENESIS_HASH, after).entryHash,
    );
    expect(fingerprintEntry(e)).toBe(fingerprintEntry(entry("pay-1", "draw", "10.00")));
    expect(fingerprintEntry(e)).not.toBe(fingerprintEntry(entry("pay-1", "draw", "10.01")));
  });

  it("a chained history replays to its head", () => {
    const { chained, head } = history();

    const result = replay(FUND, chained, head);

    expect(result).toMatchObject({ ok: true, state: { sequence: 10, headHash: head.headHash } });
    expect(result.state.balances.balance.toString()).toBe("550.00");
  });

  it("an edited amount is located at its entry", () => {
    const { chained, head } = history();
    const edited = chained.map((e) => (e.sequence === 4 ? { ...e, amountYuan: Yuan.parse("5") } : e));

    expect(replay(FUND, edited, head)).toMatchObject({ ok: false, firstBadSequence: 4 });
  });

  it("an edited amount re-hashed by the forger breaks the link of the next entry", () => {
    const { chained, head } = history();
    const edited = chained.map((e) => {
      if (e.sequence !== 4) return e;
      const forged = {
        ...e,
        amountYuan: Yuan.parse("5"),
        after: { ...e.after, balance: e.after.balance.plus(Yuan.parse("45")) },
      };
      return { ...forged, entryHash: hashEntry(forged) };
    });

    expect(replay(FUND, edited, head)).toMatchObject({ ok: false, firstBadSequence: 5 });
  });

  it("a deleted entry is named by its missing sequence; a deleted last entry by the head", () => {
    const { chained, head } = history();

    expect(
      replay(
        FUND,
        chained.filter((e) => e.sequence !== 6),
        head,
      ),
    ).toMatchObject({ ok: false, firstBadSequence: 6 });
    expect(replay(FUND, chained.slice(0, -1), head)).toMatchObject({ ok: false, firstBadSequence: 10 });
  });

  it("an entry beyond the head is named; balances that do not follow from the effect are named", () => {
    const { chained, head } = history();
    const last = chained.at(-1) as ChainedEntry;
    const extra = chainEntry(entry("x", "draw", "1"), 11, last.entryHash, {
      ...last.after,
      balance: last.after.balance.minus(Yuan.parse("1")),
    });
    const wrongAfter = chainEntry(entry("y", "draw", "1"), 11, last.entryHash, last.after);

    expect(replay(FUND, [...chained, extra], head)).toMatchObject({ ok: false, firstBadSequence: 11 });
    expect(replay(FUND, [...chained, wrongAfter])).toMatchObject({ ok: false, firstBadSequence: 11 });
  });

  it("any history planned in batches of any size replays to the planner's head", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.constantFrom("allocation", "draw", "commit", "release", "recovery"),
            fc.integer({ min: 1, max: 200_000 }),
          ),
          {
            minLength: 1,
            maxLength: 120,
          },
        ),
        fc.integer({ min: 3, max: 100 }),
        (steps, maxActions) => {
          const all = steps.map(([kind, fen], i) =>
            entry(`e-${i}`, kind as LedgerEntry["kind"], Yuan.fromFen(fen).toString()),
          );
          let head = genesis;
          const chained: ChainedEntry[] = [];
          let queue = all;
          while (queue.length > 0) {
            const plan = planBatch(head, queue, (e) => e, maxActions);
            expect(plan.actions).toBeLessThanOrEqual(maxActions);
            chained.push(...plan.accepted.map((a) => a.chained));
            head = plan.head;
            queue = plan.deferred;
          }
          expect(replay(FUND, chained, head).ok).toBe(true);
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe("the stored encoding reads back as the entry that was hashed", () => {
  it("decodes every field of a chained entry", () => {
    const chained = chainEntry(
      parseLedgerEntry({
        entryId: "pay-1",
        fundId: FUND,
        kind: "draw",
        drawKind: "stage",
        amountYuan: "12.3",
        bookedAt: BOOKED_AT,
        reference: {
          caseId: "c-1",
          decisionId: "d-1",
          flow: "B",
          residency: "non-local",
          correlationId: "corr-1",
        },
      }),
      7,
      GENESIS_HASH,
      { quota: Yuan.parse("100"), balance: Yuan.parse("87.7"), committed: Yuan.parse("1") },
    );

    const decoded = decodeCanonical(canonicalEncoding(chained), 7);

    expect(hashEntry(decoded)).toBe(chained.entryHash);
    expect(decoded).toMatchObject({
      entryId: "pay-1",
      kind: "draw",
      drawKind: "stage",
      reference: chained.reference,
    });
    expect(decoded.amountYuan.toString()).toBe("12.30");
  });

  it("an unreadable encoding is named by its sequence", () => {
    expect(() => decodeCanonical('["other-v9"]', 4)).toThrow(UnreadableEntryError);
    expect(() => decodeCanonical("{", 4)).toThrow(/entry 4/);
  });
});
