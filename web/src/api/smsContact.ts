/**
 * The applicant's SMS on a case (docs/messages.md "Opting out and back in"): the messages to the
 * applicant with what became of each one's SMS, the case's SMS contact, and the opt-out / opt-in.
 */
import { get, post } from "./http.ts";
import type { components } from "./schema.ts";

/** The case's SMS contact: the number masked, unreachable, its opt-out or the opt-in that lifted it. */
export type SmsContact = components["schemas"]["SmsContact"];
/** An opt-out or opt-in: when, how, and how in Chinese (本人在掌上办退订, 乡镇经办人代为登记（电话）…). */
export type SmsChange = NonNullable<SmsContact["optedOut"]> | NonNullable<SmsContact["optedIn"]>;
/** The messages to the case's applicant, each with what became of its SMS, and the contact. */
export type CaseMessages = components["schemas"]["CaseMessages"];
export type CaseMessage = CaseMessages["messages"][number];

const path = (caseId: string, tail: string) => `/cases/${encodeURIComponent(caseId)}/${tail}`;

export const caseMessages = (caseId: string) => get<CaseMessages>(path(caseId, "messages"));

/** Stops SMS to the case's number (an officer gives what the applicant said as `note`). */
export const smsOptOut = (caseId: string, note?: string) =>
  post<SmsContact>(path(caseId, "sms-opt-out"), note ? { note } : {});

/** Turns SMS back on for the case's number. */
export const smsOptIn = (caseId: string, note?: string) =>
  post<SmsContact>(path(caseId, "sms-opt-in"), note ? { note } : {});
