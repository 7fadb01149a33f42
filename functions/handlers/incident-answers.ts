/**
 * The answers of the disaster-mode routes (DOMAIN §8), for the API document and the web's generated
 * types; `httpHandler` types each route's handler by its schema, so a service whose answer drifts
 * from these fails the type check.
 */
import * as z from "zod";
import { URGENT_CAUSES } from "#core/cases/index.ts";

const Who = z.object({ userId: z.string(), name: z.string() });
const Township = z.object({ townshipId: z.string(), name: z.string() });
const YuanAnswer = z.string().meta({ description: "Yuan, two decimals (exact decimal text)" });

export const IncidentSchema = z
  .object({
    incidentId: z.string(),
    countyId: z.string(),
    name: z.string(),
    cause: z.enum(URGENT_CAUSES),
    causeZh: z.string(),
    townshipIds: z.array(z.string()),
    townships: z.array(Township),
    startDate: z.string().meta({ description: "YYYY-MM-DD, Asia/Shanghai" }),
    endDate: z.string().optional(),
    standardAdvanceYuan: YuanAnswer,
    description: z.string().optional(),
    status: z.enum(["active", "ended"]),
    policyVersionId: z.string(),
    declaredBy: Who,
    declaredAt: z.string(),
    endedBy: Who.optional(),
    endedAt: z.string().optional(),
    endReason: z.string().optional(),
  })
  .meta({ id: "Incident" });

export const IncidentListSchema = z
  .object({ incidents: z.array(IncidentSchema) })
  .meta({ id: "IncidentList" });

export const RegisteredHouseholdSchema = z
  .object({
    caseId: z.string(),
    townshipId: z.string(),
    existing: z.boolean().meta({ description: "The household's open case for the cause, not a new one" }),
  })
  .meta({ id: "RegisteredHousehold" });

const Refusal = z.object({ code: z.string(), message: z.string(), messageZh: z.string() });

export const HouseholdImportSchema = z
  .object({
    incidentId: z.string(),
    dryRun: z.boolean(),
    households: z.number().int().meta({ description: "Rows registered (or, in a dry run, that would be)" }),
    refused: z.number().int(),
    rows: z.array(
      z.object({
        row: z.number().int().meta({ description: "The sheet's row number (row 1 is the header)" }),
        townshipId: z.string(),
        caseId: z.string().optional(),
        existing: z.boolean().optional(),
        refused: Refusal.optional(),
      }),
    ),
  })
  .meta({ id: "IncidentHouseholdImportResult" });

export const IncidentCasesSchema = z
  .object({
    incidentId: z.string(),
    name: z.string(),
    causeZh: z.string(),
    cases: z.array(
      z.object({
        caseId: z.string(),
        townshipId: z.string(),
        townshipName: z.string(),
        applicant: z.object({
          name: z.string(),
          document: z.object({ type: z.string(), numberMasked: z.string() }),
        }),
        registeredAt: z.string(),
        status: z.string(),
        stage: z.enum(["awaiting-decision", "rejected", "approved", "waiting-for-funds", "paid", "other"]),
        standardAdvanceYuan: YuanAnswer,
        approvedYuan: YuanAnswer.optional(),
        paidYuan: YuanAnswer.optional(),
        paidAt: z.string().optional(),
        handledByReader: z
          .boolean()
          .meta({ description: "The reader handled it: as approver may not decide it" }),
      }),
    ),
  })
  .meta({ id: "IncidentCases" });

export const BatchDecisionSchema = z
  .object({
    incidentId: z.string(),
    approved: z.number().int(),
    refused: z.number().int(),
    results: z.array(
      z.object({
        caseId: z.string(),
        status: z.number().int().meta({ description: "This case's own answer: 200, or 403/404/409/422" }),
        outcome: z.enum(["approved", "refused"]),
        code: z.string().optional(),
        message: z.string().optional(),
        messageZh: z.string().optional(),
      }),
    ),
  })
  .meta({ id: "IncidentBatchDecision" });

export const IncidentTopUpResultSchema = z
  .object({
    incidentId: z.string(),
    townships: z.array(
      Township.extend({
        householdsToPay: z.number().int(),
        neededYuan: YuanAnswer,
        availableBeforeYuan: YuanAnswer,
        allocatedYuan: YuanAnswer,
        outcome: z.enum(["allocated", "duplicate", "covered"]),
        resumedCases: z.array(z.string()),
      }),
    ),
  })
  .meta({ id: "IncidentTopUpResult" });

const Counts = z.object({
  registered: z.number().int(),
  awaitingDecision: z.number().int(),
  approved: z.number().int(),
  rejected: z.number().int(),
  waitingForFunds: z.number().int(),
  paid: z.number().int(),
  approvedYuan: YuanAnswer,
  paidYuan: YuanAnswer,
});

export const IncidentDashboardSchema = z
  .object({
    incident: IncidentSchema,
    totals: Counts,
    townships: z.array(Counts.extend(Township.shape)),
    registrationToPayment: z.object({
      count: z.number().int(),
      medianMinutes: z.number().optional(),
      p90Minutes: z.number().optional(),
      maxMinutes: z.number().optional(),
    }),
  })
  .meta({ id: "IncidentDashboard" });
