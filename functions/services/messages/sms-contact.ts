/**
 * The applicant's SMS on a case: the opt-out (退订), turning SMS back on (恢复短信), and what became of
 * each message's SMS.
 *
 * The applicant opts out — and back in — in 掌上办, or a township officer records either for them
 * after a phone call (with what was said). The opt-out is the number's (functions/adapters/
 * sms-delivery-store.ts `optedOut`, the first one kept): the dispatcher suppresses every later SMS to
 * it with reason `opted-out` — payments and escalations too (they are exempt from the quiet hours, not
 * from the opt-out) — and the inbox still gets every message. Turning SMS back on lifts that opt-out
 * (`optedIn` names the one it lifted): messages from then on are texted; those suppressed meanwhile
 * stay so. Each change is audited once, named by the opt-out it records or lifts, so twins write one
 * event; a request that finds the number already in the asked state answers it and writes nothing.
 *
 * The case's messages are listed with their SMS delivery: sent, delivered, waiting (quiet hours,
 * rate limit, a retry), failed, or not sent and why — an opted-out number's messages show as 已退订.
 */
import * as z from "zod";
import type { CaseRecord } from "#adapters/case-store.ts";
import type { MessageStore } from "#adapters/message-store.ts";
import type { NumberState, SmsDelivery, SmsDeliveryStore } from "#adapters/sms-delivery-store.ts";
import { type Actor, requireAuthorized } from "#core/access/index.ts";
import { BusinessRuleError, ValidationError } from "#core/errors.ts";
import { maskPhone } from "#core/identity/masking.ts";
import { EVENT_LABELS } from "../admin/message-templates.ts";
import { authorizeAnyOnCase, caseResource } from "../case-access.ts";
import { smsContactView } from "../case-view.ts";
import type { FlowDeps } from "../ports.ts";
import { toE164 } from "./sms-channel.ts";

/** Characters of the note an officer records with an opt-out or opt-in taken on the phone. */
const NOTE_CHARS_MAX = 200;
const NOTE_CHARS_MIN = 2;
/** The delivery of a message to the case's applicant (dispatcher.ts `APPLICANT`). */
const APPLICANT_RECIPIENT = "applicant";

/** The body of both `POST /cases/{caseId}/sms-opt-out` and `…/sms-opt-in`. */
export const SmsConsentSchema = z.strictObject({
  /** What the applicant said (an officer recording a phone call must give it; the applicant may). */
  note: z.string().trim().min(NOTE_CHARS_MIN).max(NOTE_CHARS_MAX).optional(),
});
export const SmsOptOutSchema = SmsConsentSchema;
export type SmsOptOutRequest = z.output<typeof SmsConsentSchema>;
export type SmsConsentRequest = SmsOptOutRequest;

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
export type OptInVia = NonNullable<NumberState["optedIn"]>["via"];

const VIA_ZH: Readonly<Record<OptOutVia, string>> = {
  "sms-reply": "短信回复退订",
  applicant: "本人在掌上办退订",
  township: "乡镇经办人代为登记（电话）",
};

const OPT_IN_VIA_ZH: Readonly<Record<OptInVia, string>> = {
  applicant: "本人在掌上办恢复",
  township: "乡镇经办人代为恢复（电话）",
};

const OPT_OUT_VIAS = Object.keys(VIA_ZH) as [OptOutVia, ...OptOutVia[]];
const OPT_IN_VIAS = Object.keys(OPT_IN_VIA_ZH) as [OptInVia, ...OptInVia[]];

/** The case's SMS contact (the answer of the opt-out and opt-in, and part of the messages answer). */
export const SmsContactViewSchema = z
  .object({
    smsUnreachable: z.boolean(),
    smsNoticeZh: z.string().optional(),
    phoneMasked: z
      .string()
      .nullable()
      .meta({ description: "The number the case is texted on, masked; null when the applicant gave none" }),
    optedOut: z
      .object({ at: z.string(), via: z.enum(OPT_OUT_VIAS), viaZh: z.string() })
      .nullable()
      .meta({ description: "The opt-out of that number, when there is one" }),
    optedIn: z
      .object({ at: z.string(), via: z.enum(OPT_IN_VIAS), viaZh: z.string() })
      .nullable()
      .meta({ description: "The last time SMS was turned back on (only while not opted out again)" }),
  })
  .meta({ id: "SmsContact" });
