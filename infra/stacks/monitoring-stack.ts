import { Annotations, Duration, RemovalPolicy, Stack, type StackProps } from "aws-cdk-lib";
import type { IHttpApi } from "aws-cdk-lib/aws-apigatewayv2";
import * as cloudwatch from "aws-cdk-lib/aws-cloudwatch";
import * as actions from "aws-cdk-lib/aws-cloudwatch-actions";
import * as iam from "aws-cdk-lib/aws-iam";
import * as kms from "aws-cdk-lib/aws-kms";
import type { IFunction } from "aws-cdk-lib/aws-lambda";
import * as sns from "aws-cdk-lib/aws-sns";
import * as subscriptions from "aws-cdk-lib/aws-sns-subscriptions";
import type { IStateMachine } from "aws-cdk-lib/aws-stepfunctions";
import type { Construct } from "constructs";
import { FUND_ALERT_METRIC, SERVER_ERROR_METRIC } from "../environment.ts";
import {
  DRAW_OLDEST_MESSAGE_ALARM_SECONDS,
  drawDeadLetterMetric,
  drawOldestMessageMetric,
} from "../ledger-queue.ts";
import { publishedMetric } from "../metrics.ts";
import { smsDeadLetterMetric } from "../sms-dispatch.ts";
import { physicalTableName, TABLES } from "../tables.ts";

export interface MonitoringStackProps extends StackProps {
  /** State machines by workflow name: one failed-executions alarm each. */
  stateMachines: ReadonlyMap<string, IStateMachine>;
  /** Functions by catalog id: an errors and a throttles alarm each. */
  functions: ReadonlyMap<string, IFunction>;
  /** Prefix of the physical table names (throttle alarms per table) and of alarm and dashboard names. */
  prefix: string;
  /** E-mail address that receives the alarms, if any. */
  alarmEmail?: string;
  /** The HTTP API: 5xx and latency alarms on its stage. */
  httpApi?: IHttpApi;
  /** Name of that stage; the API stack's one stage is the unnamed `$default`. */
  httpApiStage?: string;
}

const PERIOD = Duration.minutes(5);

/** Where each alarm's runbook section is: `docs/operations.md#<anchor>`. */
export const RUNBOOK = "docs/operations.md";

/**
 * The API's latency alarm: the 95th percentile of `Latency` (API Gateway's, request in to response
 * out) at or above this for three five-minute periods in a row. Handlers answer in well under a
 * second; 3 s sustained means a dependency (DynamoDB, the bank, Step Functions) is slow for everyone.
 */
export const API_LATENCY_P95_MS = 3000;
export const API_LATENCY_PERIODS = 3;

interface AlarmOptions {
  /** Anchor of the runbook section in docs/operations.md. */
  runbook: string;
  description: string;
  threshold?: number;
  evaluationPeriods?: number;
}

/**
 * Alarms that page the operators: failed executions (a case must never be dropped silently — DOMAIN §3.4),
 * Lambda errors and throttles, the 5xx the handlers answer themselves (HttpServerErrors), the API's
 * 5xx and latency, DynamoDB throttles, and a township fund below its alert level (DOMAIN §5). One
 * dashboard shows all of it; docs/operations.md has a runbook section per alarm.
 */
export class MonitoringStack extends Stack {
  readonly alarmTopic: sns.Topic;
  readonly alarms: cloudwatch.Alarm[] = [];
  readonly dashboard: cloudwatch.Dashboard;
  private readonly prefix: string;

