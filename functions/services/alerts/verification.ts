/**
 * Verification of early warnings (core/alerts): each alert is a task of the township of residence.
 * One officer records a visit naming the second officer who went; the visit stands only once that
 * officer confirms it with their own sign-in (as the paperwork's co-signature). Its outcome: file on
 * the person's behalf (then the Flow A filing, prefilled from the alert, `onBehalf.reason =
 * found-by-staff`), not needed (a reason), referred (to a programme or body) or unreachable (visit
 * again by a date). An alert not verified by its deadline is escalated to county civil affairs once
 * (the deadline reminders' scan). Statistics per township: received, visited in time, aided, and the
 * time from alert to first visit and to money.
 */
import * as z from "zod";
import type { AlertRecord, AlertVisit } from "#adapters/alert-store.ts";
import { countyOfTownship } from "#adapters/directory-store.ts";
import { obligationIdFor } from "#adapters/payments/gateway.ts";
import { type AccessResource, type Actor, authorize, requireAuthorized } from "#core/access/index.ts";
import {
  ALERT_STATUS_NAMES_ZH,
  ALERT_STATUSES,
  type AlertStatus,
  awaitsVerification,
  isVerificationOverdue,
  RISK_KIND_CAUSE,
  RISK_KIND_NAMES_ZH,
  type RiskKind,
  statusAfterVisit,
  VISIT_OUTCOME_NAMES_ZH,
  type VisitOutcome,
  VisitOutcomeSchema,
} from "#core/alerts/index.ts";
import { endOfLocalDay, isLocalDate, localDateOf } from "#core/calendar/index.ts";
import { HARDSHIP_CAUSES, type HardshipCause } from "#core/cases/index.ts";
import {
  BusinessRuleError,
  ConflictError,
  type FieldError,
  ForbiddenError,
  NotFoundError,
  ValidationError,
} from "#core/errors.ts";
import { bilingual } from "#functions/http/index.ts";
import { type FileCaseResult, fileCase } from "../flow-a/filing.ts";
import { notify } from "../messages/notify.ts";
import { FileCaseSchema } from "../steps/filing.ts";
import type { AlertDeps } from "./intake.ts";

const localDate = z.string().refine(isLocalDate, bilingual("a date YYYY-MM-DD", "日期格式须为 YYYY-MM-DD"));

export const AlertListQuery = z
  .object({
    township: z
      .string()
      .regex(/^\d{9}$/, bilingual("a 9-digit township code", "须为 9 位乡镇代码"))
      .optional(),
    status: z.enum(ALERT_STATUSES, bilingual("an unknown status", "未知的状态")).optional(),
    overdue: z.enum(["true", "false"]).optional(),
  })
  .strict();

export const RecordVisitSchema = z
  .object({
    visitedOn: localDate,
    /** The second officer who went along: they confirm the visit with their own sign-in. */
    coVisitorUserId: z
      .string()
      .trim()
      .min(1, bilingual("name the second officer", "请选择同行的第二名经办人")),
    outcome: VisitOutcomeSchema,
  })
  .strict();
export type RecordVisitRequest = z.output<typeof RecordVisitSchema>;

export const CoSignVisitSchema = z.discriminatedUnion(
  "decision",
  [
    z.object({ decision: z.literal("confirm") }).strict(),
    z
      .object({
        decision: z.literal("reject"),
        reason: z
          .string()
          .trim()
          .min(2, bilingual("say why", "请说明原因"))
          .max(1000, bilingual("at most 1000 characters", "原因不能超过 1000 个字")),
      })
      .strict(),
  ],
  bilingual("decision: confirm or reject", "请选择确认或退回"),
);
export type CoSignVisitRequest = z.output<typeof CoSignVisitSchema>;

/**
 * The filing on the person's behalf: what the visit found beyond the alert (the identity document,
 * the amount, the account); the township, the cause and the description start from the alert.
 */
export const AlertFilingSchema = FileCaseSchema.omit({ townshipId: true, onBehalf: true, hardship: true })
  .extend({
    description: z.string().trim().min(1).max(2000).optional(),
    cause: z
      .enum(
        HARDSHIP_CAUSES as [HardshipCause, ...HardshipCause[]],
        bilingual("an unknown cause", "未知的困难原因"),
      )
      .optional(),
  })
  .strict();
