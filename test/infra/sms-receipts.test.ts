/**
 * SMS receipts in AWS (issue 24): End User Messaging's text status events reach the dispatcher
 * through an EventBridge rule that lets only receipts through (delivered, or a final failure), with
 * retries and the dispatcher's dead-letter queue (which an alarm watches); the dispatcher may send
 * through End User Messaging from this account's identities and gains no KMS, SNS or events right.
 */
import { Match, Template } from "aws-cdk-lib/assertions";
import { beforeAll, describe, expect, it } from "vitest";
import { SMS_VOICE_EVENT_SOURCE, TEXT_STATUS_DETAIL_TYPE } from "#adapters/sms/aws.ts";
import { FUNCTIONS } from "#functions/catalog.ts";
import {
  RECEIPT_EVENT_RETRY_ATTEMPTS,
  RECEIPT_EVENT_TYPES,
  smsDeadLetterQueueName,
} from "#infra/sms-dispatch.ts";
import { buildFixtureApp, PREFIX } from "./support.ts";

type Statement = { Effect: string; Action: string | string[]; Resource: unknown; Condition?: unknown };

describe("SMS receipts infrastructure", () => {
  let functions: Template;

  beforeAll(() => {
    // Prepare / Act: the real catalog, bundling skipped
    const { stacks } = buildFixtureApp({ functions: FUNCTIONS, workflows: [] });
    functions = Template.fromStack(stacks.functions!);
  });

  function dispatcherRoleStatements(): Statement[] {
    const roles = functions.findResources("AWS::IAM::Role", {
      Properties: { Description: Match.stringLikeRegexp("^AidFlow SmsDispatch:") },
    });
    const roleIds = Object.keys(roles);
    expect(roleIds).toHaveLength(1);
    const policies = Object.values(functions.findResources("AWS::IAM::Policy")).filter((p) =>
      (p.Properties.Roles as Array<{ Ref: string }>).some((r) => r.Ref === roleIds[0]),
    );
    return policies.flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[]);
  }

  it("an EventBridge rule hands the dispatcher End User Messaging's receipts only, retried, then to its dead-letter queue", () => {
    const rules = functions.findResources("AWS::Events::Rule", {
      Properties: { EventPattern: { source: [SMS_VOICE_EVENT_SOURCE] } },
    });
    const [rule] = Object.values(rules);
    expect(Object.keys(rules)).toHaveLength(1);
    if (!rule) throw new Error("no EventBridge rule for End User Messaging's receipts");
    expect(rule.Properties.EventPattern).toEqual({
      source: [SMS_VOICE_EVENT_SOURCE],
      "detail-type": [TEXT_STATUS_DETAIL_TYPE],
      detail: { eventType: RECEIPT_EVENT_TYPES },
    });
    expect(RECEIPT_EVENT_TYPES).toContain("TEXT_DELIVERED");
    expect(RECEIPT_EVENT_TYPES).not.toContain("TEXT_QUEUED");
    expect(RECEIPT_EVENT_TYPES).not.toContain("TEXT_PENDING");
    const [target] = rule.Properties.Targets as Array<Record<string, unknown>>;
    expect(target).toMatchObject({
      RetryPolicy: { MaximumRetryAttempts: RECEIPT_EVENT_RETRY_ATTEMPTS },
      DeadLetterConfig: { Arn: expect.anything() },
    });
    // The target is the dispatcher's current version (like its schedule), its DLQ the dispatcher's.
    const dlqs = functions.findResources("AWS::SQS::Queue", {
      Properties: { QueueName: smsDeadLetterQueueName(PREFIX) },
    });
    expect(Object.keys(dlqs)).toHaveLength(1);
    expect(JSON.stringify(target?.DeadLetterConfig)).toContain(Object.keys(dlqs)[0]);
    const versions = functions.findResources("AWS::Lambda::Version");
    expect(Object.keys(versions).some((id) => JSON.stringify(target?.Arn).includes(id))).toBe(true);
    expect(Object.values(versions).some((v) => JSON.stringify(v).includes("SmsDispatchFunction"))).toBe(true);
    // EventBridge may invoke that version, and may put undeliverable events in that queue.
    functions.hasResourceProperties("AWS::Lambda::Permission", {
      Action: "lambda:InvokeFunction",
      Principal: "events.amazonaws.com",
      SourceArn: { "Fn::GetAtt": [Object.keys(rules)[0], "Arn"] },
    });
    functions.hasResourceProperties("AWS::SQS::QueuePolicy", {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: "sqs:SendMessage",
            Principal: { Service: "events.amazonaws.com" },
            Condition: { ArnEquals: { "aws:SourceArn": { "Fn::GetAtt": [Object.keys(rules)[0], "Arn"] } } },
          }),
        ]),
      },
    });
  });

  it("the dispatcher sends through End User Messaging from this account's identities only, and gains no KMS, SNS or events right", () => {
    const statements = dispatcherRoleStatements();
    const smsVoice = statements.filter((s) => JSON.stringify(s.Action).includes("sms-voice:"));
    expect(smsVoice).toHaveLength(1);
    expect(smsVoice[0]?.Action).toBe("sms-voice:SendTextMessage");
    const resources = JSON.stringify(smsVoice[0]?.Resource);
    for (const kind of ["phone-number/*", "pool/*", "sender-id/*", "configuration-set/*", "opt-out-list/*"]) {
      expect(resources).toContain(`:${kind}`);
    }
    // Any region a county's settings name, this account only.
    expect(resources.match(/:sms-voice:\*:\d{12}:/g)).toHaveLength(5);
    const actions = statements.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));
    expect(actions.filter((a) => a.startsWith("sns:") || a.startsWith("events:"))).toEqual([]);
    // KMS: only opening applicants' phones, as before (catalog accountKey "open-phone").
    const kms = statements.filter((s) => JSON.stringify(s.Action).includes("kms:"));
    expect(kms.map((s) => s.Action)).toEqual(["kms:Decrypt"]);
    expect(JSON.stringify(kms[0]?.Condition)).toContain("applicant-phone");
  });
});
