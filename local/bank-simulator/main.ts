/**
 * The bank simulator as its own process:
 *   npx tsx local/bank-simulator/main.ts --port 4010 --callback-secret <secret> [--request-secret <secret>]
 *     [--data-dir .data/bank] [--seed 1] [--failure-rate 0.1] [--duplicate-rate 0.05] [--lost-rate 0.02]
 *     [--min-delay-ms 500] [--max-delay-ms 3000] [--delay-scale 1 | 0 for a manual clock]
 * Prints one JSON line `{"bankSimulator":"listening","url":…}` when ready; stops on SIGINT/SIGTERM.
 */
import { Command, InvalidArgumentError } from "commander";
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
  .option("--delay-scale <factor>", "real ms per simulated ms; 0 = manual clock (POST /admin/flush)", number);

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
}>();

const running = await startBankSimulator({
  callbackSecret: o.callbackSecret,
  port: o.port,
  seed: o.seed,
  ...(o.requestSecret ? { requestSecret: o.requestSecret } : {}),
  ...(o.dataDir ? { dataDir: o.dataDir } : {}),
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
  `${JSON.stringify({ bankSimulator: "listening", url: running.url, port: running.port })}\n`,
);

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    void running.stop().then(() => process.exit(0));
  });
}
