/**
 * The variables a message may carry, each with its kind and the most characters it renders to
 * (DOMAIN §8: texts carry no ID number, no full name, the account's last four digits at most). A
 * value is checked by its kind before it reaches a template, so a template can never receive a full
 * name, an ID number or a whole account: the schemas below refuse them. The character budgets are
 * what the length check of every template (overrides.ts) counts with.
 */
import * as z from "zod";
import { isLocalDate } from "../calendar/localDate.ts";
import { maskName } from "../identity/masking.ts";
import { Yuan } from "../money/yuan.ts";

export type VariableKind =
  | "salutation"
  | "caseNumber"
  | "text"
  | "amount"
  | "accountTail"
  | "date"
  | "dateTime"
  | "count"
  | "url";

export interface VariableSpec {
  kind: VariableKind;
  /** Most characters the rendered value may have (the template length check counts with it). */
  charsMax: number;
  /** What the county administrator sees beside the placeholder. */
  labelZh: string;
  label: string;
}

/** Providers cap a notification variable (阿里云 35 characters, 华为云 TEXT 20): 20 fits all of them. */
const PROVIDER_VARIABLE_CHARS_MAX = 20; // not-policy: provider's variable length

/** 1–2 character surname + 先生/女士, or a masked name such as 张* (core/identity/masking.ts). */
const SALUTATION_CHARS_MAX = 4;
/** Case ids are `C<yyyymmdd>-<10 hex>` (functions/services/filing.ts): 19 characters. */
const CASE_NUMBER_CHARS_MAX = 20; // not-policy: characters of a case id
/** The longest township names in use (e.g. 鄂温克族苏木, 达斡尔族乡) are well under 12 characters. */
const TOWNSHIP_CHARS_MAX = 12; // not-policy: characters of a township name
/** 中国邮政储蓄银行 is 8; 12 leaves room for a rural credit cooperative's short name. */
const BANK_CHARS_MAX = 12; // not-policy: characters of a bank name
/** Amounts up to ¥9,999,999.99: "9,999,999.99" is 12 characters. */
const AMOUNT_CHARS_MAX = 12; // not-policy: characters of an amount
export const AMOUNT_FEN_MAX = 999_999_999;
const ACCOUNT_TAIL_DIGITS = 4;
/** 12月31日. */
const DATE_CHARS_MAX = 6; // not-policy: characters of 12月31日
/** 12月31日23:59. */
const DATE_TIME_CHARS_MAX = 11;
/** Stage numbers: a plan has at most 12 stages (core/policy/bounds.ts stagedPlanMaxStages). */
const COUNT_MAX = 99;
const COUNT_CHARS_MAX = 2;
const REASON_CHARS_MAX = PROVIDER_VARIABLE_CHARS_MAX;
const ITEMS_CHARS_MAX = PROVIDER_VARIABLE_CHARS_MAX;
const OUTCOME_CHARS_MAX = 16;
const TASK_CHARS_MAX = 10; // not-policy: characters of a task name
const URL_CHARS_MAX = 30; // not-policy: characters of a link in a text message

export const VARIABLES = {
  salutation: { kind: "salutation", charsMax: SALUTATION_CHARS_MAX, labelZh: "称呼", label: "salutation" },
  caseNumber: {
    kind: "caseNumber",
    charsMax: CASE_NUMBER_CHARS_MAX,
    labelZh: "案件编号",
    label: "case number",
  },
  township: { kind: "text", charsMax: TOWNSHIP_CHARS_MAX, labelZh: "乡镇（街道）", label: "township" },
  amount: { kind: "amount", charsMax: AMOUNT_CHARS_MAX, labelZh: "金额（元）", label: "amount (yuan)" },
  bank: { kind: "text", charsMax: BANK_CHARS_MAX, labelZh: "开户银行", label: "bank" },
  accountTail: {
    kind: "accountTail",
    charsMax: ACCOUNT_TAIL_DIGITS,
    labelZh: "账号后四位",
    label: "account tail",
  },
  decideBy: { kind: "date", charsMax: DATE_CHARS_MAX, labelZh: "答复期限", label: "decision due" },
  dueDate: { kind: "date", charsMax: DATE_CHARS_MAX, labelZh: "截止日期", label: "due date" },
  noticeFrom: { kind: "date", charsMax: DATE_CHARS_MAX, labelZh: "公示开始", label: "notice from" },
  noticeTo: { kind: "date", charsMax: DATE_CHARS_MAX, labelZh: "公示结束", label: "notice to" },
  deadline: { kind: "dateTime", charsMax: DATE_TIME_CHARS_MAX, labelZh: "处理时限", label: "deadline" },
  reason: { kind: "text", charsMax: REASON_CHARS_MAX, labelZh: "原因", label: "reason" },
  items: { kind: "text", charsMax: ITEMS_CHARS_MAX, labelZh: "需补材料", label: "documents to bring" },
  outcome: { kind: "text", charsMax: OUTCOME_CHARS_MAX, labelZh: "跟进结果", label: "follow-up outcome" },
  stage: { kind: "count", charsMax: COUNT_CHARS_MAX, labelZh: "期次", label: "stage" },
  stages: { kind: "count", charsMax: COUNT_CHARS_MAX, labelZh: "总期数", label: "stages" },
  task: { kind: "text", charsMax: TASK_CHARS_MAX, labelZh: "待办事项", label: "task" },
  ratingUrl: { kind: "url", charsMax: URL_CHARS_MAX, labelZh: "好差评链接", label: "rating link" },
} as const satisfies Record<string, VariableSpec>;

