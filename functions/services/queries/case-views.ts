/**
 * What a case list shows to each reader (DOMAIN §1, §7; core/access FIELD_VISIBILITY, applied to every
 * answer at the response boundary, functions/http/masking.ts):
 * - staff of the township and county civil affairs: the case as they work on it;
 * - the auditor: everything, personal data masked (name, phone, account, address, registration);
 * - county finance: money only — amounts, status, township, hardship type, local/non-local for the
 *   statistics — no name, no ID, no phone, no narrative (they pay and reconcile, they do not judge);
 * - the applicant: their own case, with the next step and by when.
 * Items are built field by field from the record (allow-list), never by copying the record, so a
 * field added to cases later is not shown to anyone until it is added here.
 */
import type { CaseRecord } from "#adapters/case-store.ts";
import type {
  ApplicantCase,
  CaseAmounts,
  CaseStep,
  FinanceCaseItem,
  NextStep,
  StaffCaseItem,
} from "../case-answers.ts";
import { caseStepView, type OpenTaskLike } from "../case-view.ts";
import type { TownshipNames } from "./directory.ts";

type Json = Record<string, unknown>;

const str = (value: unknown): string | undefined =>
  typeof value === "string" && value !== "" ? value : undefined;
const obj = (value: unknown): Json =>
  value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Json) : {};

/** Amounts on the case (2-decimal yuan strings as stored): requested, assessed, approved, planned. */
export function caseAmounts(record: CaseRecord): CaseAmounts {
  const advance = obj(record.advance);
  const additional = obj(record.additionalAid);
  const recovery = obj(obj(record.followUp).recovery ?? record.recovery);
  const plan = obj((record as CaseRecord & { plan?: unknown }).plan);
  const approved = (decision: Json) =>
    decision.decision === "approve" ? str(decision.amountYuan) : undefined;
  const amounts: Record<string, string | undefined> = {
    requestedYuan: str(record.requestedAmountYuan),
    assessedAdvanceYuan: str(record.assessment?.amountYuan),
    advanceApprovedYuan: approved(advance),
    additionalAidApprovedYuan: approved(additional),
    planTotalYuan: str(plan.totalYuan),
    recoveryReceivableYuan: str(recovery.receivableYuan),
  };
  return Object.fromEntries(Object.entries(amounts).filter(([, v]) => v !== undefined));
}

/** Overdue: flagged by the flow, or its deadline has passed (DOMAIN §3.4: flagged, never dropped). */
export function isOverdue(
  dueAt: string | undefined | null,
  flagged: boolean | undefined,
  now: Date,
): boolean {
  if (flagged) return true;
  return typeof dueAt === "string" && dueAt !== "" && Date.parse(dueAt) < now.getTime();
}

function common(record: CaseRecord, now: Date, names: TownshipNames) {
  const dueAt = str(record.dueAt) ?? null;
  return {
    caseId: record.caseId,
    countyId: record.countyId,
    townshipId: record.townshipId,
    townshipName: names.get(record.townshipId) ?? null,
    flow: record.flow,
    status: record.status,
    hardship: { kind: record.hardship.kind, cause: record.hardship.cause },
    filedAt: record.filedAt,
    dueAt,
    overdue: isOverdue(dueAt, record.flags?.overdue, now),
    escalated: record.flags?.escalated === true,
    ...(record.closedAt ? { closedAt: record.closedAt } : {}),
  };
}

/** How the case is paid: the method and, for a transfer, the bank and the masked account only. */
function payoutOf(record: CaseRecord) {
  const bank = record.payout.bank;
  return {
    method: record.payout.method,
    ...(bank ? { bank: { bankName: bank.bankName, accountMasked: bank.accountMasked } } : {}),
  };
}

/**
 * The case for staff, county civil affairs and auditors, as read: the response boundary masks each
 * personal field as the reader's roles may see it (functions/http/masking.ts).
 */
export function staffCaseView(
  record: CaseRecord,
  tasks: readonly OpenTaskLike[],
  now: Date,
  names: TownshipNames,
): StaffCaseItem {
  const { applicant } = record;
  const address = applicant.residence?.address;
  const person: StaffCaseItem["applicant"] = {
    name: applicant.name,
    // Only the masked number is ever stored (DOMAIN §7).
    document: applicant.document,
    phoneMasked: applicant.phoneMasked,
    address,
    registration: applicant.registration ?? {},
    local: applicant.local,
    ...(applicant.userId ? { userId: applicant.userId } : {}),
  };
  return {
    ...common(record, now, names),
    applicant: Object.fromEntries(
      Object.entries(person).filter(([, v]) => v !== undefined),
    ) as StaffCaseItem["applicant"],
    description: record.description,
    amounts: caseAmounts(record),
    payout: payoutOf(record),
    // DOMAIN §7: the household the one-cause-one-aid rule matched on.
    ...(record.household
      ? {
          household: record.household.map((m) => ({
            name: m.name,
            relation: m.relation,
            ...(m.document ? { document: m.document } : {}),
          })),
        }
      : {}),
    // The identity was attested by the filing officer: the approver sees "no document" (DOMAIN §7).
    noDocument: record.flags?.noDocument === true,
    // Filings of this household + cause answered 409 to callers who may not read this case.
    ...(record.duplicateFilingCount
      ? { duplicateFilings: { count: record.duplicateFilingCount, lastAt: record.duplicateFilingLastAt } }
      : {}),
    filedBy: record.filedBy,
    handledBy: record.handledBy,
    nextStep: nextStepOf(tasks, now),
    tasks: openTaskList(tasks),
  };
}

/** County finance: the money of the case and what statistics need, nothing personal, no narrative. */
export function financeCaseView(record: CaseRecord, now: Date, names: TownshipNames): FinanceCaseItem {
  return {
    ...common(record, now, names),
    local: record.applicant.local,
    amounts: caseAmounts(record),
    payout: { method: record.payout.method },
  };
}

export type { OpenTaskLike } from "../case-view.ts";

/** Open steps for the web client's timeline (web/src/api/cases.ts reads `tasks`). */
export function openTaskList(tasks: readonly OpenTaskLike[]): CaseStep[] {
  return tasks.filter((task) => task.status === "open").map(caseStepView);
}

export type { NextStep } from "../case-answers.ts";

/** The open human task the case waits on, earliest deadline first (never its token). */
export function nextStepOf(tasks: readonly OpenTaskLike[], now: Date): NextStep | null {
  const open = tasks
    .filter((task) => task.status === "open")
    .sort((a, b) => (a.dueAt ?? "\uffff").localeCompare(b.dueAt ?? "\uffff"));
  const task = open[0];
  if (!task) return null;
  return {
    taskType: task.taskType,
    dueAt: task.dueAt ?? null,
    overdue: isOverdue(task.dueAt, task.overdue, now),
    waitingOn: task.assigneeRoles,
  };
}

/** The applicant's own case: clear (it is theirs), with the next step and whether it may be withdrawn. */
export function applicantCaseView(
  record: CaseRecord,
  tasks: readonly OpenTaskLike[],
  withdrawable: boolean,
  now: Date,
  names: TownshipNames,
): ApplicantCase {
  return {
    ...common(record, now, names),
    description: record.description,
    amounts: caseAmounts(record),
    payout: payoutOf(record),
    nextStep: nextStepOf(tasks, now),
    tasks: openTaskList(tasks),
    withdrawable,
  };
}
