/**
 * The county's message texts as county data: the county administrator reads each
 * event's text — the county's own or the default — with the variables it may use and its longest
 * length, and saves the county's own texts and its 好差评 link (the 办结告知 message carries it).
 * A saved set keeps the SMS rules (core/messages/overrides.ts): only the event's variables, no 【】
 * (the provider adds the signature), no number long enough to be personal data, and at most two
 * SMS segments of 70 characters with the county's signature when every variable is at its longest.
 * A refused set writes nothing; a saved one is audited with what changed.
 */
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import * as z from "zod";
import type { AuditStore } from "#adapters/audit-store.ts";
import { DirectoryStore } from "#adapters/directory-store.ts";
import { type CountyMessageSettings, MessageStore } from "#adapters/message-store.ts";
import { type Actor, requireAuthorized } from "#core/access/index.ts";
import { ConflictError, type FieldError, NotFoundError, ValidationError } from "#core/errors.ts";
import {
  audienceOf,
  DEFAULT_TEMPLATES,
  MESSAGE_EVENT_KINDS,
  type MessageEventKind,
  parseCountyTemplates,
  SMS_CHARS_MAX,
  SMS_SEGMENTS_MAX,
  SMS_SINGLE_SEGMENT_CHARS,
  smsSegments,
  templatesFor,
  VARIABLES,
  variableSchema,
  variablesOf,
  worstCaseChars,
} from "#core/messages/index.ts";
import { DEFAULT_SIGN_NAME } from "../messages/notify.ts";

export interface MessageTemplatesDeps {
  db: DynamoDBDocumentClient;
  table: string;
  audit: AuditStore;
  now: () => Date;
}

/** Each event as the console names it. */
export const EVENT_LABELS: Readonly<Record<MessageEventKind, [zh: string, en: string]>> = {
  "application-received": ["申请已受理", "Application received"],
  "advance-approved": ["先行救助已批准", "Advance approved"],
  "advance-refused": ["先行救助未批准", "Advance refused"],
  "money-sent": ["救助金已发放", "Money sent"],
  "transfer-failed": ["转账未成功", "Transfer failed"],
  "paperwork-due": ["请补齐材料", "Paperwork due"],
  "paperwork-reminder": ["补齐材料提醒", "Paperwork reminder"],
  "follow-up-decision": ["跟进决定", "Follow-up decision"],
  "stage-paid": ["分期救助金已发放", "Stage paid"],
  "public-notice": ["救助方案公示", "Public notice (公示)"],
  "withdrawal-confirmed": ["已撤回申请", "Withdrawal confirmed"],
  "case-closed": ["办结告知", "Case closed (办结告知)"],
  "task-assigned": ["新待办", "New task"],
  "task-near-deadline": ["待办即将超时", "Task near its deadline"],
  "task-escalated": ["待办已上报县级", "Task escalated"],
};

/** One event's text as the administrator edits it (the route's declared answer, the web's type). */
const MessageTemplateViewSchema = z.object({
  event: z.enum(MESSAGE_EVENT_KINDS),
  audience: z.enum(["applicant", "staff"]),
  labelZh: z.string(),
  label: z.string(),
  template: z
    .string()
    .meta({ description: "The text the county's messages use now: its own, or the default" }),
  own: z.boolean(),
  defaultTemplate: z.string(),
  variables: z.array(
    z.object({ name: z.string(), labelZh: z.string(), label: z.string(), charsMax: z.number() }),
  ),
  charsMax: z.number().meta({ description: "With the signature and every variable at its longest" }),
  segments: z.number(),
});

/** `GET`/`PUT /admin/counties/{countyId}/message-templates`. */
export const MessageTemplatesViewSchema = z
  .object({
    countyId: z.string(),
    signName: z.string().meta({ description: "The signature the county's SMS carry, without the brackets" }),
    provider: z
      .string()
      .nullable()
      .meta({ description: "The county's SMS provider, or null: its messages reach the inbox only" }),
    ratingUrl: z.string().nullable(),
    limits: z.object({
      charsPerSegment: z
        .number()
        .meta({ description: "One segment alone; a two-segment message counts 67 a segment" }),
      charsMax: z.number(),
      segmentsMax: z.number(),
      ratingUrlCharsMax: z.number(),
    }),
    events: z.array(MessageTemplateViewSchema),
    updatedAt: z.string().nullable(),
    updatedBy: z.string().nullable(),
  })
  .meta({ id: "MessageTemplates" });
export type MessageTemplatesView = z.output<typeof MessageTemplatesViewSchema>;

const store = (deps: MessageTemplatesDeps) => new MessageStore(deps.db, deps.table);

async function existingCounty(deps: MessageTemplatesDeps, countyId: string): Promise<void> {
  if (!(await new DirectoryStore(deps.db, deps.table).county(countyId))) {
    throw new NotFoundError(`County ${countyId} has not been created`, "该县尚未在本系统开通", {
      details: { countyId },
    });
  }
}

