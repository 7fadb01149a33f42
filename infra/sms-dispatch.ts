/**
 * What the SMS dispatcher needs besides a function: the SMS providers' credentials secret,
 * the main table's stream filtered to new message items as its event source (with a dead-letter
 * queue for the batches it could not take), a schedule for deferred and retried deliveries, and the
 * dead-letter alarm's metric. The functions stack calls these for catalog entries that declare
 * `config.smsCredentials` and `triggers`.
 */
import { ArnFormat, Duration, RemovalPolicy, SecretValue, type Stack, Validations } from "aws-cdk-lib";
import * as cloudwatch from "aws-cdk-lib/aws-cloudwatch";
import * as dynamodb from "aws-cdk-lib/aws-dynamodb";
import * as iam from "aws-cdk-lib/aws-iam";
import * as lambda from "aws-cdk-lib/aws-lambda";
import { SqsDlq } from "aws-cdk-lib/aws-lambda-event-sources";
import * as secretsmanager from "aws-cdk-lib/aws-secretsmanager";
import * as sqs from "aws-cdk-lib/aws-sqs";
import type { Construct } from "constructs";
import type { FunctionDefinition } from "#functions/catalog.ts";
import { SMS_CREDENTIALS } from "#functions/runtime/environment.ts";
import { acknowledgeWildcardResource } from "./nag.ts";
import { everyMinutes } from "./schedule.ts";
import { physicalTableName } from "./tables.ts";

/** Records a stream batch hands the dispatcher (each is one message: a few provider calls). */
export const STREAM_BATCH_SIZE = 10;
/** Tries of a failing record before it goes to the dead-letter queue. */
export const STREAM_RETRY_ATTEMPTS = 5;
/** How often deferred (quiet hours, rate limit) and retried deliveries are looked at. */
export const DUE_SCHEDULE_MINUTES = 5;
const DEAD_LETTER_RETENTION_DAYS = 14;

export function smsDeadLetterQueueName(prefix: string): string {
  return `${prefix}sms-dispatch-dlq`;
}

export function smsCredentialsSecretName(prefix: string): string {
  return `${prefix}sms-credentials`;
}

/**
 * The providers' access keys: created holding no keys (`{"*":{}}`, valid, so the dispatcher starts
 * and texts counties on AWS End User Messaging) until the operator puts the keys of Alibaba Cloud or
 * Tencent Cloud as a new version (docs/messages.md).
 */
export function smsCredentialsSecret(scope: Construct, prefix: string): secretsmanager.Secret {
  const secret = new secretsmanager.Secret(scope, "SmsCredentialsSecret", {
    secretName: smsCredentialsSecretName(prefix),
    description: `AidFlow: ${SMS_CREDENTIALS.purpose}`,
    secretStringValue: SecretValue.unsafePlainText(JSON.stringify({ "*": {} })),
    removalPolicy: RemovalPolicy.RETAIN,
  });
  Validations.of(secret).acknowledge({
    id: "AwsSolutions-SMG4",
    reason:
      "The keys are issued by the SMS provider's console: renewed there and put as a new version, not generated on a schedule.",
  });
  return secret;
}

/**
 * The main table's stream → the function, only INSERTs of items whose `type` is `message` (the
 * filter runs in Lambda's poller: no other item wakes it), partial batch responses, bisecting a
 * failing batch, a bounded number of retries, then the dead-letter queue; and the schedule.
 */
export function wireMessageTriggers(
  scope: Stack,
  definition: FunctionDefinition,
  fn: lambda.Function,
  options: { prefix: string; mainTableStreamArn: string },
): void {
  const triggers = definition.triggers;
  if (!triggers) return;
  if (triggers.messageStream) {
    const deadLetters = new sqs.Queue(scope, `${definition.id}DeadLetters`, {
      queueName: smsDeadLetterQueueName(options.prefix),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(DEAD_LETTER_RETENTION_DAYS),
    });
    Validations.of(deadLetters).acknowledge({
      id: "AwsSolutions-SQS3",
      reason: "This queue is itself the dead-letter queue of the SMS dispatcher's stream.",
    });
    grantStreamRead(scope, fn, options.prefix);
    new lambda.EventSourceMapping(scope, `${definition.id}MessageStream`, {
      target: fn,
      eventSourceArn: options.mainTableStreamArn,
      startingPosition: lambda.StartingPosition.TRIM_HORIZON,
      batchSize: STREAM_BATCH_SIZE,
      bisectBatchOnError: true,
      retryAttempts: STREAM_RETRY_ATTEMPTS,
      reportBatchItemFailures: true,
      onFailure: new SqsDlq(deadLetters),
      filters: [
        lambda.FilterCriteria.filter({
          eventName: lambda.FilterRule.isEqual("INSERT"),
          dynamodb: { NewImage: { type: { S: lambda.FilterRule.isEqual("message") } } },
        }),
      ],
    });
  }
  if (triggers.dueSchedule) {
    everyMinutes(
      scope,
      `${definition.id}DueSchedule`,
      fn,
      DUE_SCHEDULE_MINUTES,
      "AidFlow: send deferred and retried SMS deliveries that fell due",
    );
  }
}

/** Reading the main table's stream, by name (the stream's label is made at deploy). */
function grantStreamRead(scope: Stack, fn: { role?: iam.IRole }, prefix: string): void {
  const streams = scope.formatArn({
    service: "dynamodb",
    resource: "table",
    resourceName: `${physicalTableName(prefix, "main")}/stream/*`,
    arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
  });
  fn.role?.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: [
        "dynamodb:DescribeStream",
        "dynamodb:GetRecords",
        "dynamodb:GetShardIterator",
        "dynamodb:ListStreams",
      ],
      resources: [streams],
    }),
  );
  if (fn.role) {
    acknowledgeWildcardResource(
      fn.role,
      streams,
      "The stream's label is made when the table's stream is enabled; the grant is limited to the main table's streams.",
    );
  }
}

/** Messages in the dispatcher's dead-letter queue: stream records it could not take. */
export function smsDeadLetterMetric(prefix: string, period: Duration): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: "AWS/SQS",
    metricName: "ApproximateNumberOfMessagesVisible",
    dimensionsMap: { QueueName: smsDeadLetterQueueName(prefix) },
    period,
    statistic: "Maximum",
  });
}

/** The view of the stream the dispatcher reads: the new item (the message id and county are on it). */
export const MESSAGE_STREAM_VIEW = dynamodb.StreamViewType.NEW_IMAGE;
