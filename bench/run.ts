/**
 * `npm run bench`: ONE table, every row with its target, printed and written to
 * `bench/results.md`. Sources: bench/ledger (group commit vs raw writes on DynamoDB Local),
 * bench/surge (Flow A on the whole local county: happy-path transitions and usage, a surge on one
 * township), bench/cost (AWS list prices, cited), bench/bundles (esbuild as the CDK bundles),
 * bench/reconcile (replay + chain check vs raw SHA-256). A row whose source is missing or fails says
 * "not measured" and why — no number is ever filled in by hand.
 *
 *   npm run bench [-- --surge-cases 10000 --reconcile-entries 1000000]
 */
import { existsSync, writeFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { Command } from "commander";
import { startDynamoEngine } from "#local/dynamodb/engine.ts";
import { runBundleBench } from "./bundles/run.ts";
import { costOf, DEFAULT_ASSUMPTIONS } from "./cost/estimate.ts";
import { PRICE_REGION } from "./cost/prices.ts";
import { runLedgerBench } from "./ledger/run.ts";
import type { ReconcileBenchRow } from "./reconcile/run.ts";
import { runFlowBBenchInChild } from "./surge/flow-b.ts";
import { type FlowARow, runFlowABench, SURGE_CASES, stoppedLine } from "./surge/run.ts";

interface Row {
  measure: string;
  result: string;
  target: string;
  /** true = target met, false = missed, undefined = not measured / no pass-fail. */
  met?: boolean;
}

/** What the reconciliation bench answers (a type only: the module itself is loaded when present). */
type ReconcileRow = ReconcileBenchRow;

const ROOT = join(import.meta.dirname, "..");
/**
 * A streamed reconciliation holds one page and one batch of draws: its heap grows by a few MiB. One
 * that held the period would grow by the period's text (≈ 340 MiB for 1,000,000 entries).
 */
const STREAMED_HEAP_GROWTH_MAX_MIB = 64;
const fmt = (n: number) => n.toLocaleString("en-US");
const usd = (n: number) => `$${n < 0.01 ? n.toFixed(6) : n.toFixed(4)}`;

function notMeasured(measure: string, target: string, why: string): Row {
  return { measure, result: `not measured: ${why}`, target };
}

function reason(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split("\n")[0]?.slice(0, 160) ?? "unknown";
}

async function main(): Promise<void> {
  const options = new Command()
    .option("--surge-cases <n>", "Flow A cases in the surge", Number, SURGE_CASES)
    .option("--reconcile-entries <n>", "ledger entries reconciled", Number, 1_000_000)
    .option("--out <file>", "markdown file", join(ROOT, "bench", "results.md"))
    .parse()
    .opts<{ surgeCases: number; reconcileEntries: number; out: string }>();
  const log = (line: string) => process.stderr.write(`· ${line}\n`);
  const startedAt = new Date();
  const loadAtStart = loadavg()[0] ?? 0;
  const rows: Row[] = [];
  // One DynamoDB Local for every part (fresh tables each): a JVM start per part is slow and, on a
  // loaded machine, may not answer in time.
  log("starting DynamoDB Local (in memory) …");
  const engine = await startDynamoEngine().catch(() => startDynamoEngine());

  // 1. Ledger on one fund.
  let ledgerRate: number | undefined;
  try {
    log("ledger: group commit vs raw single-item writes on one fund (DynamoDB Local) …");
    const ledger = await runLedgerBench({ levels: [100, 500], endpoint: engine.endpoint, log });
    for (const row of ledger) {
      if (row.callers === 100) ledgerRate = row.ledgerPaymentsPerSecond;
      const clean = row.lost === 0 && row.doubled === 0 && row.chainVerified;
      rows.push({
        measure: `Ledger payments/s on ONE fund, ${row.callers} concurrent callers, vs raw conditional UpdateItem/s`,
        result: `${fmt(row.ledgerPaymentsPerSecond)}/s vs ${fmt(row.rawUpdatesPerSecond)}/s = **${row.ratio.toFixed(2)}×** (${row.entriesPerBatch} entries/batch; lost ${row.lost}, doubled ${row.doubled}, chain ${row.chainVerified ? "ok" : "BROKEN"})`,
        target: "≥ 2× at 100+ callers; 0 lost, 0 doubled, chain verifies",
        met: row.ratio >= 2 && clean,
      });
    }
  } catch (error) {
    rows.push(
      notMeasured(
        "Ledger payments/s on ONE fund vs raw single-item writes",
        "≥ 2× at 100+ callers",
        reason(error),
      ),
    );
  }

  // 2. Flow A on the whole county: surge, transitions, cost.
  let flowA: FlowARow | undefined;
  let flowAError = "";
  try {
    flowA = await runFlowABench({ surgeCases: options.surgeCases, dynamoEndpoint: engine.endpoint, log });
  } catch (error) {
    flowAError = reason(error);
  }
  if (flowA) {
    const s = flowA.surge;
    const ratio = ledgerRate ? s.casesPerSecond / ledgerRate : undefined;
    rows.push({
      measure: `Surge: Flow A cases on ONE township end to end (filed → approved → drawn → paid by the bank), vs the ledger-only rate`,
      result:
        `${fmt(s.paid)} of ${fmt(s.cases)} cases (¥${s.amountYuan} each, ${s.concurrency} concurrent callers) paid in ${s.seconds} s (filed and approved in ${s.filingSeconds} s) = ${s.casesPerSecond}/s` +
        (ratio !== undefined
          ? ` vs ledger ${fmt(ledgerRate as number)}/s = **${ratio.toFixed(4)}** (the ledger has ${Math.round(1 / ratio)}× headroom)`
          : "") +
        stoppedLine(s.stoppedUnpaid) +
        (s.requested < SURGE_CASES
          ? `. Not ${fmt(SURGE_CASES)}: ${fmt(s.requested)} asked for (--surge-cases)`
          : ""),
      target: "10,000 cases; every case paid; the fund is not the bottleneck (ratio ≪ 1)",
      met: s.requested >= SURGE_CASES && s.paid === s.cases && (ratio === undefined || ratio < 1),
    });
    const t = flowA.happyPath.transitions;
    rows.push({
      measure:
        "State transitions per case, Flow A happy path (file → approve → pay → paperwork → close), from execution histories",
      result: `${t.join(", ")} (cases: ${t.length}) — ${flowA.happyPath.states.join(" → ")}`,
      target: "≤ 15 per case",
      met: t.every((n) => n <= 15),
    });
    const u = flowA.happyPath.usage;
    const cost = costOf(u);
    rows.push({
      measure: `AWS cost per Flow A case (happy path), ${PRICE_REGION} list prices (bench/cost/prices.ts)`,
      result:
        `**${usd(cost.totalUsd)}** = Step Functions ${usd(cost.stepFunctionsUsd)} (${u.transitions} transitions) + Lambda ${usd(cost.lambdaUsd)} (${u.lambdaInvocations} invocations, ${DEFAULT_ASSUMPTIONS.memoryMb} MB × ${DEFAULT_ASSUMPTIONS.billedMsPerInvocation} ms assumed) + ` +
        `DynamoDB ${usd(cost.dynamoDbUsd)} (${u.writeRequestUnits} WRU, ≤ ${u.readRequestUnits} RRU) + HTTP API ${usd(cost.httpApiUsd)} (${u.httpRequests} requests)`,
      target: "≤ $0.01 per case",
      met: cost.totalUsd <= 0.01,
    });
  } else {
    rows.push(
      notMeasured(
        "Surge: Flow A cases on ONE township end to end vs the ledger-only rate",
        "10,000 cases",
        flowAError,
      ),
    );
    rows.push(notMeasured("State transitions per case, Flow A happy path", "≤ 15 per case", flowAError));
    rows.push(notMeasured("AWS cost per Flow A case", "≤ $0.01 per case", flowAError));
  }
  try {
    const b = await runFlowBBenchInChild({ dynamoEndpoint: engine.endpoint, log });
    rows.push({
      measure: `State transitions per stage, Flow B (${b.stages}-stage plan: wait for the date → re-check → pay from the commitment), from its execution history`,
      result: `${b.perStage.join(", ")} per stage; ${b.total} for the whole plan incl. filing, assessment, notice, approval and close; execution ${b.status}`,
      target: "≤ 5 per stage",
      met: b.status === "SUCCEEDED" && b.perStage.length === b.stages && b.perStage.every((n) => n <= 5),
    });
  } catch (error) {
    rows.push(notMeasured("State transitions per stage, Flow B", "≤ 5 per stage", reason(error)));
  }

  await engine.stop();

  // 3. Bundle size per Lambda.
  try {
    log("bundles: esbuild of every catalog entry, as the CDK bundles it …");
    for (const b of await runBundleBench()) {
      rows.push({
        measure: `Bundle size: ${b.functionIds.join(", ")} (${b.entry})`,
        result: `${fmt(Math.round(b.bytes / 1024))} KiB minified (${fmt(Math.round(b.gzipBytes / 1024))} KiB gzip)`,
        target: "≤ 1,024 KiB minified (cold start)",
        met: b.bytes <= 1024 * 1024,
      });
    }
  } catch (error) {
    rows.push(notMeasured("Bundle size per Lambda", "≤ 1,024 KiB minified", reason(error)));
  }

  // 4. Reconciliation (bench/reconcile, by county finance's engineer).
  const reconcileModule = join(ROOT, "bench", "reconcile", "run.ts");
  if (!existsSync(reconcileModule)) {
    rows.push(
      notMeasured(
        "Reconciliation replay vs raw SHA-256, peak memory",
        "≥ 0.5; memory flat",
        "bench/reconcile/run.ts is not in the repository",
      ),
    );
  } else {
    try {
      log(`reconciliation: ${fmt(options.reconcileEntries)} entries, replay + chain check vs raw SHA-256 …`);
      const module = (await import(pathToFileURL(reconcileModule).href)) as {
        runReconcileBench: (o: { entries: number; log?: (line: string) => void }) => Promise<ReconcileRow[]>;
      };
      for (const r of await module.runReconcileBench({ entries: options.reconcileEntries, log })) {
        const memory = `peak RSS ${r.peakRssMiB} MiB, heap ${r.heapBeforeMiB} → peak ${r.peakHeapMiB} MiB`;
        rows.push({
          measure:
            "Ledger replay of one fund: entries replayed and hash-verified (every hash, link and effect, balances in fen) vs raw SHA-256 over the same bytes",
          result: `${fmt(r.entries)} entries: ${fmt(r.verifyPerSecond)}/s vs ${fmt(r.rawSha256PerSecond)}/s = **${r.verifyRatio.toFixed(2)}**`,
          target: "≥ 0.5",
          met: r.verifyRatio >= 0.5,
        });
        rows.push({
          measure:
            "Reconciliation of one fund's month: that replay + the period figures + every draw matched to its decision and payment (synthetic store) vs raw SHA-256, peak memory",
          result: `${fmt(r.entries)} entries: ${fmt(r.reconcilePerSecond)}/s vs ${fmt(r.rawSha256PerSecond)}/s = **${r.ratio.toFixed(2)}**; ${memory}; ${r.clean ? "clean" : "DISCREPANCIES"}`,
          target:
            "memory does not grow with the period (streamed); the ratio is reported (the row above carries the ≥ 0.5)",
          met: r.clean && r.peakHeapMiB - r.heapBeforeMiB < STREAMED_HEAP_GROWTH_MAX_MIB,
        });
      }
    } catch (error) {
      rows.push(
        notMeasured("Reconciliation replay vs raw SHA-256, peak memory", "≥ 0.5; memory flat", reason(error)),
      );
    }
  }

  const table = renderTable(rows);
  const cpu = cpus();
  const header = [
    "# Benchmarks",
    "",
    `One run of \`npm run bench\` on ${startedAt.toISOString().slice(0, 16).replace("T", " ")} UTC — ${cpu.length} × ${cpu[0]?.model.trim() ?? "CPU"}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}; load average ${loadAtStart.toFixed(1)} at the start (the machine was shared with other test runs: rates are lower bounds).`,
    "",
    "✓ target met · ✗ target missed · — not measured.",
    "",
    "",
  ].join("\n");
  writeFileSync(options.out, `${header}${table}\n`);
  process.stdout.write(`${table}\n`);
  process.stderr.write(`· written to ${options.out}\n`);
}

function renderTable(rows: Row[]): string {
  const cell = (text: string) => text.replaceAll("|", "\\|");
  return [
    "| | measure | result | target |",
    "|---|---|---|---|",
    ...rows.map(
      (r) =>
        `| ${r.met === undefined ? "—" : r.met ? "✓" : "✗"} | ${cell(r.measure)} | ${cell(r.result)} | ${cell(r.target)} |`,
    ),
  ].join("\n");
}

await main();
process.exit(0);
