import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { afterEach, describe, expect, it } from "vitest";
import { BankRejectedError, BankUnavailableError } from "#adapters/payments/errors.ts";
import { instructionIdFor } from "#adapters/payments/gateway.ts";
import { HttpBankGateway } from "#adapters/payments/http-bank-gateway.ts";
import { type RunningBankSimulator, startBankSimulator } from "#local/bank-simulator/server.ts";

const CALLBACK_SECRET = "callback-secret-for-tests-0001";
const REQUEST_SECRET = "request-secret-for-tests-00001";

const instruction = (n: number) => ({
  instructionId: instructionIdFor(`S${n}.advance`, 1),
  amountYuan: "100.00",
  payee: { name: "王小明", bankAccount: "6222020200112233445", bankName: "工行" },
  township: "T-QINGHE",
  fund: "FUND-QINGHE",
  // Nobody listens here: the outcomes are read through the status endpoint.
  callbackUrl: "http://127.0.0.1:9/bank/callback",
  reference: `S${n}`,
});

describe("the bank simulator", () => {
  const running: RunningBankSimulator[] = [];
  const dirs: string[] = [];
  afterEach(async () => {
    for (const r of running.splice(0)) await r.stop();
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  async function start(options: Partial<Parameters<typeof startBankSimulator>[0]> = {}) {
    const bank = await startBankSimulator({
      callbackSecret: CALLBACK_SECRET,
      requestSecret: REQUEST_SECRET,
      knobs: { delayScale: 0 },
      ...options,
    });
    running.push(bank);
    return {
      bank,
      gateway: new HttpBankGateway({ baseUrl: bank.url, requestSecret: REQUEST_SECRET, timeoutMs: 5_000 }),
    };
  }

  it("the same seed gives the same outcomes whatever the order of arrival", async () => {
    // Prepare
    const knobs = { delayScale: 0, failureRate: 0.3 };
    const a = await start({ seed: 42, knobs });
    const b = await start({ seed: 42, knobs });
    const ids = Array.from({ length: 40 }, (_, i) => i);

    // Act
    for (const n of ids) await a.gateway.instruct(instruction(n));
    for (const n of [...ids].reverse()) await b.gateway.instruct(instruction(n));
    await a.bank.simulator.flush();
    await b.bank.simulator.flush();

    // Assess
    const outcomes = (bank: RunningBankSimulator) =>
      ids
        .map((n) => bank.simulator.status(instruction(n).instructionId))
        .map((s) => [s?.status, s?.reason, s?.bankReference]);
    expect(outcomes(b.bank)).toEqual(outcomes(a.bank));
    expect(a.bank.simulator.stats().failed).toBeGreaterThan(0);
    expect(a.bank.simulator.stats().confirmed).toBeGreaterThan(0);
  });

  it("knobs are settable through the admin endpoint and the manual clock settles on advance", async () => {
    // Prepare
    const { bank, gateway } = await start();
    const set = await fetch(`${bank.url}/admin/knobs`, {
      method: "POST",
      body: JSON.stringify({ minDelayMs: 1_000, maxDelayMs: 1_000, perTransferLimitYuan: "50.00" }),
    });
    expect(set.status).toBe(200);
    await gateway.instruct(instruction(1));

    // Act
    const early = await (
      await fetch(`${bank.url}/admin/advance`, { method: "POST", body: '{"ms":999}' })
    ).json();
    const due = await (await fetch(`${bank.url}/admin/advance`, { method: "POST", body: '{"ms":1}' })).json();

    // Assess
    expect(early).toMatchObject({ settled: 0 });
    expect(due).toMatchObject({ settled: 1 });
    expect(await gateway.status(instruction(1).instructionId)).toMatchObject({
      status: "failed",
      reason: "limit-exceeded",
    });
    const refused = await fetch(`${bank.url}/admin/knobs`, { method: "POST", body: '{"failureRate":2}' });
    expect(refused.status).toBe(400);
  });

  it("callbacks of listed accounts are lost or delivered twice, whatever the random rates say", async () => {
    // Prepare: nobody listens at the callback URL, so the plan is read from the stored transfers
    const { bank, gateway } = await start({
      seed: 3,
      knobs: {
        delayScale: 0,
        lostCallbackAccounts: ["6222000000000001"],
        duplicateCallbackAccounts: ["6222000000000002"],
      },
    });
    const to = (n: number, account: string) => ({
      ...instruction(n),
      payee: { ...instruction(n).payee, bankAccount: account },
    });

    // Act
    await gateway.instruct(to(1, "6222000000000001"));
    await gateway.instruct(to(2, "6222000000000002"));
    await gateway.instruct(to(3, "6222000000000003"));

    // Assess
    const plans = new Map(bank.simulator.transfers().map((t) => [t.request.payee.bankAccount, t.plan]));
    expect(plans.get("6222000000000001")).toMatchObject({ lost: true, duplicate: false });
    expect(plans.get("6222000000000002")).toMatchObject({ lost: false, duplicate: true });
    expect(plans.get("6222000000000003")).toMatchObject({ lost: false, duplicate: false });
  });

  it("a transfer is cancelled only before it settles", async () => {
    const { bank, gateway } = await start();
    await gateway.instruct(instruction(1));
    await gateway.instruct(instruction(2));
    const cancelled = await gateway.cancel(instruction(1).instructionId);
    await bank.simulator.flush();

    const tooLate = await gateway.cancel(instruction(2).instructionId);

    expect(cancelled.status).toBe("cancelled");
    expect(tooLate.status).toBe("confirmed");
    expect(await gateway.status("AF00000000000000000000000000000X")).toEqual({
      instructionId: "AF00000000000000000000000000000X",
      status: "unknown",
    });
  });

  it("a restarted simulator with a data directory still holds every transfer and never pays one twice", async () => {
    // Prepare
    const dataDir = mkdtempSync(join(tmpdir(), "bank-sim-"));
    dirs.push(dataDir);
    const first = await start({ dataDir });
    await first.gateway.instruct(instruction(1));
    await first.bank.simulator.flush();
    await first.gateway.instruct(instruction(2));
    await (running.pop() as RunningBankSimulator).stop();

    // Act
    const second = await start({ dataDir });
    const again = await second.gateway.instruct(instruction(1));
    await second.bank.simulator.flush();

    // Assess
    expect(again.status).toBe("confirmed");
    expect(second.bank.simulator.stats()).toMatchObject({
      instructions: 2,
      confirmed: 2,
      repeatedInstructions: 1,
    });
  });

  it("an unsigned or wrongly signed request is refused by the bank as a typed error", async () => {
    const { bank } = await start();
    const forger = new HttpBankGateway({
      baseUrl: bank.url,
      requestSecret: "not-the-request-secret-0000",
      timeoutMs: 2_000,
    });

    await expect(forger.instruct(instruction(1))).rejects.toBeInstanceOf(BankRejectedError);
    expect(bank.simulator.stats().instructions).toBe(0);
  });

  it("an unreachable bank is a typed error the flow can retry", async () => {
    const nowhere = new HttpBankGateway({
      baseUrl: "http://127.0.0.1:9",
      requestSecret: REQUEST_SECRET,
      timeoutMs: 2_000,
    });

    await expect(nowhere.status(instruction(1).instructionId)).rejects.toBeInstanceOf(BankUnavailableError);
  });

  it("runs as its own process and answers the contract on loopback", { timeout: 60_000 }, async () => {
    // Prepare
    const child: ChildProcess = spawn(
      process.execPath,
      [
        "--import",
        "tsx",
        "local/bank-simulator/main.ts",
        "--port",
        "0",
        "--callback-secret",
        CALLBACK_SECRET,
        "--delay-scale",
        "0",
      ],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    try {
      const line = await new Promise<string>((resolve, reject) => {
        const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
        lines.once("line", resolve);
        child.once("exit", (code) => reject(new Error(`simulator exited with ${code}`)));
      });
      const { url } = JSON.parse(line) as { url: string };
      const gateway = new HttpBankGateway({ baseUrl: url, requestSecret: REQUEST_SECRET, timeoutMs: 5_000 });

      // Act
      const accepted = await gateway.instruct(instruction(1));
      const flushed = await (await fetch(`${url}/admin/flush`, { method: "POST" })).json();
      const status = await gateway.status(instruction(1).instructionId);

      // Assess
      expect(accepted.status).toBe("accepted");
      expect(flushed).toMatchObject({ settled: 1 });
      expect(status).toMatchObject({ status: "confirmed", bankReference: expect.stringMatching(/^SIM/) });
    } finally {
      child.kill("SIGTERM");
    }
  });
});
