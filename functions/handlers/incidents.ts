/**
 * Disaster mode (DOMAIN §8) over HTTP: county civil affairs declares and ends an incident; township
 * officers register the households it hit (the short form, or a spreadsheet); approvers list the
 * incident's cases and approve many at once (each its own decision); county finance tops up every
 * affected fund in one step; the dashboard and its XLSX export for the county report.
 */
import * as z from "zod";
import { bilingual, created, httpHandler, httpRouter } from "#functions/http/index.ts";
import { ExportLinkSchema } from "#functions/services/finance/exports.ts";
import { approveBatch, incidentCases } from "#functions/services/incidents/approve.ts";
import { incidentDashboard, publishIncidentExport } from "#functions/services/incidents/dashboard.ts";
import {
  declareIncident,
  endIncident,
  listIncidents,
  readableIncident,
  viewOf,
} from "#functions/services/incidents/declare.ts";
import { incidentDeps } from "#functions/services/incidents/deps.ts";
import {
  HOUSEHOLD_WORKBOOK_MAX_BYTES,
  importHouseholds,
  registerHousehold,
} from "#functions/services/incidents/register.ts";
import {
  BatchAdvanceDecisionSchema,
  DeclareIncidentSchema,
  EndIncidentSchema,
  IncidentCasesQuery,
  IncidentParams,
  IncidentTopUpSchema,
  RegisterHouseholdSchema,
} from "#functions/services/incidents/schemas.ts";
import { topUpIncidentFunds } from "#functions/services/incidents/top-up.ts";
import {
  BatchDecisionSchema,
  HouseholdImportSchema,
  IncidentCasesSchema,
  IncidentDashboardSchema,
  IncidentListSchema,
  IncidentSchema,
  IncidentTopUpResultSchema,
  RegisteredHouseholdSchema,
} from "./incident-answers.ts";

const tags = ["incidents"];

/** Base64 text of at most HOUSEHOLD_WORKBOOK_MAX_BYTES bytes (4 characters for 3 bytes). */
const BASE64_MAX_CHARS = Math.ceil(HOUSEHOLD_WORKBOOK_MAX_BYTES / 3) * 4;

const ImportBody = z
  .object({
    workbook: z
      .string()
      .min(1, bilingual("The workbook is required", "请选择要导入的表格文件"))
      .max(BASE64_MAX_CHARS, bilingual("The workbook is at most 4 MB", "表格文件不能超过 4 MB"))
      .regex(/^[A-Za-z0-9+/]*={0,2}$/, bilingual("The .xlsx file as base64", "须为 .xlsx 文件的 base64 编码"))
      .meta({ description: "The .xlsx file (sheet 受灾户), base64, at most 4 MB" }),
    dryRun: z.boolean({ error: bilingual("true or false", "须为 true 或 false") }).default(false),
  })
  .strict()
  .meta({ id: "IncidentHouseholdImport" });

const declare = httpHandler({
  route: "POST /incidents",
  body: DeclareIncidentSchema,
  action: "incident.declare",
  idempotencyKey: "required",
  summary: "Declare a disaster incident (县民政): cause, townships, dates, standard advance per household",
  description:
    "County civil affairs of the county. The townships are the county's; the start date is not in the " +
    "future; the standard advance is within the advance ceiling of each township's policy in force (422). Audited.",
  tags,
  response: { status: 201, schema: IncidentSchema },
  handler: async ({ body, actor, correlationId }) =>
    created(await declareIncident(incidentDeps(), actor, body, correlationId)),
});

const list = httpHandler({
  route: "GET /incidents",
  action: "incident.read",
  summary: "The county's incidents, newest first (township staff: those that hit their township)",
  tags,
  response: { status: 200, schema: IncidentListSchema },
  handler: ({ actor }) => listIncidents(incidentDeps(), actor),
});

const read = httpHandler({
  route: "GET /incidents/{incidentId}",
  params: IncidentParams,
  action: "incident.read",
  summary: "One incident with its township names",
  tags,
  response: { status: 200, schema: IncidentSchema },
  handler: async ({ params, actor }) => {
    const deps = incidentDeps();
    return viewOf(deps, await readableIncident(deps, actor, params.incidentId));
  },
});

const end = httpHandler({
  route: "POST /incidents/{incidentId}/end",
  params: IncidentParams,
  body: EndIncidentSchema,
  action: "incident.declare",
  summary: "End an incident (县民政): no household is registered after its end date",
  description: "409 when it has ended already. Audited.",
  tags,
  response: { status: 200, schema: IncidentSchema },
  handler: ({ params, body, actor, correlationId }) =>
    endIncident(incidentDeps(), actor, params.incidentId, body, correlationId),
});

