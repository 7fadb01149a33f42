/**
 * Turns zod issues into a `ValidationError` with field-level English and Chinese messages
 * (ARCHITECTURE §3.7). Custom issues carry their Chinese text in `params.zh`.
 */
import type { z } from "zod";
import { type FieldError, ValidationError } from "../errors.ts";

export function issueToField(issue: z.core.$ZodIssue, prefix = ""): FieldError {
  const path = [prefix, ...issue.path.map(String)].filter((p) => p !== "").join(".");
  return { path, message: issue.message, messageZh: chineseFor(issue) };
}

export function toValidationError(
  error: z.ZodError,
  what: string,
  whatZh: string,
  prefix = "",
): ValidationError {
  const fields = error.issues.map((i) => issueToField(i, prefix));
  return new ValidationError(
    `${what} is invalid: ${fields.map((f) => `${f.path || "(root)"}: ${f.message}`).join("; ")}`,
    `${whatZh}无效：${fields.map((f) => `${f.path || "(根)"}：${f.messageZh}`).join("；")}`,
    { fields },
  );
}

/** Parses with a schema or throws the typed error. */
export function parseWith<S extends z.ZodType>(
  schema: S,
  input: unknown,
  what: string,
  whatZh: string,
  prefix = "",
): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw toValidationError(result.error, what, whatZh, prefix);
  return result.data;
}

function chineseFor(issue: z.core.$ZodIssue): string {
  const params = (issue as { params?: { zh?: unknown } }).params;
  if (params && typeof params.zh === "string") return params.zh;
  switch (issue.code) {
    case "too_small":
      return `不得小于 ${String(issue.minimum)}`;
    case "too_big":
      return `不得大于 ${String(issue.maximum)}`;
    case "invalid_type":
      return issue.input === undefined ? "必填" : "类型不正确";
    case "invalid_format":
      return "格式不正确";
    case "invalid_value":
      return "取值不在允许范围内";
    case "unrecognized_keys":
      return `不认识的字段：${issue.keys.join("、")}`;
    case "not_multiple_of":
      return `须为 ${String(issue.divisor)} 的整数倍`;
    default:
      return "取值无效";
  }
}
