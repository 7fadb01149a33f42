import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { LedgerEntry } from "#core/ledger/index.ts";
import { scanCanonical, sha256OfScanned } from "#core/ledger/scanner.ts";
import { SCANNER_WASM_BASE64 } from "#core/ledger/scanner-wasm.ts";
import { readByPattern, readPlainStored, type StoredFenEntry } from "#core/ledger/stored.ts";
import { Yuan } from "#core/money/yuan.ts";
import { compileScanner } from "#scripts/build-ledger-scanner.ts";
import { chainOf, storedOf } from "#test/support/ledger-chain.ts";

const FUND = "230123100";

/** What a reader made of an entry, every field read (lazy ones too), or undefined. */
function fields(entry: StoredFenEntry | undefined) {
  if (!entry) return undefined;
  return {
    sequence: entry.sequence,
    prevHash: entry.prevHash,
    fundId: entry.fundId,
    entryId: entry.entryId,
    kind: entry.kind,
    drawKind: entry.drawKind,
    amountFen: entry.amountFen,
    bookedAt: entry.bookedAt,
    reference: entry.reference,
    after: entry.after,
    entryHash: entry.entryHash,
  };
}

/** A valid chain of every entry kind, with references of every shape the writer writes. */
function validChain() {
  const kinds: LedgerEntry["kind"][] = ["allocation", "commit", "draw", "draw", "reversal", "recovery"];
  return chainOf(
    [...kinds, "release", "replenishment", "draw"] as LedgerEntry["kind"][],
    (kind, sequence) => ({
      fundId: FUND,
      kind,
      ...(kind === "draw" ? { drawKind: sequence === 4 ? ("stage" as const) : ("advance" as const) } : {}),
      amountYuan:
        kind === "allocation" ? Yuan.parse("1000000.00") : Yuan.parse(`${sequence}0.0${sequence % 10}`),
      bookedAt: `2026-10-0${sequence % 9}T08:00:00.000Z`,
      reference:
        kind === "draw"
          ? {
              caseId: `c-${sequence}`,
              obligationId: `c-${sequence}:advance`,
              paymentId: `AF${sequence}`,
              flow: "A",
              hardshipType: "fire",
              residency: sequence % 2 ? "local" : "non-local",
              actor: "approver-chengguan",
            }
          : { correlationId: `corr-${sequence}` },
    }),
  ).entries.map((entry) => ({ stored: storedOf(entry), prevHash: entry.prevHash }));
}

/** Bytes that matter to the grammar: quotes, escapes, separators, digits, letters of null, controls, DEL. */
const GRAMMAR_CHARS = [
  '"',
  "\\",
  ",",
  "[",
  "]",
  ".",
  "0",
  "1",
  "9",
  "n",
  "u",
  "l",
  "a",
  "-",
  "\u0000",
  "\u001f",
  "\u007f",
  " ",
];

type Mutation = { kind: "replace" | "insert" | "delete"; at: number; char: string };

function mutate(text: string, { kind, at, char }: Mutation): string {
  const i = at % (text.length + 1);
  if (kind === "insert") return text.slice(0, i) + char + text.slice(i);
  if (kind === "delete") return text.slice(0, i) + text.slice(i + 1);
  return text.slice(0, i) + char + text.slice(i + 1);
}

const mutationArb: fc.Arbitrary<Mutation> = fc.record({
  kind: fc.constantFrom("replace", "insert", "delete"),
  at: fc.nat(),
  char: fc.oneof(fc.constantFrom(...GRAMMAR_CHARS), fc.string({ minLength: 1, maxLength: 1 })),
});

