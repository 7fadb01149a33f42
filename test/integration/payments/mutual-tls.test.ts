/**
 * A bank that demands mutual TLS (银企直连): the simulator serves https with its own test CA and refuses
 * any client without a certificate from it; AidFlow's HTTP bank adapter presents the certificate and
 * trusts the bank's CA from the client-TLS secret, read through the configuration path every secret
 * takes (functions/runtime/config.ts, here from its local stand-in, a `file:` reference).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { gatewaysFrom } from "#adapters/payments/config.ts";
import { BankUnavailableError } from "#adapters/payments/errors.ts";
import { instructionIdFor } from "#adapters/payments/gateway.ts";
import { HttpBankGateway } from "#adapters/payments/http-bank-gateway.ts";
import { parseConfig } from "#functions/runtime/config.ts";
import { BANK_CLIENT_TLS, ENV, SECRETS, TABLE_ENV } from "#functions/runtime/environment.ts";
import {
  type BankPki,
  clientTlsSecret,
  createBankPki,
  createCa,
  createClientRequest,
  issueClientCertificate,
} from "#local/bank-simulator/pki.ts";
import { createPaymentWorld, type PaymentWorld, payByBank, REQUEST_SECRET } from "./harness.ts";

const scratch = mkdtempSync(path.join(tmpdir(), "aidflow-mtls-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** The payment-status poller's configuration: a function that calls the bank, on the local runtime. */
function bankConfig(bankUrl: string, clientTlsSecretId: string) {
  return parseConfig({
    [ENV.function]: "PollPaymentStatus",
    [ENV.runtime]: "local",
    [TABLE_ENV.main]: "unused-here",
    [SECRETS.bankRequestSecret.valueEnv]: REQUEST_SECRET,
    [ENV.bankEndpoints]: JSON.stringify({ "*": bankUrl }),
    [BANK_CLIENT_TLS.idEnv]: clientTlsSecretId,
  }).bank;
}

/** The secret as an operator puts it, in the local stand-in's secrets file. */
function localSecret(content: string): string {
  const file = path.join(mkdtempSync(path.join(scratch, "secrets-")), "secrets.json");
  writeFileSync(file, JSON.stringify({ bankClientTls: content }), { mode: 0o600 });
  return `file:${file}#bankClientTls`;
}

