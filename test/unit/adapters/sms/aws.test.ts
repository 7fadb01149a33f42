/**
 * AWS End User Messaging SMS adapter (issue 24), for deployments outside China: SendTextMessage of
 * the signed text from the county's origination identity, the SDK client mocked with
 * aws-sdk-client-mock. Success, throttling, a refused message body and a refused number each map
 * to one outcome of the port.
 */
import {
  ConflictException,
  InternalServerException,
  PinpointSMSVoiceV2Client,
  SendTextMessageCommand,
  ThrottlingException,
  ValidationException,
} from "@aws-sdk/client-pinpoint-sms-voice-v2";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { AwsSmsChannel } from "#adapters/sms/aws.ts";
import { parseSmsSettings } from "#core/messages/smsSettings.ts";
import { isRetryable } from "#functions/services/messages/sms-channel.ts";
import { MESSAGE_ID, moneySent, PHONE, SIGN_NAME } from "./fixtures.ts";

const sms = mockClient(PinpointSMSVoiceV2Client);
const settings = parseSmsSettings({
  provider: "aws",
  signName: SIGN_NAME,
  originationIdentity: "pool-0123456789abcdef0123456789abcdef",
  configurationSetName: "aidflow-messages",
  region: "eu-west-1",
});
if (settings.provider !== "aws") throw new Error("aws settings expected");
const channel = new AwsSmsChannel(settings, new PinpointSMSVoiceV2Client({ region: "eu-west-1" }));
const send = () => channel.send({ messageId: MESSAGE_ID, phoneNumber: PHONE, message: moneySent() });
const metadata = { $metadata: { httpStatusCode: 400 } };

beforeEach(() => sms.reset());

describe("AWS End User Messaging SendTextMessage", () => {
  it("success: the signed text goes from the origination identity as TRANSACTIONAL; the MessageId comes back", async () => {
    sms.on(SendTextMessageCommand).resolves({ MessageId: "0a1b2c3d-4e5f-6789-abcd-ef0123456789" });
    const result = await send();
    expect(result).toEqual({
      status: "sent",
      provider: "aws",
      providerMessageId: "0a1b2c3d-4e5f-6789-abcd-ef0123456789",
    });
    const input = sms.commandCalls(SendTextMessageCommand)[0]!.args[0].input;
    expect(input).toEqual({
      DestinationPhoneNumber: PHONE,
      OriginationIdentity: "pool-0123456789abcdef0123456789abcdef",
      MessageBody: `【${SIGN_NAME}】张女士，救助金800.00元已转入您尾号0123的中国农业银行账户，请注意查收。`,
      MessageType: "TRANSACTIONAL",
      ConfigurationSetName: "aidflow-messages",
      Context: { messageId: MESSAGE_ID, event: "money-sent" },
    });
  });

  it("throttled (ThrottlingException): retried later", async () => {
    sms
      .on(SendTextMessageCommand)
      .rejects(new ThrottlingException({ message: "Rate exceeded", ...metadata }));
    const result = await send();
    expect(result).toMatchObject({ status: "throttled", code: "ThrottlingException" });
    expect(isRetryable(result)).toBe(true);
  });

  it("a refused message body (ValidationException MAXIMUM_SIZE_EXCEEDED): rejected, not retried", async () => {
    sms.on(SendTextMessageCommand).rejects(
      new ValidationException({
        message: "MessageBody is too long",
        Reason: "MAXIMUM_SIZE_EXCEEDED",
        Fields: [{ Name: "MessageBody", Message: "too long" }],
        ...metadata,
      }),
    );
    const result = await send();
    expect(result).toMatchObject({
      status: "rejected-template",
      code: "ValidationException:MAXIMUM_SIZE_EXCEEDED",
    });
    expect(isRetryable(result)).toBe(false);
  });

  it("an invalid number (ValidationException on DestinationPhoneNumber): not retried", async () => {
    sms.on(SendTextMessageCommand).rejects(
      new ValidationException({
        message: "Invalid destination phone number",
        Reason: "INVALID_PARAMETER",
        Fields: [{ Name: "DestinationPhoneNumber", Message: "not a valid phone number" }],
        ...metadata,
      }),
    );
    const result = await send();
    expect(result).toMatchObject({ status: "invalid-number", code: "ValidationException:INVALID_PARAMETER" });
    expect(isRetryable(result)).toBe(false);
  });

  it("an opted-out number (ConflictException DESTINATION_PHONE_NUMBER_OPTED_OUT): not retried", async () => {
    sms.on(SendTextMessageCommand).rejects(
      new ConflictException({
        message: "The destination phone number is opted out",
        Reason: "DESTINATION_PHONE_NUMBER_OPTED_OUT",
        ResourceType: "opt-out-list",
        ResourceId: "Default",
        ...metadata,
      }),
    );
    expect(await send()).toMatchObject({ status: "invalid-number" });
  });

  it("a service error (InternalServerException): failed, retried", async () => {
    sms
      .on(SendTextMessageCommand)
      .rejects(
        new InternalServerException({ message: "Internal failure", $metadata: { httpStatusCode: 500 } }),
      );
    const result = await send();
    expect(result).toMatchObject({ status: "failed", code: "InternalServerException" });
    expect(isRetryable(result)).toBe(true);
  });
});
