/**
 * The SMS providers' access keys, kept in one Secrets Manager secret (SMS_CREDENTIALS of
 * functions/runtime/environment.ts; locally `.data/secrets.json` through an `env:`/`file:`
 * reference, functions/runtime/parameters.ts) as JSON keyed by county code or `*`:
 *
 *   {"*": {"aliyun": {"accessKeyId": "…", "accessKeySecret": "…"}},
 *    "230123": {"tencent": {"secretId": "…", "secretKey": "…"}}}
 *
 * AWS End User Messaging needs no entry: the function's role sends.
 */
import * as z from "zod";
import type { SmsProvider } from "#core/messages/smsSettings.ts";
import { SMS_CREDENTIALS } from "#functions/runtime/environment.ts";
import { fetchStoredValue } from "#functions/runtime/parameters.ts";

const Aliyun = z.strictObject({ accessKeyId: z.string().min(1), accessKeySecret: z.string().min(1) });
const Tencent = z.strictObject({ secretId: z.string().min(1), secretKey: z.string().min(1) });
const Entry = z.strictObject({ aliyun: Aliyun.optional(), tencent: Tencent.optional() });

export type AliyunCredentials = z.output<typeof Aliyun>;
export type TencentCredentials = z.output<typeof Tencent>;
export type SmsCredentials = Readonly<Record<string, z.output<typeof Entry>>>;

/** The secret's text → the checked map (for config.ts's `stored`, or `readSmsCredentials`). */
export function smsCredentialsSchema(): z.ZodType<SmsCredentials, string> {
  return z
    .string()
    .transform((text, ctx) => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        ctx.addIssue({
          code: "custom",
          message: 'must be JSON {"*":{"aliyun":{"accessKeyId":"…","accessKeySecret":"…"}}}',
        });
        return z.NEVER;
      }
    })
    .pipe(
      z
        .record(z.string().regex(/^(\*|\d{6})$/, "a 6-digit county code or *"), Entry)
        .refine((map) => Object.keys(map).length > 0, "names no county"),
    );
}

/** Reads and checks the secret: in AWS from Secrets Manager by its id, locally from the stand-in. */
export async function readSmsCredentials(env: Record<string, string | undefined>): Promise<SmsCredentials> {
  const id = env[SMS_CREDENTIALS.idEnv]?.trim() || `env:${SMS_CREDENTIALS.valueEnv}`;
  const text = await fetchStoredValue(SMS_CREDENTIALS.kind, id, env);
  if (!text) throw new Error(`${SMS_CREDENTIALS.idEnv}: ${id} holds no SMS credentials`);
  const parsed = smsCredentialsSchema().safeParse(text);
  if (!parsed.success)
    throw new Error(`${SMS_CREDENTIALS.idEnv}: ${parsed.error.issues[0]?.message ?? "is invalid"}`);
  return parsed.data;
}

/** The county's own keys for a provider, else the deployment's (`*`). */
export function credentialsFor<P extends Exclude<SmsProvider, "aws">>(
  credentials: SmsCredentials,
  countyId: string,
  provider: P,
): P extends "aliyun" ? AliyunCredentials : TencentCredentials {
  const found = credentials[countyId]?.[provider] ?? credentials["*"]?.[provider];
  if (!found) throw new Error(`no ${provider} SMS credentials for county ${countyId} (nor for *)`);
  return found as P extends "aliyun" ? AliyunCredentials : TencentCredentials;
}