function viewOf(countyId: string, settings: CountyMessageSettings | undefined): MessageTemplatesView {
  const signName = settings?.sms?.signName ?? DEFAULT_SIGN_NAME;
  const effective = templatesFor(settings?.templates);
  return {
    countyId,
    signName,
    provider: settings?.sms?.provider ?? null,
    ratingUrl: settings?.ratingUrl ?? null,
    limits: {
      charsPerSegment: SMS_SINGLE_SEGMENT_CHARS,
      charsMax: SMS_CHARS_MAX,
      segmentsMax: SMS_SEGMENTS_MAX,
      ratingUrlCharsMax: VARIABLES.ratingUrl.charsMax,
    },
    events: MESSAGE_EVENT_KINDS.map((event) => {
      const template = effective[event];
      const chars = worstCaseChars(event, template, signName);
      const [labelZh, label] = EVENT_LABELS[event];
      return {
        event,
        audience: audienceOf(event),
        labelZh,
        label,
        template,
        own: settings?.templates?.templates[event] !== undefined,
        defaultTemplate: DEFAULT_TEMPLATES[event],
        variables: variablesOf(event).map((name) => ({
          name,
          labelZh: VARIABLES[name].labelZh,
          label: VARIABLES[name].label,
          charsMax: VARIABLES[name].charsMax,
        })),
        charsMax: chars,
        segments: smsSegments(chars),
      };
    }),
    updatedAt: settings?.updatedAt ?? null,
    updatedBy: settings?.updatedBy ?? null,
  };
}

/** The county's texts, each event's variables and longest length, its signature and 好差评 link. */
export async function readMessageTemplates(
  deps: MessageTemplatesDeps,
  actor: Actor,
  countyId: string,
): Promise<MessageTemplatesView> {
  requireAuthorized(actor, "messageTemplate.administer", { countyId });
  await existingCounty(deps, countyId);
  return viewOf(countyId, await store(deps).countySettings(countyId));
}

export interface SaveMessageTemplatesRequest {
  /** Event → text: the county's own texts. An event left out, or given its default text, uses the default. */
  templates: Record<string, unknown>;
  /** The county's 好差评 link; null removes it (then no 办结告知 message is sent). */
  ratingUrl?: string | null;
}

function ratingUrlProblems(ratingUrl: unknown): FieldError[] {
  if (ratingUrl === undefined || ratingUrl === null) return [];
  const parsed = variableSchema("ratingUrl").safeParse(ratingUrl);
  if (parsed.success) return [];
  const issue = parsed.error.issues[0];
  const zh = (issue as { params?: { zh?: string } } | undefined)?.params?.zh;
  return [
    {
      path: "body.ratingUrl",
      message: issue?.message ?? "not a valid link",
      messageZh: `好差评链接${zh ? `：${zh}` : "不正确"}`,
    },
  ];
}

/**
 * Saves the county's own texts and 好差评 link (the SMS channel settings are kept as they are).
 * Every problem of every field is reported at once; a refused set writes nothing.
 */
export async function saveMessageTemplates(
  deps: MessageTemplatesDeps,
  actor: Actor,
  countyId: string,
  request: SaveMessageTemplatesRequest,
): Promise<MessageTemplatesView> {
  requireAuthorized(actor, "messageTemplate.administer", { countyId });
  await existingCounty(deps, countyId);
  const messages = store(deps);
  const before = await messages.countySettings(countyId);
  const signName = before?.sms?.signName ?? DEFAULT_SIGN_NAME;
  const fields: FieldError[] = [];
  let own: Partial<Record<MessageEventKind, string>> = {};
  try {
    own = parseCountyTemplates({ templates: request.templates }, signName).templates;
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    fields.push(...error.fields.map((f) => ({ ...f, path: `body.${f.path}` })));
  }
  fields.push(...ratingUrlProblems(request.ratingUrl));
  if (fields.length > 0) {
    throw new ValidationError("the message templates break the SMS rules", "消息模板不符合短信规则", {
      fields,
    });
  }
  // Only texts that differ from the default are the county's own.
  const templates = Object.fromEntries(
    Object.entries(own).filter(([event, text]) => text !== DEFAULT_TEMPLATES[event as MessageEventKind]),
  ) as Partial<Record<MessageEventKind, string>>;
  const ratingUrl = request.ratingUrl === undefined ? before?.ratingUrl : (request.ratingUrl ?? undefined);
  const at = deps.now().toISOString();
  const settings: CountyMessageSettings = {
    countyId,
    templates: { templates },
    ...(before?.sms ? { sms: before.sms } : {}),
    ...(ratingUrl ? { ratingUrl } : {}),
    updatedAt: at,
    updatedBy: actor.userId,
  };
  const changed = MESSAGE_EVENT_KINDS.filter(
    (event) => before?.templates?.templates[event] !== templates[event],
  );
  // The same texts again (a repeated save, a twin request) change nothing and are not audited.
  if (before && changed.length === 0 && before.ratingUrl === ratingUrl) return viewOf(countyId, before);
  if (!(await messages.putCountySettings(settings, before?.updatedAt))) {
    throw new ConflictError(
      "The county's message texts were saved by someone else meanwhile; reload and save again",
      "本县短信模板刚被他人修改，请刷新后重新保存",
    );
  }
  await deps.audit.append({
    countyId,
    actor: { userId: actor.userId, name: actor.name, roles: actor.roles },
    action: "messageSettings.update",
    resourceType: "county",
    resourceId: countyId,
    reason: "county message settings updated",
    before: {
      templates: Object.fromEntries(changed.map((e) => [e, before?.templates?.templates[e] ?? null])),
      ratingUrl: before?.ratingUrl ?? null,
    },
    after: {
      templates: Object.fromEntries(changed.map((e) => [e, templates[e] ?? null])),
      ratingUrl: ratingUrl ?? null,
    },
  });
  return viewOf(countyId, settings);
}
