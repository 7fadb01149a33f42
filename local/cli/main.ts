/**
 * `npx aidflow` — county finance's batch work from a terminal:
 *
 *   aidflow reconcile --county 230123 --period 2026-10 [--township 230123100] [--json] [--user finance-1]
 *   aidflow export    --county 230123 --period 2026-10 [--format csv|xlsx] [--kind summary|detail|discrepancies]
 *                     [--township …] [--out file] [--as county-finance|auditor] [--user …]
 *   aidflow county import county.xlsx --user <province administrator> [--finance-user <finance>] [--dry-run]
 *   aidflow case redrive <caseId> --reason "…" [--user …] [--dry-run]
 *   aidflow ledger migrate [--fund <fundId>...] [--dry-run]
 *   aidflow notices backfill [--county 230123] [--dry-run]
 *
 * Tables come from AIDFLOW_TABLE_MAIN / AIDFLOW_TABLE_LEDGER (and AWS_ENDPOINT_URL_DYNAMODB for the
 * local runtime). A progress bar shows on stderr when it is a terminal (`--no-progress` hides it).
 *
 * Exit codes, for scripts:
 *   0  done; every reconciled period is clean
 *   1  done; discrepancies were found (listed on stdout) — or a redrive was refused: the case runs,
 *      finished, or someone else restarted it (nothing written) — or the ledger migration left a fund
 *      in the old layout (its line says why)
 *   2  usage or configuration error (bad option, unknown county or case, tables not configured, bad import rows)
 *   3  the run failed (storage unreachable, a fund missing …) — see stderr
 */
import { createWriteStream } from "node:fs";
import { resolve } from "node:path";
import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import { AidFlowError, ConflictError, NotFoundError, ValidationError } from "#core/errors.ts";
import { isPeriodText } from "#core/reconciliation/index.ts";
import { dynamoEndpoint } from "#functions/runtime/config.ts";
import { newDynamoDbClient } from "#functions/runtime/dynamo-client.ts";
import { ENV } from "#functions/runtime/environment.ts";
import { type LogLevel, setLogLevel } from "#functions/runtime/logger.ts";
import type { FinanceDeps, Township } from "#functions/services/finance/deps.ts";
import {
  EXPORT_KINDS,
  type ExportKind,
  exportFileName,
  exportScope,
  writeCsv,
  writeXlsx,
} from "#functions/services/finance/exports.ts";
import { type RunView, runReconciliation } from "#functions/services/finance/reconcile.ts";
import { caseRedriveCommand, redriveDeps } from "./case-redrive.ts";
import {
  adminDeps,
  cliActor,
  cliDeps,
  identityAccountsFromEnv,
  tablesFromEnv,
  UsageError,
} from "./context.ts";
import { countyImportCommand } from "./county-import.ts";
import { describeMigration, migrateLedger } from "./ledger-migrate.ts";
import { noticesBackfillCommand } from "./notices-backfill.ts";
import { progressBar } from "./progress.ts";

export const EXIT = { clean: 0, discrepancies: 1, usage: 2, failed: 3 } as const;

export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
  env: NodeJS.ProcessEnv;
  /** Builds the deps (tests inject their own tables through `env`). */
  deps?: (env: NodeJS.ProcessEnv) => FinanceDeps;
  progress?: boolean;
}

const county = (value: string) => {
  if (!/^\d{6}$/.test(value)) throw new InvalidArgumentError("a 6-digit county code, e.g. 230123");
  return value;
};
const township = (value: string) => {
  if (!/^\d{9}$/.test(value)) throw new InvalidArgumentError("a 9-digit township code, e.g. 230123100");
  return value;
};
const period = (value: string) => {
  if (!isPeriodText(value)) throw new InvalidArgumentError('a month "2026-10" or a quarter "2026-Q4"');
  return value;
};

/** The options of a command over a county's funds for a period. */
interface PeriodOptions {
  county: string;
  period: string;
  township?: string;
}

