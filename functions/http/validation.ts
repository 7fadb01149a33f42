/**
 * zod issues → field errors `{ path, message, messageZh }` (clear, field-level errors in
 * English and Chinese). Common zod issue kinds get a readable Chinese message here; a schema gives its
 * own bilingual message with `bilingual("Amount is required", "请填写金额")` — the two texts travel in
 * zod's one message string, split again here.
 */

import type { z } from "zod";
import type { FieldError } from "#core/errors.ts";
import { ValidationError } from "#core/errors.ts";

const SEPARATOR = "\u241E"; // ␞ — never typed by a person, survives zod untouched

/** A custom message in both languages, for any zod check: `z.string().min(1, bilingual(en, zh))`. */
export function bilingual(message: string, messageZh: string): string {
  return `${message}${SEPARATOR}${messageZh}`;
}

type Issue = z.core.$ZodIssue;

const ORIGIN_ZH: Record<string, string> = {
  string: "长度",
  array: "条目数",
  set: "条目数",
  number: "数值",
  bigint: "数值",
  int: "数值",
  date: "日期",
  file: "文件大小",
};

const FORMAT_ZH: Record<string, string> = {
  email: "电子邮箱",
  url: "网址",
  uuid: "UUID",
  datetime: "日期时间（ISO 8601）",
  date: "日期（YYYY-MM-DD）",
  time: "时间",
  regex: "规定格式",
  starts_with: "规定前缀",
  ends_with: "规定后缀",
  includes: "规定内容",
};

const TYPE_ZH: Record<string, string> = {
  string: "文本",
  number: "数字",
  int: "整数",
  boolean: "布尔值",
  object: "对象",
  array: "数组",
  date: "日期",
  bigint: "整数",
};

function bound(issue: { minimum?: unknown; maximum?: unknown }, key: "minimum" | "maximum"): string {
  return String(issue[key]);
}

/** Chinese (and, for the missing-field case, a clearer English) message for one zod issue. */
function describe(issue: Issue): { message: string; messageZh: string } {
  switch (issue.code) {
    case "invalid_type": {
      if (issue.input === undefined) return { message: "Required", messageZh: "必填项" };
      const expected = TYPE_ZH[issue.expected] ?? issue.expected;
      return { message: issue.message, messageZh: `类型不正确，应为${expected}` };
    }
    case "too_small": {
      const what = ORIGIN_ZH[issue.origin] ?? "数值";
      if (issue.origin === "string" && Number(issue.minimum) === 1) {
        return { message: issue.message, messageZh: "不能为空" };
      }
      const op = issue.exact ? "应为" : issue.inclusive === false ? "应大于" : "不能小于";
      return { message: issue.message, messageZh: `${what}${op} ${bound(issue, "minimum")}` };
    }
    case "too_big": {
      const what = ORIGIN_ZH[issue.origin] ?? "数值";
      const op = issue.exact ? "应为" : issue.inclusive === false ? "应小于" : "不能大于";
      return { message: issue.message, messageZh: `${what}${op} ${bound(issue, "maximum")}` };
    }
    case "invalid_format":
      return {
        message: issue.message,
        messageZh: `格式不正确，应为${FORMAT_ZH[issue.format] ?? issue.format}`,
      };
    case "invalid_value":
      return {
        message: issue.message,
        // Values that are codes (letters) are not shown to a zh-CN reader; numbers and dates are.
        messageZh: issue.values.some((v) => /[A-Za-z]/.test(String(v)))
          ? "取值无效，请从可选项中选择"
          : `取值无效，可选值：${issue.values.map((v) => String(v)).join("、")}`,
      };
    case "unrecognized_keys":
      return { message: issue.message, messageZh: `不允许的字段：${issue.keys.join("、")}` };
    case "not_multiple_of":
      return { message: issue.message, messageZh: `应为 ${String(issue.divisor)} 的整数倍` };
    case "invalid_union":
      return { message: issue.message, messageZh: "内容不符合任何允许的格式" };
    case "invalid_key":
      return { message: issue.message, messageZh: "字段名无效" };
    case "invalid_element":
      return { message: issue.message, messageZh: "元素无效" };
    default:
      return { message: issue.message, messageZh: "内容无效" };
  }
}

export function issueToFieldError(issue: Issue, prefix?: string): FieldError {
  const segments = issue.path.map((segment) => String(segment));
  const path = [...(prefix ? [prefix] : []), ...segments].join(".");
  if (issue.message.includes(SEPARATOR)) {
    const [message = "", messageZh = ""] = issue.message.split(SEPARATOR);
    return { path, message, messageZh };
  }
  // Custom issues carry their Chinese text in `params.messageZh` or, as core/ schemas write it, `params.zh`.
  const params = (issue as { params?: { messageZh?: unknown; zh?: unknown } }).params;
  const described = describe(issue);
  const ownZh = params?.messageZh ?? params?.zh;
  const messageZh = typeof ownZh === "string" ? ownZh : described.messageZh;
  return { path, message: described.message, messageZh };
}

/** Parses `input` with `schema` or throws one ValidationError (400) listing every field. */
export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown, prefix?: string): z.output<S> {
  const result = schema.safeParse(input, { reportInput: true });
  if (result.success) return result.data;
  throw new ValidationError("The request is not valid", "请求内容不符合要求", {
    fields: result.error.issues.map((issue) => issueToFieldError(issue, prefix)),
  });
}

const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * Whether JSON text nests arrays/objects deeper than `maxDepth`, read in one pass over the text with
 * a counter (no recursion, no parse): brackets inside strings do not count. Malformed text is not
 * judged here; `JSON.parse` refuses it afterwards.
 */
export function jsonNestingExceeds(text: string, maxDepth: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (inString) {
      if (code === BACKSLASH) i++;
      else if (code === QUOTE) inString = false;
    } else if (code === QUOTE) {
      inString = true;
    } else if (code === OPEN_BRACE || code === OPEN_BRACKET) {
      if (++depth > maxDepth) return true;
    } else if (code === CLOSE_BRACE || code === CLOSE_BRACKET) {
      depth--;
    }
  }
  return false;
}
