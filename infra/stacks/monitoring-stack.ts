import { Duration, RemovalPolicy, Stack, type StackProps } from "aws-cdk-lib";
import * as cloudwatch from "aws-cdk-lib/aws-cloudwatch";
import * as actions from "aws-cdk-lib/aws-cloudwatch-actions";
import * as iam from "aws-cdk-lib/aws-iam";
import * as kms from "aws-cdk-lib/aws-kms";
import type { IFunction } from "aws-cdk-lib/aws-lambda";
import * as sns from "aws-cdk-lib/aws-sns";
import * as subscriptions from "aws-cdk-lib/aws-sns-subscriptions";
import type { IStateMachine } from "aws-cdk-lib/aws-stepfunctions";
import type { Construct } from "constructs";
import { FUND_ALERT_METRIC } from "../environment.ts";
import { physicalTableName, TABLES } from "../tables.ts";

export interface MonitoringStackProps extends StackProps {
  /** State machines by workflow name: one failed-executions alarm each. */
  stateMachines: ReadonlyMap<string, IStateMachine>;
  /** Functions by catalog id: an errors and a throttles alarm each. */
  functions: ReadonlyMap<string, IFunction>;
  /** Prefix of the physical table names (throttle alarms per table). */
  prefix: string;
  /** E-mail address that receives the alarms, if any. */
  alarmEmail?: string;
}

const PERIOD = Duration.minutes(5);

/**
 * Alarms that page the operators: failed executions (a case must never be dropped silently — DOMAIN §3.4),
 * Lambda errors and throttles, DynamoDB throttles, and a township fund below its alert level (DOMAIN §5).
 */
export class MonitoringStack extends Stack {
  readonly alarmTopic: sns.Topic;
  readonly alarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: MonitoringStackProps) {
    super(scope, id, props);
    const key = new kms.Key(this, "AlarmTopicKey", {
      description: "AidFlow alarm topic encryption",
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // CloudWatch publishes alarms to the encrypted topic only if it may use the key.
    key.grant(new iam.ServicePrincipal("cloudwatch.amazonaws.com"), "kms:Decrypt", "kms:GenerateDataKey");
    this.alarmTopic = new sns.Topic(this, "AlarmTopic", { masterKey: key, enforceSSL: true });
    if (props.alarmEmail) {
      this.alarmTopic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));
    }

    for (const [name, machine] of props.stateMachines) {
      this.alarm(`${name}-executions-failed`, machine.metricFailed({ period: PERIOD, statistic: "Sum" }));
      this.alarm(
        `${name}-executions-timed-out`,
        machine.metricTimedOut({ period: PERIOD, statistic: "Sum" }),
      );
    }
    for (const [id, fn] of props.functions) {
      this.alarm(`${id}-errors`, fn.metricErrors({ period: PERIOD, statistic: "Sum" }));
      this.alarm(`${id}-throttles`, fn.metricThrottles({ period: PERIOD, statistic: "Sum" }));
    }
    for (const table of TABLES) {
      const tableName = physicalTableName(props.prefix, table.id);
      const events = (metricName: string) =>
        new cloudwatch.Metric({
          namespace: "AWS/DynamoDB",
          metricName,
          dimensionsMap: { TableName: tableName },
          period: PERIOD,
          statistic: "Sum",
        });
      this.alarm(
        `${table.id}-table-throttled`,
        new cloudwatch.MathExpression({
          expression: "FILL(r, 0) + FILL(w, 0)",
          usingMetrics: { r: events("ReadThrottleEvents"), w: events("WriteThrottleEvents") },
          period: PERIOD,
          label: `${tableName} throttle events`,
        }),
      );
    }
    this.alarm(
      "fund-below-alert-level",
      new cloudwatch.Metric({
        namespace: FUND_ALERT_METRIC.namespace,
        metricName: FUND_ALERT_METRIC.name,
        period: PERIOD,
        statistic: "Maximum",
      }),
      "A township fund's available balance is under its alert level: county finance should replenish (补足).",
    );
  }

  /** Any occurrence in a five-minute period raises the alarm; no data means all is well. */
  private alarm(name: string, metric: cloudwatch.IMetric, description?: string): cloudwatch.Alarm {
    const alarm = new cloudwatch.Alarm(this, `${name}-alarm`, {
      metric,
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription: description ?? `AidFlow: ${name}`,
    });
    alarm.addAlarmAction(new actions.SnsAction(this.alarmTopic));
    this.alarms.push(alarm);
    return alarm;
  }
}