export type AlertFilingRequest = z.output<typeof AlertFilingSchema>;

export const AlertStatisticsQuery = z
  .object({
    countyId: z
      .string()
      .regex(/^\d{6}$/, bilingual("a 6-digit county code", "须为 6 位县代码"))
      .optional(),
  })
  .strict();

// ── Views ──────────────────────────────────────────────────────────────────────────────────────

export interface AlertView {
  alertId: string;
  townshipId: string;
  townshipName: string;
  person: { name?: string; idNumberMasked?: string; address?: string };
  kind: RiskKind;
  kindZh: string;
  source: string;
  reportedOn: string;
  evidence: string;
  receivedAt: string;
  receivedVia: AlertRecord["receivedVia"];
  status: AlertStatus;
  statusZh: string;
  dueAt: string;
  overdue: boolean;
  escalated: boolean;
  /** The visit waiting for the second officer's confirmation, or the last one. */
  visits: Array<{
    round: number;
    visitedOn: string;
    outcome: VisitOutcome;
    outcomeZh: string;
    recordedBy: { userId: string; name: string };
    coVisitor: { userId: string; name: string };
    status: AlertVisit["status"];
    confirmedAt?: string;
    rejection?: { reason: string; name: string };
  }>;
  /** The Flow A case filed on the person's behalf. */
  caseId?: string;
  /** What the filing form starts from (file on behalf). */
  prefill: {
    townshipId: string;
    cause: HardshipCause;
    description: string;
    applicantName?: string;
    address?: string;
  };
}

async function townshipName(deps: AlertDeps, townshipId: string): Promise<string> {
  return (await deps.flow.directory.township(townshipId))?.name ?? "所在乡镇";
}

export function alertView(alert: AlertRecord, name: string, now: Date): AlertView {
  return {
    alertId: alert.alertId,
    townshipId: alert.townshipId,
    townshipName: name,
    person: {
      ...(alert.person.name ? { name: alert.person.name } : {}),
      ...(alert.person.idMasked ? { idNumberMasked: alert.person.idMasked } : {}),
      ...(alert.person.household ? { address: alert.person.household } : {}),
    },
    kind: alert.kind,
    kindZh: RISK_KIND_NAMES_ZH[alert.kind],
    source: alert.source,
    reportedOn: alert.reportedOn,
    evidence: alert.evidence,
    receivedAt: alert.receivedAt,
    receivedVia: alert.receivedVia,
    status: alert.status,
    statusZh: ALERT_STATUS_NAMES_ZH[alert.status],
    dueAt: alert.dueAt,
    overdue: isVerificationOverdue(alert, now),
    escalated: alert.escalatedAt !== undefined,
    visits: alert.visits.map((v) => ({
      round: v.round,
      visitedOn: v.visitedOn,
      outcome: v.outcome,
      outcomeZh: VISIT_OUTCOME_NAMES_ZH[v.outcome.kind],
      recordedBy: { userId: v.recordedBy.userId, name: v.recordedBy.name },
      coVisitor: v.coVisitor,
      status: v.status,
      ...(v.confirmedBy ? { confirmedAt: v.confirmedBy.at } : {}),
      ...(v.rejection ? { rejection: { reason: v.rejection.reason, name: v.rejection.by.name } } : {}),
    })),
    ...(alert.caseId ? { caseId: alert.caseId } : {}),
    prefill: {
      townshipId: alert.townshipId,
      cause: RISK_KIND_CAUSE[alert.kind],
      description: `${RISK_KIND_NAMES_ZH[alert.kind]}预警（${alert.source}）：${alert.evidence}`,
      ...(alert.person.name ? { applicantName: alert.person.name } : {}),
      ...(alert.person.household ? { address: alert.person.household } : {}),
    },
  };
}

const resourceOf = (alert: Pick<AlertRecord, "countyId" | "townshipId">): AccessResource => ({
  countyId: alert.countyId,
  townshipId: alert.townshipId,
});

/** The alert for an actor who may act on it (404 when it does not exist, 403 outside the scope). */
async function alertFor(
  deps: AlertDeps,
  actor: Actor,
  alertId: string,
  action: "alert.read" | "alert.visit",
) {
  const alert = await deps.alerts.get(alertId);
  if (!alert) throw new NotFoundError(`Alert ${alertId} not found`, "预警不存在");
  requireAuthorized(actor, action, resourceOf(alert));
  return alert;
}

