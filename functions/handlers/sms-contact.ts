/**
 * The applicant's SMS on a case (functions/services/messages/sms-contact.ts): `POST
 * /cases/{caseId}/sms-opt-out` — the applicant opts out of SMS, or a township officer records it for
 * them after a phone call; `POST /cases/{caseId}/sms-opt-in` — SMS turned back on, by the same people;
 * `GET /cases/{caseId}/messages` — the messages to the applicant, each with
 * what became of its SMS, and the case's SMS contact.
 */
import { MessageStore } from "#adapters/message-store.ts";
import { SmsDeliveryStore } from "#adapters/sms-delivery-store.ts";
import { CaseParams, httpHandler, httpRouter } from "#functions/http/index.ts";
import { config, dynamo } from "#functions/runtime/config.ts";
import { FieldCipher, keyWrapperFor } from "#functions/runtime/field-encryption.ts";
import { flowDeps } from "#functions/services/deps.ts";
import {
  CaseMessagesSchema,
  caseMessages,
  recordSmsOptIn,
  recordSmsOptOut,
  type SmsContactDeps,
  SmsContactViewSchema,
  SmsOptOutSchema,
} from "#functions/services/messages/sms-contact.ts";

const tags = ["inbox"];

let built: SmsContactDeps | undefined;

function deps(): SmsContactDeps {
  if (built) return built;
  const { tables, identityHashKey, accountKey } = config();
  const db = dynamo();
  built = {
    flow: flowDeps(),
    messages: new MessageStore(db, tables.main),
    // The applicant's phone is stored sealed under the field key (sealed at filing).
    sms: new SmsDeliveryStore(db, tables.main, identityHashKey, new FieldCipher(keyWrapperFor(accountKey))),
  };
  return built;
}

const optOut = httpHandler({
  route: "POST /cases/{caseId}/sms-opt-out",
  // The applicant on their own case, or a township officer acting for them (sms-contact.ts).
  action: "sms.optOut",
  params: CaseParams,
  body: SmsOptOutSchema,
  summary: "Stop SMS to the applicant of the case (退订短信); the inbox still gets every message",
  description:
    "The applicant of the case in 掌上办, or a township officer of the case's township for them after a " +
    "phone call (`note`, what the applicant said, required then). The number the case is texted on is " +
    "opted out: the dispatcher sends it no more SMS (each later message shows 已退订 on the case). " +
    "Audited. A repeat answers the opt-out already recorded. 422 when the case has no phone number. " +
    "Payments and escalations are not texted to an opted-out number either (they are exempt from the " +
    "quiet hours only).",
  tags,
  response: { status: 200, schema: SmsContactViewSchema },
  handler: ({ params, body, actor, correlationId }) =>
    recordSmsOptOut(deps(), actor, params.caseId, body, correlationId),
});

const optIn = httpHandler({
  route: "POST /cases/{caseId}/sms-opt-in",
  action: "sms.optIn",
  params: CaseParams,
  body: SmsOptOutSchema,
  summary: "Turn SMS back on for the applicant of the case (恢复短信)",
  description:
    "Lifts the opt-out of the number the case is texted on, however it was made (a TD reply, 掌上办, the " +
    "township): messages from now on are texted again; those not sent while it was opted out stay " +
    "unsent (the inbox has them). The applicant of the case in 掌上办, or a township officer of the " +
    "case's township for them after a phone call (`note` required then). Audited once per opt-out " +
    "lifted; a number not opted out answers as it is and writes nothing. 422 when the case has no " +
    "phone number.",
  tags,
  response: { status: 200, schema: SmsContactViewSchema },
  handler: ({ params, body, actor, correlationId }) =>
    recordSmsOptIn(deps(), actor, params.caseId, body, correlationId),
});

const messages = httpHandler({
  route: "GET /cases/{caseId}/messages",
  params: CaseParams,
  summary: "The messages to the case's applicant, each with what became of its SMS",
  description:
    "Oldest first: the message's text, its event, when, and its SMS — sent, delivered, waiting (quiet " +
    "hours, rate limit, a retry), failed, or not sent and why (opted out, unreachable, no phone, no " +
    "SMS for this county or event), with the words in zh-CN. `contact`: the number masked, whether it " +
    "is unreachable by SMS, and its opt-out. The applicant of the case and the case's readers.",
  tags,
  response: { status: 200, schema: CaseMessagesSchema },
  handler: ({ params, actor }) => caseMessages(deps(), actor, params.caseId),
});

export const handler = httpRouter(optOut, optIn, messages);
