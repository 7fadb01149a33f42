/**
 * What a console says when something went wrong: the API's message in the reader's language, and for
 * anything else (the network, a bug) a plain sentence — never a raw exception's English text; and no
 * page bypasses it.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ApiError } from "../../../web/src/api/http.ts";
import { errorTextFor } from "../../../web/src/errorText.ts";
import en from "../../../web/src/i18n/en.ts";
import zhCN from "../../../web/src/i18n/zh-CN.ts";

const refused = new ApiError(409, "CONFLICT", "This period is already closed", "该期间已结账", []);

describe("errorText", () => {
  it("gives a zh-CN reader the API's Chinese message, and a plain sentence for anything else", () => {
    expect(errorTextFor(refused, "zh-CN", zhCN.common.failed)).toBe("该期间已结账");
    expect(errorTextFor(new TypeError("Failed to fetch"), "zh-CN", zhCN.common.failed)).toBe(
      "操作未成功，请稍后再试",
    );
  });

  it("gives an English reader the API's English message", () => {
    expect(errorTextFor(refused, "en", en.common.failed)).toBe("This period is already closed");
    expect(errorTextFor(new TypeError("Failed to fetch"), "en", en.common.failed)).toBe(
      "That did not work; please try again",
    );
  });

  it("gives a zh-CN reader the plain sentence, not the English message, when the API gave no Chinese one", () => {
    const internal = new ApiError(500, "INTERNAL", "Internal error", undefined, []);
    expect(errorTextFor(internal, "zh-CN", zhCN.common.failed)).toBe("操作未成功，请稍后再试");
    expect(errorTextFor(internal, "en", en.common.failed)).toBe("Internal error");
  });
});

/** Every console source file (the generated API schema apart). */
function consoleSources(dir = "web/src"): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return consoleSources(path);
    return /\.(vue|ts)$/.test(entry.name) && path !== join("web/src/api/schema.ts") ? [path] : [];
  });
}

describe("no console shows an exception's own text", () => {
  it("no page turns a caught error into text itself (String(e), e.message as a fallback): errorText decides", () => {
    // A raw exception's text is English ("TypeError: Failed to fetch" on a phone that lost its network).
    const raw = /String\((e|err|error)\)|\?\?\s*(e|err|error)\.message\b/;
    const offenders = consoleSources()
      .filter((file) => file !== join("web/src/errorText.ts"))
      .flatMap((file) =>
        readFileSync(file, "utf8")
          .split("\n")
          .flatMap((line, index) => (raw.test(line) ? [`${file}:${index + 1} ${line.trim()}`] : [])),
      );
    expect(consoleSources().length).toBeGreaterThan(50);
    expect(offenders).toEqual([]);
  });
});