  constructor(scope: Construct, id: string, props: MonitoringStackProps) {
    super(scope, id, props);
    this.prefix = props.prefix;
    const key = new kms.Key(this, "AlarmTopicKey", {
      description: "AidFlow alarm topic encryption",
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // CloudWatch publishes alarms to the encrypted topic only if it may use the key.
    key.grant(new iam.ServicePrincipal("cloudwatch.amazonaws.com"), "kms:Decrypt", "kms:GenerateDataKey");
    this.alarmTopic = new sns.Topic(this, "AlarmTopic", { masterKey: key, enforceSSL: true });
    if (props.alarmEmail) {
      // SNS mails a confirmation link first: nothing is delivered until the address confirms it.
      this.alarmTopic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));
    } else {
      Annotations.of(this).addInfo(
        "No -c alarmEmail: the alarm topic has no subscriber and alarms reach nobody (docs/operations.md, 'Who gets the alarms').",
      );
    }

    const machines = [...props.stateMachines];
    const functions = [...props.functions];
    for (const [name, machine] of machines) {
      this.alarm(`${name}-executions-failed`, machine.metricFailed({ period: PERIOD, statistic: "Sum" }), {
        runbook: "executions-failed",
        description: `Executions of ${name} failed: a case stopped without reaching its end.`,
      });
      this.alarm(
        `${name}-executions-timed-out`,
        machine.metricTimedOut({ period: PERIOD, statistic: "Sum" }),
        {
          runbook: "executions-timed-out",
          description: `Executions of ${name} timed out: a case stopped waiting.`,
        },
      );
    }
    for (const [id, fn] of functions) {
      this.alarm(`${id}-errors`, fn.metricErrors({ period: PERIOD, statistic: "Sum" }), {
        runbook: "function-errors",
        description: `Function ${id} threw (a workflow task failed, or a handler crashed outside the HTTP framework).`,
      });
      this.alarm(`${id}-throttles`, fn.metricThrottles({ period: PERIOD, statistic: "Sum" }), {
        runbook: "function-throttles",
        description: `Function ${id} was throttled: Lambda concurrency is exhausted.`,
      });
    }
    const tableThrottles = TABLES.map((table, index) => {
      const tableName = physicalTableName(props.prefix, table.id);
      const events = (metricName: string) =>
        new cloudwatch.Metric({
          namespace: "AWS/DynamoDB",
          metricName,
          dimensionsMap: { TableName: tableName },
          period: PERIOD,
          statistic: "Sum",
        });
      const throttled = new cloudwatch.MathExpression({
        // Ids unique across tables: the dashboard graphs every table's expression together.
        expression: `FILL(r${index}, 0) + FILL(w${index}, 0)`,
        usingMetrics: {
          [`r${index}`]: events("ReadThrottleEvents"),
          [`w${index}`]: events("WriteThrottleEvents"),
        },
        period: PERIOD,
        label: `${tableName} throttle events`,
      });
      this.alarm(`${table.id}-table-throttled`, throttled, {
        runbook: "table-throttled",
        description: `DynamoDB throttled reads or writes on ${tableName}.`,
      });
      return throttled;
    });
    // Stream records of new messages, and End User Messaging receipts, the SMS dispatcher gave up on
    // (infra/sms-dispatch.ts).
    if (props.functions.has("SmsDispatch")) {
      this.alarm("sms-dispatch-dead-letters", smsDeadLetterMetric(props.prefix, PERIOD), {
        runbook: "sms-dispatch-dead-letters",
        description:
          "New messages (their SMS not sent; the inbox has them) or End User Messaging receipts (their deliveries stay sent) the SMS dispatcher could not take after its retries are in its dead-letter queue.",
      });
    }
    // Draws of the ledger's draw queue no writer answered, or waiting too long (infra/ledger-queue.ts).
    if (props.functions.has("LedgerWriter")) {
      this.alarm("ledger-draw-dead-letters", drawDeadLetterMetric(props.prefix, PERIOD), {
        runbook: "ledger-draw-dead-letters",
        description:
          "Draws of the ledger's draw queue went to its dead-letter queue after five receives: their payments wait until the state sends them again.",
      });
      this.alarm("ledger-draws-waiting", drawOldestMessageMetric(props.prefix, PERIOD), {
        runbook: "ledger-draws-waiting",
        threshold: DRAW_OLDEST_MESSAGE_ALARM_SECONDS,
        description: `A draw has waited more than ${DRAW_OLDEST_MESSAGE_ALARM_SECONDS / 60} minutes in the ledger's draw queue: the ledger writer is failing or throttled.`,
      });
    }
    const fundAlerts = publishedMetric(FUND_ALERT_METRIC, "Maximum", PERIOD);
    this.alarm("fund-below-alert-level", fundAlerts, {
      runbook: "fund-below-alert-level",
      description:
        "A township fund's available balance is under its alert level: county finance should replenish (补足).",
    });
    const serverErrors = publishedMetric(SERVER_ERROR_METRIC, "Sum", PERIOD);
    this.alarm("http-server-errors", serverErrors, {
      runbook: "http-server-errors",
      description:
        "An API handler answered 5xx (its error was caught and answered, so Lambda counts no error).",
    });

    let api:
      | { serverErrors: cloudwatch.Metric; latency: (statistic: string) => cloudwatch.Metric }
      | undefined;
    if (props.httpApi) {
      const dimensionsMap = { ApiId: props.httpApi.apiId, Stage: props.httpApiStage ?? "$default" };
      // No labels: a labelled metric makes the alarm a metric-math one, without MetricName at the top.
      const metric = (metricName: string, statistic: string) =>
        new cloudwatch.Metric({
          namespace: "AWS/ApiGateway",
          metricName,
          dimensionsMap,
          period: PERIOD,
          statistic,
        });
      api = {
        serverErrors: metric("5xx", "Sum"),
        latency: (statistic) => metric("Latency", statistic),
      };
      this.alarm("api-5xx", api.serverErrors, {
        runbook: "api-5xx",
        description:
          "The HTTP API answered 5xx (handler errors, Lambda timeouts or throttles, integration failures).",
      });
      this.alarm("api-latency", api.latency("p95"), {
        runbook: "api-latency",
        description: `The HTTP API's p95 latency stayed at or above ${API_LATENCY_P95_MS} ms for ${API_LATENCY_PERIODS * 5} minutes.`,
        threshold: API_LATENCY_P95_MS,
        evaluationPeriods: API_LATENCY_PERIODS,
      });
    }

    this.dashboard = new cloudwatch.Dashboard(this, "Dashboard", {
      dashboardName: `${props.prefix}operations`,
      defaultInterval: Duration.days(1),
    });
    const graph = (
      title: string,
      left: cloudwatch.IMetric[],
      extra: Partial<cloudwatch.GraphWidgetProps> = {},
    ) => new cloudwatch.GraphWidget({ title, left, width: 12, height: 6, ...extra });
    // One metric per township / route, found by what was put: the set grows with the county.
    const search = (metric: { namespace: string; name: string }, dimensions: string, label: string) =>
      new cloudwatch.MathExpression({
        expression: `SEARCH('{${metric.namespace},${dimensions}} MetricName="${metric.name}"', 'Sum', 300)`,
        label,
        period: PERIOD,
      });
    this.dashboard.addWidgets(
      new cloudwatch.TextWidget({
        markdown: `# AidFlow (${props.prefix})\nEvery alarm below has a runbook section in \`${RUNBOOK}\` of the repository (运维手册).`,
        width: 24,
        height: 2,
      }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.AlarmStatusWidget({ title: "Alarms", alarms: this.alarms, width: 24 }),
    );
    this.dashboard.addWidgets(
      graph(
        "Workflow executions failed / timed out",
        machines.flatMap(([name, machine]) => [
          machine.metricFailed({ period: PERIOD, statistic: "Sum", label: `${name} failed` }),
          machine.metricTimedOut({ period: PERIOD, statistic: "Sum", label: `${name} timed out` }),
        ]),
      ),
      graph("Funds under their alert level (备用金低于预警线), by township", [
        fundAlerts.with({ label: "all funds" }),
        search(FUND_ALERT_METRIC, "county,township", "township"),
      ]),
    );
    this.dashboard.addWidgets(
      graph(
        "Lambda errors",
        functions.map(([id, fn]) => fn.metricErrors({ period: PERIOD, statistic: "Sum", label: id })),
      ),
      graph(
        "Lambda throttles",
        functions.map(([id, fn]) => fn.metricThrottles({ period: PERIOD, statistic: "Sum", label: id })),
      ),
    );
    this.dashboard.addWidgets(
      graph(
        "Lambda duration p95 (ms)",
        functions.map(([id, fn]) => fn.metricDuration({ period: PERIOD, statistic: "p95", label: id })),
      ),
      graph("5xx answered by the handlers, by route", [
        serverErrors.with({ label: "all routes" }),
        search(SERVER_ERROR_METRIC, "route", "route"),
      ]),
    );
    if (api) {
      const latency = api.latency;
      this.dashboard.addWidgets(
        graph("API 5xx", [api.serverErrors]),
        graph(
          "API latency (ms)",
          ["p50", "p95", "p99"].map((statistic) => latency(statistic).with({ label: statistic })),
          {
            leftAnnotations: [{ value: API_LATENCY_P95_MS, label: "p95 alarm" }],
          },
        ),
      );
    }
    this.dashboard.addWidgets(graph("DynamoDB throttle events", tableThrottles, { width: 24 }));
  }

  /**
   * Any occurrence in a five-minute period raises the alarm unless a threshold is given; no data means
   * all is well. The description names the runbook section.
   */
  private alarm(name: string, metric: cloudwatch.IMetric, options: AlarmOptions): cloudwatch.Alarm {
    const alarm = new cloudwatch.Alarm(this, `${name}-alarm`, {
      alarmName: `${this.prefix}${name}`,
      metric,
      threshold: options.threshold ?? 1,
      evaluationPeriods: options.evaluationPeriods ?? 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription: `${options.description} Runbook: ${RUNBOOK}#${options.runbook}`,
    });
    alarm.addAlarmAction(new actions.SnsAction(this.alarmTopic));
    this.alarms.push(alarm);
    return alarm;
  }
}
