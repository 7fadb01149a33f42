/**
 * Early warnings (主动发现) over HTTP: partner systems post signed alerts; county civil affairs
 * imports a department's list (CSV/XLSX); township officers see their township's alerts with their
 * deadlines, record the visit (two officers), and file on the person's behalf; the county reads every
 * township's alerts and the statistics. functions/services/alerts holds the rules' use.
 *
 * `POST /early-warnings/signed` is public: the partner authenticates with an HMAC signature of its own
 * source key (`X-AidFlow-Source`, `X-AidFlow-Timestamp`, `X-AidFlow-Signature`; the bank contract's
 * canonical string, functions/adapters/payments/signature.ts) within the replay window, and the same
 * signed message is taken once.
 */
import * as z from "zod";
import { AlertStore } from "#adapters/alert-store.ts";
import { auditStore } from "#adapters/audit-store.ts";
import { SIGNATURE_HEADER, TIMESTAMP_HEADER } from "#adapters/payments/contract.ts";
import { SIGNATURE_TOLERANCE_SECONDS, verify } from "#adapters/payments/signature.ts";
import { UnauthorizedError } from "#core/errors.ts";
import { bilingual, bodyText, created, headerOf, httpHandler, httpRouter } from "#functions/http/index.ts";
import { config, dynamo } from "#functions/runtime/config.ts";
import { logger } from "#functions/runtime/logger.ts";
import { type AlertDeps, importAlerts, receiveSignedAlerts } from "#functions/services/alerts/intake.ts";
import {
  AlertFilingSchema,
  AlertListQuery,
  AlertStatisticsQuery,
  alertResource,
  alertStatistics,
  CoSignVisitSchema,
  coSignVisit,
  fileOnBehalf,
  listAlerts,
  RecordVisitSchema,
  readAlert,
  recordVisit,
} from "#functions/services/alerts/verification.ts";
import { flowDeps } from "#functions/services/deps.ts";
import {
  AlertFiledSchema,
  AlertImportSchema,
  AlertListSchema,
  AlertSchema,
  AlertStatisticsSchema,
  SignedAlertsSchema,
} from "./alert-answers.ts";

const tags = ["early-warnings"];

/** The header naming the partner source whose key signed the message. */
export const SOURCE_HEADER = "x-aidflow-source";

export function alertDeps(): AlertDeps {
  return { flow: flowDeps(), alerts: new AlertStore(dynamo(), config().tables.main), audit: auditStore() };
}

const AlertParams = z.object({
  // Any id of the case ids' alphabet: an unknown one is a 404 after the role check, not a 400 before it.
  alertId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, bilingual("an alert id", "预警编号格式不正确")),
});

/**
 * The wall clock of the replay window: partners sign with their own wall clock, not AidFlow's
 * business clock (which the local runtime may run accelerated or manual).
 */
let wallClock: () => number = Date.now;

/** Tests stand in another wall clock for the replay window (expired signatures). */
export function setSignatureClock(clock: (() => number) | undefined): void {
  wallClock = clock ?? Date.now;
}

const signed = httpHandler({
  route: "POST /early-warnings/signed",
  public: true,
  summary: "A partner system's signed early warnings (主动发现): 1–50 alerts, stored once per person + risk",
  description:
    "Body `{ alerts: [{ person: { idNumber? , name?, household? }, townshipId, kind, source, date, evidence }] }`; " +
    "kind is medical-expense (大额医疗支出), disaster (突发灾害), accident (意外事故), income-loss (失业断收) or other (其他). " +
    "Signed with the source's own key: `X-AidFlow-Source`, `X-AidFlow-Timestamp` (epoch seconds, within 300 s), " +
    "`X-AidFlow-Signature: v1=<hex HMAC-SHA-256 of timestamp\\nPOST\\n/early-warnings/signed\\nbody>`. " +
    "401 bad or expired signature, 400 any alert malformed (each field named), 409 REPLAYED the same signed message " +
    "again — none of them writes anything. A repeat within the county's window answers the standing alert (`repeat: true`).",
  tags,
  response: { status: 201, schema: SignedAlertsSchema },
  handler: async ({ event, correlationId }) => {
    const sourceId = headerOf(event, SOURCE_HEADER) ?? "";
    const keys = config().alertSourceKeys;
    const key = Object.hasOwn(keys, sourceId) ? keys[sourceId] : undefined;
    const body = bodyText(event);
    const signature = headerOf(event, SIGNATURE_HEADER);
    const checked = key
      ? verify(key, {
          method: "POST",
          path: event.rawPath ?? "/early-warnings/signed",
          body,
          timestamp: headerOf(event, TIMESTAMP_HEADER),
          signature,
          nowMs: wallClock(),
        })
      : ({ ok: false, problem: "unknown-source" } as const);
    if (!checked.ok) {
      logger.warn("early warning with a bad signature refused", { problem: checked.problem, sourceId });
      throw new UnauthorizedError("invalid signature", "签名无效");
    }
    let payload: unknown;
    try {
      payload = JSON.parse(body);
    } catch {
      payload = undefined;
    }
    const ttl = Math.floor(wallClock() / 1000) + 2 * SIGNATURE_TOLERANCE_SECONDS;
    return created(
      await receiveSignedAlerts(alertDeps(), sourceId, String(signature), payload, ttl, correlationId),
    );
  },
});

