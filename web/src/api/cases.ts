/**
 * Cases: filing, queries, and every human step of Flow A (DOMAIN §3) and Flow B (§4). Paths follow
 * `functions/catalog.ts`; the raw answer is kept on `CaseView.raw` so detail pages can show fields
 * this client does not model yet.
 */
import { get, post, query, type RequestOptions } from "./http.ts";
import type { CaseDocument, CaseEvent, CaseView, FileCaseRequest, Page, Payment } from "./types.ts";

type Raw = Record<string, unknown>;

const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);
const arr = <T>(v: unknown): T[] | undefined => (Array.isArray(v) ? (v as T[]) : undefined);

/** Reads the API's case document into the page's view (tolerant of optional parts). */
export function toCaseView(input: unknown): CaseView {
  const raw = (input && typeof input === "object" ? input : {}) as Raw;
  const c = (raw.case && typeof raw.case === "object" ? raw.case : raw) as Raw;
  const applicant = (c.applicant && typeof c.applicant === "object" ? c.applicant : {}) as Raw;
  return {
    caseId: String(c.caseId ?? c.id ?? ""),
    flow: String(c.flow ?? "A"),
    status: String(c.status ?? ""),
    townshipId: String(c.townshipId ?? ""),
    townshipName: str(c.townshipName),
    countyId: str(c.countyId),
    hardshipType: String(c.hardshipType ?? ""),
    cause: str(c.cause),
    description: str(c.description),
    place: str(c.place),
    occurredOn: str(c.occurredOn ?? c.occurredAt),
    filedAt: str(c.filedAt ?? c.createdAt),
    filedBy: str(c.filedBy),
    handledBy: arr<string>(c.handledBy ?? c.handlers),
    applicantName: str(applicant.name ?? c.applicantName),
    applicantIdMasked: str(applicant.idNumber ?? applicant.idNumberMasked ?? c.applicantIdMasked),
    ownerUserId: str(c.ownerUserId),
    advanceAmountYuan: str(c.advanceAmountYuan),
    totalPaidYuan: str(c.totalPaidYuan ?? c.paidYuan),
    escalated: c.escalated === true,
    overdue: c.overdue === true,
    nextStep: (c.nextStep && typeof c.nextStep === "object" ? c.nextStep : undefined) as CaseView["nextStep"],
    deadlines: (c.deadlines && typeof c.deadlines === "object"
      ? c.deadlines
      : undefined) as CaseView["deadlines"],
    events: arr<CaseEvent>(raw.events ?? c.events ?? c.timeline),
    payments: arr<Payment>(raw.payments ?? c.payments),
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
  cursor?: string;
  limit?: number;
}

export async function fileCase(body: FileCaseRequest, options?: RequestOptions): Promise<CaseView> {
  return toCaseView(await post<unknown>("/cases", body, options));
}

export async function listCases(filter: CaseFilter = {}): Promise<Page<CaseView>> {
  return toPage(await get<unknown>(`/cases${query({ ...filter })}`));
}

export async function listMyCases(): Promise<Page<CaseView>> {
  return toPage(await get<unknown>("/me/cases"));
}

export async function getCase(caseId: string): Promise<CaseView> {
  return toCaseView(await get<unknown>(`/cases/${encodeURIComponent(caseId)}`));
}

export async function getAudit(caseId: string): Promise<CaseEvent[]> {
  const body = await get<unknown>(`/cases/${encodeURIComponent(caseId)}/audit`);
  const record = (body && typeof body === "object" ? body : {}) as Raw;
  return (Array.isArray(body) ? body : (arr<CaseEvent>(record.items ?? record.events) ?? [])) as CaseEvent[];
}

export async function listMyPayments(): Promise<Payment[]> {
  const body = await get<unknown>("/me/payments");
  const record = (body && typeof body === "object" ? body : {}) as Raw;
  return (Array.isArray(body) ? body : (arr<Payment>(record.items ?? record.payments) ?? [])) as Payment[];
}

/** A human step on a case: `POST /cases/{id}/<step>`. */
export async function caseAction(
  caseId: string,
  step: string,
  body: unknown,
  options?: RequestOptions,
): Promise<CaseView> {
  return toCaseView(await post<unknown>(`/cases/${encodeURIComponent(caseId)}/${step}`, body, options));
}

/**
 * Documents: ask for an upload slot (pre-signed URL in AWS, the local file store locally), PUT the
 * bytes there, and the API lists the document on the case.
 */
export async function uploadDocument(
  caseId: string | undefined,
  file: File,
  kind: string,
): Promise<CaseDocument> {
  const path = caseId ? `/cases/${encodeURIComponent(caseId)}/documents` : "/documents";
  const slot = await post<Raw>(path, {
    kind,
    fileName: file.name,
    contentType: file.type || "application/octet-stream",
    sizeBytes: file.size,
  });
  const uploadUrl = str(slot.uploadUrl ?? slot.url);
  if (uploadUrl) {
    const headers = (slot.headers && typeof slot.headers === "object" ? slot.headers : {}) as Record<
      string,
      string
    >;
    const response = await fetch(uploadUrl, {
      method: str(slot.method) ?? "PUT",
      headers: { "content-type": file.type || "application/octet-stream", ...headers },
      body: file,
    });
    if (!response.ok) throw new Error(`upload failed: HTTP ${response.status}`);
  }
  const document = (slot.document && typeof slot.document === "object" ? slot.document : slot) as Raw;
  return {
    documentId: String(document.documentId ?? ""),
    kind,
    fileName: file.name,
    contentType: file.type,
    sizeBytes: file.size,
  };
}