export type SmsContactView = z.output<typeof SmsContactViewSchema>;
type OptOutView = NonNullable<SmsContactView["optedOut"]>;
type OptInView = NonNullable<SmsContactView["optedIn"]>;

function optOutView(state: NumberState): OptOutView | null {
  const out = state.optedOut;
  return out ? { at: out.at, via: out.via, viaZh: VIA_ZH[out.via] } : null;
}

function optInView(state: NumberState): OptInView | null {
  const back = state.optedIn;
  if (!back || state.optedOut) return null;
  return { at: back.at, via: back.via, viaZh: OPT_IN_VIA_ZH[back.via] };
}

async function contactOf(deps: SmsContactDeps, record: CaseRecord): Promise<SmsContactView> {
  const reach = smsContactView(await deps.sms.reachability(record.countyId, record.caseId));
  const phone = await deps.sms.applicantPhone(record.countyId, record.caseId);
  const e164 = phone ? toE164(phone) : undefined;
  if (!e164) return { ...reach, phoneMasked: null, optedOut: null, optedIn: null };
  const state = await deps.sms.numberState(deps.sms.phoneKey(e164));
  return { ...reach, phoneMasked: maskPhone(e164), optedOut: optOutView(state), optedIn: optInView(state) };
}

interface ConsentTarget {
  record: CaseRecord;
  via: "applicant" | "township";
  e164: string;
  phoneKey: string;
}

/**
 * Who may change the case's SMS and on which number: the applicant on their own case, or a township
 * officer of the case's township (the action's grants), who must say what the applicant said. A case
 * without a number is refused (422). Nothing is written before this answers.
 */
async function consentTarget(
  deps: SmsContactDeps,
  actor: Actor,
  caseId: string,
  action: "sms.optOut" | "sms.optIn",
  request: SmsConsentRequest,
): Promise<ConsentTarget> {
  const record = await deps.flow.cases.get(caseId);
  const grant = requireAuthorized(actor, action, caseResource(record));
  const via = grant.role === "applicant" ? "applicant" : "township";
  const optIn = action === "sms.optIn";
  if (via === "township" && !request.note) {
    throw new ValidationError(
      optIn
        ? "turning SMS back on for the applicant needs what the applicant said"
        : "an opt-out taken on the phone needs what the applicant said",
      optIn ? "代为恢复短信须填写申请人的意见" : "代为登记退订须填写申请人的意见",
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
      optIn ? "the case has no phone number to text" : "the case has no phone number to stop texting",
      optIn ? "本案件未登记手机号，无法发送短信" : "本案件未登记手机号，无需退订短信",
      { details: { code: "NO_SMS_PHONE" } },
    );
  }
  return { record, via, e164, phoneKey: deps.sms.phoneKey(e164) };
}

/**
 * The one audit event of an opt-out or opt-in, named by the opt-out it records or lifts (so twins
 * write one): who, on which case, why, how (`via`) and the number masked.
 */
async function auditConsent(
  deps: SmsContactDeps,
  actor: Actor,
  { record, via, e164, phoneKey }: ConsentTarget,
  correlationId: string,
  change: {
    action: "sms.optOut" | "sms.optIn";
    why: string;
    optedOutAt: string;
    before?: Record<string, unknown>;
  },
): Promise<void> {
  await deps.flow.audit.append({
    actorUserId: actor.userId,
    actorName: actor.name,
    actorRoles: actor.roles,
    action: change.action,
    caseId: record.caseId,
    countyId: record.countyId,
    townshipId: record.townshipId,
    why: change.why,
    ...(change.before ? { before: change.before } : {}),
    after: { via, phoneMasked: maskPhone(e164) },
    correlationId,
    dedupKey: `${change.action}#${phoneKey}#${change.optedOutAt}`,
  });
}

/**
 * Records the opt-out of the case's applicant number: the applicant themselves or a township officer
 * of the case's township on their behalf (`sms.optOut`). A number already opted out answers that
 * opt-out and writes nothing.
 */
