/**
 * Finance exports (DOMAIN §6): the period summary per township, the draw detail, and the
 * discrepancies — as CSV (UTF-8 with BOM, Chinese headers, text-safe amounts, core/reconciliation
 * export.ts) or as an XLSX workbook (write-excel-file) with the three as sheets. Personal data is
 * shown as the reader's roles allow (the auditor sees names masked). Rows are produced one batch
 * at a time; a writer decides where they go (a file for the CLI; for HTTP a file in the documents
 * store, handed out as a short-lived link — a county's period may exceed what an API response
 * carries: 6 MB, 30 s).
 */
import { randomUUID } from "node:crypto";
import type { Writable } from "node:stream";
import writeXlsxFile, { type Cell, type SheetData } from "write-excel-file/node";
import * as z from "zod";
import { documentStore, EXPORTS_KEY_PREFIX } from "#adapters/document-store.ts";
import { type Actor, fieldVisibility } from "#core/access/index.ts";
import type { ChainedEntry } from "#core/ledger/index.ts";
import {
  csvLine,
  DETAIL_HEADERS,
  DISCREPANCY_HEADERS,
  detailRow,
  discrepancyRow,
  MATCH_BATCH_MAX,
  type Period,
  parsePeriod,
  type ReconciliationReport,
  SUMMARY_HEADERS,
  summaryRow,
  UTF8_BOM,
} from "#core/reconciliation/index.ts";
import { authorizeCounty, authorizeTownship, TownshipId } from "./common.ts";
import type { FinanceDeps, Township } from "./deps.ts";
import { computeReport, PeriodText } from "./reconcile.ts";

export const EXPORT_KINDS = ["summary", "detail", "discrepancies"] as const;
export type ExportKind = (typeof EXPORT_KINDS)[number];

export const ExportQuerySchema = z
  .object({
    kind: z.enum(EXPORT_KINDS).default("summary"),
    format: z.enum(["csv", "xlsx"]).default("csv"),
    townshipId: TownshipId.optional(),
  })
  .strict();
export type ExportQuery = z.output<typeof ExportQuerySchema>;

export const EXPORT_PeriodText = PeriodText;

export const CSV_CONTENT_TYPE = "text/csv; charset=utf-8";
export const XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

const HEADERS: Record<ExportKind, readonly string[]> = {
  summary: SUMMARY_HEADERS,
  detail: DETAIL_HEADERS,
  discrepancies: DISCREPANCY_HEADERS,
};
const SHEET_NAMES: Record<ExportKind, string> = {
  summary: "对账汇总",
  detail: "支出明细",
  discrepancies: "差异清单",
};
/**
 * The amount columns of each sheet, by header: numbers with the format 0.00 in XLSX. In the summary,
 * those from 期初余额 to 额度 but the counts (笔数).
 */
const AMOUNT_COLUMNS: Record<ExportKind, readonly string[]> = {
  summary: SUMMARY_HEADERS.slice(
    SUMMARY_HEADERS.indexOf("期初余额"),
    SUMMARY_HEADERS.indexOf("额度") + 1,
  ).filter((header) => !header.endsWith("笔数")),
  detail: ["金额"],
  discrepancies: ["金额"],
};

export interface ExportScope {
  countyId: string;
  period: Period;
  townships: readonly Township[];
  roles: Actor["roles"];
  /** Cases whose payee's name a detail row showed in clear (for the who-looked-at-whom record). */
  personsShown: Set<string>;
}

export async function exportScope(
  deps: FinanceDeps,
  actor: Actor,
  countyId: string,
  periodText: string,
  townshipId?: string,
): Promise<ExportScope> {
  authorizeCounty(actor, "export.run", countyId);
  const townships = townshipId
    ? [await authorizeTownship(deps, actor, "export.run", townshipId)]
    : await deps.directory.townshipsOf(countyId);
  return {
    countyId,
    period: parsePeriod(periodText),
    townships,
    roles: actor.roles,
    personsShown: new Set(),
  };
}

