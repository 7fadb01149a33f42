import { describe, expect, it } from "vitest";
import { ValidationError } from "#core/errors.ts";
import {
  alertLevel,
  GENESIS_HASH,
  type LedgerEntry,
  type PlanningHead,
  parseLedgerEntry,
  planBatch,
} from "#core/ledger/index.ts";
import { Yuan } from "#core/money/yuan.ts";

const FUND = "township-plan";

const draw = (entryId: string, amount: string, bookedAt = "2025-07-02T00:00:00Z"): LedgerEntry =>
  parseLedgerEntry({
    entryId,
    fundId: FUND,
    kind: "draw",
    drawKind: "advance",
    amountYuan: amount,
    bookedAt,
  });

const funded = (balance: string, extra: Partial<PlanningHead> = {}): PlanningHead => ({
  fundId: FUND,
  sequence: 3,
  headHash: GENESIS_HASH,
  balances: { quota: Yuan.parse("10000"), balance: Yuan.parse(balance), committed: Yuan.zero },
  alertState: "armed",
  ...extra,
});

describe("planning a group-commit batch", () => {
  it("a draw that does not fit is answered and left out; the chain continues without a gap", () => {
    const plan = planBatch(
      funded("1000"),
      [draw("a", "600"), draw("b", "600"), draw("c", "400")],
      (e) => e,
      100,
    );

    expect(plan.accepted.map((a) => [a.chained.entryId, a.chained.sequence])).toEqual([
      ["a", 4],
      ["c", 5],
    ]);
    expect(plan.rejected).toMatchObject([{ reason: "insufficient-funds" }]);
    expect(plan.rejected[0]?.availableYuan.toString()).toBe("400.00");
    expect(plan.accepted[1]?.chained.prevHash).toBe(plan.accepted[0]?.chained.entryHash);
    expect(plan.head.balances.balance.toString()).toBe("0.00");
  });

  it("never plans more than the transaction's action limit; the rest wait in order", () => {
    const entries = Array.from({ length: 60 }, (_, i) => draw(`d-${i}`, "1"));

    const plan = planBatch(funded("1000"), entries, (e) => e, 100);

    expect(plan.accepted).toHaveLength(49);
    expect(plan.actions).toBe(99);
    expect(plan.deferred.map((e) => e.entryId)).toEqual(entries.slice(49).map((e) => e.entryId));
  });

  it("an entry booked in a closed period is refused period-closed", () => {
    const plan = planBatch(
      funded("1000", { closedThrough: "2025-06-30T16:00:00.000Z" }),
      [draw("june", "1", "2025-06-30T23:00:00+08:00"), draw("july", "1", "2025-07-01T00:00:01+08:00")],
      (e) => e,
      100,
    );

    expect(plan.rejected.map((r) => [r.item.entryId, r.reason])).toEqual([["june", "period-closed"]]);
    expect(plan.accepted.map((a) => a.item.entryId)).toEqual(["july"]);
  });

  it("alerts on the one draw that crosses under the level, not on the draws after it", () => {
    const plan = planBatch(
      funded("2600", { alertPercent: "20" }),
      [draw("a", "500"), draw("b", "500"), draw("c", "500")],
      (e) => e,
      100,
    );

    expect(plan.accepted.map((a) => a.alert?.entryId ?? null)).toEqual([null, "b", null]);
    expect(plan.head.alertState).toBe("alerted");
  });

  it("an already alerted fund does not alert again until it rose above the level", () => {
    const plan = planBatch(
      funded("1500", { alertPercent: "20", alertState: "alerted" }),
      [draw("a", "100")],
      (e) => e,
      100,
    );

    expect(plan.accepted[0]?.alert).toBeUndefined();
  });

  it("the alert level is the policy's percentage of the quota, rounded to the fen", () => {
    expect(alertLevel(Yuan.parse("12345.67"), "20").toString()).toBe("2469.13");
    expect(alertLevel(Yuan.parse("10000"), "12.5").toString()).toBe("1250.00");
    expect(() => alertLevel(Yuan.parse("1"), "120")).toThrow(RangeError);
  });

  it("asked again for the same quota, or for another quota or percentage, the level is each one's own", () => {
    const quota = Yuan.parse("12345.67");

    expect(alertLevel(quota, "20").toString()).toBe("2469.13");
    expect(alertLevel(quota, "20").toString()).toBe("2469.13");
    expect(alertLevel(quota, "10").toString()).toBe("1234.57");
    expect(alertLevel(Yuan.parse("10000"), "10").toString()).toBe("1000.00");
    expect(alertLevel(quota, "20").toString()).toBe("2469.13");
    expect(() => alertLevel(quota, "120")).toThrow(RangeError);
  });
});

describe("entries are validated at the boundary", () => {
  it.each([
    [{ amountYuan: "0" }, "amountYuan"],
    [{ amountYuan: "12.345" }, "amountYuan"],
    [{ drawKind: undefined }, "drawKind"],
    [{ bookedAt: "yesterday" }, "bookedAt"],
    [{ entryId: "has space" }, "entryId"],
  ])("%o is refused on %s", (change, field) => {
    const attempt = () =>
      parseLedgerEntry({
        entryId: "e-1",
        fundId: FUND,
        kind: "draw",
        drawKind: "advance",
        amountYuan: "1",
        bookedAt: "2025-07-01T00:00:00Z",
        ...change,
      });

    expect(attempt).toThrow(ValidationError);
    try {
      attempt();
    } catch (error) {
      expect((error as ValidationError).fields.map((f) => f.path)).toContain(field);
    }
  });

  it("instants are normalized to UTC so a closed period compares as text", () => {
    expect(draw("x", "1", "2025-07-01T08:00:00+08:00").bookedAt).toBe("2025-07-01T00:00:00.000Z");
  });
});