/** A command over a county's funds for a period: `--county`, `--period` and optionally `--township`. */
function periodCommand(program: Command, name: string): Command {
  return program
    .command(name)
    .requiredOption("--county <code>", "county code (6 digits)", county)
    .requiredOption("--period <period>", 'month "2026-10" or quarter "2026-Q4"', period)
    .option("--township <code>", "only this township (9 digits)", township);
}

async function townshipsOf(deps: FinanceDeps, countyId: string, only?: string): Promise<readonly Township[]> {
  const all = await deps.directory.townshipsOf(countyId);
  if (all.length === 0) throw new UsageError(`unknown county ${countyId}`);
  if (!only) return all;
  const one = all.filter((t) => t.townshipId === only);
  if (one.length === 0) throw new UsageError(`township ${only} is not in county ${countyId}`);
  return one;
}

function describeRun(view: RunView): string[] {
  const r = view.report as {
    clean: boolean;
    discrepancyCount: number;
    entriesVerified: number;
    figures: {
      opening: { balance: string };
      closing: { balance: string; quota: string };
      draws: { count: number; sumYuan: string };
      allocations: { sumYuan: string };
      reversals: { sumYuan: string };
      recoveries: { sumYuan: string };
      replenishments: { sumYuan: string };
      commitmentsOpenYuan: string;
    };
    discrepancies: {
      code: string;
      whatZh: string;
      what: string;
      where: { sequence?: number; bankReference?: string };
      entries: string[];
    }[];
  };
  const f = r.figures;
  const lines = [
    `${view.townshipId} ${view.townshipName} ${view.period}: ${r.clean ? "clean 相符" : `${r.discrepancyCount} discrepancies 存在差异`}`,
    `  opening ${f.opening.balance} + allocations ${f.allocations.sumYuan} − draws ${f.draws.sumYuan} (${f.draws.count}) + reversals ${f.reversals.sumYuan} + recoveries ${f.recoveries.sumYuan} + replenishments ${f.replenishments.sumYuan} = closing ${f.closing.balance} (quota ${f.closing.quota}, committed open ${f.commitmentsOpenYuan}); ${r.entriesVerified} entries verified`,
  ];
  for (const d of r.discrepancies) {
    const where = d.where.sequence !== undefined ? `#${d.where.sequence}` : (d.where.bankReference ?? "");
    lines.push(`  ! ${d.code} ${where} ${d.entries.join(" ")} — ${d.what} / ${d.whatZh}`);
  }
  return lines;
}

