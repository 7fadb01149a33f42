/**
 * The applicant's SMS on a case: the opt-out (退订) and what became of each message's SMS.
 *
 * The applicant opts out in 掌上办, or a township officer records it for them after a phone call
 * (with what was said). The opt-out is the number's (functions/adapters/sms-delivery-store.ts
 * `optedOut`, the first one kept): the dispatcher suppresses every later SMS to it with reason
 * `opted-out`, the inbox still gets every message. Each recorded opt-out is audited; a repeat
 * answers the opt-out already recorded and writes nothing.
 *
 * The case's messages are listed with their SMS delivery: sent, delivered, waiting (quiet hours,
 * rate limit, a retry), failed, or not sent and why — an opted-out number's messages show as 已退订.
 */
import * as z from "zod";
import type { CaseRecord } from "#adapters/case-store.ts";
import type { MessageStore } from "#adapters/message-store.ts";
import type { NumberState, SmsDelivery, SmsDeliveryStore } from "#adapters/sms-delivery-store.ts";
import type { Actor } from "#core/access/index.ts";
import { BusinessRuleError, ValidationError } from "#core/errors.ts";
import { maskPhone } from "#core/identity/masking.ts";
import { authorizeAnyOnCase } from "../case-access.ts";
import { smsContactView } from "../case-view.ts";
import type { FlowDeps } from "../ports.ts";
import { toE164 } from "./sms-channel.ts";

/** Characters of the note an officer records with an opt-out taken on the phone. */
const NOTE_CHARS_MAX = 200;
const NOTE_CHARS_MIN = 2;
/** The delivery of a message to the case's applicant (dispatcher.ts `APPLICANT`). */
const APPLICANT_RECIPIENT = "applicant";

export const SmsOptOutSchema = z.strictObject({
  /** What the applicant said (an officer recording a phone call must give it; the applicant may). */
  note: z.string().trim().min(NOTE_CHARS_MIN).max(NOTE_CHARS_MAX).optional(),
});
export type SmsOptOutRequest = z.output<typeof SmsOptOutSchema>;

export type SmsContactStore = Pick<
  SmsDeliveryStore,
  "applicantPhone" | "phoneKey" | "numberState" | "updateNumber" | "reachability" | "get"
>;

export interface SmsContactDeps {
  flow: Pick<FlowDeps, "cases" | "audit" | "now">;
  messages: Pick<MessageStore, "forCase">;
  sms: SmsContactStore;
}

export type OptOutVia = NonNullable<NumberState["optedOut"]>["via"];

const VIA_ZH: Readonly<Record<OptOutVia, string>> = {
  "sms-reply": "短信回复退订",
  applicant: "本人在掌上办退订",
  township: "乡镇经办人代为登记（电话）",
};

export interface OptOutView {
  at: string;
  via: OptOutVia;
  viaZh: string;
}

export interface SmsContactView {
  smsUnreachable: boolean;
  smsNoticeZh?: string;
  /** The number the case is texted on, masked; null when the applicant gave none. */
  phoneMasked: string | null;
  /** The opt-out of that number, when there is one. */
  optedOut: OptOutView | null;
}

function optOutView(state: NumberState): OptOutView | null {
  const out = state.optedOut;
  return out ? { at: out.at, via: out.via, viaZh: VIA_ZH[out.via] } : null;
}

async function contactOf(deps: SmsContactDeps, record: CaseRecord): Promise<SmsContactView> {
  const reach = smsContactView(await deps.sms.reachability(record.countyId, record.caseId));
  const phone = await deps.sms.applicantPhone(record.countyId, record.caseId);
  const e164 = phone ? toE164(phone) : undefined;
  if (!e164) return { ...reach, phoneMasked: null, optedOut: null };
  const state = await deps.sms.numberState(deps.sms.phoneKey(e164));
  return { ...reach, phoneMasked: maskPhone(e164), optedOut: optOutView(state) };
}

/**
 * Records the opt-out of the case's applicant number: the applicant themselves (`case.readOwn`:
 * their own case) or a township officer of the case's township on their behalf
 * (`case.fileOnBehalf`: acting for the applicant), who must say what the applicant said. A case
 * without a number is refused (422) and nothing is written.
 */
