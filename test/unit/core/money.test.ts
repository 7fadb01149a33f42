import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ValidationError } from "../../../core/errors.ts";
import { Yuan } from "../../../core/money/yuan.ts";

describe("Yuan — exact money", () => {
  it("keeps two decimals and adds exactly where floats would not", () => {
    expect(Yuan.parse("0.1").plus(Yuan.parse("0.2")).toString()).toBe("0.30");
    expect(Yuan.parse("800").toString()).toBe("800.00");
    expect(Yuan.fromFen(12345).toString()).toBe("123.45");
  });

  it.each(["12.345", "-1", "1e3", "", "NaN", " 1", "+1", "01", "1.", ".5"])(
    "refuses %j with a field error",
    (text) => {
      const attempt = () => Yuan.parse(text, "advanceAmountYuan");
      expect(attempt).toThrow(ValidationError);
      try {
        attempt();
      } catch (error) {
        expect((error as ValidationError).fields[0]?.path).toBe("advanceAmountYuan");
        expect((error as ValidationError).fields[0]?.messageZh).toMatch(/金额/);
      }
    },
  );

  it("refuses non-strings, including JS numbers", () => {
    expect(() => Yuan.parse(12.5)).toThrow(ValidationError);
    expect(() => Yuan.parse(Number.NaN)).toThrow(ValidationError);
    expect(() => Yuan.fromFen(1.5)).toThrow(TypeError);
  });

  it("rounds half-up (四舍五入) only when asked", () => {
    expect(Yuan.round("0.005").toString()).toBe("0.01");
    expect(Yuan.round("0.004").toString()).toBe("0.00");
    expect(Yuan.round("2.675").toString()).toBe("2.68");
    expect(Yuan.parse("100").times("0.2").toString()).toBe("20.00");
  });

  it("allocates 100.00 over 3 parts summing exactly", () => {
    const parts = Yuan.parse("100").allocate(3);
    expect(parts.map(String)).toEqual(["33.34", "33.33", "33.33"]);
  });

  it("allocation over any weights sums exactly to the total (property)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000_000_00 }),
        fc
          .array(fc.integer({ min: 0, max: 1000 }), { minLength: 1, maxLength: 12 })
          .filter((w) => w.some((x) => x > 0)),
        (fen, weights) => {
          const total = Yuan.fromFen(fen);
          const parts = total.allocate(weights);
          expect(parts).toHaveLength(weights.length);
          expect(Yuan.sum(parts).equals(total)).toBe(true);
          for (const p of parts) expect(p.isNegative()).toBe(false);
        },
      ),
    );
  });

  it("formats for Chinese display", () => {
    expect(Yuan.parse("1234.5").format()).toBe("¥1,234.50");
  });
});
