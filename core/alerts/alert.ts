/**
 * Early warnings (主动发现): a partner system (medical insurance, emergency management, human
 * resources …) or a county's spreadsheet reports a person in a risk of hardship who has not applied.
 * Each alert becomes a verification task for the township of residence: officers visit within a
 * number of working days (policy `alertVerificationWorkingDays`) and record an outcome; a missed
 * deadline escalates to county civil affairs. Pure rules — no I/O.
 *
 * An alert names its person by a resident ID number or, without one, by name and household (户主 or
 * address as the source knows it). The number itself is never kept: the store keeps its keyed hash
 * (the person key, core/identity) and the masked number.
 */
import * as z from "zod";
import {
  addLocalDays,
  addWorkingDaysDetailed,
  type HolidayCalendar,
  type Instant,
  isLocalDate,
  type LocalDate,
  localDateOf,
  type WorkingDayDeadline,
} from "../calendar/index.ts";
import type { HardshipCause } from "../cases/index.ts";
import { checkResidentId, normalizeResidentId } from "../identity/index.ts";

/** The risk kinds a source reports (codes; the consoles show the Chinese label). */
export const RISK_KINDS = ["medical-expense", "disaster", "accident", "income-loss", "other"] as const;
export type RiskKind = (typeof RISK_KINDS)[number];

export const RISK_KIND_NAMES_ZH: Readonly<Record<RiskKind, string>> = {
  "medical-expense": "大额医疗支出",
  disaster: "突发灾害",
  accident: "意外事故",
  "income-loss": "失业断收",
  other: "其他",
};

/** A Chinese label as a spreadsheet writes it → its code. */
export function riskKindOfLabel(label: string): RiskKind | undefined {
  const text = label.trim();
  if ((RISK_KINDS as readonly string[]).includes(text)) return text as RiskKind;
  return RISK_KINDS.find((kind) => RISK_KIND_NAMES_ZH[kind] === text);
}

/**
 * The hardship cause a filing on the person's behalf starts from (the officer may choose another at
 * the visit): the cause of Flow A nearest to the risk the source reported.
 */
export const RISK_KIND_CAUSE: Readonly<Record<RiskKind, HardshipCause>> = {
  "medical-expense": "medical",
  disaster: "other-disaster",
  accident: "other-sudden",
  "income-loss": "other-rigid",
  other: "other-sudden",
};

const zh = (message: string, messageZh: string) => ({ message, params: { zh: messageZh } });

// Custom checks carry their Chinese text (`params.zh`) into the field errors.
const text = (max: number, what: string, whatZh: string) =>
  z
    .string(zh(`${what} is required`, `${whatZh}为必填项`))
    .trim()
    .refine((value) => value.length >= 1, zh(`${what} is required`, `${whatZh}为必填项`))
    .refine(
      (value) => value.length <= max,
      zh(`${what}: at most ${max} characters`, `${whatZh}不能超过 ${max} 个字`),
    );

const residentIdNumber = z
  .string()
  .transform((s) => normalizeResidentId(s).replace(/\s+/g, ""))
  .superRefine((value, ctx) => {
    const check = checkResidentId(value);
    if (!check.valid) {
      ctx.addIssue({
        code: "custom",
        message: `resident ID: ${check.message}`,
        params: { zh: check.messageZh },
      });
    }
  });

const localDate = z.string().refine(isLocalDate, zh("a date YYYY-MM-DD", "日期格式须为 YYYY-MM-DD"));

/**
 * The person: a resident ID number (with the name when the source has it), or name + household.
 */
export const AlertPersonSchema = z
  .object({
    idNumber: residentIdNumber.optional(),
    name: text(50, "name", "姓名").optional(),
    /** 户主 name or household address as the source knows it: with the name, the person without an ID. */
    household: text(200, "household", "家庭（户主或住址）").optional(),
  })
  .strict()
  .superRefine((person, ctx) => {
    if (person.idNumber) return;
    if (!person.name) {
      ctx.addIssue({
        code: "custom",
        path: ["name"],
        message: "an ID number, or a name and household, is required",
        params: { zh: "须填写身份证号，或姓名及家庭（户主或住址）" },
      });
    }
    if (!person.household) {
      ctx.addIssue({
        code: "custom",
        path: ["household"],
        message: "without an ID number the household is required",
        params: { zh: "未填写身份证号时须填写家庭（户主或住址）" },
      });
    }
  });

export const AlertInputSchema = z
  .object({
    person: AlertPersonSchema,
    /** 9-digit township code of the person's residence: the township that verifies. */
    townshipId: z
      .string(zh("the township code is required", "居住地乡镇代码为必填项"))
      .refine((code) => /^\d{9}$/.test(code), zh("a 9-digit township code", "居住地乡镇代码须为 9 位数字")),
    kind: z
      .string(zh("the risk kind is required", "风险类型为必填项"))
      .refine(
        (kind) => (RISK_KINDS as readonly string[]).includes(kind),
        zh(`one of ${RISK_KINDS.join(", ")}`, "风险类型须为大额医疗支出、突发灾害、意外事故、失业断收或其他"),
      )
      .transform((kind) => kind as RiskKind),
    /** Who reported it (a department or system, e.g. 县医保局). */
    source: text(50, "source", "来源"),
    /** The day the source observed the risk (Asia/Shanghai). */
    date: localDate,
    /** What the source saw (amount spent, event, …): no diagnosis beyond what verification needs. */
    evidence: text(500, "evidence summary", "依据摘要"),
  })
  .strict();