/** Where an alert is, for the route's access check (404 for an unknown id). */
export async function alertResource(deps: AlertDeps, alertId: string): Promise<AccessResource> {
  const where = await deps.alerts.locate(alertId);
  if (!where) throw new NotFoundError(`Alert ${alertId} not found`, "预警不存在");
  return where;
}

/** The alerts an actor may read: their township's (officers), any township of their county (county staff). */
export async function listAlerts(
  deps: AlertDeps,
  actor: Actor,
  query: z.output<typeof AlertListQuery>,
): Promise<{ alerts: AlertView[]; townships: Array<{ townshipId: string; name: string }> }> {
  const townshipId =
    query.township ?? (actor.townshipId && !mayReadCounty(actor) ? actor.townshipId : undefined);
  if (townshipId)
    requireAuthorized(actor, "alert.read", { countyId: countyOfTownship(townshipId), townshipId });
  else requireAuthorized(actor, "alert.read", { countyId: actor.countyId });
  const countyId = townshipId ? countyOfTownship(townshipId) : actor.countyId;
  const now = deps.flow.now();
  const townships = await deps.flow.directory.townshipsOf(countyId);
  const names = new Map(townships.map((t) => [t.townshipId, t.name]));
  const alerts = (await deps.alerts.list(countyId, townshipId))
    .filter((a) => !query.status || a.status === query.status)
    .filter((a) => !query.overdue || String(isVerificationOverdue(a, now)) === query.overdue)
    .sort((a, b) => a.dueAt.localeCompare(b.dueAt) || a.alertId.localeCompare(b.alertId));
  return {
    alerts: alerts.map((a) => alertView(a, names.get(a.townshipId) ?? "所在乡镇", now)),
    townships: townships
      .filter((t) => !townshipId || t.townshipId === townshipId)
      .map((t) => ({ townshipId: t.townshipId, name: t.name })),
  };
}

function mayReadCounty(actor: Actor): boolean {
  return authorize(actor, "alert.read", { countyId: actor.countyId }).allowed;
}

export async function readAlert(deps: AlertDeps, actor: Actor, alertId: string): Promise<AlertView> {
  const alert = await alertFor(deps, actor, alertId, "alert.read");
  return alertView(alert, await townshipName(deps, alert.townshipId), deps.flow.now());
}

// ── Visits ─────────────────────────────────────────────────────────────────────────────────────

async function replaceOrConflict(deps: AlertDeps, next: AlertRecord, expected: number): Promise<void> {
  if (!(await deps.alerts.replace(next, expected))) {
    throw new ConflictError("The alert changed meanwhile: reload it", "该预警已被他人更新，请刷新后重试");
  }
}

type AlertAuditEvent = Parameters<AlertDeps["audit"]["append"]>[0];

/** Writes the alert's next version (409 if it changed meanwhile), then its audit event. */
async function replaceAudited(
  deps: AlertDeps,
  actor: Actor,
  alert: AlertRecord,
  next: AlertRecord,
  correlationId: string,
  event: Pick<AlertAuditEvent, "action" | "reason" | "before" | "after">,
): Promise<void> {
  await replaceOrConflict(deps, next, alert.version);
  const { action, ...change } = event;
  await deps.audit.append({
    countyId: alert.countyId,
    townshipId: alert.townshipId,
    actor,
    action,
    resourceType: "alert",
    resourceId: alert.alertId,
    ...change,
    correlationId,
  });
}

