/**
 * AWS End User Messaging SMS (pinpoint-sms-voice-v2) behind the SMS channel port, for deployments
 * outside China: SendTextMessage of the rendered text with the county's signature before it (there
 * are no provider templates), TRANSACTIONAL, from the county's origination identity; Context carries
 * AidFlow's message id. The client makes one attempt: retries are the dispatcher's, with backoff.
 */
import {
  PinpointSMSVoiceV2Client,
  PinpointSMSVoiceV2ServiceException,
  SendTextMessageCommand,
} from "@aws-sdk/client-pinpoint-sms-voice-v2";
import type { AwsSmsSettings } from "#core/messages/smsSettings.ts";
import {
  invalidNumber,
  type SmsChannel,
  type SmsSendRequest,
  type SmsSendResult,
  type SmsSendStatus,
} from "#functions/services/messages/sms-channel.ts";

/** Conflict reasons that mean this number cannot receive from us (opted out, blocked, unverified). */
const NUMBER_CONFLICTS = new Set([
  "DESTINATION_PHONE_NUMBER_OPTED_OUT",
  "DESTINATION_PHONE_NUMBER_BLOCKED_BY_PROTECT_NUMBER_OVERRIDE",
  "DESTINATION_PHONE_NUMBER_NOT_VERIFIED",
  "DESTINATION_COUNTRY_BLOCKED_BY_PROTECT_CONFIGURATION",
]);
/** Validation reasons about the destination rather than the message. */
const NUMBER_VALIDATIONS = new Set([
  "COUNTRY_CODE_MISMATCH",
  "DESTINATION_COUNTRY_BLOCKED",
  "INVALID_IDENTITY_FOR_DESTINATION_COUNTRY",
]);

export function awsSmsClient(settings: AwsSmsSettings): PinpointSMSVoiceV2Client {
  return new PinpointSMSVoiceV2Client({
    maxAttempts: 1,
    ...(settings.region ? { region: settings.region } : {}),
  });
}

export class AwsSmsChannel implements SmsChannel {
  readonly provider = "aws" as const;

  constructor(
    private readonly settings: AwsSmsSettings,
    private readonly client: PinpointSMSVoiceV2Client = awsSmsClient(settings),
  ) {}

  async send(request: SmsSendRequest): Promise<SmsSendResult> {
    if (!/^\+[1-9]\d{6,14}$/.test(request.phoneNumber)) return invalidNumber(this.provider);
    try {
      const output = await this.client.send(
        new SendTextMessageCommand({
          DestinationPhoneNumber: request.phoneNumber,
          OriginationIdentity: this.settings.originationIdentity,
          MessageBody: request.message.signedText,
          MessageType: "TRANSACTIONAL",
          ...(this.settings.configurationSetName
            ? { ConfigurationSetName: this.settings.configurationSetName }
            : {}),
          Context: { messageId: request.messageId, event: request.message.event },
        }),
      );
      if (output.MessageId)
        return { status: "sent", provider: this.provider, providerMessageId: output.MessageId };
      return {
        status: "failed",
        provider: this.provider,
        code: "NO_MESSAGE_ID",
        detail: "no MessageId in the answer",
      };
    } catch (error) {
      if (!(error instanceof PinpointSMSVoiceV2ServiceException)) {
        return {
          status: "failed",
          provider: this.provider,
          code: "ERROR",
          detail: String((error as Error).message),
        };
      }
      const reason = (error as { Reason?: string }).Reason;
      const code = reason ? `${error.name}:${reason}` : error.name;
      return { status: statusOf(error, reason), provider: this.provider, code, detail: error.message };
    }
  }
}

function statusOf(
  error: PinpointSMSVoiceV2ServiceException,
  reason: string | undefined,
): Exclude<SmsSendStatus, "sent"> {
  switch (error.name) {
    case "ThrottlingException":
    case "ServiceQuotaExceededException":
      return "throttled";
    case "ConflictException":
      return reason && NUMBER_CONFLICTS.has(reason) ? "invalid-number" : "failed";
    case "ValidationException": {
      const fields = (error as { Fields?: { Name?: string }[] }).Fields ?? [];
      const aboutNumber =
        (reason !== undefined && NUMBER_VALIDATIONS.has(reason)) ||
        fields.some((field) => field.Name === "DestinationPhoneNumber");
      return aboutNumber ? "invalid-number" : "rejected-template";
    }
    default:
      return "failed";
  }
}