const ImportSchema = z
  .object({
    fileName: z
      .string()
      .trim()
      .regex(/\.(csv|xlsx)$/i, bilingual("a .csv or .xlsx file", "须为 .csv 或 .xlsx 文件")),
    contentBase64: z.string().min(1, bilingual("the file's content", "请选择文件")),
  })
  .strict();

const importSheet = httpHandler({
  route: "POST /early-warnings/import",
  body: ImportSchema,
  action: "alert.import",
  maxBodyBytes: 3 * 1024 * 1024,
  summary: "Import a department's list of early warnings (CSV or XLSX, the template's columns)",
  description:
    "County civil affairs, for townships of its own county. Columns: 身份证号, 姓名, 家庭（户主或住址）, 居住地乡镇代码, " +
    "风险类型 (大额医疗支出/突发灾害/意外事故/失业断收/其他), 来源, 日期, 依据摘要. Every row is checked first; a row " +
    "that does not pass is named with its row and column and nothing is imported. A repeat of a standing alert " +
    "(same person + risk within the window) is answered, not stored again.",
  tags,
  response: { status: 201, schema: AlertImportSchema },
  handler: async ({ body, actor, correlationId }) =>
    created(await importAlerts(alertDeps(), actor, body, correlationId)),
});

const list = httpHandler({
  route: "GET /early-warnings",
  query: AlertListQuery,
  action: "alert.read",
  summary: "Early warnings to verify, earliest deadline first (officers: their township; county: any)",
  tags,
  response: { status: 200, schema: AlertListSchema },
  handler: ({ query, actor }) => listAlerts(alertDeps(), actor, query),
});

const statistics = httpHandler({
  route: "GET /early-warnings/statistics",
  query: AlertStatisticsQuery,
  action: "alert.read",
  summary:
    "Early warnings per township: received, visited in time, aided, overdue, alert → first visit and → money",
  tags,
  response: { status: 200, schema: AlertStatisticsSchema },
  handler: ({ query, actor }) => alertStatistics(alertDeps(), actor, query),
});

const read = httpHandler({
  route: "GET /early-warnings/{alertId}",
  params: AlertParams,
  action: "alert.read",
  resource: ({ params }) => alertResource(alertDeps(), params.alertId),
  summary:
    "One early warning: the person (masked by role), risk, deadline, visits, what a filing starts from",
  tags,
  response: { status: 200, schema: AlertSchema },
  handler: ({ params, actor }) => readAlert(alertDeps(), actor, params.alertId),
});

const visit = httpHandler({
  route: "POST /early-warnings/{alertId}/visits",
  params: AlertParams,
  body: RecordVisitSchema,
  action: "alert.visit",
  resource: ({ params }) => alertResource(alertDeps(), params.alertId),
  summary: "Record the verification visit, naming the second officer who confirms it",
  description:
    "Outcome `{ kind: file-on-behalf }`, `{ kind: not-needed, reason }`, `{ kind: referred, body, note? }` or " +
    "`{ kind: unreachable, retryBy, note? }`. The visit stands once the named officer confirms it (co-sign).",
  tags,
  response: { status: 201, schema: AlertSchema },
  handler: async ({ params, body, actor, correlationId }) =>
    created(await recordVisit(alertDeps(), actor, params.alertId, body, correlationId)),
});

const coSign = httpHandler({
  route: "POST /early-warnings/{alertId}/visits/co-sign",
  params: AlertParams,
  body: CoSignVisitSchema,
  action: "alert.visit",
  resource: ({ params }) => alertResource(alertDeps(), params.alertId),
  summary: "The second officer confirms the visit (its outcome stands) or sends it back with a reason",
  tags,
  response: { status: 200, schema: AlertSchema },
  handler: ({ params, body, actor, correlationId }) =>
    coSignVisit(alertDeps(), actor, params.alertId, body, correlationId),
});

const file = httpHandler({
  route: "POST /early-warnings/{alertId}/filing",
  params: AlertParams,
  body: AlertFilingSchema,
  action: "alert.visit",
  resource: ({ params }) => alertResource(alertDeps(), params.alertId),
  summary: "File the Flow A case on the person's behalf (主动发现, found-by-staff), prefilled from the alert",
  description:
    "After a confirmed visit whose outcome is to file on the person's behalf. The township, the cause and the " +
    "description come from the alert unless given; a resident ID must be the alert's person's.",
  tags,
  response: { status: 201, schema: AlertFiledSchema },
  handler: async ({ params, body, actor, correlationId }) =>
    created(await fileOnBehalf(alertDeps(), actor, params.alertId, body, correlationId)),
});

export const handler = httpRouter(signed, importSheet, list, statistics, read, visit, coSign, file);
