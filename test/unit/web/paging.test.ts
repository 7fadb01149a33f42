/**
 * 加载更多 (web/src/paging.ts): the next page's rows follow those shown, and a row already shown (it
 * moved to the next page while the reader paged) is not shown twice.
 */
import { describe, expect, it } from "vitest";
import { appendNew } from "../../../web/src/paging.ts";

const idOf = (row: { caseId: string }) => row.caseId;

describe("appendNew", () => {
  it("adds the next page's rows after those shown, in the API's order", () => {
    const shown = [{ caseId: "A1" }, { caseId: "A2" }];
    expect(appendNew(shown, [{ caseId: "A3" }, { caseId: "A4" }], idOf).map(idOf)).toEqual([
      "A1",
      "A2",
      "A3",
      "A4",
    ]);
  });

  it("leaves out a row already shown, keeping the first place it was shown in", () => {
    const shown = [{ caseId: "A1" }, { caseId: "A2" }];
    expect(appendNew(shown, [{ caseId: "A2" }, { caseId: "A3" }], idOf).map(idOf)).toEqual([
      "A1",
      "A2",
      "A3",
    ]);
  });
});
