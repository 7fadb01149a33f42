import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { FUND_WAIT_ORDER, type FundWait, fundWaitQueue, queueOrder } from "#core/ledger/fund-wait-queue.ts";
import { Yuan } from "#core/money/yuan.ts";

const wait = (caseId: string, since: string, amount: string): FundWait => ({
  caseId,
  waitingSince: `2026-03-02T0${since}:00:00.000Z`,
  amountYuan: Yuan.parse(amount),
});

const view = (rows: ReturnType<typeof fundWaitQueue>) =>
  rows.map(
    (r) =>
      `${r.position}:${r.caseId}:${r.fitsNow ? "fits" : "waits"}:${r.shortfallYuan.toString()}:${r.cumulativeShortfallYuan.toString()}`,
  );

describe("fund wait queue (DOMAIN §8: oldest first, as far as the money goes)", () => {
  it("the county's order is strict FIFO: head-of-line", () => {
    expect(FUND_WAIT_ORDER).toBe("head-of-line");
  });

  it("orders by waiting since, then case id, whatever order the waits were read in", () => {
    const waits = [wait("c", "3", "1.00"), wait("b", "1", "1.00"), wait("a", "1", "1.00")];
    expect(queueOrder(waits).map((w) => w.caseId)).toEqual(["a", "b", "c"]);
  });

  it("Compliance: money for the two oldest pays them; the third waits with what it still lacks", () => {
    const rows = fundWaitQueue(
      [wait("third", "3", "700.00"), wait("first", "1", "800.00"), wait("second", "2", "600.00")],
      Yuan.parse("1500.00"),
    );
    expect(view(rows)).toEqual([
      "1:first:fits:0.00:0.00",
      "2:second:fits:0.00:0.00",
      "3:third:waits:600.00:600.00",
    ]);
  });

  it("Noncompliance 1: head-of-line — a large head holds a smaller later case back", () => {
    const rows = fundWaitQueue(
      [wait("big", "1", "900.00"), wait("small", "2", "100.00")],
      Yuan.parse("500.00"),
    );
    expect(view(rows)).toEqual(["1:big:waits:400.00:400.00", "2:small:waits:100.00:500.00"]);
  });

  it("Noncompliance 2: oldest-that-fits — the smaller later case is paid past the large head", () => {
    const rows = fundWaitQueue(
      [wait("big", "1", "900.00"), wait("small", "2", "100.00")],
      Yuan.parse("500.00"),
      "oldest-that-fits",
    );
    expect(view(rows)).toEqual(["1:big:waits:400.00:400.00", "2:small:fits:0.00:500.00"]);
  });

  it("a negative or empty fund covers nothing; the cumulative shortfall is the whole queue", () => {
    const rows = fundWaitQueue([wait("a", "1", "300.00"), wait("b", "2", "200.00")], Yuan.parse("0.00"));
    expect(view(rows)).toEqual(["1:a:waits:300.00:300.00", "2:b:waits:200.00:500.00"]);
  });

  it("property: what fits never exceeds the money, and under head-of-line the fitting cases are a prefix", () => {
    const fen = fc.integer({ min: 1, max: 500_000 });
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fen, fc.integer({ min: 0, max: 9 })), { maxLength: 12 }),
        fc.integer({ min: 0, max: 2_000_000 }),
        fc.constantFrom("head-of-line" as const, "oldest-that-fits" as const),
        (raw, availableFen, order) => {
          const waits = raw.map(([amount, hour], i) => ({
            caseId: `c${String(i).padStart(2, "0")}`,
            waitingSince: `2026-03-02T0${hour}:00:00.000Z`,
            amountYuan: Yuan.fromFen(amount),
          }));
          const available = Yuan.fromFen(availableFen);
          const rows = fundWaitQueue(waits, available, order);
          const paid = Yuan.sum(rows.filter((r) => r.fitsNow).map((r) => r.amountYuan));
          expect(paid.lessThanOrEqual(available)).toBe(true);
          for (const r of rows) {
            expect(r.shortfallYuan.isNegative()).toBe(false);
            expect(r.shortfallYuan.lessThanOrEqual(r.amountYuan)).toBe(true);
          }
          if (order === "head-of-line") {
            const firstWaiting = rows.findIndex((r) => !r.fitsNow);
            if (firstWaiting >= 0) expect(rows.slice(firstWaiting).every((r) => !r.fitsNow)).toBe(true);
          }
          // The cumulative shortfall of the last row is exactly what the whole queue lacks.
          const last = rows.at(-1);
          if (last) {
            const total = Yuan.sum(rows.map((r) => r.amountYuan));
            expect(last.cumulativeShortfallYuan.toString()).toBe(
              Yuan.max(total.minus(available), Yuan.zero).toString(),
            );
          }
        },
      ),
    );
  });
});
