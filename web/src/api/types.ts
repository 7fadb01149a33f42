/**
 * The shapes the pages read. Answers are the API's own types (schema.ts, generated from
 * `/openapi.json`); the few interfaces written here are what the client computes from them, each
 * saying what. Money is a 2-decimal string of yuan ("1230.00") exactly as the API sends it: the page
 * formats it, never does arithmetic on it in floating point.
 */
import type { Body } from "./contract.ts";
import type { components } from "./schema.ts";

type Schemas = components["schemas"];

export type YuanString = string;

/** A township of the county directory (`GET /townships`). */
export type Township = Schemas["Township"];

/** `POST /cases` (functions/services/steps/filing.ts FileCaseSchema, strict). */
export type FileCaseRequest = Body<"/cases">;

/**
 * A payment: amount, method, status, the account masked, its attempts (`GET /me/payments`; the
 * progress answer's payments are read into the same shape).
 */
export type Payment = Schemas["MyPayment"];

/** A document listed on a case; `download` is its short-lived link once the file is uploaded. */
export type CaseDocument = Schemas["CaseDocument"];

/** A human task of a case: an open step of a list item, or any task of the progress or plan answer. */
export type CaseTask = Schemas["CaseStep"] & Partial<Schemas["CaseTask"]>;

/**
 * The case record of the progress and plan answers, masked for the reader's role: applicant,
 * household, payout account, assessment, flags, the advance and follow-up as recorded.
 */
export type CaseRecord = Schemas["PublicCase"];

/**
 * One line of a case's history. The client builds it twice: the timeline from the case (filing,
 * tasks opened and decided, payment attempts, close) and the audit trail's events (`GET /audit`,
 * with the change before → after), so both lists render with one row shape.
 */
export interface CaseEvent {
  at: string;
  type: string;
  actorId?: string;
  actorName?: string;
  actorRole?: string;
  /** Payment events: the amount moved. */
  amountYuan?: YuanString;
  reason?: string;
  before?: unknown;
  after?: unknown;
}

/** The step the case waits on: the client picks the last open task, else a list row's `nextStep`. */
export interface NextStep {
  action: string;
  roles?: string[];
  dueAt?: string;
  overdue?: boolean;
}

/**
 * One case as the pages show it, from a list row (`GET /cases`, `/me/cases`) or the progress answer.
 * The client computes: the step it waits on, escalated/overdue from the flags and the tasks, the
 * total paid, the timeline; the rest is the answer's, renamed once for both sources.
 */
export interface CaseView {
  caseId: string;
  flow: CaseRecord["flow"];
  status: CaseRecord["status"];
  townshipId: string;
  townshipName?: string;
  countyId?: string;
  hardshipType: CaseRecord["hardship"]["kind"];
  cause?: string;
  description?: string;
  filedAt?: string;
  filedBy?: string;
  handledBy?: string[];
  applicantName?: string;
  applicantIdMasked?: string;
  /** The identity document's type code (labels.ts `idType`). */
  applicantIdType?: string;
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
  events?: CaseEvent[];
  payments?: Payment[];
  /** Flow B: the stage plan (`GET /plans/{caseId}`): stages, notice, re-checks. */
  plan?: Schemas["Plan"];
  documents?: CaseDocument[];
  /** The progress answer's case record (detail pages); a list row has none. */
  detail?: CaseRecord;
}

/** A page of a list as the page shows it: its rows (read from the answer's items) and the next cursor. */
export interface Page<T> {
  items: T[];
  nextCursor?: string;
}
