/**
 * What the SMS dispatcher needs besides a function: the SMS providers' credentials secret,
 * the main table's stream filtered to new message items as its event source (with a dead-letter
 * queue for the batches it could not take), a schedule for deferred and retried deliveries and for
 * asking Alibaba Cloud and Tencent Cloud for receipts (functions/services/messages/receipts.ts),
 * AWS End User Messaging (sending, and its text status events as receipts), and the dead-letter
 * alarm's metric. The functions stack calls these for catalog entries that declare
 * `config.smsCredentials` and `triggers`.
 *
 * End User Messaging's receipts: the service puts each text's status change on the account's
 * default EventBridge bus (source `aws.sms-voice`), whatever configuration set the county's settings
 * name; a rule matching only the statuses that are receipts (delivered, or a final failure) invokes
 * the dispatcher, with retries and the same dead-letter queue. Chosen over a configuration set's
 * event destination to an SNS topic: that needs every county's sends to carry one configuration
 * set of this deployment, an encrypted topic with its key policy for the service, and a
 * subscription — for the same events. The dispatcher needs no KMS right for it, nor any SNS right.
 */
import { ArnFormat, Duration, SecretValue, type Stack, Validations } from "aws-cdk-lib";
import type * as cloudwatch from "aws-cdk-lib/aws-cloudwatch";
import * as dynamodb from "aws-cdk-lib/aws-dynamodb";
import * as events from "aws-cdk-lib/aws-events";
import * as targets from "aws-cdk-lib/aws-events-targets";
import * as iam from "aws-cdk-lib/aws-iam";
import * as lambda from "aws-cdk-lib/aws-lambda";
import { SqsDlq } from "aws-cdk-lib/aws-lambda-event-sources";
import type * as secretsmanager from "aws-cdk-lib/aws-secretsmanager";
import * as sqs from "aws-cdk-lib/aws-sqs";
import type { Construct } from "constructs";
import {
  DELIVERED_EVENT_TYPES,
  FAILED_EVENT_TYPES,
  SMS_VOICE_EVENT_SOURCE,
  TEXT_STATUS_DETAIL_TYPE,
} from "#adapters/sms/aws.ts";
import type { FunctionDefinition } from "#functions/catalog.ts";
import { SMS_CREDENTIALS } from "#functions/runtime/environment.ts";
import { queueMetric } from "./metrics.ts";
import { acknowledgeWildcardResource } from "./nag.ts";
import { everyMinutes } from "./schedule.ts";
import { retainedSecret } from "./secrets.ts";
import { physicalTableName } from "./tables.ts";

/** Records a stream batch hands the dispatcher (each is one message: a few provider calls). */
export const STREAM_BATCH_SIZE = 10;
/** Tries of a failing record before it goes to the dead-letter queue. */
export const STREAM_RETRY_ATTEMPTS = 5;
/** How often deferred (quiet hours, rate limit) and retried deliveries are looked at. */
export const DUE_SCHEDULE_MINUTES = 5;
const DEAD_LETTER_RETENTION_DAYS = 14;
/** Tries of a text status event EventBridge could not hand the dispatcher, then the dead-letter queue. */
export const RECEIPT_EVENT_RETRY_ATTEMPTS = 8;
/** How long EventBridge keeps trying one event: a receipt older than this says nothing new. */
const RECEIPT_EVENT_MAX_AGE_HOURS = 24;
/** The statuses that are receipts (the rule drops QUEUED, PENDING, SENT before Lambda is invoked). */
export const RECEIPT_EVENT_TYPES = [...DELIVERED_EVENT_TYPES, ...FAILED_EVENT_TYPES];
/**
 * The origination identities and sets a county's settings may name (phone numbers, pools, sender
 * ids, configuration sets, opt-out lists), in this account: chosen per county at run time, in the
 * region its settings name.
 */
const SMS_VOICE_RESOURCES = [
  "phone-number/*",
  "pool/*",
  "sender-id/*",
  "configuration-set/*",
  "opt-out-list/*",
];

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
  return retainedSecret(scope, "SmsCredentialsSecret", {
    secretName: smsCredentialsSecretName(prefix),
    purpose: SMS_CREDENTIALS.purpose,
    secretStringValue: SecretValue.unsafePlainText(JSON.stringify({ "*": {} })),
    renewal:
      "The keys are issued by the SMS provider's console: renewed there and put as a new version, not generated on a schedule.",
  });
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
  const deadLetters =
    triggers.messageStream || triggers.textStatusEvents
      ? smsDeadLetterQueue(scope, definition, options.prefix)
      : undefined;
  if (triggers.messageStream && deadLetters) {
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
  if (triggers.textStatusEvents && deadLetters) {
    wireTextStatusEvents(scope, definition, fn, deadLetters);
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

/** The dispatcher's dead-letter queue: stream batches and text status events it could not take. */
function smsDeadLetterQueue(scope: Stack, definition: FunctionDefinition, prefix: string): sqs.Queue {
  const deadLetters = new sqs.Queue(scope, `${definition.id}DeadLetters`, {
    queueName: smsDeadLetterQueueName(prefix),
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: Duration.days(DEAD_LETTER_RETENTION_DAYS),
  });
  Validations.of(deadLetters).acknowledge({
    id: "AwsSolutions-SQS3",
    reason: "This queue is itself the dead-letter queue of the SMS dispatcher's stream and events.",
  });
  return deadLetters;
}

/**
 * End User Messaging for the dispatcher: SendTextMessage from this account's origination identities
 * (a county's settings name its own), and its text status events as receipts (the rule, retried,
 * then the dead-letter queue). The rule targets the function's current version, like the schedule.
 */
function wireTextStatusEvents(
  scope: Stack,
  definition: FunctionDefinition,
  fn: lambda.Function,
  deadLetters: sqs.Queue,
): void {
  new events.Rule(scope, `${definition.id}TextStatusEvents`, {
    description:
      "AidFlow: End User Messaging SMS receipts (delivered, or failed for good) to the SMS dispatcher",
    eventPattern: {
      source: [SMS_VOICE_EVENT_SOURCE],
      detailType: [TEXT_STATUS_DETAIL_TYPE],
      detail: { eventType: RECEIPT_EVENT_TYPES },
    },
    targets: [
      new targets.LambdaFunction(fn.currentVersion, {
        deadLetterQueue: deadLetters,
        retryAttempts: RECEIPT_EVENT_RETRY_ATTEMPTS,
        maxEventAge: Duration.hours(RECEIPT_EVENT_MAX_AGE_HOURS),
      }),
    ],
  });
  const resources = SMS_VOICE_RESOURCES.map((resource) =>
    scope.formatArn({ service: "sms-voice", region: "*", resource }),
  );
  fn.role?.addToPrincipalPolicy(
    new iam.PolicyStatement({ actions: ["sms-voice:SendTextMessage"], resources }),
  );
  if (fn.role) {
    for (const resource of resources) {
      acknowledgeWildcardResource(
        fn.role,
        resource,
        "A county's SMS settings name its origination identity (and region); the grant is limited to this account's End User Messaging identities, sending only.",
      );
    }
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

/** Messages in the dispatcher's dead-letter queue: stream records and text status events it could not take. */
export function smsDeadLetterMetric(prefix: string, period: Duration): cloudwatch.Metric {
  return queueMetric(smsDeadLetterQueueName(prefix), "ApproximateNumberOfMessagesVisible", period);
}

/** The view of the stream the dispatcher reads: the new item (the message id and county are on it). */
export const MESSAGE_STREAM_VIEW = dynamodb.StreamViewType.NEW_IMAGE;
