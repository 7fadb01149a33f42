/**
 * Cases: filing, queries, and every human step of Flow A (DOMAIN §3) and Flow B (§4). Paths follow
 * `functions/catalog.ts`; every answer is read through its generated type (contract.ts `Answer`).
 */
import { paymentRow } from "../../../core/cases/payment-row.ts";
import { sumYuan } from "../format.ts";
import type { Answer, Query } from "./contract.ts";
import { get, post, query, type RequestOptions } from "./http.ts";
import type { CaseDocument, CaseEvent, CaseTask, CaseView, FileCaseRequest, Page, Payment } from "./types.ts";

type Progress = Answer<"/cases/{caseId}/progress">;
/** The case record of the progress and plan answers. */
type PublicCase = Progress["case"];
/** A case of a list: staff or finance (`GET /cases`), the applicant's own (`GET /me/cases`). */
type ListedCase = Answer<"/cases">["items"][number] | Answer<"/me/cases">["items"][number];
type CasePayment = Progress["payments"][number];
type PlanAnswer = Answer<"/plans/{caseId}">;
type DocumentsAnswer = Answer<"/cases/{caseId}/documents">;
type UploadAnswer = Answer<"/cases/{caseId}/documents", "post", 201>;
type AuditAnswer = Answer<"/audit">;

/** A text the API may send empty (a masked-away name, a cause not given) reads as absent. */
const nonEmpty = (text: string | undefined | null): string | undefined => text || undefined;

/** `{ obligation, attempts[] }` of the progress answer → the payment row `GET /me/payments` answers (one mapping: core). */
function toPayment({ obligation, attempts }: CasePayment): Payment {
  return paymentRow(obligation.caseId, obligation, attempts);
}

/**
 * The timeline is built from what the API records (filing, human tasks opened and decided,
 * payment attempts, close) — nothing is invented.
 */
function timelineOf(c: PublicCase | ListedCase, tasks: CaseTask[], payments: Payment[]): CaseEvent[] {
  const events: CaseEvent[] = [];
  const filedBy = "filedBy" in c ? c.filedBy : undefined;
  const applicantName = "applicant" in c ? c.applicant.name : undefined;
  if (c.filedAt)
    events.push({
      at: c.filedAt,
      type: filedBy?.onBehalf ? "filed-on-behalf" : "filed",
      actorId: filedBy?.userId,
      // People by name: the filer's own, else the applicant's when they filed themselves.
      actorName: nonEmpty(filedBy?.name) ?? (filedBy?.onBehalf ? undefined : nonEmpty(applicantName)),
    });
  for (const task of tasks) {
    if (task.openedAt)
      events.push({
        at: task.openedAt,
        type: `opened-${task.taskType}`,
        reason: task.escalated ? "escalated" : undefined,
      });
    if (task.decidedAt)
      events.push({
        at: task.decidedAt,
        type: `decided-${task.taskType}`,
        actorId: task.decidedBy ?? undefined,
      });
  }
  for (const payment of payments) {
    for (const attempt of payment.attempts) {
      events.push({
        at: attempt.instructedAt,
        type: `payment-${attempt.method}-instructed`,
        amountYuan: payment.amountYuan,
      });
      if (attempt.settledAt)
        events.push({
          at: attempt.settledAt,
          type: `payment-${attempt.status}`,
          amountYuan: payment.amountYuan,
          reason: attempt.reason ?? undefined,
        });
    }
  }
  if (c.closedAt) events.push({ at: c.closedAt, type: "closed" });
  return events.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
}

