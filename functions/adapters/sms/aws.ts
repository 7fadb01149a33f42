/**
 * AWS End User Messaging SMS (pinpoint-sms-voice-v2) behind the SMS channel port, for deployments
 * outside China: SendTextMessage of the rendered text with the county's signature before it (there
 * are no provider templates), TRANSACTIONAL, from the county's origination identity; Context carries
 * AidFlow's message id. The client makes one attempt: retries are the dispatcher's, with backoff.
 *
 * Receipts are pushed, not asked for (End User Messaging has no call that answers a message's
 * status): the service puts every text's status change on the account's default EventBridge bus
 * ("Text Message Delivery Status Updated", source `aws.sms-voice`) whatever the configuration set,
 * and a rule hands them to the dispatcher (infra/sms-dispatch.ts). `receiptOfEvent` reads one: the
 * Context we sent carries AidFlow's message id back.
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
  type SmsReceipt,
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

/** EventBridge's source and detail-type of End User Messaging's text status events. */
export const SMS_VOICE_EVENT_SOURCE = "aws.sms-voice";
export const TEXT_STATUS_DETAIL_TYPE = "Text Message Delivery Status Updated";

/** Event types that say the handset has the text (SUCCESSFUL is DELIVERED in some countries). */
export const DELIVERED_EVENT_TYPES = ["TEXT_DELIVERED", "TEXT_SUCCESSFUL"] as const;
/** Event types that end a text undelivered when `isFinal` (UNKNOWN: no final word within 72 h). */
export const FAILED_EVENT_TYPES = [
  "TEXT_BLOCKED",
  "TEXT_CARRIER_BLOCKED",
  "TEXT_CARRIER_UNREACHABLE",
  "TEXT_INVALID",
  "TEXT_INVALID_MESSAGE",
  "TEXT_PROTECT_BLOCKED",
  "TEXT_SPAM",
  "TEXT_TTL_EXPIRED",
  "TEXT_UNKNOWN",
  "TEXT_UNREACHABLE",
] as const;
const DELIVERED: ReadonlySet<string> = new Set(DELIVERED_EVENT_TYPES);
const FAILED: ReadonlySet<string> = new Set(FAILED_EVENT_TYPES);

/**
 * The receipt an End User Messaging text event (its `detail`) carries, or undefined when it carries
 * none: an intermediate status (QUEUED, PENDING, SENT, a failure not yet final) or a text AidFlow did
 * not send (no `context.messageId`).
 */
export function receiptOfEvent(detail: unknown): SmsReceipt | undefined {
  if (typeof detail !== "object" || detail === null) return undefined;
  const event = detail as {
    eventType?: unknown;
    isFinal?: unknown;
    messageId?: unknown;
    destinationPhoneNumber?: unknown;
    messageStatusDescription?: unknown;
    context?: { messageId?: unknown };
  };
  const messageId = event.context?.messageId;
  const type = event.eventType;
  if (typeof messageId !== "string" || !messageId || typeof type !== "string") return undefined;
  const delivered = DELIVERED.has(type);
  if (!delivered && !(FAILED.has(type) && event.isFinal === true)) return undefined;
  return {
    messageId,
    delivered,
    code: type,
    ...(typeof event.destinationPhoneNumber === "string" ? { phone: event.destinationPhoneNumber } : {}),
    ...(typeof event.messageId === "string" ? { providerMessageId: event.messageId } : {}),
    ...(typeof event.messageStatusDescription === "string" ? { detail: event.messageStatusDescription } : {}),
  };
}
