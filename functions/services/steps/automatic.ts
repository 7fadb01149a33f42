/**
 * What the automatic (state-machine) steps of both flows share: the county's calendar and a wait
 * until a deadline core computed in it, the reference every ledger entry of a case carries, the aid paid before a
 * plan, and the close — outcome recorded, the person's history settled, the registration county of
 * a non-local applicant notified (DOMAIN §3.6, §4.6), the audit event written.
 */
import type { CaseRecord } from "#adapters/case-store.ts";
import { obligationIdFor } from "#adapters/payments/gateway.ts";
import type { HolidayCalendar } from "#core/calendar/index.ts";
import { registrationFollowUp, registrationOf } from "#core/cases/index.ts";
import { maskIdNumber, maskName } from "#core/identity/index.ts";
import { Yuan } from "#core/money/yuan.ts";
import type { ResolvedPolicy } from "#core/policy/index.ts";
import type { FlowDeps, LedgerRequest } from "../ports.ts";
import { policyOf } from "./decision.ts";

/** The holiday calendar of the case's county named by its policy (core's deadlines count in it). */
export function countyCalendar(
  deps: FlowDeps,
  record: Pick<CaseRecord, "countyId">,
  policy: ResolvedPolicy,
): Promise<HolidayCalendar> {
  return deps.calendar.calendarOf(record.countyId, policy.holidayCalendarRef);
}

/** A wait from `now` until `due`: the due time and the wait's timeout (whole seconds, at least one). */
export function waitUntil(due: Date, now: Date): { dueAt: string; timeoutSeconds: number } {
  return {
    dueAt: due.toISOString(),
    timeoutSeconds: Math.max(1, Math.ceil((due.getTime() - now.getTime()) / 1000)),
  };
}

/**
 * A wait from now until a working-day deadline core computes from now, the case's policy version and
 * its county calendar (e.g. `paperworkDeadline`, `ordinaryProcessingDeadline`).
 */
export async function waitForDeadline(
  deps: FlowDeps,
  record: Pick<CaseRecord, "countyId" | "townshipId" | "policyVersionId">,
  deadline: (from: Date, policy: ResolvedPolicy, calendar: HolidayCalendar) => { deadline: Date },
): Promise<{ policy: ResolvedPolicy; dueAt: string; timeoutSeconds: number }> {
  const policy = await policyOf(deps, record);
  const now = deps.now();
  const due = deadline(now, policy, await countyCalendar(deps, record, policy));
  return { policy, ...waitUntil(due.deadline, now) };
}

/** The reference of a case's ledger entry: the case, its flow, cause and residency (the reconciliation's statistics). */
export function ledgerReference(
  record: Pick<CaseRecord, "caseId" | "hardship" | "applicant">,
  flow: "A" | "B",
  correlationId: string,
): LedgerRequest["reference"] {
  return {
    caseId: record.caseId,
    flow,
    hardshipType: record.hardship.cause,
    residency: record.applicant.local ? "local" : "non-local",
    correlationId,
  };
}

/** The amounts paid on the case before any plan: the advance and the follow-up aid, when paid. */
export async function paidAidOf(deps: FlowDeps, caseId: string): Promise<Record<string, string>> {
  const paid: Record<string, string> = {};
  for (const purpose of ["advance", "follow-up"]) {
    const obligation = await deps.payments.getObligation(obligationIdFor(caseId, purpose));
    if (obligation?.status === "paid") paid[purpose] = obligation.amountYuan;
  }
  return paid;
}

/** The message to the registration county of a non-local applicant at the close. */
export interface RegistrationNotice {
  messageId: string;
  subject: string;
  /** The Chinese subject, naming the county where the applicant was aided (外县 when unnamed). */
  subjectZh: (aidCountyZh: string) => string;
  /** What the flow's message adds to its details (the county, township and total paid are always there). */
  details?: Record<string, unknown>;
  flow: "A" | "B";
  /** The outcome's result (`aided`, `rejected`, `completed`, `stopped`). */
  result: string;
  /** Everything paid on the case. */
  totalPaidYuan: string;
}

/**
 * Tells the registration county of a non-local applicant about the close (DOMAIN §3.6); true when
 * it was told: a message to it and its 外地受助 notice, masked (registration-notice-store.ts). A
 * local applicant, or one with no registration county, tells no one.
 */
export async function notifyRegistrationCounty(
  deps: FlowDeps,
  record: CaseRecord,
  notice: RegistrationNotice,
  correlationId: string,
  now: Date,
): Promise<boolean> {
  // DOMAIN §2.1, §3.6: core says whom the registration notifies (another mainland county), never more.
  const registration = registrationOf(record.applicant.registration);
  const registrationCounty = registrationFollowUp(registration, record.countyId).notifyCountyId;
  if (!registrationCounty) return false;
  const [county, township] = await Promise.all([
    deps.directory.county(record.countyId),
    deps.directory.township(record.townshipId),
  ]);
  await deps.outbox.put(
    {
      messageId: notice.messageId,
      caseId: record.caseId,
      kind: "case.closed.non-local",
      recipient: { kind: "registration-county", id: registrationCounty },
      subject: notice.subject,
      subjectZh: notice.subjectZh(county?.name ?? "外县"),
      details: {
        countyId: record.countyId,
        townshipId: record.townshipId,
        ...notice.details,
        totalPaidYuan: notice.totalPaidYuan,
      },
      correlationId,
    },
    now,
  );
  await deps.registrationNotices.put({
    caseId: record.caseId,
    registrationCountyId: registrationCounty,
    countyId: record.countyId,
    ...(county ? { countyName: county.name } : {}),
    townshipId: record.townshipId,
    ...(township ? { townshipName: township.name } : {}),
    flow: notice.flow,
    cause: record.hardship.cause,
    result: notice.result,
    paidFen: Number(Yuan.parse(notice.totalPaidYuan).toFenString()),
    // The record keeps the document masked already; masked again so a clear number can never pass.
    applicantNameMasked: maskName(record.applicant.name),
    idNumberMasked: maskIdNumber(record.applicant.document.numberMasked),
    filedAt: record.filedAt,
    closedAt: now.toISOString(),
  });
  return true;
}

export interface CloseArgs {
  outcome: Record<string, unknown>;
  /** Money reached the household on this case (the repeat-aid rule counts it). */
  aided: boolean;
  /** Fraud was proven (the fraud bar counts it). */
  fraud: boolean;
  actorUserId: string;
  why: string;
  correlationId: string;
  now: Date;
}

/** The case closed with its outcome, the person's history settled (its open-case guard released), audited. */
export async function closeCaseRecord(deps: FlowDeps, record: CaseRecord, args: CloseArgs): Promise<void> {
  const closedAt = args.now.toISOString();
  const closed = await deps.cases.update(record.caseId, {
    event: { type: "case.closed" },
    set: { outcome: args.outcome, closedAt, dueAt: null },
  });
  await deps.cases.settlePersonHistory(closed, {
    status: closed.status,
    aided: args.aided,
    fraud: args.fraud,
    closedAt,
    releaseGuard: true,
  });
  await deps.audit.append({
    actorUserId: args.actorUserId,
    actorRoles: [],
    action: "case.close",
    caseId: record.caseId,
    countyId: record.countyId,
    townshipId: record.townshipId,
    why: args.why,
    after: args.outcome,
    correlationId: args.correlationId,
  });
}