export type VariableName = keyof typeof VARIABLES;
export const VARIABLE_NAMES = Object.keys(VARIABLES) as VariableName[];

/** The value an event carries for a variable: amounts in integer fen, counts as integers, the rest text. */
export type VariableValue<N extends VariableName> = (typeof VARIABLES)[N]["kind"] extends "amount" | "count"
  ? number
  : string;

export function isVariableName(name: string): name is VariableName {
  return Object.hasOwn(VARIABLES, name);
}

// ---------------------------------------------------------------------------------------------
// Personal data a text must never carry (DOMAIN §7, §8). Shared by the value schemas, the override
// check and the tests' scan over every rendered message.

/** An 18-digit resident ID number (last character a digit or X) or an old 15-digit one. */
export const ID_NUMBER_PATTERN = /(?<!\d)(\d{17}[\dXx]|\d{15})(?![\dXx])/;
/** A whole bank account: 12 or more digits in a row (card numbers are 16–19). */
export const FULL_ACCOUNT_PATTERN = /\d{12,}/;
/** A mainland mobile number. */
export const MOBILE_PATTERN = /(?<!\d)1[3-9]\d{9}(?!\d)/;
/** Digits in a row that a free text must not hold: long enough to be a phone, an ID or an account. */
const DIGIT_RUN_PATTERN = /\d{7,}/;
/** The signature's brackets: a body holding them could pass for another sender (providers refuse them). */
export const SIGNATURE_BRACKETS = /[【】[\]]/;

const zh = (message: string, messageZh: string) => ({ message, params: { zh: messageZh } });

const chars = (text: string) => [...text].length;

function textSchema(charsMax: number) {
  return z
    .string()
    .refine((s) => s.trim() !== "", zh("must not be empty", "不能为空"))
    .refine((s) => chars(s) <= charsMax, zh(`at most ${charsMax} characters`, `不得超过 ${charsMax} 个字`))
    .refine((s) => !/[\r\n]/.test(s), zh("one line", "不能换行"))
    .refine((s) => !SIGNATURE_BRACKETS.test(s), zh("no 【】 or [] brackets", "不能含【】或[]"))
    .refine(
      (s) => !DIGIT_RUN_PATTERN.test(s),
      zh("no number of 7 or more digits (phone, ID or account)", "不能含 7 位以上数字（电话、证件号或账号）"),
    );
}

const GENDER_SALUTATION = /^\p{Script=Han}{1,2}(先生|女士)$/u;
const MASKED_SALUTATION = /^[\p{Script=Han}A-Za-z]\*{1,3}$/u;

const SCHEMAS: Record<VariableKind, (spec: VariableSpec) => z.ZodType<string | number>> = {
  salutation: () =>
    z
      .string()
      .refine(
        (s) => GENDER_SALUTATION.test(s) || MASKED_SALUTATION.test(s),
        zh(
          "surname with 先生/女士, or a masked name such as 张*",
          "须为姓氏加先生/女士，或遮蔽后的姓名（如 张*）",
        ),
      ),
  caseNumber: (spec) =>
    z
      .string()
      .refine(
        (s) => /^[A-Z]\d{8}-[0-9a-z]{4,11}$/.test(s) && s.length <= spec.charsMax,
        zh("a case number such as C20261206-0a1b2c3d4e", "须为案件编号，如 C20261206-0a1b2c3d4e"),
      ),
  text: (spec) => textSchema(spec.charsMax),
  amount: () =>
    z
      .number()
      .refine(
        (n) => Number.isSafeInteger(n) && n >= 0 && n <= AMOUNT_FEN_MAX,
        zh(`integer fen from 0 to ${AMOUNT_FEN_MAX}`, `须为 0 至 ${AMOUNT_FEN_MAX} 的整数（分）`),
      ),
  accountTail: () =>
    z.string().refine((s) => /^\d{4}$/.test(s), zh("the last 4 digits of the account", "须为账号后四位")),
  date: () => z.string().refine(isLocalDate, zh("a date YYYY-MM-DD", "日期格式须为 YYYY-MM-DD")),
  dateTime: () =>
    z
      .string()
      .refine(
        (s) => /^\d{4}-\d{2}-\d{2}T[\d:.]+(Z|[+-]\d{2}:\d{2})$/.test(s) && Number.isFinite(Date.parse(s)),
        zh("an instant with its offset, e.g. 2026-12-06T15:00:00+08:00", "须为带时区的时间"),
      ),
  count: () =>
    z
      .number()
      .refine(
        (n) => Number.isSafeInteger(n) && n >= 1 && n <= COUNT_MAX,
        zh(`1 to ${COUNT_MAX}`, `须为 1 至 ${COUNT_MAX}`),
      ),
  url: (spec) =>
    z
      .string()
      .refine(
        (s) => /^https:\/\/[\w.-]+(\/[\w./?=&%-]*)?$/.test(s) && s.length <= spec.charsMax,
        zh(
          `an https link of at most ${spec.charsMax} characters`,
          `须为 https 链接，不超过 ${spec.charsMax} 个字符`,
        ),
      ),
};

