/**
 * `POST /admin/counties/import` (province administrator): the county workbook as base64 with
 * `dryRun`; the answer is the plan (what would change, or what changed). A workbook that does not
 * pass is an ApiError whose fields are `workbook.<sheet>.<row>.<column>` (./http.ts).
 */
import { type SheetPlace, sheetPlaceOf } from "../../../core/sheet-path.ts";
import type { Answer } from "./contract.ts";
import { type FieldError, newIdempotencyKey, post } from "./http.ts";

export type ImportPlan = Answer<"/admin/counties/import", "post">;
export type ImportStep = ImportPlan["steps"][number];

/** A problem at its place in the workbook (row 0: not one row's). */
export interface WorkbookProblem extends SheetPlace {
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
  return fields.flatMap((f) => {
    const place = sheetPlaceOf(f.path);
    return place ? [{ ...place, messageZh: f.messageZh ?? f.message, message: f.message }] : [];
  });
}
