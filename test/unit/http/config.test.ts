import { describe, expect, it } from "vitest";
import { ConfigurationError, parseConfig } from "#functions/runtime/config.ts";

const base = {
  AIDFLOW_TABLE_MAIN: "p-main",
  AIDFLOW_TABLE_LEDGER: "p-ledger",
  AIDFLOW_IDENTITY_HASH_KEY: "0123456789abcdef0123",
  AIDFLOW_DOCUMENTS_BUCKET: "docs-bucket",
};

describe("configuration is read once and fails fast", () => {
  it("parses a complete environment with defaults", () => {
    const config = parseConfig(base);
    expect(config).toMatchObject({
      runtime: "aws",
      tables: { main: "p-main", ledger: "p-ledger" },
      documents: { bucket: "docs-bucket" },
      idempotencyTtlHours: 24,
      issuerEnforcesMfa: false,
    });
  });

  it("the issuer's MFA flag is true or false, and anything else fails the start", () => {
    expect(parseConfig({ ...base, AIDFLOW_ISSUER_ENFORCES_MFA: "true" }).issuerEnforcesMfa).toBe(true);
    expect(() => parseConfig({ ...base, AIDFLOW_ISSUER_ENFORCES_MFA: "yes" })).toThrow(
      /AIDFLOW_ISSUER_ENFORCES_MFA/,
    );
  });

  it("names every missing or malformed variable in one startup error", () => {
    const attempt = () =>
      parseConfig({
        AIDFLOW_TABLE_LEDGER: "x",
        AIDFLOW_IDENTITY_HASH_KEY: "short",
        AIDFLOW_DOCUMENTS_BUCKET: "b",
      });
    expect(attempt).toThrow(ConfigurationError);
    expect(attempt).toThrow(/AIDFLOW_TABLE_MAIN is missing/);
    expect(attempt).toThrow(/AIDFLOW_IDENTITY_HASH_KEY: must be at least 16 characters/);
  });

  it("in AWS a document bucket is required; locally a directory will do", () => {
    const { AIDFLOW_DOCUMENTS_BUCKET: _b, ...noBucket } = base;
    expect(() => parseConfig(noBucket)).toThrow(/AIDFLOW_DOCUMENTS_BUCKET/);
    expect(
      parseConfig({ ...noBucket, AIDFLOW_RUNTIME: "local", AIDFLOW_DOCUMENTS_DIR: "/tmp/d" }).documents.dir,
    ).toBe("/tmp/d");
  });
});
