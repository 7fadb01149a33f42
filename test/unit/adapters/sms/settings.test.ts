/**
 * A county's SMS channel as data (issue 24): the provider settings are checked field by field in both
 * languages; the provider keys come from the secret (by county, else `*`), and the channel built is
 * the county's provider.
 */
import { describe, expect, it } from "vitest";
import { readSmsCredentials, smsChannelFor } from "#adapters/sms/index.ts";
import { ValidationError } from "#core/errors.ts";
import { parseSmsSettings } from "#core/messages/smsSettings.ts";

const SECRET = JSON.stringify({
  "*": { aliyun: { accessKeyId: "LTAI-default", accessKeySecret: "default-secret" } },
  "230123": { tencent: { secretId: "AKID-county", secretKey: "county-secret" } },
});

describe("SMS settings", () => {
  it("Noncompliance: a signature with brackets, a wrong template code and an unknown event are refused by field", () => {
    let error: unknown;
    try {
      parseSmsSettings({
        provider: "aliyun",
        signName: "【示例县民政局】",
        templateCodes: { "money-sent": "154950909", "lottery-won": "SMS_1234" },
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ValidationError);
    const fields = (error as ValidationError).fields;
    expect(fields.find((f) => f.path === "signName")?.messageZh).toContain("不含【】");
    expect(fields.find((f) => f.path === "templateCodes.money-sent")?.messageZh).toContain("SMS_154950909");
    expect(fields.some((f) => f.path.startsWith("templateCodes"))).toBe(true);
  });

  it("Noncompliance: an unknown provider is named in both languages", () => {
    expect(() => parseSmsSettings({ provider: "carrier-pigeon", signName: "示例县民政局" })).toThrow(
      ValidationError,
    );
  });

  it("Compliance: the county's own keys are used before the deployment's, and the provider decides the channel", async () => {
    const credentials = await readSmsCredentials({ AIDFLOW_SMS_CREDENTIALS: SECRET });
    const tencent = smsChannelFor(
      "230123",
      parseSmsSettings({
        provider: "tencent",
        signName: "示例县民政局",
        smsSdkAppId: "1400006666",
        templateIds: {},
      }),
      credentials,
    );
    expect(tencent.provider).toBe("tencent");
    const aliyun = smsChannelFor(
      "230124",
      parseSmsSettings({ provider: "aliyun", signName: "另一县民政局", templateCodes: {} }),
      credentials,
    );
    expect(aliyun.provider).toBe("aliyun");
    expect(() =>
      smsChannelFor(
        "230124",
        parseSmsSettings({
          provider: "tencent",
          signName: "另一县民政局",
          smsSdkAppId: "1400006666",
          templateIds: {},
        }),
        credentials,
      ),
    ).toThrow(/no tencent SMS credentials for county 230124/);
  });

  it("a secret that is not the expected JSON is refused at read, naming the variable", async () => {
    await expect(readSmsCredentials({ AIDFLOW_SMS_CREDENTIALS: "{not json" })).rejects.toThrow(
      /AIDFLOW_SMS_CREDENTIALS_SECRET_ID: must be JSON/,
    );
  });
});
