/**
 * A county's own message texts (the county administrator edits them): each replaces the default
 * text of one event and must keep every rule the defaults keep — only the event's own variables,
 * well-formed placeholders, no 【】 (the provider adds the signature), no number long enough to be an
 * ID, a phone or an account, and at most two SMS segments with the signature when every variable is
 * as long as it may be. A refused set is refused whole, field by field, in both languages.
 */
import * as z from "zod";
import { type FieldError, ValidationError } from "../errors.ts";
import { isMessageEventKind, MESSAGE_EVENT_KINDS, type MessageEventKind, variablesOf } from "./events.ts";
import { SIGN_NAME_CHARS_MAX, SMS_CHARS_MAX, SMS_SEGMENTS_MAX, smsChars } from "./sms.ts";
import { DEFAULT_TEMPLATES, parseTemplate, type TemplateSet } from "./templates.ts";
import {
  FULL_ACCOUNT_PATTERN,
  isVariableName,
  MOBILE_PATTERN,
  SIGNATURE_BRACKETS,
  VARIABLES,
} from "./variables.ts";

/** A template's own length, placeholders included: providers take up to 500 characters a message. */
const TEMPLATE_CHARS_MAX = 500;

export interface CountyMessageTemplates {
  /** Event → the county's text; events left out keep the default text. */
  templates: Partial<Record<MessageEventKind, string>>;
}

type Problem = { message: string; messageZh: string };

/**
 * Characters of the message when each variable renders at its longest, signature included. With no
 * signature name the longest a provider accepts is counted.
 */
export function worstCaseChars(kind: MessageEventKind, template: string, signName?: string): number {
  const parsed = parseTemplate(template);
  if ("problem" in parsed) throw new RangeError(`template of ${kind} does not parse: ${parsed.problem}`);
  const signChars = (signName === undefined ? SIGN_NAME_CHARS_MAX : smsChars(signName)) + 2;
  let total = signChars;
  for (const part of parsed.parts) {
    total +=
      "text" in part
        ? smsChars(part.text)
        : isVariableName(part.variable)
          ? VARIABLES[part.variable].charsMax
          : 0;
  }
  return total;
}

/** What is wrong with one event's text, first problem first; empty when it keeps every rule. */
export function templateProblems(kind: MessageEventKind, template: string, signName?: string): Problem[] {
  if (template.trim() === "") return [{ message: "must not be empty", messageZh: "模板内容不能为空" }];
  if (smsChars(template) > TEMPLATE_CHARS_MAX) {
    return [
      {
        message: `at most ${TEMPLATE_CHARS_MAX} characters`,
        messageZh: `模板不得超过 ${TEMPLATE_CHARS_MAX} 个字`,
      },
    ];
  }
  const parsed = parseTemplate(template);
  if ("problem" in parsed) {
    return [
      {
        message: "placeholders are written {name}, with no other { or }",
        messageZh: "变量须写作 {变量名}，不能有多余的 { 或 }",
      },
    ];
  }
  const problems: Problem[] = [];
  const allowed = variablesOf(kind);
  const unknown = parsed.parts.flatMap((p) =>
    "variable" in p && !(allowed as readonly string[]).includes(p.variable) ? [p.variable] : [],
  );
  if (unknown.length > 0) {
    problems.push({
      message: `uses ${unknown.join(", ")}, not a variable of this message (allowed: ${allowed.join(", ")})`,
      messageZh: `使用了本消息不提供的变量 ${unknown.join("、")}（可用：${allowed.map((n) => `{${n}}${VARIABLES[n].labelZh}`).join("、")}）`,
    });
  }
  const fixed = parsed.parts.flatMap((p) => ("text" in p ? [p.text] : [])).join("");
  if (SIGNATURE_BRACKETS.test(fixed)) {
    problems.push({
      message: "must not contain 【】 or []: the provider adds the signature",
      messageZh: "不能含【】或[]：签名由短信平台自动添加",
    });
  }
  if (FULL_ACCOUNT_PATTERN.test(fixed) || MOBILE_PATTERN.test(fixed)) {
    problems.push({
      message: "must not contain a mobile number, an ID number or an account number",
      messageZh: "不能含手机号、证件号码或银行账号",
    });
  }
  if (unknown.length === 0) {
    const chars = worstCaseChars(kind, template, signName);
    if (chars > SMS_CHARS_MAX) {
      problems.push({
        message: `with the signature and the longest values it is ${chars} characters: more than ${SMS_SEGMENTS_MAX} SMS segments (${SMS_CHARS_MAX})`,
        messageZh: `加上签名和最长变量共 ${chars} 个字，超过 ${SMS_SEGMENTS_MAX} 条短信（${SMS_CHARS_MAX} 字），请精简`,
      });
    }
  }
  return problems;
}

const Shape = z.object({ templates: z.record(z.string(), z.unknown()) });

/**
 * Checks a county's texts as the administrator sends them; refuses the whole set with one field
 * error per problem (`templates.<event>`). `signName` is the county's SMS signature, when it has one.
 */
export function parseCountyTemplates(input: unknown, signName?: string): CountyMessageTemplates {
  const shape = Shape.safeParse(input);
  if (!shape.success) {
    throw new ValidationError(
      "message templates are { templates: { <event>: text } }",
      "消息模板格式不正确",
      {
        fields: [
          { path: "templates", message: "an object of event → text", messageZh: "须为 事件 → 模板内容" },
        ],
      },
    );
  }
  const fields: FieldError[] = [];
  const templates: Partial<Record<MessageEventKind, string>> = {};
  for (const [kind, text] of Object.entries(shape.data.templates)) {
    const path = `templates.${kind}`;
    if (!isMessageEventKind(kind)) {
      fields.push({
        path,
        message: `not a message event (known: ${MESSAGE_EVENT_KINDS.join(", ")})`,
        messageZh: "不是可配置的消息事件",
      });
      continue;
    }
    if (typeof text !== "string") {
      fields.push({ path, message: "must be text", messageZh: "模板内容须为文字" });
      continue;
    }
    for (const problem of templateProblems(kind, text, signName)) fields.push({ path, ...problem });
    templates[kind] = text;
  }
  if (fields.length > 0) {
    throw new ValidationError("the message templates break the SMS rules", "消息模板不符合短信规则", {
      fields,
    });
  }
  return { templates };
}

/** The county's effective texts: its own where it has them, the defaults elsewhere. */
export function templatesFor(county?: CountyMessageTemplates): TemplateSet {
  return { ...DEFAULT_TEMPLATES, ...(county?.templates ?? {}) };
}