/** The visit's dates and its second officer (another active officer of the township), or 400. */
async function checkVisit(
  deps: AlertDeps,
  actor: Actor,
  alert: AlertRecord,
  request: RecordVisitRequest,
  now: Date,
): Promise<{ userId: string; name: string }> {
  const fields: FieldError[] = [];
  if (request.visitedOn > localDateOf(now) || request.visitedOn < localDateOf(Date.parse(alert.receivedAt))) {
    fields.push({
      path: "visitedOn",
      message: "the visit lies between the alert's arrival and today",
      messageZh: "核查日期须在收到预警之后、今天或之前",
    });
  }
  if (request.outcome.kind === "unreachable" && request.outcome.retryBy <= localDateOf(now)) {
    fields.push({
      path: "outcome.retryBy",
      message: "the next visit lies after today",
      messageZh: "再次核查日期须晚于今天",
    });
  }
  const officers = await deps.flow.users.activeOfficersOf(alert.countyId, alert.townshipId);
  const coVisitor = officers.find((o) => o.userId === request.coVisitorUserId);
  if (!coVisitor || coVisitor.userId === actor.userId) {
    fields.push({
      path: "coVisitorUserId",
      message: "the second officer is another active officer of the township",
      messageZh: "第二名经办人须为本乡镇的另一名在岗经办人",
    });
  }
  if (fields.length > 0 || !coVisitor) {
    throw new ValidationError("The visit cannot be recorded", "核查记录不符合要求", { fields });
  }
  return coVisitor;
}

/** One officer records the visit; it waits for the named second officer's confirmation. */
export async function recordVisit(
  deps: AlertDeps,
  actor: Actor,
  alertId: string,
  request: RecordVisitRequest,
  correlationId: string,
): Promise<AlertView> {
  const alert = await alertFor(deps, actor, alertId, "alert.visit");
  const now = deps.flow.now();
  if (!awaitsVerification(alert.status) || alert.status === "awaiting-co-sign") {
    throw new ConflictError(
      `The alert is ${alert.status}: no visit to record`,
      `该预警${ALERT_STATUS_NAMES_ZH[alert.status]}，不能再登记核查`,
    );
  }
  const coVisitor = await checkVisit(deps, actor, alert, request, now);
  const visit: AlertVisit = {
    round: alert.visits.length + 1,
    visitedOn: request.visitedOn,
    outcome: request.outcome,
    recordedBy: { userId: actor.userId, name: actor.name, at: now.toISOString() },
    coVisitor: { userId: coVisitor.userId, name: coVisitor.name },
    status: "pending",
  };
  const next: AlertRecord = {
    ...alert,
    status: "awaiting-co-sign",
    visits: [...alert.visits, visit],
    version: alert.version + 1,
  };
  await replaceAudited(deps, actor, alert, next, correlationId, {
    action: "alert.visit",
    after: {
      round: visit.round,
      visitedOn: visit.visitedOn,
      outcome: visit.outcome,
      coVisitor: coVisitor.userId,
    },
  });
  await notify(
    deps.flow,
    {
      kind: "task-assigned",
      values: {
        township: await townshipName(deps, alert.townshipId),
        task: "确认预警核查",
        caseNumber: alert.alertId,
        deadline: alert.dueAt,
      },
    },
    { kind: "staff", countyId: alert.countyId, townshipId: alert.townshipId, role: "township-officer" },
    { caseId: alert.alertId, discriminator: `visit-${visit.round}` },
  );
  return alertView(next, await townshipName(deps, alert.townshipId), now);
}

/** The named second officer confirms the visit (its outcome then stands) or sends it back. */
export async function coSignVisit(
  deps: AlertDeps,
  actor: Actor,
  alertId: string,
  request: CoSignVisitRequest,
  correlationId: string,
): Promise<AlertView> {
  const alert = await alertFor(deps, actor, alertId, "alert.visit");
  const visit = alert.visits.at(-1);
  if (alert.status !== "awaiting-co-sign" || !visit || visit.status !== "pending") {
    throw new ConflictError("No visit waits for confirmation", "没有待确认的核查记录");
  }
  if (visit.coVisitor.userId !== actor.userId) {
    throw new ForbiddenError(
      "Only the officer named as the second visitor confirms the visit",
      "只有登记时选定的第二名经办人可以确认",
    );
  }
  const now = deps.flow.now();
  const signature = { userId: actor.userId, name: actor.name, at: now.toISOString() };
  const previous = alert.visits.slice(0, -1).some((v) => v.status === "confirmed") ? "retry" : "open";
  let next: AlertRecord;
  if (request.decision === "reject") {
    next = {
      ...alert,
      status: previous,
      visits: [
        ...alert.visits.slice(0, -1),
        { ...visit, status: "rejected", rejection: { by: signature, reason: request.reason } },
      ],
      version: alert.version + 1,
    };
  } else {
    const outcome = visit.outcome;
    const status = statusAfterVisit(outcome);
    next = {
      ...alert,
      status,
      visits: [...alert.visits.slice(0, -1), { ...visit, status: "confirmed", confirmedBy: signature }],
      firstVisitAt: alert.firstVisitAt ?? visitInstant(visit),
      ...(outcome.kind === "unreachable"
        ? { dueAt: new Date(endOfLocalDay(outcome.retryBy)).toISOString() }
        : { verifiedAt: now.toISOString() }),
      version: alert.version + 1,
    };
  }
  await replaceAudited(deps, actor, alert, next, correlationId, {
    action: request.decision === "confirm" ? "alert.visit.confirm" : "alert.visit.reject",
    ...(request.decision === "reject" ? { reason: request.reason } : {}),
    before: { status: alert.status },
    after: { status: next.status, round: visit.round },
  });
  return alertView(next, await townshipName(deps, alert.townshipId), now);
}

