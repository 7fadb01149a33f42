/**
 * A county's SMS channel as configuration data: which provider, the approved signature, and the
 * provider's template code for each event (an event without a code reaches the inbox only).
 * Credentials are not here: they live in the secret store (functions/adapters/sms/credentials.ts).
 */
import * as z from "zod";
import { type FieldError, ValidationError } from "../errors.ts";
import { MESSAGE_EVENT_KINDS, type MessageEventKind } from "./events.ts";
import { SIGN_NAME_CHARS_MAX, SIGN_NAME_CHARS_MIN, smsChars } from "./sms.ts";

export const SMS_PROVIDERS = ["aliyun", "tencent", "aws"] as const;
export type SmsProvider = (typeof SMS_PROVIDERS)[number];

const zh = (message: string, messageZh: string) => ({ message, params: { zh: messageZh } });

const SignName = z
  .string()
  .refine(
    (s) =>
      smsChars(s) >= SIGN_NAME_CHARS_MIN &&
      smsChars(s) <= SIGN_NAME_CHARS_MAX &&
      /^[\p{Script=Han}A-Za-z0-9]+$/u.test(s),
    zh(
      `${SIGN_NAME_CHARS_MIN}–${SIGN_NAME_CHARS_MAX} Chinese characters, letters or digits, without 【】`,
      `签名须为 ${SIGN_NAME_CHARS_MIN}–${SIGN_NAME_CHARS_MAX} 个汉字、字母或数字，不含【】`,
    ),
  );

function codes(pattern: RegExp, example: string) {
  const code = z
    .string()
    .refine((s) => pattern.test(s), zh(`a template code such as ${example}`, `须为模板编号，如 ${example}`));
  return z.partialRecord(z.enum(MESSAGE_EVENT_KINDS as [MessageEventKind, ...MessageEventKind[]]), code);
}

const Aliyun = z.strictObject({
  provider: z.literal("aliyun"),
  signName: SignName,
  /** Alibaba Cloud SMS template codes (模板 CODE), e.g. SMS_154950909. */
  templateCodes: codes(/^SMS_\d{4,12}$/, "SMS_154950909"),
  /** Endpoint of the API; the Chinese mainland's by default. */
  endpoint: z.string().min(1).default("dysmsapi.aliyuncs.com"),
});

const Tencent = z.strictObject({
  provider: z.literal("tencent"),
  signName: SignName,
  /** SmsSdkAppId of the SMS application, e.g. 1400006666. */
  smsSdkAppId: z
    .string()
    .refine(
      (s) => /^14\d{8}$/.test(s),
      zh("an SmsSdkAppId such as 1400006666", "须为短信应用 SDK AppID，如 1400006666"),
    ),
  /** Tencent Cloud SMS template ids (模板 ID), e.g. 1110. */
  templateIds: codes(/^\d{1,10}$/, "1110"),
  region: z.string().min(1).default("ap-guangzhou"),
});

const Aws = z.strictObject({
  provider: z.literal("aws"),
  /** Put before the body as 【…】, as the providers in China do, so the length rules stay one. */
  signName: SignName,
  /** Phone number, sender id or pool (id or ARN) the messages go from. */
  originationIdentity: z.string().min(1).max(256),
  configurationSetName: z.string().min(1).max(256).optional(),
  region: z
    .string()
    .regex(/^[a-z]{2}(-[a-z]+)+-\d$/, "an AWS region such as eu-west-1")
    .optional(),
});

export const SmsSettingsSchema = z.discriminatedUnion("provider", [Aliyun, Tencent, Aws]);
export type SmsSettings = z.output<typeof SmsSettingsSchema>;
export type AliyunSmsSettings = Extract<SmsSettings, { provider: "aliyun" }>;
export type TencentSmsSettings = Extract<SmsSettings, { provider: "tencent" }>;
export type AwsSmsSettings = Extract<SmsSettings, { provider: "aws" }>;

/** Checks a county's SMS settings; refuses them field by field in both languages. */
export function parseSmsSettings(input: unknown): SmsSettings {
  const parsed = SmsSettingsSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const fields: FieldError[] = parsed.error.issues.map((issue) => {
    const zhText = (issue as { params?: { zh?: string } }).params?.zh;
    const path = issue.path.join(".") || "provider";
    if (issue.code === "invalid_union" || (issue.code === "invalid_value" && path === "provider")) {
      return {
        path,
        message: `provider is one of ${SMS_PROVIDERS.join(", ")}`,
        messageZh: "短信平台须为 aliyun（阿里云）、tencent（腾讯云）或 aws",
      };
    }
    return { path, message: issue.message, messageZh: zhText ?? "内容不正确" };
  });
  throw new ValidationError("the SMS settings are not valid", "短信配置不正确", { fields });
}

/** The provider's template code for an event, if the county registered one. */
export function templateCodeOf(settings: SmsSettings, event: MessageEventKind): string | undefined {
  if (settings.provider === "aliyun") return settings.templateCodes[event];
  if (settings.provider === "tencent") return settings.templateIds[event];
  return undefined;
}
