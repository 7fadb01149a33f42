/**
 * Finance exports speak the policy's words: the summary's flow columns are 先行救助/分阶段救助 (not
 * 流程A/流程B), and a draw's flow and hardship read 先行救助 and 急难型·火灾, never the codes `A` or
 * `fire`.
 */
import { describe, expect, it } from "vitest";
import { DETAIL_HEADERS, detailRow, SUMMARY_HEADERS } from "#core/reconciliation/index.ts";
import { octoberHistory } from "./support.ts";

const col = (name: (typeof DETAIL_HEADERS)[number]) => DETAIL_HEADERS.indexOf(name);

describe("export wording", () => {
  it("no header carries an internal letter or code", () => {
    for (const header of [...SUMMARY_HEADERS, ...DETAIL_HEADERS])
      expect(header, header).not.toMatch(/[A-Za-z]/);
    expect(SUMMARY_HEADERS).toContain("先行救助支出");
    expect(SUMMARY_HEADERS).toContain("分阶段救助支出");
  });

  it("a draw's flow and hardship are words, from a recorded cause or kind", () => {
    const draw = octoberHistory()[3];
    if (!draw) throw new Error("no draw");
    const withReference = (reference: Record<string, string>) =>
      detailRow({ ...draw, reference: { ...draw.reference, ...reference } }, undefined, ["county-finance"]);
    const fire = withReference({ flow: "A", hardshipType: "fire" });
    expect(fire[col("救助流程")]).toBe("先行救助");
    expect(fire[col("困难类型")]).toBe("急难型·火灾");
    const staged = withReference({ flow: "B", hardshipType: "medical" });
    expect(staged[col("救助流程")]).toBe("分阶段救助");
    expect(staged[col("困难类型")]).toBe("支出型·医疗支出");
    expect(withReference({ hardshipType: "urgent" })[col("困难类型")]).toBe("急难型");
    for (const row of [fire, staged])
      expect(row.join(" ")).not.toMatch(/(?<![\w-])(fire|medical|流程[AB])(?![\w-])/);
  });
});
