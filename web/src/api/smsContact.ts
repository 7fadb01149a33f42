/**
 * The applicant's SMS on a case (docs/messages.md "Opting out and back in"): the messages to the
 * applicant with what became of each one's SMS, the case's SMS contact, and the opt-out / opt-in.
 * The routes answer JSON the generated schema does not describe (no response schema), so the shapes
 * are written here as functions/services/messages/sms-contact.ts returns them.
 */
import { get, post } from "./http.ts";

export interface SmsChange {
  at: string;
  via: string;
  /** How it was made, in Chinese (本人在掌上办退订, 乡镇经办人代为登记（电话）…). */
  viaZh: string;
}

export interface SmsContact {
  smsUnreachable: boolean;
  /** 无法短信联系，请电话联系 when the number failed repeatedly. */
  smsNoticeZh?: string;
  /** The number the case is texted on, masked; null when the applicant gave none. */
  phoneMasked: string | null;
  optedOut: SmsChange | null;
  /** The last time SMS was turned back on (absent while opted out again). */
  optedIn: SmsChange | null;
}

export interface CaseMessage {
  messageId: string;
  event: string;
  eventZh: string;
  eventEn: string;
  text: string;
  createdAt: string;
  sms: { status: string; reason: string | null; statusZh: string };
}

export interface CaseMessages {
  contact: SmsContact;
  messages: CaseMessage[];
}

const path = (caseId: string, tail: string) => `/cases/${encodeURIComponent(caseId)}/${tail}`;

export const caseMessages = (caseId: string) => get<CaseMessages>(path(caseId, "messages"));

/** Stops SMS to the case's number (an officer gives what the applicant said as `note`). */
export const smsOptOut = (caseId: string, note?: string) =>
  post<SmsContact>(path(caseId, "sms-opt-out"), note ? { note } : {});

/** Turns SMS back on for the case's number. */
export const smsOptIn = (caseId: string, note?: string) =>
  post<SmsContact>(path(caseId, "sms-opt-in"), note ? { note } : {});