export async function main(argv: readonly string[], io: Partial<CliIo> = {}): Promise<number> {
  const out = io.out ?? ((text: string) => process.stdout.write(text));
  const err = io.err ?? ((text: string) => process.stderr.write(text));
  const env = io.env ?? process.env;
  // The CLI builds its services without the functions' configuration; it honours the same log level.
  const level = env[ENV.logLevel]?.trim().toUpperCase();
  if (level === "DEBUG" || level === "INFO" || level === "WARN" || level === "ERROR")
    setLogLevel(level as LogLevel);
  const makeDeps = io.deps ?? cliDeps;
  let exitCode: number = EXIT.clean;

  const program = new Command()
    .name("aidflow")
    .description(
      "AidFlow county finance: reconcile township reserve funds and export reports (临时救助备用金对账与导出)",
    )
    .exitOverride()
    .configureOutput({ writeOut: out, writeErr: err })
    .showHelpAfterError();

  periodCommand(program, "reconcile")
    .description(
      "reconcile every fund of a county (or one township) for a month or quarter; exit 1 when discrepancies are found",
    )
    .option("--user <id>", "the finance user the run is recorded for", env.USER ?? "aidflow-cli")
    .option("--json", "print the runs as JSON")
    .option("--no-progress", "no progress bar")
    .action(
      async (
        opts: PeriodOptions & {
          user: string;
          json?: boolean;
          progress: boolean;
        },
      ) => {
        const deps = makeDeps(env);
        const actor = cliActor(opts.county, opts.user, "county-finance");
        const runs: RunView[] = [];
        for (const t of await townshipsOf(deps, opts.county, opts.township)) {
          const head = await deps.ledger.readHead(t.townshipId);
          if (!head) continue;
          const bar = progressBar(
            opts.progress && (io.progress ?? process.stderr.isTTY === true),
            t.townshipId,
            head.sequence,
          );
          try {
            runs.push(
              await runReconciliation(deps, actor, t.townshipId, opts.period, {
                onProgress: (n) => bar.report(n),
              }),
            );
          } finally {
            bar.stop();
          }
        }
        if (opts.json) out(`${JSON.stringify(runs, null, 2)}\n`);
        else
          out(
            `${(runs.length > 0 ? runs.flatMap(describeRun) : [`no township fund of county ${opts.county} is open`]).join("\n")}\n`,
          );
        exitCode = runs.some((r) => (r.report as { clean: boolean }).clean === false)
          ? EXIT.discrepancies
          : EXIT.clean;
      },
    );

  periodCommand(program, "export")
    .description(
      "export a period for Excel: CSV (UTF-8 with BOM, Chinese headers) or XLSX (summary, detail, discrepancies)",
    )
    .addOption(new Option("--format <format>", "file format").choices(["csv", "xlsx"]).default("csv"))
    .addOption(
      new Option("--kind <kind>", "CSV content (XLSX holds all three)")
        .choices([...EXPORT_KINDS])
        .default("summary"),
    )
    .addOption(
      new Option("--as <role>", "whose view: personal data masked as this role sees it")
        .choices(["county-finance", "auditor"])
        .default("county-finance"),
    )
    .option("--out <file>", "output file (default: a name from county, period and kind, here)")
    .option("--user <id>", "the user the export is made for", env.USER ?? "aidflow-cli")
    .option("--no-progress", "no progress bar")
    .action(
      async (
        opts: PeriodOptions & {
          format: "csv" | "xlsx";
          kind: ExportKind;
          as: "county-finance" | "auditor";
          out?: string;
          user: string;
          progress: boolean;
        },
      ) => {
        const deps = makeDeps(env);
        await townshipsOf(deps, opts.county, opts.township);
        const actor = cliActor(opts.county, opts.user, opts.as);
        const scope = await exportScope(deps, actor, opts.county, opts.period, opts.township);
        const file = resolve(
          opts.out ?? exportFileName(scope, opts.format === "xlsx" ? "workbook" : opts.kind, opts.format),
        );
        let total = 0;
        for (const t of scope.townships) total += (await deps.ledger.readHead(t.townshipId))?.sequence ?? 0;
        const passes = opts.format === "xlsx" ? EXPORT_KINDS.length : 1;
        const bar = progressBar(
          opts.progress && (io.progress ?? process.stderr.isTTY === true),
          "export",
          total * passes,
        );
        const stream = createWriteStream(file);
        const closed = new Promise<void>((ok, fail) => stream.on("close", () => ok()).on("error", fail));
        let rows: number;
        try {
          if (opts.format === "xlsx") {
            rows = await writeXlsx(deps, scope, stream, (n) => bar.report(n));
          } else {
            rows = await writeCsv(
              deps,
              scope,
              opts.kind,
              (chunk) =>
                new Promise<void>((ok) => (stream.write(chunk) ? ok() : stream.once("drain", () => ok()))),
              (n) => bar.report(n),
            );
            stream.end();
          }
          await closed;
        } finally {
          bar.stop();
        }
        out(`${file}\n${rows} rows\n`);
      },
    );

  program
    .command("county")
    .description("onboard counties (开通县)")
    .command("import <file>")
    .description(
      "create a county and propose its policy version from the template (docs/templates/county.xlsx); nothing is written unless every row passes",
    )
    .requiredOption("--user <userId>", "the province administrator recorded on the audit trail")
    .option(
      "--finance-user <userId>",
      "the county finance user who allocates the 备用金定额 quotas (without it they wait for finance)",
    )
    .option("--dry-run", "only show what would change", false)
    .action(async (file: string, options: { user: string; financeUser?: string; dryRun: boolean }) => {
      const deps = {
        ...adminDeps(env),
        identity: identityAccountsFromEnv(env),
        ...(options.financeUser
          ? { finance: { deps: (io.deps ?? cliDeps)(env), userId: options.financeUser } }
          : {}),
      };
      const result = await countyImportCommand(resolve(file), options, { out, deps });
      if (!result.ok) exitCode = EXIT.usage;
    });

  program
    .command("notices")
    .description("外地受助 notices to registration counties (外地受助通报)")
    .command("backfill")
    .description(
      "write the notices of cases closed before notices existed; a case's notice already there (or a later close's) is kept",
    )
    .option("--county <code>", "only cases closed in this county (6 digits); default: every county", county)
    .option("--dry-run", "only count what would be written", false)
    .action(async (options: { county?: string; dryRun: boolean }) => {
      try {
        await noticesBackfillCommand(options, { out, env });
      } catch (error) {
        if (error instanceof NotFoundError) throw new UsageError(`${error.message} / ${error.messageZh}`);
        throw error;
      }
    });

  program
    .command("case")
    .description("operate on one case (单个案件运维)")
    .command("redrive <caseId>")
    .description(
      "restart a case whose execution failed, timed out or was stopped, at the step that stopped (docs/operations.md, A failed case)",
    )
    .requiredOption("--reason <text>", "why the case is restarted (recorded on the audit trail)")
    .option("--user <userId>", "the operator recorded on the audit trail", env.USER ?? "aidflow-cli")
    .option("--name <name>", "the operator's name as the audit trail shows it")
    .option("--dry-run", "only show where the case would resume", false)
    .action(
      async (caseId: string, options: { reason: string; user: string; name?: string; dryRun: boolean }) => {
        const deps = redriveDeps(env);
        try {
          const result = await caseRedriveCommand(caseId, options, { out, deps });
          if (result.outcome === "already-running") exitCode = EXIT.discrepancies;
        } catch (error) {
          // Refused (running, finished, never started; unknown case; no reason): nothing was written.
          if (
            !(
              error instanceof ConflictError ||
              error instanceof NotFoundError ||
              error instanceof ValidationError
            )
          )
            throw error;
          const fields = error.fields.map((f) => `\n  ${f.path}: ${f.message} / ${f.messageZh}`).join("");
          err(`aidflow: ${error.message} / ${error.messageZh}${fields}\n`);
          exitCode = error instanceof ConflictError ? EXIT.discrepancies : EXIT.usage;
        } finally {
          deps.close();
        }
      },
    );

  program
    .command("ledger")
    .description("the township reserve funds' ledger (备用金分录账)")
    .command("migrate")
    .description(
      "rewrite a ledger of ENTRY# items into pages, verified by replay equality before the old items are removed (local/cli/ledger-migrate.ts)",
    )
    .option("--fund <fundId...>", "only these funds (default: every fund of the ledger table)")
    .option("--dry-run", "only check the old entries and say what would be written", false)
    .action(async (options: { fund?: string[]; dryRun: boolean }) => {
      const { ledger } = tablesFromEnv(env);
      const client = newDynamoDbClient(dynamoEndpoint());
      try {
        for (const result of await migrateLedger(client, ledger, options)) {
          out(`${describeMigration(result)}\n`);
          // A fund left in the old layout: a script must not take the run for done.
          if (result.outcome === "refused") exitCode = EXIT.discrepancies;
        }
      } finally {
        client.destroy();
      }
    });

  try {
    await program.parseAsync([...argv], { from: "user" });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? EXIT.clean : EXIT.usage;
    }
    if (error instanceof UsageError || error instanceof ValidationError) {
      err(`aidflow: ${error.message}\n`);
      return EXIT.usage;
    }
    const text =
      error instanceof AidFlowError
        ? `${error.message} / ${error.messageZh}`
        : String((error as Error)?.message ?? error);
    err(`aidflow: ${text}\n`);
    return EXIT.failed;
  }
}
