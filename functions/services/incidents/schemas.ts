/** The request shapes of disaster mode (DOMAIN §8), with field-level messages in Chinese and English. */
import * as z from "zod";
import { isLocalDate } from "#core/calendar/localDate.ts";
import { URGENT_CAUSES, type UrgentCause } from "#core/cases/index.ts";
import { IdentityDocumentSchema } from "#core/identity/index.ts";
import { INCIDENT_TOWNSHIPS_MAX } from "#core/incidents/index.ts";
import { YuanText } from "#core/money/index.ts";
import { bilingual } from "#functions/http/index.ts";
import { BankAccountSchema, HOUSEHOLD_MEMBERS_MAX } from "../steps/filing.ts";
import { HouseholdMemberSchema } from "../steps/intake.ts";

/** One batch decision covers at most this many cases (each is its own decision, audited). */
export const BATCH_CASES_MAX = 100;

const LocalDateText = z
  .string()
  .refine(isLocalDate, bilingual("a date YYYY-MM-DD", "日期格式须为 年-月-日（YYYY-MM-DD）"));
const TownshipId = z.string().regex(/^\d{9}$/, bilingual("a 9-digit township code", "乡镇代码须为 9 位数字"));

/** Why an incident ends or its funds are topped up (audited). */
const ReasonText = z
  .string()
  .trim()
  .min(2, bilingual("at least 2 characters", "原因至少 2 个字"))
  .max(500, bilingual("at most 500 characters", "原因不能超过 500 个字"));

export const IncidentParams = z.object({
  // Any id shape of the case ids' alphabet: an unknown one is a 404 after the role check, not a 400 before it.
  incidentId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, bilingual("an incident id", "灾情编号格式不正确")),
});

export const DeclareIncidentSchema = z
  .object({
    /** What people call it, e.g. 「7·20 暴雨洪涝」. */
    name: z
      .string()
      .trim()
      .min(2, bilingual("at least 2 characters", "名称至少 2 个字"))
      .max(100, bilingual("at most 100 characters", "名称不能超过 100 个字")),
    cause: z.enum(
      URGENT_CAUSES as unknown as [UrgentCause, ...UrgentCause[]],
      bilingual("a sudden cause (fire, flood, …)", "请选择急难原因（火灾、水灾等）"),
    ),
    townshipIds: z
      .array(TownshipId)
      .min(1, bilingual("name at least one township", "请至少选择一个受灾乡镇"))
      .max(
        INCIDENT_TOWNSHIPS_MAX,
        bilingual(
          `at most ${INCIDENT_TOWNSHIPS_MAX} townships`,
          `受灾乡镇不能超过 ${INCIDENT_TOWNSHIPS_MAX} 个`,
        ),
      ),
    startDate: LocalDateText,
    endDate: LocalDateText.optional(),
    /** The standard advance per household, within the policy's advance ceiling. */
    standardAdvanceYuan: YuanText,
    description: z
      .string()
      .trim()
      .max(1000, bilingual("at most 1000 characters", "说明不能超过 1000 个字"))
      .optional(),
  })
  .strict()
  .meta({ id: "DeclareIncident" });
export type DeclareIncidentRequest = z.output<typeof DeclareIncidentSchema>;

export const EndIncidentSchema = z
  .object({
    /** The last day of the incident; today when absent. */
    endDate: LocalDateText.optional(),
    reason: ReasonText,
  })
  .strict();
export type EndIncidentRequest = z.output<typeof EndIncidentSchema>;

/** The short form (a phone form): who, where, how to pay; the rest comes from the incident. */
export const RegisterHouseholdSchema = z
  .object({
    townshipId: TownshipId,
    name: z
      .string()
      .trim()
      .min(1, bilingual("the name is required", "请填写户主姓名"))
      .max(100, bilingual("at most 100 characters", "姓名不能超过 100 个字")),
    document: IdentityDocumentSchema,
    phone: z
      .string()
      .trim()
      .regex(/^\+?[0-9 -]{5,20}$/, bilingual("a phone number", "手机号格式不正确"))
      .optional(),
    bankAccount: BankAccountSchema.strict().optional(),
    address: z.string().trim().max(200).optional(),
    household: z.array(HouseholdMemberSchema).max(HOUSEHOLD_MEMBERS_MAX).optional(),
    note: z.string().trim().max(500).optional(),
  })
  .strict()
  .meta({ id: "RegisterIncidentHousehold" });
export type RegisterHouseholdRequest = z.output<typeof RegisterHouseholdSchema>;

export const IncidentCasesQuery = z
  .object({
    townshipId: TownshipId.optional(),
    stage: z
      .enum(["awaiting-decision", "rejected", "approved", "waiting-for-funds", "paid", "other"])
      .optional(),
  })
  .strict();
export type IncidentCasesQuery = z.output<typeof IncidentCasesQuery>;

export const BatchAdvanceDecisionSchema = z
  .object({
    caseIds: z
      .array(z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, bilingual("a case id", "案件编号格式不正确")))
      .min(1, bilingual("choose at least one case", "请至少选择一户"))
      .max(
        BATCH_CASES_MAX,
        bilingual(`at most ${BATCH_CASES_MAX} cases at once`, `一次最多审批 ${BATCH_CASES_MAX} 户`),
      ),
    /** The advance of each case; the incident's standard advance when absent. */
    amountYuan: YuanText.optional(),
    reason: z.string().trim().min(2).max(1000).optional(),
  })
  .strict()
  .meta({ id: "IncidentBatchApproval" });
export type BatchAdvanceDecisionRequest = z.output<typeof BatchAdvanceDecisionSchema>;

export const IncidentTopUpSchema = z
  .object({
    reason: ReasonText,
  })
  .strict();
export type IncidentTopUpRequest = z.output<typeof IncidentTopUpSchema>;
