/**
 * Restart durability: the local county runs in a CHILD process on disk; a surge of
 * Flow A cases is filed and approved through the HTTP API; the child is killed with SIGKILL in the
 * middle of the surge; a new child starts on the same data directory and ports; the surge goes on
 * (every request is idempotent, so the ones cut off by the kill are simply sent again) until every
 * advance is paid. Then the books are checked:
 *
 * - before/after totals: fund balance before − Σ paid = balance after = Σ entries; the bank's
 *   confirmed total = the ledger's net draws for the surge = cases × amount;
 * - 0 double payments: per case ≤ 1 confirmed attempt, ≤ 1 confirmed bank transfer, net draw = amount;
 * - 0 lost cases: every case filed once, paid, and still waiting with a named owner and a deadline
 *   (the paperwork task) or closed;
 * - the fund's chain verifies and its stored head equals the replay of its entries.
 *
 *   npx tsx scripts/restart-surge.ts --cases 40 --kill-after 15
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { pathToFileURL } from "node:url";
import { LedgerStore } from "#adapters/ledger/index.ts";
import { type ChainedEntry, replay } from "#core/ledger/index.ts";
import { Yuan } from "#core/money/index.ts";
import { localDynamoClient } from "#local/dynamodb/engine.ts";
import { freePort } from "#local/services.ts";
import {
  advancePaid,
  type CaseProgress,
  closedOrWaitingOnSomeone,
  fileAndApprove,
  inPool,
  SURGE_TOWNSHIP,
  type SurgeCase,
  surgeClients,
  waitUntilPaid,
} from "../bench/surge/surge.ts";

const CHILD = join(import.meta.dirname, "support", "county-child.ts");

interface ChildInfo {
  pid: number;
  apiUrl: string;
  dynamoEndpoint: string;
  tables: { main: string; ledger: string };
  resumed: number;
}

export interface RestartSurgeOptions {
  cases: number;
  /** SIGKILL the county once this many cases are filed and approved. */
  killAfter: number;
  amountYuan?: string;
  concurrency?: number;
  log?: (line: string) => void;
  /** Overall limit (ms) before the surge is declared stuck. */
  timeoutMs?: number;
}

export interface RestartSurgeReport {
  cases: number;
  approvedBeforeKill: number;
  inFlightAtKill: number;
  resumedExecutions: number;
  distinctCases: number;
  paidCases: number;
  lostCases: number;
  doublePayments: number;
  waitingWithOwnerAndDeadline: number;
  closed: number;
  balanceBefore: string;
  balanceAfter: string;
  paidTotal: string;
  bankConfirmedTotal: string;
  ledgerNetDraws: string;
  sumOfEntriesMatches: boolean;
  chainVerified: boolean;
  headEqualsReplay: boolean;
  balanceCoversCommitted: boolean;
  totalsEqual: boolean;
  seconds: number;
  problems: string[];
}

