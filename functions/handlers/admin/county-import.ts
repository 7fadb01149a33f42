/**
 * `POST /admin/counties/import` (DOMAIN §8): a province administrator uploads the county
 * spreadsheet (docs/templates/county.xlsx filled in) as base64 in JSON. `dryRun: true` answers the plan
 * and writes nothing; otherwise the county, its policy version proposal and its staff users are written
 * through the administration services and the answer says what changed. A workbook that does not pass
 * is a 400 with one field error a problem (`workbook.<sheet>.<row>.<column>`, Chinese and English) and
 * nothing written. Quotas wait for county finance (allocated by finance, not by an administrator).
 */
import * as z from "zod";
import { auditStore } from "#adapters/audit-store.ts";
import { identityAccounts } from "#adapters/identity/index.ts";
import { LedgerStore } from "#adapters/ledger/index.ts";
import { bilingual, httpHandler, httpRouter } from "#functions/http/index.ts";
import { now } from "#functions/runtime/clock.ts";
import { config, dynamo } from "#functions/runtime/config.ts";
import {
  IMPORT_STEPS,
  importCountyWorkbook,
  WORKBOOK_MAX_BYTES,
} from "#functions/services/admin/county-import.ts";
import { processAdapters } from "#functions/services/deps.ts";

/** Base64 text of at most WORKBOOK_MAX_BYTES bytes (4 characters for 3 bytes). */
const BASE64_MAX_CHARS = Math.ceil(WORKBOOK_MAX_BYTES / 3) * 4;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

const ImportBody = z
  .object({
    workbook: z
      .string()
      .min(1, bilingual("The workbook is required", "请选择要导入的表格文件"))
      .max(
        BASE64_MAX_CHARS,
        bilingual(
          `The workbook is at most ${WORKBOOK_MAX_BYTES / 1024 / 1024} MB`,
          `表格文件不能超过 ${WORKBOOK_MAX_BYTES / 1024 / 1024} MB`,
        ),
      )
      .regex(BASE64, bilingual("The .xlsx file as base64", "须为 .xlsx 文件的 base64 编码"))
      .meta({ description: "The .xlsx file (docs/templates/county.xlsx filled in), base64, at most 2 MB" }),
    dryRun: z
      .boolean({ error: bilingual("true or false", "须为 true 或 false") })
      .meta({ description: "true: answer the plan and write nothing" }),
  })
  .strict()
  .meta({ id: "CountyImport" });

const ImportPlanSchema = z
  .object({
    countyId: z.string(),
    countyName: z.string(),
    dryRun: z.boolean(),
    changes: z.boolean().meta({ description: "Whether the import writes (dry run: would write) anything" }),
    steps: z.array(
      z.object({
        step: z.enum(IMPORT_STEPS),
        subject: z.string().optional(),
        textZh: z.string(),
        text: z.string(),
      }),
    ),
  })
  .meta({ id: "CountyImportPlan" });

/** The JSON around the base64 text: a little above the workbook's own limit. */
const BODY_MAX_BYTES = BASE64_MAX_CHARS + 4096;

const importRoute = httpHandler({
  route: "POST /admin/counties/import",
  body: ImportBody,
  maxBodyBytes: BODY_MAX_BYTES,
  action: "county.create",
  summary:
    "Onboard a county from the spreadsheet template: a dry run's plan, or the import (province administrator)",
  description:
    "Every row of 乡镇, 政策参数, 用户 and 备用金定额 is checked first; a problem answers 400 with one field " +
    "`workbook.<sheet>.<row>.<column>` each and nothing is written. The answer is the plan " +
    "`{ countyId, countyName, dryRun, changes, steps: [{ step, subject?, textZh, text }] }`: what would " +
    "change (dryRun) or what changed. The same file again changes nothing. The policy version is proposed " +
    "(another administrator approves it) and the fund quotas wait for county finance.",
  tags: ["administration"],
  response: { status: 200, schema: ImportPlanSchema },
  handler: async ({ body, actor }) => {
    const tables = config().tables;
    const deps = {
      db: dynamo(),
      table: tables.main,
      audit: auditStore(),
      now,
      identity: identityAccounts(),
      funds: new LedgerStore(processAdapters().client, tables),
    };
    return importCountyWorkbook(deps, actor, Buffer.from(body.workbook, "base64"), body.dryRun);
  },
});

export const handler = httpRouter(importRoute);