/** A visit counts from the end of its day (the statistics' alert → first visit). */
function visitInstant(visit: AlertVisit): string {
  const recorded = Date.parse(visit.recordedBy.at);
  return new Date(Math.min(recorded, endOfLocalDay(visit.visitedOn))).toISOString();
}

/**
 * Files the Flow A case on the person's behalf after a confirmed visit with that outcome: the
 * township of residence, the cause and the description from the alert (the officer may change the
 * cause and description), `onBehalf.reason = found-by-staff`. A resident ID given must be the alert's
 * person. A repeated filing answers the case filed.
 */
export async function fileOnBehalf(
  deps: AlertDeps,
  actor: Actor,
  alertId: string,
  request: AlertFilingRequest,
  correlationId: string,
): Promise<{ alertId: string; case: FileCaseResult }> {
  const alert = await alertFor(deps, actor, alertId, "alert.visit");
  if (alert.status !== "to-file" && !(alert.status === "verified" && alert.caseId)) {
    throw new BusinessRuleError(
      "File on the person's behalf after a confirmed visit with that outcome",
      "须在核查结果为代为申请并经第二名经办人确认后，才能代为申请",
    );
  }
  if (alert.person.idMasked && request.applicant.document.type === "resident-id") {
    const { personKey } = deps.flow.identity.check(request.applicant.document);
    if (personKey !== alert.person.personKey) {
      throw new ValidationError("The ID number is not the alert's person", "身份证号与预警人员不一致", {
        fields: [
          {
            path: "applicant.document.number",
            message: "not the ID number of the alert's person",
            messageZh: "与预警人员的身份证号不一致",
          },
        ],
      });
    }
  }
  const { cause, description, ...rest } = request;
  const filing = FileCaseSchema.parse({
    ...rest,
    townshipId: alert.townshipId,
    hardship: { cause: cause ?? RISK_KIND_CAUSE[alert.kind] },
    description: description ?? `${RISK_KIND_NAMES_ZH[alert.kind]}预警（${alert.source}）：${alert.evidence}`,
    onBehalf: { reason: "found-by-staff", note: `预警核查 ${alert.alertId}` },
  });
  const result = await fileCase(deps.flow, actor, filing, correlationId);
  if (alert.caseId !== result.caseId) {
    const next: AlertRecord = {
      ...alert,
      status: "verified",
      caseId: result.caseId,
      version: alert.version + 1,
    };
    await replaceAudited(deps, actor, alert, next, correlationId, {
      action: "alert.file",
      after: { caseId: result.caseId, existing: result.existing },
    });
  }
  return { alertId: alert.alertId, case: result };
}

// ── Escalation ─────────────────────────────────────────────────────────────────────────────────

/**
 * Escalates every overdue alert of the county to county civil affairs, once each: marked, audited
 * and told (a `task-escalated` message to the county's civil affairs box).
 */
export async function escalateOverdueAlerts(
  deps: AlertDeps,
  countyId: string,
): Promise<{ escalated: number }> {
  const now = deps.flow.now();
  let escalated = 0;
  for (const alert of await deps.alerts.list(countyId)) {
    if (alert.escalatedAt || !isVerificationOverdue(alert, now)) continue;
    if (!(await deps.alerts.markEscalated(alert, now.toISOString()))) continue;
    escalated++;
    await deps.audit.append({
      countyId,
      townshipId: alert.townshipId,
      actor: { userId: "system", name: "system", roles: [] },
      action: "alert.escalate",
      resourceType: "alert",
      resourceId: alert.alertId,
      reason: "verification deadline passed",
      after: { dueAt: alert.dueAt, status: alert.status },
    });
    await notify(
      deps.flow,
      {
        kind: "task-escalated",
        values: {
          township: await townshipName(deps, alert.townshipId),
          task: "预警核查",
          caseNumber: alert.alertId,
        },
      },
      { kind: "staff", countyId, role: "county-civil-affairs" },
      { caseId: alert.alertId, discriminator: "alert-escalated" },
    );
  }
  return { escalated };
}