/** Reads a case of the API (the progress answer's, or a list item) into the page's view. */
function toCaseView(c: PublicCase | ListedCase, tasks: CaseTask[], payments: Payment[]): CaseView {
  const open = tasks.filter((t) => t.status === "open");
  const current = open[open.length - 1];
  const applicant = "applicant" in c ? c.applicant : undefined;
  const flags = "flags" in c ? c.flags : undefined;
  const amounts = "amounts" in c ? c.amounts : undefined;
  const advance = "advance" in c ? c.advance : undefined;
  const listedNext = "nextStep" in c ? c.nextStep : null;
  const dueAt = c.dueAt ?? undefined;
  return {
    caseId: c.caseId,
    flow: c.flow,
    status: c.status,
    townshipId: c.townshipId,
    townshipName: "townshipName" in c ? (c.townshipName ?? undefined) : undefined,
    countyId: c.countyId,
    hardshipType: c.hardship.kind,
    cause: nonEmpty(c.hardship.cause),
    description: "description" in c ? nonEmpty(c.description) : undefined,
    filedAt: c.filedAt,
    filedBy: "filedBy" in c ? c.filedBy.userId : undefined,
    handledBy: "handledBy" in c ? c.handledBy : undefined,
    applicantName: nonEmpty(applicant?.name),
    applicantIdMasked: nonEmpty(applicant?.document?.numberMasked),
    applicantIdType: nonEmpty(applicant?.document?.type),
    applicantLocal: applicant?.local ?? ("local" in c ? c.local : undefined),
    requestedAmountYuan: nonEmpty(
      "requestedAmountYuan" in c ? c.requestedAmountYuan : amounts?.requestedYuan,
    ),
    advanceAmountYuan: nonEmpty(advance?.amountYuan) ?? nonEmpty(amounts?.advanceApprovedYuan),
    totalPaidYuan: sumYuan(payments.filter((p) => p.status === "paid").map((p) => p.amountYuan)),
    escalated:
      flags?.escalated === true || ("escalated" in c && c.escalated === true) || current?.escalated === true,
    overdue: flags?.overdue === true || ("overdue" in c && c.overdue === true) || current?.overdue === true,
    nextStep: current
      ? {
          action: current.taskType,
          roles: current.assigneeRoles,
          dueAt: current.dueAt ?? dueAt,
          overdue: current.overdue,
        }
      : listedNext
        ? {
            action: listedNext.taskType,
            roles: listedNext.waitingOn,
            dueAt: listedNext.dueAt ?? undefined,
            overdue: listedNext.overdue,
          }
        : undefined,
    withdrawable: "withdrawable" in c ? c.withdrawable : undefined,
    dueAt,
    tasks,
    events: timelineOf(c, tasks, payments),
    payments,
  };
}

function listedCaseView(c: ListedCase): CaseView {
  return toCaseView(c, "tasks" in c ? c.tasks : [], []);
}

/** The filters of `GET /cases` (a name, a case number in any letter case or a whole ID number as `q`). */
export type CaseFilter = Query<"/cases">;

/** `existing`: the same person already had an open case for this cause: that case is returned. */
export type FileCaseResult = Answer<"/cases", "post", 201>;

export async function fileCase(body: FileCaseRequest, options?: RequestOptions): Promise<FileCaseResult> {
  return await post<FileCaseResult>("/cases", body, options);
}

export async function listCases(filter: CaseFilter = {}): Promise<Page<CaseView>> {
  const page = await get<Answer<"/cases">>(`/cases${query({ ...filter })}`);
  return { items: page.items.map(listedCaseView), nextCursor: page.nextCursor };
}

type WorkQueuePage = Answer<"/work-queue">;
/** One open human task of the signed-in user's queue (`GET /work-queue`), earliest deadline first. */
export type WorkItem = WorkQueuePage["items"][number];

export async function workQueue(cursor?: string): Promise<WorkQueuePage> {
  return await get<WorkQueuePage>(`/work-queue${query({ cursor, limit: 100 })}`);
}

/** One page of the applicant's own cases, newest first; pass `nextCursor` for the next. */
export async function listMyCases(cursor?: string): Promise<Page<CaseView>> {
  const page = await get<Answer<"/me/cases">>(`/me/cases${query({ cursor })}`);
  return { items: page.items.map(listedCaseView), nextCursor: page.nextCursor };
}

/** The policy limits a case was filed under (`policy` of the progress answer), 2-decimal yuan strings. */
export type PolicyFacts = Partial<Progress["policy"]>;

