/**
 * Where in an uploaded workbook a problem is, as the field path of the import's 400:
 * `workbook.<sheet>.<row>.<column>` (row 0: the file or the sheet as a whole; the column as the sheet
 * names it, e.g. `B（定额（元））`). The imports (county workbook, an incident's households) write it;
 * the consoles read it back to show each problem at its row.
 */

export interface SheetPlace {
  sheet: string;
  row: number;
  column: string;
}

export function sheetPath({ sheet, row, column }: SheetPlace): string {
  return `workbook.${sheet}.${row}.${column}`;
}

/** The place a field path names; undefined for a path that is not a workbook's (`body.` may lead). */
export function sheetPlaceOf(path: string): SheetPlace | undefined {
  const bare = path.replace(/^body\./, "");
  if (!bare.startsWith("workbook.")) return undefined;
  const [, sheet = "", row = "0", ...column] = bare.split(".");
  return { sheet, row: Number(row), column: column.join(".") };
}
