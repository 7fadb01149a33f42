import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigurationError, parseConfig } from "#functions/runtime/config.ts";
import { SECRETS } from "#functions/runtime/environment.ts";

const KEY = "k".repeat(32);

describe("one configuration per function, from its catalog entry", () => {
  it("reads what CaseProgress declares and refuses what it does not (the ledger table)", () => {
    const config = parseConfig({
      AIDFLOW_FUNCTION: "CaseProgress",
      AIDFLOW_RUNTIME: "local",
      AIDFLOW_TABLE_MAIN: "p-main",
      [SECRETS.identityHashKey.valueEnv]: KEY,
    });
    expect(config.tables.main).toBe("p-main");
    expect(config.identityHashKey).toBe(KEY);
    expect(() => config.tables.ledger).toThrow(/AIDFLOW_TABLE_LEDGER: CaseProgress does not declare it/);
    expect(() => config.bank.requestSecret).toThrow(ConfigurationError);
  });

  it("names every missing declared variable of a payment step at once", () => {
    const attempt = () => parseConfig({ AIDFLOW_FUNCTION: "PayAid", AIDFLOW_RUNTIME: "local" });
    expect(attempt).toThrow(/AIDFLOW_TABLE_MAIN is missing/);
    expect(attempt).toThrow(/AIDFLOW_TABLE_LEDGER is missing/);
    expect(attempt).toThrow(/AIDFLOW_BANK_ENDPOINTS is missing/);
    expect(attempt).toThrow(/AIDFLOW_PAYEE_HASH_SECRET_ID is missing/);
    expect(attempt).toThrow(/AIDFLOW_BANK_CALLBACK_URL_PARAMETER is missing/);
  });

  it("in AWS a function takes its secrets from the store only: no plain value, no local reference", () => {
    const base = { AIDFLOW_FUNCTION: "CaseProgress", AIDFLOW_TABLE_MAIN: "p-main" };
    expect(() => parseConfig({ ...base, [SECRETS.identityHashKey.valueEnv]: KEY })).toThrow(
      /AIDFLOW_IDENTITY_HASH_KEY_SECRET_ID is missing/,
    );
    expect(() =>
      parseConfig({ ...base, [SECRETS.identityHashKey.idEnv]: `env:${SECRETS.identityHashKey.valueEnv}` }),
    ).toThrow(/must name the secret itself in AWS/);
    // An ARN not fetched at cold start is a configuration error, not an undefined key.
    expect(() =>
      parseConfig({
        ...base,
        [SECRETS.identityHashKey.idEnv]: "arn:aws:secretsmanager:ap-east-1:1:secret:x",
      }),
    ).toThrow(/was not read at cold start/);
  });

  it("locally a secret is read from a file reference, as .data/secrets.json holds it", () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), "aidflow-secrets-")), "secrets.json");
    writeFileSync(file, JSON.stringify({ identityHashKey: KEY }));
    const config = parseConfig({
      AIDFLOW_FUNCTION: "CaseProgress",
      AIDFLOW_RUNTIME: "local",
      AIDFLOW_TABLE_MAIN: "p-main",
      [SECRETS.identityHashKey.idEnv]: `file:${file}#identityHashKey`,
    });
    expect(config.identityHashKey).toBe(KEY);
  });

  it("an unknown function id is refused", () => {
    expect(() => parseConfig({ AIDFLOW_FUNCTION: "Nope" })).toThrow(
      /Nope is not a function of functions\/catalog.ts/,
    );
  });
});
