/**
 * The SMS dispatcher in AWS (issue 24 item 4): the main table's stream feeds it, filtered to new
 * message items, with partial batch responses, bisecting, bounded retries and a dead-letter queue
 * that an alarm watches; a schedule sends deferred deliveries; it reads the stream and its one secret
 * and nothing it does not need.
 */
import { Match, Template } from "aws-cdk-lib/assertions";
import { beforeAll, describe, expect, it } from "vitest";
import { FUNCTIONS } from "#functions/catalog.ts";
import { SMS_CREDENTIALS } from "#functions/runtime/environment.ts";
import {
  DUE_SCHEDULE_MINUTES,
  STREAM_BATCH_SIZE,
  STREAM_RETRY_ATTEMPTS,
  smsCredentialsSecretName,
  smsDeadLetterQueueName,
} from "#infra/sms-dispatch.ts";
import { buildFixtureApp, PREFIX } from "./support.ts";

describe("SMS dispatcher infrastructure", () => {
  let functions: Template;
  let data: Template;
  let monitoring: Template;

  beforeAll(() => {
    // Prepare / Act: the real catalog, bundling skipped
    const { stacks } = buildFixtureApp({ functions: FUNCTIONS, workflows: [] });
    functions = Template.fromStack(stacks.functions!);
    data = Template.fromStack(stacks.data);
    monitoring = Template.fromStack(stacks.monitoring);
  });

  it("the main table has a stream of new images", () => {
    data.hasResourceProperties("AWS::DynamoDB::Table", {
      TableName: `${PREFIX}main`,
      StreamSpecification: { StreamViewType: "NEW_IMAGE" },
    });
  });

  it("the stream feeds the dispatcher only INSERTs of message items, with a dead-letter queue", () => {
    functions.hasResourceProperties("AWS::Lambda::EventSourceMapping", {
      BatchSize: STREAM_BATCH_SIZE,
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: STREAM_RETRY_ATTEMPTS,
      FunctionResponseTypes: ["ReportBatchItemFailures"],
      StartingPosition: "TRIM_HORIZON",
      FilterCriteria: {
        Filters: [
          {
            Pattern: JSON.stringify({
              eventName: ["INSERT"],
              dynamodb: { NewImage: { type: { S: ["message"] } } },
            }),
          },
        ],
      },
      DestinationConfig: { OnFailure: { Destination: Match.anyValue() } },
    });
    functions.hasResourceProperties("AWS::SQS::Queue", {
      QueueName: smsDeadLetterQueueName(PREFIX),
      SqsManagedSseEnabled: true,
    });
  });

  it("a schedule invokes the dispatcher for deferred and retried deliveries", () => {
    functions.hasResourceProperties("AWS::Events::Rule", {
      ScheduleExpression: `rate(${DUE_SCHEDULE_MINUTES} minutes)`,
      State: "ENABLED",
    });
  });

  it("reads the SMS credentials from its secret, created holding no keys, and only it reads them", () => {
    functions.hasResourceProperties("AWS::SecretsManager::Secret", {
      Name: smsCredentialsSecretName(PREFIX),
      SecretString: JSON.stringify({ "*": {} }),
    });
    const lambdas = Object.values(functions.findResources("AWS::Lambda::Function"));
    const withSecret = lambdas.filter(
      (f) => f.Properties.Environment?.Variables?.[SMS_CREDENTIALS.idEnv] !== undefined,
    );
    expect(withSecret.map((f) => f.Properties.Description)).toEqual([
      FUNCTIONS.find((d) => d.id === "SmsDispatch")?.description,
    ]);
  });

  it("an alarm watches the dead-letter queue", () => {
    monitoring.hasResourceProperties("AWS::CloudWatch::Alarm", {
      AlarmName: `${PREFIX}sms-dispatch-dead-letters`,
      Namespace: "AWS/SQS",
      MetricName: "ApproximateNumberOfMessagesVisible",
      Dimensions: [{ Name: "QueueName", Value: smsDeadLetterQueueName(PREFIX) }],
    });
  });
});