export async function getCase(caseId: string): Promise<CaseView> {
  return (await getCaseDetail(caseId)).view;
}

/** The case with the policy limits beside it: what an approver decides with. */
export async function getCaseDetail(caseId: string): Promise<{ view: CaseView; policy: PolicyFacts }> {
  const body = await get<Progress>(`/cases/${encodeURIComponent(caseId)}/progress`);
  const view = await withPlanAndDocuments(caseId, {
    ...toCaseView(body.case, body.tasks, body.payments.map(toPayment)),
    detail: body.case,
  });
  return { view, policy: body.policy };
}

async function withPlanAndDocuments(caseId: string, view: CaseView): Promise<CaseView> {
  if (view.flow === "B") {
    // Flow B (DOMAIN §4): the stage plan, notice and re-checks live on the plan view.
    try {
      const planView = await get<PlanAnswer>(`/plans/${encodeURIComponent(caseId)}`);
      view.plan = planView.plan;
      if (planView.tasks.length > 0) view.tasks = planView.tasks;
    } catch {
      // The plan is an addition to the page; the case shows without it.
    }
  }
  try {
    view.documents = await listDocuments(caseId);
  } catch {
    // Documents are an extra: the case page shows without them.
  }
  return view;
}

export async function listDocuments(caseId: string): Promise<CaseDocument[]> {
  return (await get<DocumentsAnswer>(`/cases/${encodeURIComponent(caseId)}/documents`)).documents;
}

/**
 * The case's whole audit trail (`GET /audit?resourceType=case&resourceId=…`; county and auditors):
 * every page, following `nextCursor` until the last.
 */
export async function getAudit(caseId: string): Promise<CaseEvent[]> {
  const events: AuditAnswer["events"] = [];
  let cursor: string | undefined;
  do {
    const page = await get<AuditAnswer>(
      `/audit${query({ resourceType: "case", resourceId: caseId, limit: 200, cursor })}`,
    );
    events.push(...page.events);
    cursor = page.nextCursor;
  } while (cursor);
  return events.map((e) => ({
    at: e.at,
    type: e.action,
    actorId: e.actor.userId,
    actorName: nonEmpty(e.actor.name),
    actorRole: e.actor.roles[0],
    reason: nonEmpty(e.reason),
    before: e.before,
    after: e.after,
  }));
}

/** One page of the applicant's payments, newest case first; pass `nextCursor` for the next. */
export async function listMyPayments(cursor?: string): Promise<Page<Payment>> {
  const page = await get<Answer<"/me/payments">>(`/me/payments${query({ cursor })}`);
  return { items: page.items, nextCursor: page.nextCursor };
}

/** What a human step answers: the recorded decision (a repeat is flagged, not applied twice). */
export type DecisionResponse = Answer<"/cases/{caseId}/advance-decision", "post">;

/** A human step on a case: `POST /cases/{id}/<step>`. */
export async function caseAction(
  caseId: string,
  step: string,
  body: unknown,
  options?: RequestOptions,
  base: "cases" | "plans" = "cases",
): Promise<DecisionResponse> {
  return await post<DecisionResponse>(`/${base}/${encodeURIComponent(caseId)}/${step}`, body, options);
}

/**
 * Documents: ask for an upload ticket (pre-signed URL in AWS, the local file store locally), PUT the
 * bytes there with the ticket's headers; the API then lists the document on the case.
 */
export async function uploadDocument(
  caseId: string,
  file: File,
  kind: CaseDocument["kind"],
): Promise<CaseDocument> {
  const { document, upload } = await post<UploadAnswer>(`/cases/${encodeURIComponent(caseId)}/documents`, {
    kind,
    fileName: file.name,
    contentType: file.type || "application/octet-stream",
    sizeBytes: file.size,
  });
  const response = await fetch(upload.url, { method: upload.method, headers: upload.headers, body: file });
  if (!response.ok) throw new Error(`upload failed: HTTP ${response.status}`);
  return document;
}