export async function recordSmsOptOut(
  deps: SmsContactDeps,
  actor: Actor,
  caseId: string,
  request: SmsOptOutRequest,
  correlationId: string,
): Promise<SmsContactView> {
  const record = await deps.flow.cases.get(caseId);
  const action = authorizeAnyOnCase(actor, ["case.readOwn", "case.fileOnBehalf"], record);
  const via: OptOutVia = action === "case.readOwn" ? "applicant" : "township";
  if (via === "township" && !request.note) {
    throw new ValidationError(
      "an opt-out taken on the phone needs what the applicant said",
      "代为登记退订须填写申请人的意见",
      {
        fields: [
          {
            path: "note",
            message: `what the applicant said, ${NOTE_CHARS_MIN}–${NOTE_CHARS_MAX} characters`,
            messageZh: `请填写申请人的意见（${NOTE_CHARS_MIN}–${NOTE_CHARS_MAX} 字）`,
          },
        ],
      },
    );
  }
  const phone = await deps.sms.applicantPhone(record.countyId, record.caseId);
  const e164 = phone ? toE164(phone) : undefined;
  if (!e164) {
    throw new BusinessRuleError(
      "the case has no phone number to stop texting",
      "本案件未登记手机号，无需退订短信",
      { details: { code: "NO_SMS_PHONE" } },
    );
  }
  const at = deps.flow.now().toISOString();
  const phoneKey = deps.sms.phoneKey(e164);
  const before = await deps.sms.numberState(phoneKey);
  if (!before.optedOut) {
    const after = await deps.sms.updateNumber(phoneKey, (s) => ({
      ...s,
      optedOut: s.optedOut ?? { at, by: actor.userId, via },
    }));
    // Audited once per opt-out: by the call that recorded it, and of twins that recorded it in the
    // same instant, once (the opt-out names the audit event).
    if (after.optedOut?.at === at && after.optedOut.by === actor.userId) {
      await deps.flow.audit.append({
        actorUserId: actor.userId,
        actorName: actor.name,
        actorRoles: actor.roles,
        action: "sms.optOut",
        caseId: record.caseId,
        countyId: record.countyId,
        townshipId: record.townshipId,
        // An officer's opt-out always carries the applicant's words (checked above).
        why: request.note ?? "applicant opted out in 掌上办",
        after: { via, phoneMasked: maskPhone(e164) },
        correlationId,
        dedupKey: `sms.optOut#${phoneKey}#${at}`,
      });
    }
  }
  return contactOf(deps, record);
}

/** What became of one message's SMS, in words (zh-CN first). */
function smsStatusZh(delivery: SmsDelivery | undefined): string {
  if (!delivery) return "待发送";
  switch (delivery.status) {
    case "queued":
    case "sending":
      return "发送中";
    case "deferred":
      return delivery.reason === "quiet-hours"
        ? "夜间免打扰，次日发送"
        : delivery.reason === "rate-limit"
          ? "发送过于频繁，稍后发送"
          : "发送失败，稍后重试";
    case "sent":
      return "已发送";
    case "delivered":
      return "已送达";
    case "failed":
      return "发送失败";
    case "suppressed":
      switch (delivery.reason) {
        case "opted-out":
          return "已退订短信，仅站内消息";
        case "unreachable":
          return "无法短信联系，仅站内消息";
        case "no-phone":
          return "未登记手机号，仅站内消息";
        case "no-template":
          return "本类消息未开通短信，仅站内消息";
        default:
          return "未开通短信，仅站内消息";
      }
  }
}

export interface CaseMessageView {
  messageId: string;
  event: string;
  text: string;
  createdAt: string;
  sms: { status: string; reason: string | null; statusZh: string };
}

/**
 * The messages to the case's applicant, oldest first, each with its SMS, and the case's SMS contact
 * (the number masked, unreachable, opted out). The applicant of the case and the case's readers.
 */
export async function caseMessages(
  deps: SmsContactDeps,
  actor: Actor,
  caseId: string,
): Promise<{ contact: SmsContactView; messages: CaseMessageView[] }> {
  const record = await deps.flow.cases.get(caseId);
  authorizeAnyOnCase(actor, ["case.read", "case.readOwn"], record);
  const stored = (await deps.messages.forCase(record.countyId, record.caseId)).filter(
    (m) => m.recipient.kind === "applicant",
  );
  const messages: CaseMessageView[] = [];
  for (const message of stored) {
    const delivery = await deps.sms.get(message.messageId, APPLICANT_RECIPIENT);
    messages.push({
      messageId: message.messageId,
      event: message.event.kind,
      text: message.rendered.text,
      createdAt: message.createdAt,
      sms: {
        status: delivery?.status ?? "pending",
        reason: delivery?.reason ?? null,
        statusZh: smsStatusZh(delivery),
      },
    });
  }
  return { contact: await contactOf(deps, record), messages };
}