const register = httpHandler({
  route: "POST /incidents/{incidentId}/households",
  params: IncidentParams,
  body: RegisterHouseholdSchema,
  action: "case.fileOnBehalf",
  summary:
    "Register one affected household (short form): a Flow A case filed on its behalf, tagged with the incident",
  description:
    "A township officer of a township the incident hit, while it is open. The case has the incident's cause and " +
    "its standard advance as the requested amount; a household with an open case for the cause gets that case " +
    "(`existing: true`); one registered under another incident is a 409.",
  tags,
  response: { status: 201, schema: RegisteredHouseholdSchema },
  handler: async ({ params, body, actor, correlationId }) =>
    created(await registerHousehold(incidentDeps(), actor, params.incidentId, body, correlationId)),
});

const importRoute = httpHandler({
  route: "POST /incidents/{incidentId}/households/import",
  params: IncidentParams,
  body: ImportBody,
  action: "case.fileOnBehalf",
  maxBodyBytes: BASE64_MAX_CHARS + 4096,
  summary:
    "Register affected households from a spreadsheet (sheet 受灾户): every row checked, nothing written unless all pass",
  description:
    "Columns 乡镇代码, 户主姓名, 身份证号码, 手机号, 开户名, 开户银行, 银行账号, 家庭住址, 备注 (row 1 the header). A " +
    "problem answers 400 with one field `workbook.受灾户.<row>.<column>` each (Chinese and English) and nothing is " +
    "written. Then each row is filed as the short form files it; a row whose filing is refused (e.g. registered " +
    "under another incident) is listed with its reason and the others go on. `dryRun: true` checks only.",
  tags,
  response: { status: 200, schema: HouseholdImportSchema },
  handler: ({ params, body, actor, correlationId }) =>
    importHouseholds(
      incidentDeps(),
      actor,
      params.incidentId,
      Buffer.from(body.workbook, "base64"),
      body.dryRun,
      correlationId,
    ),
});

const cases = httpHandler({
  route: "GET /incidents/{incidentId}/cases",
  params: IncidentParams,
  query: IncidentCasesQuery,
  action: "incident.read",
  summary: "The incident's households and their cases (stage, amounts, whether the reader handled it)",
  description:
    "Township staff see their own township's households; `stage` filters (e.g. awaiting-decision).",
  tags,
  response: { status: 200, schema: IncidentCasesSchema },
  handler: ({ params, query, actor }) => incidentCases(incidentDeps(), actor, params.incidentId, query),
});

const batchApproval = httpHandler({
  route: "POST /incidents/{incidentId}/advance-decisions",
  params: IncidentParams,
  body: BatchAdvanceDecisionSchema,
  actions: ["advance.decide", "case.escalation.decide"],
  summary: "Approve the advance of many of the incident's cases at once (each its own audited decision)",
  description:
    "Each case is decided through the advance decision (role, scope, maker-checker, ceiling, audit), at the " +
    "incident's standard advance unless `amountYuan` is given. The answer lists each case's own status: 200 " +
    "approved, or 403/404/409/422 refused with its reason (e.g. decided already, handled by the approver).",
  tags,
  response: { status: 200, schema: BatchDecisionSchema },
  handler: ({ params, body, actor, correlationId }) =>
    approveBatch(incidentDeps(), actor, params.incidentId, body, correlationId),
});

const topUp = httpHandler({
  route: "POST /incidents/{incidentId}/top-up",
  params: IncidentParams,
  body: IncidentTopUpSchema,
  action: "fund.allocate",
  idempotencyKey: "required",
  summary: "Top up every fund the incident draws on in one step (county finance); waiting cases resume",
  description:
    "Per township hit: the standard advance of each household not yet paid nor refused, less the fund's " +
    "available money, is allocated (quota raised, audited); the cases waiting for money are paid oldest first. " +
    "The allocation is named by the need it covers: identical requests at once allocate once.",
  tags,
  response: { status: 200, schema: IncidentTopUpResultSchema },
  handler: ({ params, body, actor, correlationId }) =>
    topUpIncidentFunds(incidentDeps(), actor, params.incidentId, body, correlationId),
});

const dashboard = httpHandler({
  route: "GET /incidents/{incidentId}/dashboard",
  params: IncidentParams,
  action: "incident.read",
  summary:
    "Incident dashboard: households registered / approved / paid / waiting, money per township, registration→payment time",
  tags,
  response: { status: 200, schema: IncidentDashboardSchema },
  handler: ({ params, actor }) => incidentDashboard(incidentDeps(), actor, params.incidentId),
});

const exportRoute = httpHandler({
  route: "GET /incidents/{incidentId}/export",
  params: IncidentParams,
  action: "incident.read",
  summary:
    "The incident's figures and households as an XLSX workbook (灾情汇总, 受灾户明细) behind a short-lived link",
  description: "Names as the reader's role may see them, ID numbers masked, times Asia/Shanghai.",
  tags,
  response: { status: 200, schema: ExportLinkSchema, description: "The file's download link (GET, minutes)" },
  handler: ({ params, actor }) => publishIncidentExport(incidentDeps(), actor, params.incidentId),
});

export const handler = httpRouter(
  declare,
  list,
  read,
  end,
  register,
  importRoute,
  cases,
  batchApproval,
  topUp,
  dashboard,
  exportRoute,
);
