/**
 * Renders one event with a county's texts: the checked values put into the template, the signature
 * before it, the length counted as the provider counts it. The result carries both the text (the
 * inbox, AWS End User Messaging) and the variables by name and in template order (Alibaba Cloud's
 * TemplateParam JSON, Tencent Cloud's TemplateParamSet), so every channel sends the same words.
 */
import { BusinessRuleError } from "../errors.ts";
import {
  type Audience,
  audienceOf,
  type MessageEvent,
  type MessageEventKind,
  parseMessageEvent,
} from "./events.ts";
import { SMS_CHARS_MAX, SMS_SEGMENTS_MAX, signatureText, smsChars, smsSegments } from "./sms.ts";
import { parseTemplate, placeholderOrder, type TemplateSet } from "./templates.ts";
import { isVariableName, type VariableName, variableText } from "./variables.ts";

export interface RenderedMessage {
  event: MessageEventKind;
  audience: Audience;
  /** The body without the signature: what the inbox shows. */
  text: string;
  signName: string;
  /** 【signature】 + body: what the phone shows, counted for length. */
  signedText: string;
  /** Each placeholder's rendered value. */
  params: Readonly<Record<string, string>>;
  /** Placeholder names in the order they first appear in the template. */
  paramOrder: readonly string[];
  chars: number;
  segments: number;
}

/** A message that would not fit two segments: a value longer than its budget met a long template. */
export class MessageTooLongError extends BusinessRuleError {
  override readonly code = "MESSAGE_TOO_LONG";
}

/** A template that does not parse or names a variable its event lacks (refused when it was saved). */
export class MessageTemplateError extends BusinessRuleError {
  override readonly code = "MESSAGE_TEMPLATE_INVALID";
}

export interface RenderOptions {
  templates: TemplateSet;
  /** The county's SMS signature (签名), without brackets. */
  signName: string;
}

/** Renders an event (checked again here, so a hand-built or stored event cannot slip past the rules). */
export function renderMessage(input: MessageEvent | unknown, options: RenderOptions): RenderedMessage {
  const event = parseMessageEvent(input);
  const template = options.templates[event.kind];
  const parsed = parseTemplate(template);
  if ("problem" in parsed) {
    throw new MessageTemplateError(`the template of ${event.kind} does not parse`, "消息模板格式不正确");
  }
  const values = event.values as Readonly<Record<string, string | number>>;
  const params: Record<string, string> = {};
  for (const name of placeholderOrder(parsed.parts)) {
    const value = values[name];
    if (!isVariableName(name) || value === undefined) {
      throw new MessageTemplateError(
        `the template of ${event.kind} uses {${name}}, which the event lacks`,
        "消息模板使用了未提供的变量",
      );
    }
    params[name] = variableText(name as VariableName, value);
  }
  const text = parsed.parts.map((part) => ("text" in part ? part.text : params[part.variable])).join("");
  const rendered = assembled(event, text, options.signName, placeholderOrder(parsed.parts), params);
  if (rendered.chars > SMS_CHARS_MAX) {
    throw new MessageTooLongError(
      `${event.kind} renders to ${rendered.chars} characters, more than ${SMS_SEGMENTS_MAX} SMS segments`,
      `消息超过 ${SMS_SEGMENTS_MAX} 条短信长度`,
      { details: { event: event.kind, chars: rendered.chars } },
    );
  }
  return rendered;
}

/** What a rendering stores of itself; the rest follows from these and its event (`restoredRendering`). */
export type StoredRendering = Pick<RenderedMessage, "text" | "signName" | "paramOrder">;

/**
 * A stored rendering made whole again, as `renderMessage` made it: each placeholder's value from the
 * event, the signed text, its length and segments (the text itself is kept as rendered then, with the
 * county's template of that day).
 */
export function restoredRendering(event: MessageEvent, stored: StoredRendering): RenderedMessage {
  const values = event.values as Readonly<Record<string, string | number>>;
  const params: Record<string, string> = {};
  for (const name of stored.paramOrder) {
    const value = values[name];
    if (isVariableName(name) && value !== undefined) params[name] = variableText(name, value);
  }
  return assembled(event, stored.text, stored.signName, stored.paramOrder, params);
}

function assembled(
  event: MessageEvent,
  text: string,
  signName: string,
  paramOrder: readonly string[],
  params: Readonly<Record<string, string>>,
): RenderedMessage {
  const signedText = `${signatureText(signName)}${text}`;
  const chars = smsChars(signedText);
  return {
    event: event.kind,
    audience: audienceOf(event.kind),
    text,
    signName,
    signedText,
    params,
    paramOrder,
    chars,
    segments: smsSegments(chars),
  };
}