export async function recordSmsOptOut(
  deps: SmsContactDeps,
  actor: Actor,
  caseId: string,
  request: SmsConsentRequest,
  correlationId: string,
): Promise<SmsContactView> {
  const target = await consentTarget(deps, actor, caseId, "sms.optOut", request);
  const { record, via, phoneKey } = target;
  const at = deps.flow.now().toISOString();
  const before = await deps.sms.numberState(phoneKey);
  if (!before.optedOut) {
    const after = await deps.sms.updateNumber(phoneKey, (s) => ({
      ...s,
      optedOut: s.optedOut ?? { at, by: actor.userId, via },
    }));
    // Audited once per opt-out: by the call that recorded it, and of twins that recorded it in the
    // same instant, once (the opt-out names the audit event).
    if (after.optedOut?.at === at && after.optedOut.by === actor.userId) {
      // An officer's opt-out always carries the applicant's words (checked by consentTarget).
      await auditConsent(deps, actor, target, correlationId, {
        action: "sms.optOut",
        why: request.note ?? "applicant opted out in 掌上办",
        optedOutAt: at,
      });
    }
  }
  return contactOf(deps, record);
}

/**
 * Turns SMS back on for the case's applicant number (恢复短信): lifts the number's opt-out, however it
 * was made (a TD reply, 掌上办, the township). The applicant themselves or a township officer of the
 * case's township on their behalf (`sms.optIn`, the applicant's words required then). A number not
 * opted out answers as it is and writes nothing; of twins lifting the same opt-out one lifts it and
 * one audit event is written (named by the opt-out lifted).
 */
export async function recordSmsOptIn(
  deps: SmsContactDeps,
  actor: Actor,
  caseId: string,
  request: SmsConsentRequest,
  correlationId: string,
): Promise<SmsContactView> {
  const target = await consentTarget(deps, actor, caseId, "sms.optIn", request);
  const { record, via, phoneKey } = target;
  const at = deps.flow.now().toISOString();
  const lifted = (await deps.sms.numberState(phoneKey)).optedOut;
  if (lifted) {
    const after = await deps.sms.updateNumber(phoneKey, (s) => {
      // Only the opt-out read above is lifted: one recorded since (a new TD reply) stays.
      if (s.optedOut?.at !== lifted.at) return s;
      const { optedOut: _lifted, ...rest } = s;
      return { ...rest, optedIn: { at, by: actor.userId, via, optedOutAt: lifted.at } };
    });
    if (
      after.optedIn?.optedOutAt === lifted.at &&
      after.optedIn.at === at &&
      after.optedIn.by === actor.userId
    ) {
      await auditConsent(deps, actor, target, correlationId, {
        action: "sms.optIn",
        why: request.note ?? "applicant turned SMS back on in 掌上办",
        optedOutAt: lifted.at,
        before: { via: lifted.via },
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

/** A message to the case's applicant with what became of its SMS. */
const CaseMessageViewSchema = z.object({
  messageId: z.string(),
  event: z.string(),
  eventZh: z.string().meta({ description: "The event's name (申请已受理)" }),
  eventEn: z.string(),
  text: z.string(),
  createdAt: z.string(),
  sms: z.object({ status: z.string(), reason: z.string().nullable(), statusZh: z.string() }),
});
export type CaseMessageView = z.output<typeof CaseMessageViewSchema>;

/** `GET /cases/{caseId}/messages`. */
export const CaseMessagesSchema = z
  .object({ contact: SmsContactViewSchema, messages: z.array(CaseMessageViewSchema) })
  .meta({ id: "CaseMessages" });

/**
 * The messages to the case's applicant, oldest first, each with its SMS, and the case's SMS contact
 * (the number masked, unreachable, opted out). The applicant of the case and the case's readers.
 */
export async function caseMessages(
  deps: SmsContactDeps,
  actor: Actor,
  caseId: string,
): Promise<z.output<typeof CaseMessagesSchema>> {
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
      eventZh: EVENT_LABELS[message.event.kind][0],
      eventEn: EVENT_LABELS[message.event.kind][1],
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