describe("the entry scanner (WebAssembly) reads exactly as the regular expression", () => {
  it("is the build of its committed source (scripts/build-ledger-scanner.ts)", async () => {
    // Act
    const built = await compileScanner();
    // Assess
    expect(Buffer.from(built).toString("base64")).toBe(SCANNER_WASM_BASE64);
  });

  it("reads every valid entry, and every field, as the pattern does", () => {
    for (const { stored, prevHash } of validChain()) {
      // Act
      const scanned = scanCanonical(stored.text, prevHash.length, FUND.length);
      const read = fields(readPlainStored(stored, prevHash, FUND));
      // Assess
      expect(scanned).toBe("canonical");
      expect(read).toBeDefined();
      expect(read).toEqual(fields(readByPattern(stored, prevHash, FUND)));
    }
  });

  it("takes or refuses each mutated entry exactly as the pattern does, with the same fields", () => {
    const chain = validChain();
    fc.assert(
      fc.property(
        fc.nat({ max: chain.length - 1 }),
        fc.array(mutationArb, { minLength: 1, maxLength: 3 }),
        (pick, mutations) => {
          // Prepare
          const { stored, prevHash } = chain[pick] as (typeof chain)[number];
          const text = mutations.reduce(mutate, stored.text);
          const mutated = { ...stored, text };
          // Act
          const scanned = fields(readPlainStored(mutated, prevHash, FUND));
          const matched = fields(readByPattern(mutated, prevHash, FUND));
          // Assess
          expect(scanned).toEqual(matched);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it("refuses every proper prefix of an entry, after a longer entry left its bytes behind", () => {
    const [first, , , second] = validChain();
    if (!first || !second) throw new Error("chain too short");
    for (let cut = 0; cut < second.stored.text.length; cut++) {
      // Prepare: the longer text first, so stale bytes lie after the cut
      readPlainStored(second.stored, second.prevHash, FUND);
      const prefix = { ...second.stored, text: second.stored.text.slice(0, cut) };
      // Act / Assess
      expect(readPlainStored(prefix, second.prevHash, FUND)).toBeUndefined();
      expect(readByPattern(prefix, second.prevHash, FUND)).toBeUndefined();
    }
    expect(readPlainStored(first.stored, first.prevHash, FUND)).toBeDefined();
  });

  it("reads the edges of sequences, amounts and the fast range as the pattern does", () => {
    const { stored, prevHash } = validChain()[2] as ReturnType<typeof validChain>[number];
    const amount = /"(\d+\.\d\d)","2026/.exec(stored.text)?.[1] as string;
    const variants = [
      ...[
        "0.00",
        "0.50",
        "00.50",
        "01.00",
        "9999999999999.99",
        "10000000000000.00",
        "1.5",
        "1.500",
        "-1.00",
      ].map((a) => stored.text.replace(`"${amount}"`, `"${a}"`)),
      stored.text.replace(`,3,"`, ',03,"'),
      stored.text.replace(`,3,"`, ',3.0,"'),
      stored.text.replace(`,3,"`, `,${"3".padStart(17, "1")},"`),
      stored.text.replace('"fire"', '"fi\u007fre"'),
      stored.text.replace('"fire"', '"火灾"'),
      stored.text.replace('"fire"', '"fi\\"re"'),
      stored.text.replace('"fire"', '"fi\\re"'),
      stored.text.replace('"fire"', '"fi\u0001re"'),
      stored.text.replace('"fire"', '"fi\tre"'),
      stored.text.replace('"c-3"', '"c-\\3"'),
      stored.text.replace('"draw"', '"drawn"'),
      stored.text.replace('"advance"', '"advanced"'),
      stored.text.replace('"advance"', "null"),
      stored.text.replace('"fire"', "nul"),
      `${stored.text} `,
      ` ${stored.text}`,
    ];
    for (const text of variants) {
      // Act / Assess
      const mutated = { ...stored, text };
      expect(fields(readPlainStored(mutated, prevHash, FUND))).toEqual(
        fields(readByPattern(mutated, prevHash, FUND)),
      );
    }
    // The Chinese hardship type is beyond ASCII: the pattern reads it, and so does readPlainStored.
    const chinese = { ...stored, text: stored.text.replace('"fire"', '"火灾"') };
    expect(readPlainStored(chinese, prevHash, FUND)?.reference.hardshipType).toBe("火灾");
  });

  it("hashes the bytes it scanned as SHA-256 of the text", () => {
    for (const { stored, prevHash } of validChain()) {
      // Act
      readPlainStored(stored, prevHash, FUND);
      // Assess: the stored hash is the hash of the text, over the scanner's bytes or the text itself
      expect(sha256OfScanned(stored.text)).toBe(stored.storedHash);
      expect(sha256OfScanned(` ${stored.text}`.slice(1))).toBe(stored.storedHash);
    }
  });
});
