/**
 * Cases: filing, queries, and every human step of Flow A (DOMAIN §3) and Flow B (§4). Paths follow
 * `functions/catalog.ts`; the raw answer is kept on `CaseView.raw` so detail pages can show fields
 * this client does not model yet.
 */
import { sumYuan } from "../format.ts";
import type { Answer } from "./contract.ts";
import { get, post, query, type RequestOptions } from "./http.ts";
import type { CaseDocument, CaseEvent, CaseTask, CaseView, FileCaseRequest, Page, Payment } from "./types.ts";

type Raw = Record<string, unknown>;

const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);
const arr = <T>(v: unknown): T[] | undefined => (Array.isArray(v) ? (v as T[]) : undefined);

const obj = (v: unknown): Raw => (v && typeof v === "object" && !Array.isArray(v) ? (v as Raw) : {});

/** `{ obligation, attempts[] }` of the progress answer → one payment row (latest attempt's method). */
function toPayment(input: unknown): Payment {
  const raw = obj(input);
  if (!raw.obligation) return raw as unknown as Payment;
  const obligation = obj(raw.obligation);
  const attempts = arr<Raw>(raw.attempts) ?? [];
  const last = attempts[attempts.length - 1] ?? {};
  const confirmed = attempts.find((a) => a.status === "confirmed");
  return {
    paymentId: String(obligation.obligationId ?? ""),
    caseId: str(obligation.caseId),
    purpose: str(obligation.purpose),
    amountYuan: String(obligation.amountYuan ?? ""),
    method: String(last.method ?? "bank"),
    status: String(obligation.status ?? ""),
    createdAt: str(obligation.createdAt),
    confirmedAt: str(confirmed?.settledAt),
    attempts: attempts.map((a) => ({
      attempt: Number(a.attempt ?? 0),
      method: String(a.method ?? ""),
      status: String(a.status ?? ""),
      instructedAt: str(a.instructedAt),
      settledAt: str(a.settledAt),
      reason: str(a.reason),
    })),
  };
}

/**
 * The timeline is built from what the API records (filing, human tasks opened and decided,
 * payment attempts, close) — nothing is invented.
 */
function timelineOf(c: Raw, tasks: CaseTask[], payments: Payment[]): CaseEvent[] {
  const events: CaseEvent[] = [];
  const filedBy = obj(c.filedBy);
  if (str(c.filedAt))
    events.push({
      at: String(c.filedAt),
      type: filedBy.onBehalf ? "filed-on-behalf" : "filed",
      actorId: str(filedBy.userId),
      // People by name: the filer's own, else the applicant's when they filed themselves.
      actorName: str(filedBy.name) ?? (filedBy.onBehalf ? undefined : str(obj(c.applicant).name)),
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
    for (const attempt of payment.attempts ?? []) {
      if (attempt.instructedAt)
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
          reason: attempt.reason,
        });
    }
  }
  if (str(c.closedAt)) events.push({ at: String(c.closedAt), type: "closed" });
  return events.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
}

