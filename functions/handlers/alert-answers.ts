/**
 * The answers of the early-warning routes (主动发现), for the API document and the web's generated
 * types; `httpHandler` types each route's handler by its schema, so a service whose answer drifts
 * from these fails the type check.
 */
import * as z from "zod";
import { ALERT_STATUSES, RISK_KINDS, VISIT_OUTCOMES } from "#core/alerts/index.ts";
import { HARDSHIP_CAUSES } from "#core/cases/index.ts";

const Who = z.object({ userId: z.string(), name: z.string() });
const Township = z.object({ townshipId: z.string(), name: z.string() });

const AlertReceiptSchema = z.object({
  alertId: z.string(),
  repeat: z.boolean().meta({
    description: "An alert of the same person + risk stood within the window: this is it, nothing was stored",
  }),
  townshipId: z.string(),
  dueAt: z.string().meta({ description: "The verification deadline (ISO instant)" }),
});

export const SignedAlertsSchema = z
  .object({ alerts: z.array(AlertReceiptSchema) })
  .meta({ id: "SignedAlertsReceipt" });

export const AlertImportSchema = z
  .object({
    rows: z.number().int().meta({ description: "Rows read from the sheet" }),
    received: z.number().int().meta({ description: "New alerts stored" }),
    repeats: z.number().int().meta({ description: "Rows answered by a standing alert" }),
    alerts: z.array(AlertReceiptSchema.extend({ row: z.number().int() })),
  })
  .meta({ id: "AlertImportResult" });

export const AlertSchema = z
  .object({
    alertId: z.string(),
    townshipId: z.string(),
    townshipName: z.string(),
    person: z
      .object({
        name: z.string().optional(),
        idNumberMasked: z.string().optional(),
        address: z.string().optional(),
      })
      .meta({ description: "Masked as the reader's role may see the person" }),
    kind: z.enum(RISK_KINDS),
    kindZh: z.string(),
    source: z.string(),
    reportedOn: z.string().meta({ description: "YYYY-MM-DD" }),
    evidence: z.string(),
    receivedAt: z.string(),
    receivedVia: z.enum(["signed", "import"]),
    status: z.enum(ALERT_STATUSES),
    statusZh: z.string(),
    dueAt: z.string(),
    overdue: z.boolean(),
    escalated: z.boolean(),
    visits: z.array(
      z.object({
        round: z.number().int(),
        visitedOn: z.string(),
        outcome: z.object({
          kind: z.enum(VISIT_OUTCOMES),
          reason: z.string().optional(),
          body: z.string().optional(),
          retryBy: z.string().optional(),
          note: z.string().optional(),
        }),
        outcomeZh: z.string(),
        recordedBy: Who,
        coVisitor: Who,
        status: z.enum(["pending", "confirmed", "rejected"]),
        confirmedAt: z.string().optional(),
        rejection: z.object({ reason: z.string(), name: z.string() }).optional(),
      }),
    ),
    caseId: z.string().optional().meta({ description: "The Flow A case filed on the person's behalf" }),
    prefill: z
      .object({
        townshipId: z.string(),
        cause: z.enum(HARDSHIP_CAUSES),
        description: z.string(),
        applicantName: z.string().optional(),
        address: z.string().optional(),
      })
      .meta({ description: "What the filing form starts from (file on behalf)" }),
  })
  .meta({ id: "Alert" });

export const AlertListSchema = z
  .object({ alerts: z.array(AlertSchema), townships: z.array(Township) })
  .meta({ id: "AlertList" });

export const AlertFiledSchema = z
  .object({
    alertId: z.string(),
    case: z.object({
      caseId: z.string(),
      status: z.string(),
      existing: z.boolean().meta({ description: "The person's open case for the cause, not a new one" }),
      policyVersionId: z.string(),
    }),
  })
  .meta({ id: "AlertFiling" });

export const AlertStatisticsSchema = z
  .object({
    countyId: z.string(),
    townships: z.array(
      Township.extend({
        received: z.number().int(),
        visitedInTime: z
          .number()
          .int()
          .meta({ description: "Visits confirmed whose day is within the deadline" }),
        aided: z.number().int().meta({ description: "Filed for on the person's behalf and paid" }),
        overdue: z.number().int(),
        escalated: z.number().int(),
        medianHoursToFirstVisit: z.number().nullable(),
        medianHoursToMoney: z.number().nullable(),
      }),
    ),
  })
  .meta({ id: "AlertStatistics" });
