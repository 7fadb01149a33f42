/**
 * The county's message texts over HTTP (functions/services/admin/message-templates.ts): `GET
 * /admin/counties/{countyId}/message-templates` — each event's text, its variables and longest
 * length, the signature and the 好差评 link; `PUT` the same — the county's own texts and link,
 * checked against the SMS rules field by field, audited. The county administrator of the county.
 */
import * as z from "zod";
import { auditStore } from "#adapters/audit-store.ts";
import { bilingual, httpHandler, httpRouter } from "#functions/http/index.ts";
import { now } from "#functions/runtime/clock.ts";
import { config, dynamo } from "#functions/runtime/config.ts";
import {
  type MessageTemplatesDeps,
  MessageTemplatesViewSchema,
  readMessageTemplates,
  saveMessageTemplates,
} from "#functions/services/admin/message-templates.ts";

const tags = ["administration"];

function deps(): MessageTemplatesDeps {
  return { db: dynamo(), table: config().tables.main, audit: auditStore(), now };
}

const CountyParams = z.object({
  countyId: z.string().regex(/^\d{6}$/, bilingual("A 6-digit county code", "应为 6 位县级行政区划代码")),
});

const SaveBody = z
  .object({
    templates: z
      .record(z.string(), z.string({ error: bilingual("The text of the message", "须为消息内容文字") }))
      .meta({ description: "Event → the county's text with {variable} placeholders" }),
    ratingUrl: z
      .string()
      .nullable()
      .optional()
      .meta({ description: "The county's 好差评 link (https, at most 30 characters); null removes it" }),
  })
  .strict()
  .meta({ id: "CountyMessageTemplates" });

const read = httpHandler({
  route: "GET /admin/counties/{countyId}/message-templates",
  params: CountyParams,
  action: "messageTemplate.administer",
  resource: ({ params }) => ({ countyId: params.countyId }),
  summary:
    "The county's message texts: each event's text, variables and longest length; signature; 好差评 link",
  description:
    "Every event with the text the county's messages use now (its own or the default), whether it is the " +
    "county's own, the default text, the variables it may use with their longest values, and its length " +
    "with the signature and every variable at its longest (at most 2 SMS segments).",
  tags,
  response: { status: 200, schema: MessageTemplatesViewSchema },
  handler: ({ params, actor }) => readMessageTemplates(deps(), actor, params.countyId),
});

const save = httpHandler({
  route: "PUT /admin/counties/{countyId}/message-templates",
  params: CountyParams,
  body: SaveBody,
  action: "messageTemplate.administer",
  resource: ({ params }) => ({ countyId: params.countyId }),
  summary: "Save the county's own message texts and its 好差评 link (the 办结告知 message carries it)",
  description:
    "`templates`: event → text. Each text may use only its event's {variables}, no 【】 (the provider " +
    "adds the signature) and no phone, ID or account number, and must fit 2 SMS segments with the " +
    "signature when every variable is at its longest. An event left out, or given the default text, uses " +
    "the default. 400 with one field error per problem (`body.templates.<event>`, `body.ratingUrl`), in " +
    "zh-CN and English; a refused request writes nothing. Audited with the texts that changed.",
  tags,
  response: { status: 200, schema: MessageTemplatesViewSchema },
  handler: ({ params, body, actor }) => saveMessageTemplates(deps(), actor, params.countyId, body),
});

export const handler = httpRouter(read, save);
