/**
 * The web's API types (web/src/api/schema.ts) are what openapi-typescript makes of the API document
 * today: a route whose schema changed without regenerating them fails here.
 */
import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { WEB_SCHEMA, webSchemaText } from "#scripts/generate-web-schema.ts";

describe("web API types", () => {
  it("the committed web/src/api/schema.ts is the generation of the current API document (npx tsx scripts/generate-web-schema.ts)", async () => {
    const committed = await readFile(WEB_SCHEMA, "utf8");
    const generated = await webSchemaText();
    expect(
      committed === generated,
      "web/src/api/schema.ts is stale: run npx tsx scripts/generate-web-schema.ts",
    ).toBe(true);
  });
});