describe("a bank that demands mutual TLS", () => {
  let pki: BankPki;
  let world: PaymentWorld | undefined;
  beforeAll(() => {
    pki = createBankPki();
  });
  afterEach(async () => {
    await world?.close();
    world = undefined;
  });

  const bankTls = () => ({ server: pki.server, clientCa: pki.ca.certificate });

  it("a payment goes through the HTTP adapter with the client certificate from the configured secret", async () => {
    // Prepare
    const secretId = localSecret(clientTlsSecret(pki));
    world = await createPaymentWorld({
      bankTls: bankTls(),
      gateway: (bankUrl) => gatewaysFrom(bankConfig(bankUrl, secretId))("230123"),
    });
    expect(world.bank.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);

    // Act
    const { obligation, status } = await payByBank(world, { caseId: "C-MTLS-1", amountYuan: "650.00" });
    const summary = await world.bank.simulator.flush();

    // Assess
    expect(status.status).toBe("accepted");
    expect(summary).toMatchObject({ settled: 1, callbacksDelivered: 1 });
    const payment = await world.store.getPayment(obligation.obligationId);
    expect(payment?.obligation).toMatchObject({ status: "paid" });
    expect(world.bank.simulator.stats().instructions).toBe(1);
  });

  it("without a client certificate the bank refuses the handshake and the error says so; nothing is instructed", async () => {
    // Prepare: the bank's CA is trusted, but there is no certificate to present.
    world = await createPaymentWorld({
      bankTls: bankTls(),
      gateway: (baseUrl) =>
        new HttpBankGateway({
          baseUrl,
          requestSecret: REQUEST_SECRET,
          timeoutMs: 5_000,
          tls: { ca: pki.ca.certificate },
        }),
    });

    // Act
    const attempt = payByBank(world, { caseId: "C-MTLS-2", amountYuan: "650.00" });

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(BankUnavailableError);
    await expect(attempt).rejects.toThrow(/refused the TLS handshake: no client certificate/);
    expect(world.bank.simulator.stats().instructions).toBe(0);
  });

  it("a certificate issued by another CA is refused, and the error says the certificate is the likely cause", async () => {
    // Prepare
    const stranger = createCa("Not the bank's CA");
    const request = createClientRequest("aidflow-elsewhere");
    world = await createPaymentWorld({
      bankTls: bankTls(),
      gateway: (baseUrl) =>
        new HttpBankGateway({
          baseUrl,
          requestSecret: REQUEST_SECRET,
          timeoutMs: 5_000,
          tls: {
            certificate: issueClientCertificate(stranger, request.csr),
            privateKey: request.privateKey,
            ca: pki.ca.certificate,
          },
        }),
    });

    // Act
    const status = world.gateway.status(instructionIdFor("C-MTLS-3.advance", 1));

    // Assess
    await expect(status).rejects.toThrow(/a client certificate it does not accept/);
    expect(world.bank.simulator.stats().instructions).toBe(0);
  });

  it("AidFlow does not trust a bank whose server certificate is not from the configured CA", async () => {
    // Prepare: the right client certificate, but the public roots (no `ca`) to judge the bank by.
    world = await createPaymentWorld({
      bankTls: bankTls(),
      gateway: (baseUrl) =>
        new HttpBankGateway({
          baseUrl,
          requestSecret: REQUEST_SECRET,
          timeoutMs: 5_000,
          tls: { certificate: pki.client.certificate, privateKey: pki.client.privateKey },
        }),
    });

    // Act
    const status = world.gateway.status(instructionIdFor("C-MTLS-4.advance", 1));

    // Assess
    await expect(status).rejects.toThrow(/server certificate is not trusted/);
  });

  it("a client certificate for plain http is a mistake named at once", () => {
    expect(
      () =>
        new HttpBankGateway({
          baseUrl: "http://127.0.0.1:9",
          requestSecret: REQUEST_SECRET,
          timeoutMs: 1_000,
          tls: { ca: pki.ca.certificate },
        }),
    ).toThrow(/reached over https only/);
  });
});

describe("the bank simulator as its own process with --mutual-tls", () => {
  it("keeps its PKI in the directory and names the secret AidFlow reads", { timeout: 60_000 }, async () => {
    // Prepare
    const pkiDir = path.join(scratch, "bank-pki");
    const child: ChildProcess = spawn(
      process.execPath,
      [
        "--import",
        "tsx",
        "local/bank-simulator/main.ts",
        "--port",
        "0",
        "--callback-secret",
        "callback-secret-for-tests-0001",
        "--request-secret",
        REQUEST_SECRET,
        "--delay-scale",
        "0",
        "--mutual-tls",
        pkiDir,
      ],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    try {
      const line = await new Promise<string>((resolve, reject) => {
        const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
        lines.once("line", resolve);
        child.once("exit", (code) => reject(new Error(`simulator exited with ${code}`)));
      });
      const { url, clientTlsSecretId } = JSON.parse(line) as { url: string; clientTlsSecretId: string };
      const gateway = gatewaysFrom(bankConfig(url, clientTlsSecretId))("230123");
      const plain = new HttpBankGateway({ baseUrl: url, requestSecret: REQUEST_SECRET, timeoutMs: 5_000 });
      const unknown = instructionIdFor("C-MTLS-5.advance", 1);

      // Act
      const status = await gateway.status(unknown);

      // Assess
      expect(url).toMatch(/^https:/);
      expect(clientTlsSecretId).toBe(`file:${path.join(pkiDir, "aidflow-secrets.json")}#bankClientTls`);
      expect(status).toEqual({ instructionId: unknown, status: "unknown" });
      await expect(plain.status(unknown)).rejects.toBeInstanceOf(BankUnavailableError);
    } finally {
      child.kill("SIGTERM");
    }
  });
});
