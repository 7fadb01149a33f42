/**
 * The mutual-TLS secret read through the configuration (functions/runtime/config.ts,
 * bank-client-tls.ts): optional for a deployment, checked at cold start when present, refused where it
 * is not declared, and taken from the store only in AWS.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { gatewaysFrom } from "#adapters/payments/config.ts";
import { ConfigurationError, parseConfig } from "#functions/runtime/config.ts";
import { BANK_CLIENT_TLS, ENV, SECRETS, TABLE_ENV } from "#functions/runtime/environment.ts";
import { type BankPki, clientTlsSecret, createBankPki, createCa } from "#local/bank-simulator/pki.ts";

const DAY_MS = 24 * 60 * 60 * 1000;
const POLLER = {
  [ENV.function]: "PollPaymentStatus",
  [ENV.runtime]: "local",
  [TABLE_ENV.main]: "p-main",
  [SECRETS.bankRequestSecret.valueEnv]: "r".repeat(32),
  [ENV.bankEndpoints]: JSON.stringify({ "*": "https://bank.example.cn/aidflow" }),
};

/** The secret through a local reference in the variable that carries its ARN in AWS. */
function withTls(content: string) {
  return parseConfig({ ...POLLER, [BANK_CLIENT_TLS.idEnv]: "env:TLS_SECRET", TLS_SECRET: content }).bank;
}

describe("the bank's client-certificate secret", () => {
  let pki: BankPki;
  beforeAll(() => {
    pki = createBankPki();
  });

  it("is optional: a deployment without it connects with plain https", () => {
    expect(parseConfig(POLLER).bank.clientTls).toBeUndefined();
  });

  it("is read and kept per bank when present", () => {
    const tls = withTls(clientTlsSecret(pki)).clientTls;
    expect(Object.keys(tls ?? {})).toEqual(["*"]);
    expect(tls?.["*"]?.certificate).toBe(pki.client.certificate);
    expect(tls?.["*"]?.ca).toBe(pki.ca.certificate);
  });

  it("that is not JSON fails the cold start naming the variable and the expected shape", () => {
    expect(() => withTls("not json").clientTls).toThrow(ConfigurationError);
    expect(() => withTls("not json").clientTls).toThrow(/AIDFLOW_BANK_CLIENT_TLS_SECRET_ID: must be JSON/);
  });

  it("whose key is not the certificate's is refused at once", () => {
    const other = createCa("another key");
    const mixed = JSON.stringify({
      "*": { certificate: pki.client.certificate, privateKey: other.privateKey, ca: pki.ca.certificate },
    });
    expect(() => withTls(mixed)).toThrow(/\*: privateKey is not the key of certificate/);
  });

  it("with an expired certificate is refused, naming when it expired", () => {
    const old = createBankPki(Date.now() - 90 * DAY_MS);
    expect(() => withTls(clientTlsSecret(old))).toThrow(/\*: certificate expired on/);
  });

  it("with a certificate but no key, or a bank named by something else than a county code, is refused", () => {
    const halves = JSON.stringify({ "*": { certificate: pki.client.certificate } });
    expect(() => withTls(halves)).toThrow(/certificate and privateKey go together/);
    const badKey = JSON.stringify({ bank: { ca: pki.ca.certificate } });
    expect(() => withTls(badKey)).toThrow(/bank: not a 6-digit county code or \*/);
  });

  it("in AWS comes from Secrets Manager only: a local reference is refused, an ARN must be read at cold start", () => {
    const aws = { ...POLLER, [ENV.runtime]: "aws", [SECRETS.bankRequestSecret.idEnv]: "env:X", X: "x" };
    expect(() => parseConfig({ ...aws, [BANK_CLIENT_TLS.idEnv]: `env:${BANK_CLIENT_TLS.valueEnv}` })).toThrow(
      /AIDFLOW_BANK_CLIENT_TLS_SECRET_ID: must name the secret itself in AWS/,
    );
    expect(() =>
      parseConfig({
        ...POLLER,
        [BANK_CLIENT_TLS.idEnv]: "arn:aws:secretsmanager:ap-east-1:1:secret:aidflow-bank-client-tls",
      }),
    ).toThrow(/AIDFLOW_BANK_CLIENT_TLS_SECRET_ID: .* was not read at cold start/);
  });

  it("is not readable by a function that does not call the bank", () => {
    const config = parseConfig({
      [ENV.function]: "CaseProgress",
      [ENV.runtime]: "local",
      [TABLE_ENV.main]: "p-main",
      [SECRETS.identityHashKey.valueEnv]: "k".repeat(32),
    });
    expect(() => config.bank.clientTls).toThrow(/CaseProgress does not declare it/);
  });

  it("goes with the endpoint it names: a county with its own bank never presents the `*` bank's certificate", () => {
    const gateways = gatewaysFrom({
      endpoints: { "*": "https://bank.example.cn/aidflow", "230123": "http://county-bank.example.cn" },
      requestSecret: "r".repeat(32),
      timeoutMs: 1_000,
      clientTls: JSON.parse(clientTlsSecret(pki)),
    });
    // The county's own bank is plain http: a certificate there would be refused at construction.
    expect(() => gateways("230123")).not.toThrow();
    expect(() => gateways("110000")).not.toThrow();
    const tlsOnHttp = gatewaysFrom({
      endpoints: { "*": "http://bank.example.cn" },
      requestSecret: "r".repeat(32),
      timeoutMs: 1_000,
      clientTls: JSON.parse(clientTlsSecret(pki)),
    });
    expect(() => tlsOnHttp("110000")).toThrow(/reached over https only/);
  });
});
