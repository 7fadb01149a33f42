/**
 * Desktop consoles' wording: a policy version in an audit change reads as its year and number (never
 * the code 230123-2026-01); the balance chart's tooltip says ¥ with two decimals and its axis a date
 * on the business calendar; a case number typed in any letter case opens the case as issued.
 */
import { describe, expect, it } from "vitest";
import { auditChange } from "../../../web/src/components/auditText.ts";
import { axisDate, yuanOfNumber } from "../../../web/src/components/balanceSeries.ts";
import { asCaseNumber, isCaseNumber } from "../../../web/src/components/queue.ts";

describe("console wording", () => {
  it("a policy version in an audit change reads as year and number, not as its code", () => {
    const { text } = auditChange({ policyVersionId: "230123-2026-01" }, "zh-CN");
    expect(text).toBe("政策版本：2026年第1版");
    expect(text).not.toContain("230123");
  });

  it("chart amounts carry ¥, grouping and two decimals", () => {
    expect(yuanOfNumber(49200)).toBe("¥49,200.00");
    expect(yuanOfNumber(1234.5)).toBe("¥1,234.50");
    expect(yuanOfNumber(-0.1)).toBe("-¥0.10");
  });

  it("the chart's axis shows the Beijing date, not a UTC one or a bare day number", () => {
    // 2026-12-05T17:00Z is already 6 December in Beijing.
    expect(axisDate(Date.parse("2026-12-05T17:00:00Z"), "zh-CN")).toBe("12月6日");
  });

  it("a case number typed in capitals opens the case as issued", () => {
    expect(isCaseNumber("c20261206-0B6F25937B")).toBe(true);
    expect(asCaseNumber("c20261206-0B6F25937B")).toBe("C20261206-0b6f25937b");
    expect(isCaseNumber("DROP TABLE")).toBe(false);
  });
});
