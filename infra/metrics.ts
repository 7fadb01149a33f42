/**
 * The CloudWatch metrics the monitoring stack alarms on, built one way each: an SQS queue's depth or
 * the age of its oldest message, and a metric AidFlow's own functions publish (no dimensions).
 */
import type { Duration } from "aws-cdk-lib";
import * as cloudwatch from "aws-cdk-lib/aws-cloudwatch";

/** A queue's worst value in the period: the messages in it (a dead-letter queue's), or the oldest one's age. */
export function queueMetric(
  queueName: string,
  metricName: "ApproximateNumberOfMessagesVisible" | "ApproximateAgeOfOldestMessage",
  period: Duration,
): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: "AWS/SQS",
    metricName,
    dimensionsMap: { QueueName: queueName },
    period,
    statistic: "Maximum",
  });
}

/** A metric the functions publish (its namespace and name from functions/runtime/environment.ts). */
export function publishedMetric(
  metric: { readonly namespace: string; readonly name: string },
  statistic: "Sum" | "Maximum",
  period: Duration,
): cloudwatch.Metric {
  return new cloudwatch.Metric({ namespace: metric.namespace, metricName: metric.name, period, statistic });
}