/** Every county of the deployment (the deadline reminders' scheduled scan). */
export async function escalateAllOverdueAlerts(deps: AlertDeps): Promise<{ escalated: number }> {
  let escalated = 0;
  for (const county of await deps.flow.directory.countiesOfDeployment()) {
    escalated += (await escalateOverdueAlerts(deps, county.countyId)).escalated;
  }
  return { escalated };
}

// ── Statistics ─────────────────────────────────────────────────────────────────────────────────

export interface TownshipAlertFigures {
  townshipId: string;
  name: string;
  received: number;
  /** Visits confirmed whose visit day is within the first deadline. */
  visitedInTime: number;
  /** Alerts whose person was filed for on their behalf and paid. */
  aided: number;
  overdue: number;
  escalated: number;
  /** Median hours from the alert's arrival to its first confirmed visit; null without one. */
  medianHoursToFirstVisit: number | null;
  /** Median hours from the alert's arrival to the first money paid; null without one. */
  medianHoursToMoney: number | null;
}

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const value =
    sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
  return Math.round(value * 10) / 10;
}

/** When the advance (or the follow-up aid) of the case was first confirmed paid. */
async function firstMoneyAt(deps: AlertDeps, caseId: string): Promise<number | undefined> {
  const times: number[] = [];
  for (const purpose of ["advance", "follow-up"]) {
    const payment = await deps.flow.payments.getPayment(obligationIdFor(caseId, purpose));
    for (const attempt of payment?.attempts ?? []) {
      if (attempt.status === "confirmed" && attempt.settledAt) times.push(Date.parse(attempt.settledAt));
    }
  }
  return times.length > 0 ? Math.min(...times) : undefined;
}

export async function alertStatistics(
  deps: AlertDeps,
  actor: Actor,
  query: z.output<typeof AlertStatisticsQuery>,
): Promise<{ countyId: string; townships: TownshipAlertFigures[] }> {
  const countyId = query.countyId ?? actor.countyId;
  const own = !mayReadCounty(actor) && actor.townshipId ? actor.townshipId : undefined;
  requireAuthorized(actor, "alert.read", own ? { countyId, townshipId: own } : { countyId });
  const now = deps.flow.now();
  const alerts = await deps.alerts.list(countyId, own);
  const townships = (await deps.flow.directory.townshipsOf(countyId)).filter(
    (t) => !own || t.townshipId === own,
  );
  const figures: TownshipAlertFigures[] = [];
  for (const township of townships) {
    const mine = alerts.filter((a) => a.townshipId === township.townshipId);
    const toVisit: number[] = [];
    const toMoney: number[] = [];
    let aided = 0;
    let visitedInTime = 0;
    for (const alert of mine) {
      const received = Date.parse(alert.receivedAt);
      const first = alert.visits.find((v) => v.status === "confirmed");
      if (alert.firstVisitAt) toVisit.push((Date.parse(alert.firstVisitAt) - received) / 3_600_000);
      if (first && endOfLocalDay(first.visitedOn) <= Date.parse(alert.firstDueAt)) visitedInTime++;
      if (alert.caseId) {
        const paidAt = await firstMoneyAt(deps, alert.caseId);
        if (paidAt !== undefined) {
          aided++;
          toMoney.push((paidAt - received) / 3_600_000);
        }
      }
    }
    figures.push({
      townshipId: township.townshipId,
      name: township.name,
      received: mine.length,
      visitedInTime,
      aided,
      overdue: mine.filter((a) => isVerificationOverdue(a, now)).length,
      escalated: mine.filter((a) => a.escalatedAt !== undefined).length,
      medianHoursToFirstVisit: median(toVisit),
      medianHoursToMoney: median(toMoney),
    });
  }
  return { countyId, townships: figures };
}
