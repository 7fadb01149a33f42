import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { applyEffect, EMPTY_BALANCES, type EntryKind, type FundBalances } from "#core/ledger/index.ts";
import { Yuan } from "#core/money/yuan.ts";

const y = (text: string) => Yuan.parse(text);
const fund = (quota: string, balance: string, committed: string): FundBalances => ({
  quota: y(quota),
  balance: y(balance),
  committed: y(committed),
});
const show = (b: FundBalances) => [b.quota, b.balance, b.committed].map(String);

describe("entry effects (DOMAIN §5)", () => {
  it.each([
    ["allocation", undefined, ["11000.00", "9000.00", "2000.00"]],
    ["draw", "advance", ["10000.00", "6500.00", "2000.00"]],
    ["draw", "follow-up", ["10000.00", "6500.00", "2000.00"]],
    ["draw", "stage", ["10000.00", "6500.00", "500.00"]],
    ["commit", undefined, ["10000.00", "8000.00", "3500.00"]],
    ["release", undefined, ["10000.00", "8000.00", "500.00"]],
    ["reversal", undefined, ["10000.00", "9500.00", "2000.00"]],
    ["recovery", undefined, ["10000.00", "9500.00", "2000.00"]],
    ["replenishment", undefined, ["10000.00", "9500.00", "2000.00"]],
  ] as const)(
    "%s (%s) of ¥1,500 on quota 10,000 / balance 8,000 / committed 2,000",
    (kind, drawKind, expected) => {
      const result = applyEffect(fund("10000", "8000", "2000"), {
        kind: kind as EntryKind,
        ...(drawKind ? { drawKind } : {}),
        amountYuan: y(kind === "allocation" ? "1000" : "1500"),
      });

      expect(result.ok && show(result.after)).toEqual(expected);
    },
  );

  it("a draw larger than available is insufficient-funds, even when the balance would cover it", () => {
    const result = applyEffect(fund("10000", "3000", "2500"), {
      kind: "draw",
      drawKind: "advance",
      amountYuan: y("500.01"),
    });

    expect(result).toMatchObject({ ok: false, reason: "insufficient-funds" });
  });

  it("a stage draw beyond the commitment is invalid: stages are paid from their plan's commitment", () => {
    const result = applyEffect(fund("10000", "9000", "100"), {
      kind: "draw",
      drawKind: "stage",
      amountYuan: y("100.01"),
    });

    expect(result).toMatchObject({ ok: false, reason: "invalid" });
  });

  it("replenishment beyond the quota is invalid", () => {
    expect(
      applyEffect(fund("10000", "9000", "0"), { kind: "replenishment", amountYuan: y("1000.01") }),
    ).toMatchObject({
      ok: false,
      reason: "invalid",
    });
  });

  it("zero amounts are invalid", () => {
    expect(applyEffect(EMPTY_BALANCES, { kind: "allocation", amountYuan: Yuan.zero })).toMatchObject({
      ok: false,
      reason: "invalid",
    });
  });

  it("whatever entries arrive in whatever order, accepted ones keep balance ≥ committed ≥ 0", () => {
    const kinds = [
      "allocation",
      "draw-advance",
      "draw-stage",
      "commit",
      "release",
      "reversal",
      "recovery",
      "replenishment",
    ] as const;
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom(...kinds), fc.integer({ min: 1, max: 500_000 })), {
          maxLength: 80,
        }),
        (steps) => {
          let state = EMPTY_BALANCES;
          for (const [label, fen] of steps) {
            const [kind, drawKind] = label.split("-") as [EntryKind, "advance" | "stage" | undefined];
            const result = applyEffect(state, {
              kind,
              ...(drawKind ? { drawKind } : {}),
              amountYuan: Yuan.fromFen(fen),
            });
            if (!result.ok) continue;
            state = result.after;
            expect(state.committed.isNegative()).toBe(false);
            expect(state.balance.greaterThanOrEqual(state.committed)).toBe(true);
          }
        },
      ),
    );
  });
});
