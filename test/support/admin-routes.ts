/**
 * What the administration route tests share: this run's tables behind the handler modules (the
 * process environment the local runtime reads, restored by `close`), the main table's items as text
 * (what a refused request must leave unchanged), a county's audit events of one action, and the
 * shipped county workbook filled in for another county.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DynamoDBDocumentClient, QueryCommand, ScanCommand } from "@aws-sdk/lib-dynamodb";
import ExcelJS from "exceljs";
import { storedAuditEvent } from "#adapters/audit-store.ts";
import { resetConfig } from "#functions/runtime/config.ts";
import { createTestTables, type TestTables } from "./dynamo.ts";

export const COUNTY_TEMPLATE = join(import.meta.dirname, "../../docs/templates/county.xlsx");

export interface AdminTables {
  tables: TestTables;
  /** The identity hash key the handler modules read (AIDFLOW_IDENTITY_HASH_KEY). */
  identityHashKey: string;
  /** Every item of the main table that is not an idempotency record, as text. */
  written(): Promise<string>;
  /** The county's audit events of `action`, oldest first. */
  auditEvents(
    countyId: string,
    action: string,
  ): Promise<{ action: string; before?: unknown; after?: unknown; reason?: string }[]>;
  close(): Promise<void>;
}

/**
 * Fresh tables named after `name`, and the environment that points the handler modules at them
 * (local runtime, a documents folder of its own). Import the handler modules after this.
 */
export async function adminTables(name: string): Promise<AdminTables> {
  const previousEnv = { ...process.env };
  const tables = await createTestTables(name);
  const documentsDir = await mkdtemp(join(tmpdir(), `aidflow-${name}-`));
  const identityHashKey = `${name}-identity-hash-key-0123456789abcdef`;
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_DYNAMODB: tables.endpoint,
    AWS_REGION: "cn-north-1",
    AWS_ACCESS_KEY_ID: "local",
    AWS_SECRET_ACCESS_KEY: "local",
    AIDFLOW_RUNTIME: "local",
    AIDFLOW_TABLE_MAIN: tables.names.main,
    AIDFLOW_TABLE_LEDGER: tables.names.ledger,
    AIDFLOW_IDENTITY_HASH_KEY: identityHashKey,
    AIDFLOW_DOCUMENTS_DIR: documentsDir,
  });
  resetConfig();
  const db = DynamoDBDocumentClient.from(tables.client);
  return {
    tables,
    identityHashKey,
    async written() {
      const out = await db.send(new ScanCommand({ TableName: tables.names.main, ConsistentRead: true }));
      return JSON.stringify(
        (out.Items ?? [])
          .filter((i) => !String(i.pk).startsWith("IDEMPOTENCY#"))
          .map((i) => `${i.pk}|${i.sk}|${JSON.stringify(i)}`)
          .sort(),
      );
    },
    async auditEvents(countyId, action) {
      const out = await db.send(
        new QueryCommand({
          TableName: tables.names.main,
          KeyConditionExpression: "pk = :pk",
          ExpressionAttributeValues: { ":pk": `AUDIT#${countyId}` },
          ConsistentRead: true,
        }),
      );
      return (out.Items ?? [])
        .map((i) => storedAuditEvent(i) as { action: string; before?: unknown; after?: unknown })
        .filter((e) => e.action === action);
    },
    async close() {
      process.env = previousEnv;
      resetConfig();
      tables.client.destroy();
      await rm(documentsDir, { recursive: true, force: true });
    },
  };
}

/**
 * The shipped template (docs/templates/county.xlsx) for `countyId`: the demo county's codes
 * (230123…) become `countyId`'s, its example phones a set of the county's own (a phone has one
 * account in the deployment), the county named `name`; then `edit` applied.
 */
export async function countyWorkbook(
  countyId: string,
  name: string,
  edit?: (book: ExcelJS.Workbook) => void,
): Promise<ExcelJS.Workbook> {
  const book = new ExcelJS.Workbook();
  await book.xlsx.readFile(COUNTY_TEMPLATE);
  for (const sheet of book.worksheets)
    sheet.eachRow((row) =>
      row.eachCell((cell) => {
        if (typeof cell.value === "string" && cell.value.startsWith("230123"))
          cell.value = countyId + cell.value.slice(6);
        if (typeof cell.value === "string" && /^13800000\d{3}$/.test(cell.value))
          cell.value = `13${countyId}${cell.value.slice(8)}`;
      }),
    );
  (book.getWorksheet("政策参数") as ExcelJS.Worksheet).getRow(3).getCell(2).value = name;
  edit?.(book);
  return book;
}