function startChild(
  dataDir: string,
  apiPort: number,
  bankPort: number,
): Promise<{ child: ChildProcess; info: ChildInfo }> {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", CHILD, dataDir, String(apiPort), String(bankPort)],
    {
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    lines.on("line", (line) => {
      if (!line.startsWith('{"pid"')) return;
      resolve({ child, info: JSON.parse(line) as ChildInfo });
    });
    child.once("exit", (code) =>
      reject(new Error(`county child exited (${code}) before it was ready:\n${stderr}`)),
    );
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  await exited;
}

/** PIDs of DynamoDB Local processes serving `dbPath` (Linux /proc): none may outlive the script. */
function enginePidsServing(dbPath: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSafe("/proc").filter((e) => /^[0-9]+$/.test(e))) {
    try {
      const args = readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0");
      const at = args.indexOf("-dbPath");
      if (at >= 0 && args[at + 1] === dbPath) pids.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return pids;
}

function readdirSafe(path: string): string[] {
  try {
    return existsSync(path) ? readdirSync(path) : [];
  } catch {
    return [];
  }
}

export async function runRestartSurge(options: RestartSurgeOptions): Promise<RestartSurgeReport> {
  const log = options.log ?? (() => {});
  const amount = options.amountYuan ?? "100.00";
  const started = Date.now();
  const deadlineMs = started + (options.timeoutMs ?? 15 * 60_000);
  const dataDir = mkdtempSync(join(tmpdir(), "aidflow-restart-surge-"));
  const apiPort = await freePort();
  const bankPort = await freePort();
  const children: ChildProcess[] = [];
  const problems: string[] = [];
  try {
    log(`starting the county in a child process on ${dataDir} …`);
    const first = await startChild(dataDir, apiPort, bankPort);
    children.push(first.child);
    const dynamo = localDynamoClient(first.info.dynamoEndpoint);
    const ledger = new LedgerStore(dynamo, first.info.tables);
    const before = await ledger.getFund(SURGE_TOWNSHIP);
    dynamo.destroy();
    const clients = await surgeClients(first.info.apiUrl);
    const runId = `restart-${started}`;

    // The surge; the child dies once `killAfter` cases are approved, the rest retry until it is back.
    let approved = 0;
    let killed: Promise<void> | undefined;
    let inFlightAtKill = 0;
    let active = 0;
    let second: { child: ChildProcess; info: ChildInfo } | undefined;
    const surge = inPool(options.cases, options.concurrency ?? 6, async (index): Promise<SurgeCase> => {
      active += 1;
      try {
        const result = await fileAndApprove(clients, index, { runId, amountYuan: amount, deadlineMs });
        approved += 1;
        if (approved === options.killAfter && !killed) {
          inFlightAtKill = active - 1;
          killed = (async () => {
            log(
              `kill -9 the county (pid ${first.info.pid}) with ${approved} cases approved, ${inFlightAtKill} requests in flight …`,
            );
            const exited = new Promise((resolve) => first.child.once("exit", resolve));
            first.child.kill("SIGKILL");
            await exited;
            log("restarting on the same data directory and ports …");
            second = await startChild(dataDir, apiPort, bankPort);
            children.push(second.child);
            log(`restarted: ${second.info.resumed} unfinished executions resumed`);
          })();
        }
        return result;
      } finally {
        active -= 1;
      }
    });
    const cases = await surge;
    await killed;
    if (!second) throw new Error("the county was never killed: lower --kill-after");
    log(`surge filed and approved ${cases.length} cases; waiting for every advance to be paid …`);
    const progress = await waitUntilPaid(
      clients.officer,
      cases.map((c) => c.caseId as string),
      deadlineMs,
      8,
      (p) => advancePaid(p) && closedOrWaitingOnSomeone(p),
    );

    // The books.
    const dynamoAfter = localDynamoClient(second.info.dynamoEndpoint);
    const store = new LedgerStore(dynamoAfter, second.info.tables);
    const head = await store.readHead(SURGE_TOWNSHIP);
    if (!head) throw new Error("the fund vanished");
    const entries: ChainedEntry[] = [];
    for await (const entry of store.streamEntries(SURGE_TOWNSHIP, { consistentRead: true }))
      entries.push(entry);
    const verified = await store.verify(SURGE_TOWNSHIP);
    dynamoAfter.destroy();
    const replayed = replay(SURGE_TOWNSHIP, entries, {
      sequence: head.sequence,
      headHash: head.headHash,
      balances: head.balances,
    });
    let sum = Yuan.zero;
    for (const e of entries)
      sum =
        e.kind === "draw"
          ? sum.minus(e.amountYuan)
          : e.kind === "commit" || e.kind === "release"
            ? sum
            : sum.plus(e.amountYuan);

    const caseIds = new Set(cases.map((c) => c.caseId));
    const transfers = readBankJournal(join(dataDir, "bank", "transfers.jsonl"));
    let paidCases = 0;
    let doublePayments = 0;
    let waiting = 0;
    let closed = 0;
    let paidTotal = Yuan.zero;
    let bankTotal = Yuan.zero;
    let netDraws = Yuan.zero;
    for (const caseId of caseIds) {
      const p = progress.get(caseId as string) as CaseProgress | undefined;
      const advance = p?.payments.find((x) => x.obligation.obligationId.endsWith(".advance"));
      if (advance?.obligation.status === "paid") {
        paidCases += 1;
        paidTotal = paidTotal.plus(Yuan.parse(advance.obligation.amountYuan));
      }
      const confirmedAttempts = advance?.attempts.filter((a) => a.status === "confirmed").length ?? 0;
      const bankConfirmed = transfers.filter((t) => t.reference === caseId && t.status === "confirmed");
      bankTotal = bankTotal.plus(Yuan.sum(bankConfirmed.map((t) => Yuan.parse(t.amountYuan))));
      const own = entries.filter((e) => e.reference.caseId === caseId);
      const net = Yuan.sum(own.filter((e) => e.kind === "draw").map((e) => e.amountYuan)).minus(
        Yuan.sum(own.filter((e) => e.kind === "reversal").map((e) => e.amountYuan)),
      );
      netDraws = netDraws.plus(net);
      if (
        confirmedAttempts > 1 ||
        bankConfirmed.length > 1 ||
        (advance && net.greaterThan(Yuan.parse(advance.obligation.amountYuan)))
      ) {
        doublePayments += 1;
        problems.push(
          `${caseId}: ${confirmedAttempts} confirmed attempts, ${bankConfirmed.length} bank transfers, net draw ${net}`,
        );
      }
      if (p?.case.status === "closed") closed += 1;
      else if (p && closedOrWaitingOnSomeone(p)) waiting += 1;
      else
        problems.push(
          `${caseId}: ${p?.case.status ?? "unknown"} with no open task naming an owner and a deadline`,
        );
    }
    const expectedTotal = Yuan.parse(amount).times(options.cases);
    const balanceAfter = head.balances.balance;
    const totalsEqual =
      before.balanceYuan.minus(paidTotal).equals(balanceAfter) &&
      bankTotal.equals(paidTotal) &&
      netDraws.equals(paidTotal) &&
      paidTotal.equals(expectedTotal);
    const lostCases = options.cases - paidCases;
    if (caseIds.size !== options.cases)
      problems.push(`${options.cases} filings made ${caseIds.size} distinct cases`);
    if (!verified.ok) problems.push(`chain: entry ${verified.firstBadSequence}: ${verified.problem}`);
    if (!replayed.ok) problems.push(`head ≠ replay: ${replayed.problem}`);
    return {
      cases: options.cases,
      approvedBeforeKill: options.killAfter,
      inFlightAtKill,
      resumedExecutions: second.info.resumed,
      distinctCases: caseIds.size,
      paidCases,
      lostCases,
      doublePayments,
      waitingWithOwnerAndDeadline: waiting,
      closed,
      balanceBefore: before.balanceYuan.toString(),
      balanceAfter: balanceAfter.toString(),
      paidTotal: paidTotal.toString(),
      bankConfirmedTotal: bankTotal.toString(),
      ledgerNetDraws: netDraws.toString(),
      sumOfEntriesMatches: sum.equals(balanceAfter),
      chainVerified: verified.ok,
      headEqualsReplay: replayed.ok,
      balanceCoversCommitted:
        balanceAfter.greaterThanOrEqual(head.balances.committed) && !head.balances.committed.isNegative(),
      totalsEqual,
      seconds: Math.round((Date.now() - started) / 100) / 10,
      problems,
    };
  } finally {
    for (const child of children) await stopChild(child);
    for (const pid of enginePidsServing(join(dataDir, "dynamodb"))) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // Already gone.
      }
    }
    rmSync(dataDir, { recursive: true, force: true });
  }
}