/** The schema of one variable's value. */
export function variableSchema(name: VariableName): z.ZodType<string | number> {
  const spec: VariableSpec = VARIABLES[name];
  return SCHEMAS[spec.kind](spec);
}

// ---------------------------------------------------------------------------------------------
// Rendering of a checked value.

const SHANGHAI_OFFSET_MS = 8 * 3_600_000;

/** "2026-12-06" → "12月6日" (the month and day as people write them; the year is the current one). */
export function dateText(date: string): string {
  const [, month, day] = date.split("-");
  return `${Number(month)}月${Number(day)}日`;
}

/** An instant → "12月6日15:00" in Asia/Shanghai. */
export function dateTimeText(instant: string | number | Date): string {
  const ms =
    typeof instant === "string"
      ? Date.parse(instant)
      : typeof instant === "number"
        ? instant
        : instant.getTime();
  const shanghai = new Date(ms + SHANGHAI_OFFSET_MS).toISOString();
  const hhmm = shanghai.slice(11, 16);
  return `${dateText(shanghai.slice(0, 10))}${hhmm}`; // not-policy: positions in an ISO timestamp
}

/**
 * Integer fen → "1,234.50": Yuan's own display without its ¥, which belongs to the template's fixed
 * text ("{amount}元") — providers take no currency sign in a variable.
 */
export function amountText(fen: number): string {
  return Yuan.fromFen(fen).format().replace("¥", "");
}

/** Renders a value already checked by `variableSchema`. */
export function variableText(name: VariableName, value: string | number): string {
  switch (VARIABLES[name].kind) {
    case "amount":
      return amountText(value as number);
    case "count":
      return String(value);
    case "date":
      return dateText(value as string);
    case "dateTime":
      return dateTimeText(value as string);
    default:
      return value as string;
  }
}

// ---------------------------------------------------------------------------------------------
// Building the minimal values from personal data, where the event is written.

/** Two-character surnames common enough that 欧先生 for 欧阳 would be wrong. */
const COMPOUND_SURNAMES = [
  "欧阳",
  "司马",
  "上官",
  "诸葛",
  "东方",
  "皇甫",
  "尉迟",
  "公孙",
  "慕容",
  "长孙",
  "宇文",
  "司徒",
  "令狐",
  "夏侯",
  "轩辕",
  "端木",
  "独孤",
  "南宫",
  "西门",
  "百里",
] as const;

/**
 * How a message addresses a person: surname + 先生/女士 when the gender is known (张女士, 欧阳先生),
 * else the masked name of core/identity/masking.ts cut to the salutation's budget (张*). Never the
 * full name.
 */
export function salutation(name: string, gender?: "female" | "male"): string {
  const trimmed = name.trim();
  const isHan = /^\p{Script=Han}+$/u.test(trimmed);
  if (gender && isHan && chars(trimmed) >= 2) {
    const compound = COMPOUND_SURNAMES.find((s) => trimmed.startsWith(s) && chars(trimmed) > 2);
    const surname = compound ?? [...trimmed][0];
    return `${surname}${gender === "female" ? "女士" : "先生"}`;
  }
  const masked = [...maskName(trimmed)];
  if (masked.length < 2) masked.push("*");
  return masked.slice(0, SALUTATION_CHARS_MAX).join("");
}

/** The last four digits of an account number, the most a message may show of it. */
export function accountTail(account: string): string {
  const digits = account.replace(/\s/g, "");
  if (!/^\d{4,}$/.test(digits)) throw new RangeError("an account number of digits");
  return digits.slice(-ACCOUNT_TAIL_DIGITS);
}