export type AlertInput = z.output<typeof AlertInputSchema>;

/** A reported date may not lie after the day it was received. */
export function reportedDateProblem(date: LocalDate, receivedAt: Instant): string | undefined {
  return date > localDateOf(receivedAt) ? "future" : undefined;
}

// ── Dedup (policy `alertDedupWindowDays`) ──────────────────────────────────────────────────────

/**
 * The last day (inclusive) on which another alert for the same person and risk kind is a repeat
 * of one received on `receivedOn`: the window counts calendar days from the day received.
 */
export function dedupWindowLastDay(receivedOn: LocalDate, windowDays: number): LocalDate {
  return addLocalDays(receivedOn, windowDays - 1);
}

/** Whether an alert received at `at` repeats the one of the same person + kind received on `firstOn`. */
export function isRepeatAlert(firstOn: LocalDate, at: Instant, windowDays: number): boolean {
  return localDateOf(at) <= dedupWindowLastDay(firstOn, windowDays);
}

// ── Verification ───────────────────────────────────────────────────────────────────────────────

/** The verification is due at the end of the Nth working day after the alert was received. */
export function verificationDeadline(
  receivedAt: Instant,
  workingDays: number,
  calendar: HolidayCalendar,
): WorkingDayDeadline {
  return addWorkingDaysDetailed(receivedAt, workingDays, calendar);
}

export const ALERT_STATUSES = [
  /** Waiting for the township's visit. */
  "open",
  /** A visit is recorded, waiting for the second officer's confirmation. */
  "awaiting-co-sign",
  /** The person was not reached: the visit is to be retried by a date. */
  "retry",
  /** Verified with the outcome to file on the person's behalf; the filing is not made yet. */
  "to-file",
  /** Verified: an outcome stands (filed, not needed, referred). */
  "verified",
] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];

export const ALERT_STATUS_NAMES_ZH: Readonly<Record<AlertStatus, string>> = {
  open: "待核查",
  "awaiting-co-sign": "待第二名经办人确认",
  retry: "未联系上，待再次核查",
  "to-file": "已核查，待代为申请",
  verified: "已核查",
};

export const VISIT_OUTCOMES = ["file-on-behalf", "not-needed", "referred", "unreachable"] as const;
export type VisitOutcomeKind = (typeof VISIT_OUTCOMES)[number];

export const VISIT_OUTCOME_NAMES_ZH: Readonly<Record<VisitOutcomeKind, string>> = {
  "file-on-behalf": "代为申请",
  "not-needed": "无需救助",
  referred: "转介",
  unreachable: "未联系上",
};

/** Characters of a free-text answer on a visit (reason, note). */
const VISIT_TEXT_CHARS_MAX = 1000; // not-policy: a form field's length
const reason = text(VISIT_TEXT_CHARS_MAX, "reason", "原因");

/**
 * The outcome of a visit: file on the person's behalf (the filing is the visit request's), not
 * needed (with the reason), referred (to a programme or body), or unreachable (retry by a date).
 */
export const VisitOutcomeSchema = z.discriminatedUnion(
  "kind",
  [
    z.object({ kind: z.literal("file-on-behalf") }).strict(),
    z.object({ kind: z.literal("not-needed"), reason }).strict(),
    z
      .object({
        kind: z.literal("referred"),
        /** The programme or body referred to (e.g. 县医保局 医疗救助, 县人社局). */
        body: text(100, "referred to", "转介对象"),
        note: text(VISIT_TEXT_CHARS_MAX, "note", "说明").optional(),
      })
      .strict(),
    z
      .object({
        kind: z.literal("unreachable"),
        retryBy: localDate,
        note: text(VISIT_TEXT_CHARS_MAX, "note", "说明").optional(),
      })
      .strict(),
  ],
  zh(
    "kind: file-on-behalf, not-needed, referred or unreachable",
    "核查结果须为代为申请、无需救助、转介或未联系上",
  ),
);
export type VisitOutcome = z.output<typeof VisitOutcomeSchema>;

/** The status an alert takes once a visit with this outcome is confirmed by both officers. */
export function statusAfterVisit(outcome: VisitOutcome): AlertStatus {
  if (outcome.kind === "unreachable") return "retry";
  return outcome.kind === "file-on-behalf" ? "to-file" : "verified";
}

/** Whether the alert still waits for a visit that reaches a verdict (the deadline runs). */
export function awaitsVerification(status: AlertStatus): boolean {
  return status === "open" || status === "awaiting-co-sign" || status === "retry";
}

/**
 * Whether the alert's verification is overdue at `now`: no confirmed visit reached a verdict and its
 * deadline has passed (after an unreachable visit the deadline is the end of the retry-by day).
 */
export function isVerificationOverdue(alert: { status: AlertStatus; dueAt: string }, now: Instant): boolean {
  if (!awaitsVerification(alert.status)) return false;
  const nowMs = typeof now === "number" ? now : now.getTime();
  return nowMs > Date.parse(alert.dueAt);
}
