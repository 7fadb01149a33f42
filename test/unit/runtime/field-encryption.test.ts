/**
 * Field-level envelope encryption (functions/runtime/field-encryption.ts): a data key per value,
 * AES-256-GCM, the data key wrapped by the key-encryption key (KMS in AWS, the local stand-in here).
 */
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { accountVault } from "#adapters/payments/account-vault.ts";
import { parseConfig } from "#functions/runtime/config.ts";
import {
  FieldCipher,
  FieldDecryptionError,
  type KeyWrapper,
  LocalKeyWrapper,
} from "#functions/runtime/field-encryption.ts";

const cipherWith = (key = randomBytes(32)) => new FieldCipher(new LocalKeyWrapper(key));

describe("sealed fields", () => {
  it("open what was sealed; two seals of one value differ (own data key and IV each)", async () => {
    const cipher = cipherWith();
    const a = await cipher.seal("6217000012345678", "bank-account");
    const b = await cipher.seal("6217000012345678", "bank-account");
    expect(a).not.toBe(b);
    expect(a).not.toContain("6217000012345678");
    expect(await cipher.open(a, "bank-account")).toBe("6217000012345678");
  });

  it("refuse a value sealed for another field, under another key, or tampered with", async () => {
    const cipher = cipherWith();
    const sealed = await cipher.seal("6217000012345678", "bank-account");
    const parts = sealed.split(".");
    const body = Buffer.from(parts[4] as string, "base64url");
    body[0] = (body[0] as number) ^ 1;
    const tampered = [...parts.slice(0, 4), body.toString("base64url")].join(".");
    await expect(cipher.open(sealed, "identity-number")).rejects.toBeInstanceOf(FieldDecryptionError);
    await expect(cipherWith().open(sealed, "bank-account")).rejects.toBeInstanceOf(FieldDecryptionError);
    await expect(cipher.open(tampered, "bank-account")).rejects.toBeInstanceOf(FieldDecryptionError);
    await expect(cipher.open("6217000012345678", "bank-account")).rejects.toBeInstanceOf(
      FieldDecryptionError,
    );
  });

  it("unwrap a data key once per process, not once per read", async () => {
    const local = new LocalKeyWrapper(randomBytes(32));
    let unwraps = 0;
    const counting: KeyWrapper = {
      generateDataKey: (purpose) => local.generateDataKey(purpose),
      unwrap: (wrapped, purpose) => {
        unwraps += 1;
        return local.unwrap(wrapped, purpose);
      },
    };
    const cipher = new FieldCipher(counting);
    const sealed = await cipher.seal("6217000012345678", "bank-account");
    for (let i = 0; i < 3; i += 1) await cipher.open(sealed, "bank-account");
    expect(unwraps).toBe(1);
  });

  it("the account vault stores the keyed hash and tail beside the sealed number", async () => {
    const vault = accountVault(
      () => ({ kind: "local", key: randomBytes(32) }),
      () => "payee-hash-secret-0123456789",
    );
    const sealed = await vault.seal("6217 0000 1234 5678");
    expect(sealed.accountMasked).toBe("************5678");
    expect(sealed.accountHash).toMatch(/^[0-9a-f]{64}$/);
    expect(await vault.open(sealed)).toBe("6217000012345678");
  });
});

describe("the field key in the configuration", () => {
  const base = {
    AIDFLOW_FUNCTION: "PayAid",
    AIDFLOW_TABLE_MAIN: "main",
    AIDFLOW_TABLE_LEDGER: "ledger",
    AIDFLOW_IDENTITY_HASH_KEY_SECRET_ID: "arn:aws:secretsmanager:ap-east-1:1:secret:a",
  };

  it("a function that opens accounts in AWS names the KMS key, never a local stand-in", () => {
    const problems = (env: Record<string, string>) => {
      try {
        parseConfig({ ...base, ...env });
        return [];
      } catch (error) {
        return (error as { problems?: string[] }).problems ?? [];
      }
    };
    expect(problems({}).some((p) => p.startsWith("AIDFLOW_ACCOUNT_KEY_ID is missing"))).toBe(true);
    expect(
      problems({ AIDFLOW_ACCOUNT_KEY_ID: "env:AIDFLOW_ACCOUNT_KEY" }).some((p) =>
        p.includes("must name the KMS key itself"),
      ),
    ).toBe(true);
    expect(
      problems({ AIDFLOW_ACCOUNT_KEY_ID: "arn:aws:kms:ap-east-1:1:key/k" }).some((p) =>
        p.includes("AIDFLOW_ACCOUNT_KEY"),
      ),
    ).toBe(false);
  });

  it("the local runtime reads a local key by reference", () => {
    const key = randomBytes(32).toString("base64");
    const { AIDFLOW_IDENTITY_HASH_KEY_SECRET_ID: _inAws, ...local } = base;
    const config = parseConfig({
      ...local,
      AIDFLOW_RUNTIME: "local",
      AIDFLOW_ACCOUNT_KEY_ID: "env:LOCAL_FIELD_KEY",
      LOCAL_FIELD_KEY: key,
      AIDFLOW_IDENTITY_HASH_KEY: "identity-hash-key-0123456789",
      AIDFLOW_PAYEE_HASH_SECRET: "payee-hash-secret-0123456789",
      AIDFLOW_BANK_REQUEST_SECRET: "bank-request-secret-0123456789",
      AIDFLOW_BANK_ENDPOINTS: '{"*":"http://127.0.0.1:1"}',
      AIDFLOW_BANK_CALLBACK_URL: "http://127.0.0.1:2/bank/callback",
    });
    expect(config.accountKey).toEqual({ kind: "local", key: Buffer.from(key, "base64") });
  });
});
