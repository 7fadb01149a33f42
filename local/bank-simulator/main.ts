/**
 * The bank simulator as its own process:
 *   npx tsx local/bank-simulator/main.ts --port 4010 --callback-secret <secret> [--request-secret <secret>]
 *     [--data-dir .data/bank] [--seed 1] [--failure-rate 0.1] [--duplicate-rate 0.05] [--lost-rate 0.02]
 *     [--min-delay-ms 500] [--max-delay-ms 3000] [--delay-scale 1 | 0 for a manual clock]
 *     [--mutual-tls .data/bank-pki]
 * Prints one JSON line `{"bankSimulator":"listening","url":…}` when ready; stops on SIGINT/SIGTERM.
 * With --mutual-tls the line also names `clientTlsSecretId`: the local stand-in of AidFlow's
 * client-certificate secret, for `AIDFLOW_BANK_CLIENT_TLS_SECRET_ID`.
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { Command, InvalidArgumentError } from "commander";
import { clientTlsSecret, loadOrCreateBankPki } from "./pki.ts";
import { startBankSimulator } from "./server.ts";

function number(value: string): number {
  const parsed = Number(value);
  if (!Number.isFinite(parsed)) throw new InvalidArgumentError("not a number");
  return parsed;
}

const program = new Command()
  .name("bank-simulator")
  .description("AidFlow's local bank: accepts transfer instructions and reports outcomes by signed callbacks")
  .requiredOption("--callback-secret <secret>", "HMAC secret for signing callbacks to AidFlow")
  .option("--request-secret <secret>", "HMAC secret AidFlow signs its requests with (verified when given)")
  .option("--port <port>", "loopback port (0 = any free port)", number, 0)
  .option("--data-dir <dir>", "keep transfers in <dir>/transfers.jsonl (default: in memory)")
  .option("--seed <n>", "seed of the random outcomes", number, 1)
  .option("--failure-rate <rate>", "share of transfers that fail", number)
  .option("--duplicate-rate <rate>", "share of callbacks delivered twice", number)
  .option("--lost-rate <rate>", "share of callbacks never delivered", number)
  .option("--min-delay-ms <ms>", "shortest settlement delay (simulated ms)", number)
  .option("--max-delay-ms <ms>", "longest settlement delay (simulated ms)", number)
  .option("--delay-scale <factor>", "real ms per simulated ms; 0 = manual clock (POST /admin/flush)", number)
  .option(
    "--mutual-tls <dir>",
    "serve https and demand a client certificate; the test CA and certificates are kept in <dir>",
  );

program.parse();
const o = program.opts<{
  callbackSecret: string;
  requestSecret?: string;
  port: number;
  dataDir?: string;
  seed: number;
  failureRate?: number;
  duplicateRate?: number;
  lostRate?: number;
  minDelayMs?: number;
  maxDelayMs?: number;
  delayScale?: number;
  mutualTls?: string;
}>();

const pkiDir = o.mutualTls ? path.resolve(o.mutualTls) : undefined;
const pki = pkiDir ? loadOrCreateBankPki(pkiDir) : undefined;
// AidFlow's side of the PKI, where the local stand-in of the secret reads it (parameters.ts `file:`).
const clientTlsSecretId = pkiDir
  ? `file:${path.join(pkiDir, "aidflow-secrets.json")}#bankClientTls`
  : undefined;
if (pkiDir && pki) {
  writeFileSync(
    path.join(pkiDir, "aidflow-secrets.json"),
    JSON.stringify({ bankClientTls: clientTlsSecret(pki) }),
    { mode: 0o600 },
  );
}

const running = await startBankSimulator({
  callbackSecret: o.callbackSecret,
  port: o.port,
  seed: o.seed,
  ...(o.requestSecret ? { requestSecret: o.requestSecret } : {}),
  ...(o.dataDir ? { dataDir: o.dataDir } : {}),
  ...(pki ? { mutualTls: { server: pki.server, clientCa: pki.ca.certificate } } : {}),
  knobs: {
    ...(o.failureRate !== undefined ? { failureRate: o.failureRate } : {}),
    ...(o.duplicateRate !== undefined ? { duplicateCallbackRate: o.duplicateRate } : {}),
    ...(o.lostRate !== undefined ? { lostCallbackRate: o.lostRate } : {}),
    ...(o.minDelayMs !== undefined ? { minDelayMs: o.minDelayMs } : {}),
    ...(o.maxDelayMs !== undefined ? { maxDelayMs: o.maxDelayMs } : {}),
    ...(o.delayScale !== undefined ? { delayScale: o.delayScale } : {}),
  },
});
process.stdout.write(
  `${JSON.stringify({
    bankSimulator: "listening",
    url: running.url,
    port: running.port,
    ...(clientTlsSecretId ? { clientTlsSecretId } : {}),
  })}\n`,
);

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    void running.stop().then(() => process.exit(0));
  });
}