/** Reads the API's case (`GET /cases/{id}/progress`, or a list item) into the page's view. */
export function toCaseView(input: unknown): CaseView {
  const raw = obj(input);
  const c = raw.case ? obj(raw.case) : raw;
  const applicant = obj(c.applicant);
  const hardship = obj(c.hardship);
  const flags = obj(c.flags);
  const tasks = (arr<CaseTask>(raw.tasks) ?? []).map((t) => ({ ...t, assigneeRoles: t.assigneeRoles ?? [] }));
  const payments = (arr<unknown>(raw.payments ?? c.paymentList) ?? []).map(toPayment);
  const open = tasks.filter((t) => t.status === "open");
  const current = open[open.length - 1];
  const advance = obj(c.advance);
  const filedBy = obj(c.filedBy);
  const listedNext = c.nextStep ? obj(c.nextStep) : undefined;
  return {
    caseId: String(c.caseId ?? ""),
    flow: String(c.flow ?? "A"),
    status: String(c.status ?? ""),
    townshipId: String(c.townshipId ?? ""),
    townshipName: str(c.townshipName),
    countyId: str(c.countyId),
    hardshipType: String(hardship.kind ?? c.hardshipType ?? ""),
    cause: str(hardship.cause ?? c.cause),
    description: str(c.description),
    filedAt: str(c.filedAt),
    filedBy: str(filedBy.userId ?? c.filedBy),
    handledBy: arr<string>(c.handledBy),
    applicantName: str(applicant.name),
    applicantIdMasked: str(obj(applicant.document).numberMasked),
    applicantIdType: str(obj(applicant.document).type),
    applicantLocal: typeof applicant.local === "boolean" ? applicant.local : undefined,
    ownerUserId: str(applicant.userId),
    requestedAmountYuan: str(c.requestedAmountYuan),
    advanceAmountYuan: str(advance.amountYuan ?? obj(advance.decision).amountYuan),
    totalPaidYuan: sumYuan(payments.filter((p) => p.status === "paid").map((p) => p.amountYuan)),
    escalated: flags.escalated === true || c.escalated === true || current?.escalated === true,
    overdue: flags.overdue === true || c.overdue === true || current?.overdue === true,
    nextStep: current
      ? {
          action: current.taskType,
          roles: current.assigneeRoles,
          dueAt: current.dueAt ?? str(c.dueAt),
          overdue: current.overdue === true,
        }
      : listedNext
        ? {
            action: String(listedNext.taskType ?? ""),
            roles: arr<string>(listedNext.waitingOn),
            dueAt: str(listedNext.dueAt),
            overdue: listedNext.overdue === true,
          }
        : undefined,
    withdrawable: typeof c.withdrawable === "boolean" ? c.withdrawable : undefined,
    dueAt: str(c.dueAt),
    tasks,
    events: arr<CaseEvent>(raw.events) ?? timelineOf(c, tasks, payments),
    payments,
    documents: arr<CaseDocument>(raw.documents ?? c.documents),
    raw: c,
  };
}

function toPage(body: unknown): Page<CaseView> {
  const record = (body && typeof body === "object" ? body : {}) as Raw;
  const items = Array.isArray(body) ? body : (arr<unknown>(record.items ?? record.cases) ?? []);
  return { items: items.map(toCaseView), nextCursor: str(record.nextCursor ?? record.cursor) };
}

export interface CaseFilter {
  status?: string;
  townshipId?: string;
  hardshipType?: string;
  dueBefore?: string;
  overdue?: boolean;
  /** A name, a case number (any letter case) or a whole ID number. */
  q?: string;
  cursor?: string;
  limit?: number;
}

/** `existing`: the same person already had an open case for this cause: that case is returned. */
export type FileCaseResult = Answer<"/cases", "post", 201>;

export async function fileCase(body: FileCaseRequest, options?: RequestOptions): Promise<FileCaseResult> {
  return await post<FileCaseResult>("/cases", body, options);
}

export async function listCases(filter: CaseFilter = {}): Promise<Page<CaseView>> {
  return toPage(await get<unknown>(`/cases${query({ ...filter })}`));
}

type WorkQueuePage = Answer<"/work-queue">;
/** One open human task of the signed-in user's queue (`GET /work-queue`), earliest deadline first. */
export type WorkItem = WorkQueuePage["items"][number];

export async function workQueue(cursor?: string): Promise<WorkQueuePage> {
  return await get<WorkQueuePage>(`/work-queue${query({ cursor, limit: 100 })}`);
}

/** One page of the applicant's own cases, newest first; pass `nextCursor` for the next. */
export async function listMyCases(cursor?: string): Promise<Page<CaseView>> {
  return toPage(await get<unknown>(`/me/cases${query({ cursor })}`));
}

/** The policy limits a case was filed under (`policy` of the progress answer), 2-decimal yuan strings. */
export interface PolicyFacts {
  suggestedAdvanceYuan?: string;
  advanceCeilingYuan?: string;
  townshipApprovalCeilingYuan?: string;
  perCaseCapYuan?: string;
  cashCeilingYuan?: string;
}

export async function getCase(caseId: string): Promise<CaseView> {
  return (await getCaseDetail(caseId)).view;
}

