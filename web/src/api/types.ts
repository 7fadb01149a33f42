/**
 * The shapes the pages read, as documented by the API (DOMAIN §3–§6). Money is a
 * 2-decimal string of yuan ("1230.00") exactly as the API sends it: the page formats it, never does
 * arithmetic on it in floating point.
 */
import type { Body } from "./contract.ts";
import type { components } from "./schema.ts";

export type YuanString = string;

export interface DemoUser {
  userId: string;
  name: string;
  roles: string[];
  countyId?: string;
  townshipId?: string;
  descriptionZh?: string;
}

/** A township of the county directory (`GET /townships`). */
export type Township = components["schemas"]["Township"];

/** `POST /cases` (functions/services/steps/filing.ts FileCaseSchema, strict). */
export type FileCaseRequest = Body<"/cases">;

export interface CaseEvent {
  at: string;
  type: string;
  actorId?: string;
  actorName?: string;
  actorRole?: string;
  summary?: string;
  summaryZh?: string;
  /** Payment events: the amount moved. */
  amountYuan?: YuanString;
  reason?: string;
  before?: unknown;
  after?: unknown;
}

/**
 * A payment: amount, method, status, the account masked, its attempts (`GET /me/payments`; the
 * progress answer's payments are read into the same shape).
 */
export type Payment = components["schemas"]["MyPayment"];

export interface CaseDocument {
  documentId: string;
  kind?: string;
  fileName?: string;
  contentType?: string;
  sizeBytes?: number;
  uploadedAt?: string;
}

export interface NextStep {
  action: string;
  roles?: string[];
  dueAt?: string;
  overdue?: boolean;
  descriptionZh?: string;
  description?: string;
}

/** A human task of a case: an open step of a list item, or any task of the progress or plan answer. */
export type CaseTask = components["schemas"]["CaseStep"] & Partial<components["schemas"]["CaseTask"]>;

/** What the case pages read: the API's case (`raw`) with what the pages show drawn from it. */
export interface CaseView {
  caseId: string;
  flow: components["schemas"]["PublicCase"]["flow"];
  status: components["schemas"]["PublicCase"]["status"];
  townshipId: string;
  townshipName?: string;
  countyId?: string;
  hardshipType: string;
  cause?: string;
  description?: string;
  place?: string;
  occurredOn?: string;
  filedAt?: string;
  filedBy?: string;
  handledBy?: string[];
  applicantName?: string;
  applicantIdMasked?: string;
  /** The identity document's type code (labels.ts `idType`). */
  applicantIdType?: string;
  ownerUserId?: string;
  applicantLocal?: boolean;
  /** `GET /me/cases`: whether the applicant may still withdraw (nothing approved or drawn yet). */
  withdrawable?: boolean;
  requestedAmountYuan?: YuanString;
  advanceAmountYuan?: YuanString;
  dueAt?: string;
  tasks?: CaseTask[];
  totalPaidYuan?: YuanString;
  escalated?: boolean;
  overdue?: boolean;
  nextStep?: NextStep;
  deadlines?: Record<string, string>;
  events?: CaseEvent[];
  payments?: Payment[];
  /** Flow B: the stage plan (`GET /plans/{caseId}`): stages, notice, re-checks. */
  plan?: components["schemas"]["Plan"];
  documents?: CaseDocument[];
  raw: Record<string, unknown>;
}

export interface Page<T> {
  items: T[];
  nextCursor?: string;
}

export interface LedgerEntry {
  sequence: number;
  type: string;
  amountYuan: YuanString;
  balanceAfterYuan?: YuanString;
  at: string;
  reference?: string;
}

export interface ReconciliationLine {
  runId?: string;
  townshipId: string;
  townshipName?: string;
  period?: string;
  quotaYuan?: YuanString;
  openingBalanceYuan?: YuanString;
  closingBalanceYuan?: YuanString;
  allocationsYuan?: YuanString;
  drawsYuan?: YuanString;
  drawCount?: number;
  reversalsYuan?: YuanString;
  recoveriesYuan?: YuanString;
  replenishmentsYuan?: YuanString;
  chainIntact?: boolean;
  headMatchesReplay?: boolean;
  discrepancyCount?: number;
  discrepancies?: Array<{ code?: string; message?: string; messageZh?: string; amountYuan?: string }>;
}
