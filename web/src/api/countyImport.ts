/**
 * `POST /admin/counties/import` (province administrator): the county workbook as base64 with
 * `dryRun`; the answer is the plan (what would change, or what changed). A workbook that does not
 * pass is an ApiError whose fields are `workbook.<sheet>.<row>.<column>` (./http.ts).
 */
import type { Answer } from "./contract.ts";
import { type FieldError, newIdempotencyKey, post } from "./http.ts";

export type ImportPlan = Answer<"/admin/counties/import", "post">;
export type ImportStep = ImportPlan["steps"][number];

export interface WorkbookProblem {
  sheet: string;
  /** 0: not one row's. */
  row: number;
  column: string;
  messageZh: string;
  message: string;
}

/** The workbook's size limit, as the API's (functions/services/admin/county-import.ts). */
export const WORKBOOK_MAX_BYTES = 2 * 1024 * 1024;

export function importCounty(workbookBase64: string, dryRun: boolean): Promise<ImportPlan> {
  return post<ImportPlan>(
    "/admin/counties/import",
    { workbook: workbookBase64, dryRun },
    { idempotencyKey: newIdempotencyKey() },
  );
}

/** The problems of a refused workbook, read from the API's field errors. */
export function workbookProblems(fields: readonly FieldError[]): WorkbookProblem[] {
  return fields
    .filter((f) => f.path.startsWith("workbook."))
    .map((f) => {
      const [, sheet = "", row = "0", ...column] = f.path.split(".");
      return {
        sheet,
        row: Number(row),
        column: column.join("."),
        messageZh: f.messageZh ?? f.message,
        message: f.message,
      };
    });
}