export function exportFileName(
  scope: ExportScope,
  kind: ExportKind | "workbook",
  format: "csv" | "xlsx",
): string {
  const where = scope.townships.length === 1 ? (scope.townships[0] as Township).townshipId : scope.countyId;
  return `aidflow-${where}-${scope.period.label}-${kind}.${format}`;
}

async function* reports(
  deps: FinanceDeps,
  scope: ExportScope,
  onProgress?: (n: number) => void,
): AsyncGenerator<[Township, ReconciliationReport]> {
  for (const t of scope.townships) {
    if (!(await deps.ledger.readHead(t.townshipId))) continue;
    yield [t, await computeReport(deps, t.townshipId, scope.period, onProgress ? { onProgress } : {})];
  }
}

/** The rows of one export kind, in order, one batch at a time. */
export async function* exportRows(
  deps: FinanceDeps,
  scope: ExportScope,
  kind: ExportKind,
  onProgress?: (n: number) => void,
): AsyncGenerator<string[]> {
  if (kind === "summary") {
    for await (const [t, report] of reports(deps, scope, onProgress)) yield summaryRow(report, t.name);
    return;
  }
  if (kind === "discrepancies") {
    for await (const [, report] of reports(deps, scope, onProgress))
      for (const row of report.discrepancies) yield discrepancyRow(row);
    return;
  }
  for (const t of scope.townships) {
    if (!(await deps.ledger.readHead(t.townshipId))) continue;
    let batch: ChainedEntry[] = [];
    let seen = 0;
    const flush = async function* () {
      const facts = await deps.matching.drawFacts(t.townshipId, batch);
      const namesClear = fieldVisibility(scope.roles, "name") === "clear";
      for (const entry of batch) {
        const fact = facts.get(entry.entryId);
        if (namesClear && fact?.payment?.payeeName && entry.reference.caseId) {
          scope.personsShown.add(entry.reference.caseId);
        }
        yield detailRow(entry, fact, scope.roles);
      }
      batch = [];
    };
    for await (const entry of deps.ledger.streamEntries(t.townshipId, {
      from: scope.period.fromIso,
      to: scope.period.throughIso,
      pageSize: 1000,
    })) {
      seen += 1;
      if (onProgress && seen % 10_000 === 0) onProgress(seen);
      if (entry.kind !== "draw") continue;
      batch.push(entry);
      if (batch.length >= MATCH_BATCH_MAX) yield* flush();
    }
    if (batch.length > 0) yield* flush();
  }
}

/** Writes a CSV export: BOM, the Chinese header line, then each row as it comes. */
export async function writeCsv(
  deps: FinanceDeps,
  scope: ExportScope,
  kind: ExportKind,
  write: (chunk: string) => void | Promise<void>,
  onProgress?: (n: number) => void,
): Promise<number> {
  await write(UTF8_BOM + csvLine(HEADERS[kind]));
  let rows = 0;
  for await (const row of exportRows(deps, scope, kind, onProgress)) {
    await write(csvLine(row));
    rows += 1;
  }
  return rows;
}

/** A 2-decimal amount as `decimal.js` writes it (Yuan.toString). */
const AMOUNT_TEXT = /^-?\d+\.\d{2}$/;

/**
 * An amount cell: a spreadsheet number with the format 0.00, so Excel can add the column up.
 * The number is parsed from the exact 2-decimal text only to be written into the file — it is
 * never used in arithmetic here (money stays Yuan, DOMAIN §6). Printed back with two decimals it
 * must give the same text, otherwise (an amount beyond a double's exact range) the cell stays text.
 */
export function amountCell(text: string): Cell {
  if (!AMOUNT_TEXT.test(text)) return text;
  const value = Number(text);
  return value.toFixed(2) === text ? { value, type: Number, format: "0.00" } : text;
}

/**
 * The three sheets of the workbook, each a Chinese header row then the rows. write-excel-file
 * builds the file from whole sheets, so the rows are held in memory (strings only; an XLSX sheet
 * holds at most 1,048,576 rows anyway) — CSV is the format that streams without bound.
 */
