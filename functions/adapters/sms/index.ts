/**
 * The county's SMS channel from its settings (core/messages/smsSettings.ts) and the deployment's
 * provider keys (credentials.ts): what a dispatcher asks for, per county, before it sends.
 */
import type { SmsSettings } from "#core/messages/smsSettings.ts";
import type { SmsChannel } from "#functions/services/messages/sms-channel.ts";
import { AliyunSmsChannel, type AliyunSmsOptions } from "./aliyun.ts";
import { AwsSmsChannel } from "./aws.ts";
import { credentialsFor, type SmsCredentials } from "./credentials.ts";
import { TencentSmsChannel, type TencentSmsOptions } from "./tencent.ts";

export { AliyunSmsChannel } from "./aliyun.ts";
export { AwsSmsChannel } from "./aws.ts";
export {
  credentialsFor,
  readSmsCredentials,
  type SmsCredentials,
  smsCredentialsSchema,
} from "./credentials.ts";
export { TencentSmsChannel } from "./tencent.ts";

export interface SmsChannelOptions {
  aliyun?: AliyunSmsOptions;
  tencent?: TencentSmsOptions;
}

export function smsChannelFor(
  countyId: string,
  settings: SmsSettings,
  credentials: SmsCredentials,
  options: SmsChannelOptions = {},
): SmsChannel {
  switch (settings.provider) {
    case "aliyun":
      return new AliyunSmsChannel(settings, credentialsFor(credentials, countyId, "aliyun"), options.aliyun);
    case "tencent":
      return new TencentSmsChannel(
        settings,
        credentialsFor(credentials, countyId, "tencent"),
        options.tencent,
      );
    case "aws":
      return new AwsSmsChannel(settings);
  }
}