/** The case with the policy limits beside it: what an approver decides with. */
export async function getCaseDetail(caseId: string): Promise<{ view: CaseView; policy: PolicyFacts }> {
  const body = await get<unknown>(`/cases/${encodeURIComponent(caseId)}/progress`);
  const policy = obj(obj(body).policy) as PolicyFacts;
  const view = await withPlanAndDocuments(caseId, toCaseView(body));
  return { view, policy };
}

async function withPlanAndDocuments(caseId: string, view: CaseView): Promise<CaseView> {
  if (view.flow === "B") {
    // Flow B (DOMAIN §4): the stage plan, notice and re-checks live on the plan view.
    try {
      const planView = obj(await get<unknown>(`/plans/${encodeURIComponent(caseId)}`));
      view.plan = obj(planView.plan);
      const planTasks = arr<CaseTask>(planView.tasks);
      if (planTasks && planTasks.length > 0)
        view.tasks = planTasks.map((t) => ({ ...t, assigneeRoles: t.assigneeRoles ?? [] }));
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

export async function listDocuments(caseId: string): Promise<LinkedDocument[]> {
  const body = await get<unknown>(`/cases/${encodeURIComponent(caseId)}/documents`);
  return (arr<unknown>(Array.isArray(body) ? body : obj(body).documents) ?? []).map(toDocument);
}

/**
 * The case's whole audit trail (`GET /audit?resourceType=case&resourceId=…`; county and auditors):
 * every page, following `nextCursor` until the last.
 */
export async function getAudit(caseId: string): Promise<CaseEvent[]> {
  const events: Raw[] = [];
  let cursor: string | undefined;
  do {
    const body = obj(
      await get<unknown>(`/audit${query({ resourceType: "case", resourceId: caseId, limit: 200, cursor })}`),
    );
    events.push(...(arr<Raw>(body.events) ?? []));
    cursor = str(body.nextCursor);
  } while (cursor);
  return events.map((e) => {
    const actor = obj(e.actor);
    const roles = arr<string>(actor.roles) ?? [];
    return {
      at: String(e.at ?? ""),
      type: String(e.action ?? ""),
      actorId: str(actor.userId),
      actorName: str(actor.name),
      actorRole: roles[0],
      reason: str(e.reason),
      before: e.before,
      after: e.after,
    };
  });
}

/** One page of the applicant's payments, newest case first; pass `nextCursor` for the next. */
export async function listMyPayments(cursor?: string): Promise<Page<Payment>> {
  const body = await get<unknown>(`/me/payments${query({ cursor })}`);
  const record = (body && typeof body === "object" ? body : {}) as Raw;
  const items = (
    Array.isArray(body) ? body : (arr<Payment>(record.items ?? record.payments) ?? [])
  ) as Payment[];
  return { items, nextCursor: str(record.nextCursor) };
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
export async function uploadDocument(caseId: string, file: File, kind: string): Promise<CaseDocument> {
  const answer = await post<Raw>(`/cases/${encodeURIComponent(caseId)}/documents`, {
    kind,
    fileName: file.name,
    contentType: file.type || "application/octet-stream",
    sizeBytes: file.size,
  });
  const ticket = obj(answer.upload);
  const url = str(ticket.url);
  if (url) {
    const headers = obj(ticket.headers) as Record<string, string>;
    const response = await fetch(url, { method: str(ticket.method) ?? "PUT", headers, body: file });
    if (!response.ok) throw new Error(`upload failed: HTTP ${response.status}`);
  }
  return toDocument(answer.document);
}

/** A listed document with its short-lived download link, when uploaded (an image is shown through it). */
export interface LinkedDocument extends CaseDocument {
  downloadUrl?: string;
}

export function toDocument(input: unknown): LinkedDocument {
  const d = obj(input);
  return {
    downloadUrl: str(obj(d.download).url),
    documentId: String(d.docId ?? d.documentId ?? ""),
    kind: str(d.kind),
    fileName: str(d.fileName),
    contentType: str(d.contentType),
    sizeBytes: typeof d.sizeBytes === "number" ? d.sizeBytes : undefined,
    uploadedAt: str(d.uploadedAt ?? d.createdAt),
  };
}