async function workbookSheets(deps: FinanceDeps, scope: ExportScope, onProgress?: (n: number) => void) {
  const sheets: Array<{ sheet: string; data: SheetData; columns: Array<{ width: number }> }> = [];
  let rows = 0;
  for (const kind of EXPORT_KINDS) {
    const headers = HEADERS[kind];
    const amountAt = new Set(AMOUNT_COLUMNS[kind].map((name) => headers.indexOf(name)));
    const data: SheetData = [[...headers]];
    for await (const row of exportRows(deps, scope, kind, onProgress)) {
      data.push(row.map((text, i) => (amountAt.has(i) ? amountCell(text) : text)));
      rows += 1;
    }
    sheets.push({
      sheet: SHEET_NAMES[kind],
      data,
      columns: headers.map((header) => ({ width: Math.max(12, header.length * 2 + 4) })),
    });
  }
  return { sheets, rows };
}

/** Writes the workbook (summary, detail and discrepancies as sheets) to a stream and ends it. */
export async function writeXlsx(
  deps: FinanceDeps,
  scope: ExportScope,
  stream: Writable,
  onProgress?: (n: number) => void,
): Promise<number> {
  const { sheets, rows } = await workbookSheets(deps, scope, onProgress);
  await writeXlsxFile(sheets).toStream(stream);
  return rows;
}

/** The workbook in memory (HTTP answers): bounded by what one response may carry anyway. */
export async function xlsxBuffer(deps: FinanceDeps, scope: ExportScope): Promise<Buffer> {
  const { sheets } = await workbookSheets(deps, scope);
  return writeXlsxFile(sheets).toBuffer();
}

/** What `GET /exports/reconciliation` answers: where to fetch the file, for a few minutes. */
export const ExportLinkSchema = z.object({
  download: z.object({
    method: z.literal("GET"),
    url: z.string(),
    headers: z.record(z.string(), z.string()),
    expiresAt: z.string(),
    fileName: z.string(),
    contentType: z.string(),
    sizeBytes: z.number().int(),
  }),
});
export type ExportLink = z.infer<typeof ExportLinkSchema>;

/**
 * Writes the export to the documents store under `exports/<county>/<random>/` and returns its
 * download link; the key is unguessable and the link signed, so only this reader gets the file.
 */
export async function publishExport(
  deps: FinanceDeps,
  scope: ExportScope,
  query: Pick<ExportQuery, "kind" | "format">,
): Promise<ExportLink> {
  let file: { name: string; body: Buffer; contentType: string };
  if (query.format === "xlsx") {
    file = {
      name: exportFileName(scope, "workbook", "xlsx"),
      body: await xlsxBuffer(deps, scope),
      contentType: XLSX_CONTENT_TYPE,
    };
  } else {
    const chunks: string[] = [];
    await writeCsv(deps, scope, query.kind, (chunk) => {
      chunks.push(chunk);
    });
    file = {
      name: exportFileName(scope, query.kind, "csv"),
      body: Buffer.from(chunks.join(""), "utf8"),
      contentType: CSV_CONTENT_TYPE,
    };
  }
  return storeExport(scope.countyId, file);
}

/**
 * Stores a file for download under `exports/<owner>/<random>/<name>` (the owner a county or the
 * province) and returns its signed link: the key is unguessable, so only this reader gets the file.
 */
export async function storeExport(
  ownerId: string,
  file: { name: string; body: Buffer; contentType: string },
): Promise<ExportLink> {
  const store = documentStore();
  const key = `${EXPORTS_KEY_PREFIX}${ownerId}/${randomUUID()}/${file.name}`;
  await store.putObject(key, file.body, file.contentType);
  const ticket = await store.createDownload({ key, fileName: file.name });
  return {
    download: {
      method: "GET",
      url: ticket.url,
      headers: ticket.headers,
      expiresAt: ticket.expiresAt,
      fileName: file.name,
      contentType: file.contentType,
      sizeBytes: file.body.length,
    },
  };
}
