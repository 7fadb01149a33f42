/**
 * What the flow services stand on, as ports. Production wiring is in `deps.ts` (core + the adapters
 * of the ledger, payments, audit and Step Functions); tests build the same object over test tables.
 * Keeping the seams here means a Flow B service takes the very same `FlowDeps`.
 */

import type { CaseStore } from "#adapters/case-store.ts";
import type { CoSignatureStore } from "#adapters/co-signature-store.ts";
import type { DirectoryStore } from "#adapters/directory-store.ts";
import type { HumanTaskStore } from "#adapters/human-task-store.ts";
import type { MessageStore } from "#adapters/message-store.ts";
import type { Outbox } from "#adapters/outbox.ts";
import type { AccountVault } from "#adapters/payments/account-vault.ts";
import type { PaymentGateway } from "#adapters/payments/gateway.ts";
import type { PaymentStore } from "#adapters/payments/payment-store.ts";
import type { RegistrationNoticeStore } from "#adapters/registration-notice-store.ts";
import type { SmsDeliveryStore } from "#adapters/sms-delivery-store.ts";
import type { WorkflowPort } from "#adapters/step-functions.ts";
import type { UserDirectory } from "#adapters/user-directory.ts";
import type { HolidayCalendar } from "#core/calendar/index.ts";
import type { ResolvedPolicy } from "#core/policy/index.ts";
import type { Logger } from "#functions/runtime/logger.ts";

export type LedgerEntryKind = "draw" | "reversal" | "recovery" | "commit" | "release";

export interface LedgerRequest {
  /** Idempotency id: derived from the obligation + attempt (draw, reversal) or the receivable (recovery). */
  entryId: string;
  townshipId: string;
  kind: LedgerEntryKind;
  drawKind?: "advance" | "follow-up" | "stage";
  amountYuan: string;
  reference: {
    caseId: string;
    obligationId?: string;
    paymentId?: string;
    decisionId?: string;
    flow: "A" | "B";
    hardshipType?: string;
    residency?: "local" | "non-local";
    actor?: string;
    correlationId?: string;
  };
}

export type LedgerOutcome = "applied" | "duplicate" | "insufficient-funds";

export interface LedgerPort {
  submit(request: LedgerRequest): Promise<LedgerOutcome>;
  /** The fund of a township (balance etc. as 2-decimal strings), for views and tests. */
  fund(
    townshipId: string,
  ): Promise<{ balanceYuan: string; committedYuan: string; availableYuan: string } | undefined>;
}

export interface PolicyPort {
  /** The policy in force at `at` for the county, resolved for the township's area. */
  resolve(countyId: string, townshipId: string, at: Date): Promise<ResolvedPolicy>;
  /** The same version again (decisions use the version recorded on the case). */
  resolveVersion(countyId: string, townshipId: string, policyVersionId: string): Promise<ResolvedPolicy>;
}

export interface CalendarPort {
  /** The county's holiday calendar, in which core's deadlines (`core/cases/rules/deadlines.ts`) count working days. */
  calendarOf(countyId: string, calendarRef: string): Promise<HolidayCalendar>;
  /** The instant N working days after `from` in the county's calendar (Asia/Shanghai). */
  addWorkingDays(countyId: string, calendarRef: string, from: Date, workingDays: number): Promise<Date>;
}

export interface IdentityPort {
  /** Validates a document; returns the masked number and the keyed hash used for duplicate checks. */
  check(document: { type: string }): { numberMasked: string; personKey: string };
  /** The person key of an identity an officer attested: township + name (core `attestedPersonKey`). */
  attestedKey(townshipId: string, name: string): string;
  maskPhone(phone: string): string;
}

export interface AuditEvent {
  actorUserId: string;
  /** The name the audit trail shows (the user id when none is known: the flows' own steps). */
  actorName?: string;
  actorRoles: string[];
  action: string;
  caseId: string;
  countyId: string;
  townshipId: string;
  why?: string;
  before?: unknown;
  after?: unknown;
  correlationId?: string;
  /** The effect's idempotency id: an event with a key already recorded is not appended again. */
  dedupKey?: string;
}

/**
 * The name to record for whoever made a recorded decision: the acting user's name when it is they
 * (a healing retry may carry out someone else's recorded decision: then their id).
 */
export function deciderName(actor: { userId: string; name: string }, decidedBy: string): string {
  return actor.userId === decidedBy ? actor.name : decidedBy;
}

export interface AuditPort {
  append(event: AuditEvent): Promise<void>;
}

export interface FlowDeps {
  cases: CaseStore;
  tasks: HumanTaskStore;
  /** Paperwork waiting for the other investigators' own confirmation (DOMAIN §3.4). */
  coSignatures: CoSignatureStore;
  /** Staff of a county: who is an active officer of which township. */
  users: UserDirectory;
  outbox: Outbox;
  /** 外地受助: what the registration county of a non-local applicant reads of the closed case. */
  registrationNotices: RegistrationNoticeStore;
  /** Messages to the applicant and staff, stored once each (services/messages/notify.ts). */
  messages: MessageStore;
  /** The county directory: the township names messages use. */
  directory: DirectoryStore;
  workflow: WorkflowPort;
  payments: PaymentStore;
  /** The bank of a county (its own endpoint or the default). */
  gateway: (countyId: string) => PaymentGateway;
  /** The callback URL the bank posts outcomes to (`AIDFLOW_BANK_CALLBACK_URL`). */
  bankCallbackUrl: () => string;
  /** Key of the bank-account hash (payments' payee rules). */
  payeeHashSecret: () => string;
  /** Bank account numbers sealed for storage and opened for the bank instruction only. */
  accounts: AccountVault;
  /** The applicant's phone their case is texted on, recorded sealed at filing (the SMS dispatcher reads it). */
  smsContacts: Pick<SmsDeliveryStore, "putApplicantPhone">;
  ledger: LedgerPort;
  policy: PolicyPort;
  calendar: CalendarPort;
  identity: IdentityPort;
  audit: AuditPort;
  log: Logger;
  now: () => Date;
  stateMachines: { flowA?: string; flowB?: string };
}
