/**
 * `aidflow county import county.xlsx [--dry-run] --user <province administrator> [--finance-user <finance>]`:
 * the terminal's caller of the county import service (functions/services/admin/county-import.ts —
 * the same reading, checks, plan and writes as `POST /admin/counties/import`). It reads the file,
 * prints the plan or each problem by sheet, row and column, and says whether it passed.
 */
import { readFile } from "node:fs/promises";
import type { Actor } from "#core/access/index.ts";
import { ValidationError } from "#core/errors.ts";
import {
  describeErrors,
  type ImportDeps,
  importCountyWorkbook,
  readCountyWorkbook,
  sheetErrorsOf,
} from "#functions/services/admin/county-import.ts";

export async function countyImportCommand(
  file: string,
  options: { user: string; dryRun: boolean },
  io: { out: (text: string) => void; deps: ImportDeps },
): Promise<{ ok: boolean }> {
  const bytes = await readFile(file);
  // The province is the county's (its code's first two digits): read the county code first.
  const { workbook, errors } = await readCountyWorkbook(bytes);
  if (!workbook) {
    io.out(`导入失败，未写入任何数据（${errors.length} 处错误）：\n${describeErrors(errors)}\n`);
    return { ok: false };
  }
  const actor: Actor = {
    userId: options.user,
    name: options.user,
    roles: ["province-admin"],
    countyId: `${workbook.county.countyId.slice(0, 2)}0000`,
  };
  try {
    const plan = await importCountyWorkbook(io.deps, actor, bytes, options.dryRun);
    io.out(`${options.dryRun ? "（试运行，未写入）" : ""}${plan.steps.map((s) => s.textZh).join("\n")}\n`);
    return { ok: true };
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    const rows = sheetErrorsOf(error);
    io.out(`导入失败，未写入任何数据：\n${rows.length > 0 ? describeErrors(rows) : error.messageZh}\n`);
    return { ok: false };
  }
}