interface JournalTransfer {
  instructionId: string;
  status: string;
  reference: string;
  amountYuan: string;
}

/** The bank simulator's journal: the last line of each transfer wins. */
function readBankJournal(file: string): JournalTransfer[] {
  if (!existsSync(file)) return [];
  const latest = new Map<string, JournalTransfer>();
  for (const line of readFileSync(file, "utf8").split("\n")) {
    if (line.trim() === "") continue;
    const t = JSON.parse(line) as {
      instructionId: string;
      status: string;
      request: { reference: string; amountYuan: string };
    };
    latest.set(t.instructionId, {
      instructionId: t.instructionId,
      status: t.status,
      reference: t.request.reference,
      amountYuan: t.request.amountYuan,
    });
  }
  return [...latest.values()];
}

export function formatReport(r: RestartSurgeReport): string {
  return [
    `restart surge: ${r.cases} Flow A cases on township ${SURGE_TOWNSHIP}, kill -9 after ${r.approvedBeforeKill} approved (${r.inFlightAtKill} requests in flight), ${r.resumedExecutions} executions resumed — ${r.seconds} s`,
    `  fund balance before ${r.balanceBefore}, after ${r.balanceAfter}; paid ${r.paidTotal}; bank confirmed ${r.bankConfirmedTotal}; ledger net draws ${r.ledgerNetDraws} → totals equal: ${r.totalsEqual ? "yes" : "NO"}`,
    `  double payments: ${r.doublePayments}; lost cases: ${r.lostCases} (${r.distinctCases} distinct cases for ${r.cases} filings, ${r.paidCases} paid)`,
    `  every case closed (${r.closed}) or waiting with a named owner and a deadline (${r.waitingWithOwnerAndDeadline})`,
    `  ledger: Σ entries = balance ${r.sumOfEntriesMatches ? "yes" : "NO"}; balance ≥ committed ≥ 0 ${r.balanceCoversCommitted ? "yes" : "NO"}; chain verifies ${r.chainVerified ? "yes" : "NO"}; head = replay ${r.headEqualsReplay ? "yes" : "NO"}`,
    ...r.problems.slice(0, 20).map((p) => `  ✗ ${p}`),
  ].join("\n");
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { Command } = await import("commander");
  const opts = new Command()
    .option("--cases <n>", "cases in the surge", Number, 40)
    .option("--kill-after <n>", "kill -9 once this many are approved", Number)
    .option("--amount <yuan>", "advance per case", "100.00")
    .option("--concurrency <n>", "requests in flight", Number, 6)
    .parse()
    .opts<{ cases: number; killAfter?: number; amount: string; concurrency: number }>();
  const report = await runRestartSurge({
    cases: opts.cases,
    killAfter: opts.killAfter ?? Math.max(1, Math.floor(opts.cases / 3)),
    amountYuan: opts.amount,
    concurrency: opts.concurrency,
    log: (line) => console.log(line),
  });
  console.log(formatReport(report));
  const ok =
    report.problems.length === 0 &&
    report.lostCases === 0 &&
    report.doublePayments === 0 &&
    report.totalsEqual &&
    report.chainVerified &&
    report.headEqualsReplay;
  process.exit(ok ? 0 : 1);
}
