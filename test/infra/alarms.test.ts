/**
 * The alarms fire on what the code really puts, and someone receives them: each custom-metric alarm
 * watches a namespace, name and dimension set that the metrics module writes in its EMF records (the
 * records are produced here by the module itself); the API has 5xx and latency alarms on its stage;
 * the dashboard shows every signal; `alarmEmail` subscribes; every alarm names its runbook section in
 * docs/operations.md, which exists.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { Match, Template } from "aws-cdk-lib/assertions";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { FUND_ALERT_METRIC, SERVER_ERROR_METRIC } from "#functions/runtime/environment.ts";
import { captureLogs } from "#functions/runtime/logger.ts";
import { fundBelowAlertLevel, httpServerError } from "#functions/runtime/metrics.ts";
import { API_LATENCY_P95_MS, API_LATENCY_PERIODS, RUNBOOK } from "#infra/stacks/monitoring-stack.ts";
import { TABLES } from "#infra/tables.ts";
import { FIXTURE_FUNCTIONS } from "#test/fixtures/infra/catalog.ts";
import { emfRecords } from "#test/support/emf.ts";
import { buildFixtureApp, FIXTURE_WORKFLOWS, PREFIX, PROJECT_ROOT } from "./support.ts";

type AlarmProperties = {
  AlarmName?: string;
  AlarmDescription?: string;
  Namespace?: string;
  MetricName?: string;
  Statistic?: string;
  ExtendedStatistic?: string;
  Threshold?: number;
  EvaluationPeriods?: number;
  Dimensions?: { Name: string; Value: unknown }[];
  AlarmActions?: unknown[];
};

let monitoring: Template;
let api: Template;
let alarms: AlarmProperties[];

beforeAll(() => {
  const { stacks } = buildFixtureApp();
  monitoring = Template.fromStack(stacks.monitoring);
  api = Template.fromStack(stacks.api);
  alarms = Object.values(monitoring.findResources("AWS::CloudWatch::Alarm")).map(
    (resource) => resource.Properties as AlarmProperties,
  );
});

let stopCapture: (() => string[]) | undefined;
afterEach(() => {
  stopCapture?.();
  stopCapture = undefined;
});

function alarmOn(namespace: string, metricName: string): AlarmProperties {
  const found = alarms.filter((alarm) => alarm.Namespace === namespace && alarm.MetricName === metricName);
  expect(found, `one alarm on ${namespace}/${metricName}`).toHaveLength(1);
  return found[0] as AlarmProperties;
}

describe("custom-metric alarms watch what the code emits", () => {
  it.each([
    ["FundBelowAlertLevel", FUND_ALERT_METRIC, () => fundBelowAlertLevel({ fundId: "230123100" })],
    ["HttpServerErrors", SERVER_ERROR_METRIC, () => httpServerError("POST /cases")],
  ] as const)(
    "%s: the alarm's namespace, name and dimensions are those of the EMF record",
    (_, metric, emit) => {
      // Prepare
      const logs = captureLogs();
      stopCapture = logs.stop;
      // Act
      emit();
      // Assess
      const [record] = emfRecords(logs.lines, metric);
      const directive = record?._aws.CloudWatchMetrics.find((d) => d.Namespace === metric.namespace);
      expect(directive?.Metrics.map((m) => m.Name)).toEqual([metric.name]);
      const alarm = alarmOn(metric.namespace, metric.name);
      const alarmDimensions = (alarm.Dimensions ?? []).map((d) => d.Name).sort();
      expect(directive?.Dimensions.map((set) => [...set].sort())).toContainEqual(alarmDimensions);
      expect(alarm).toMatchObject({ Threshold: 1, EvaluationPeriods: 1, AlarmActions: [expect.anything()] });
    },
  );
});

describe("API alarms", () => {
  it("alarms on any 5xx of the HTTP API's stage", () => {
    // Prepare
    const stageName = Object.values(api.findResources("AWS::ApiGatewayV2::Stage"))[0]?.Properties.StageName;
    // Act
    const alarm = alarmOn("AWS/ApiGateway", "5xx");
    // Assess
    expect(stageName).toBeDefined();
    expect(alarm).toMatchObject({ Statistic: "Sum", Threshold: 1, EvaluationPeriods: 1 });
    expect(alarm.Dimensions).toEqual(
      expect.arrayContaining([
        { Name: "ApiId", Value: expect.anything() },
        { Name: "Stage", Value: stageName },
      ]),
    );
  });

  it("alarms when the stage's p95 latency stays at or above the threshold", () => {
    // Act
    const alarm = alarmOn("AWS/ApiGateway", "Latency");
    // Assess
    expect(alarm).toMatchObject({
      ExtendedStatistic: "p95",
      Threshold: API_LATENCY_P95_MS,
      EvaluationPeriods: API_LATENCY_PERIODS,
    });
    expect(API_LATENCY_P95_MS).toBe(3000);
    expect(alarm.Dimensions?.map((d) => d.Name).sort()).toEqual(["ApiId", "Stage"]);
  });
});

describe("every alarm", () => {
  it("goes to the alarm topic and names a runbook section that docs/operations.md has", () => {
    // Prepare
    const runbook = readFileSync(path.join(PROJECT_ROOT, RUNBOOK), "utf8");
    // Act
    const anchors = alarms.map(
      (alarm) => alarm.AlarmDescription?.match(/Runbook: docs\/operations\.md#([a-z0-9-]+)$/)?.[1],
    );
    // Assess
    expect(alarms.length).toBe(
      FIXTURE_WORKFLOWS.length * 2 + FIXTURE_FUNCTIONS.length * 2 + TABLES.length + 4,
    );
    expect(anchors.filter((anchor) => anchor === undefined)).toEqual([]);
    for (const anchor of new Set(anchors))
      expect(runbook, `section #${anchor}`).toContain(`<a id="${anchor}"></a>`);
    for (const alarm of alarms) {
      expect(alarm.AlarmName?.startsWith(PREFIX)).toBe(true);
      expect(alarm.AlarmActions).toEqual([{ Ref: expect.stringMatching(/^AlarmTopic/) }]);
    }
  });
});

describe("dashboard", () => {
  it("shows executions, Lambda errors/throttles/duration, API 5xx and latency, table throttles, fund alerts and server errors", () => {
    // Act
    const dashboards = monitoring.findResources("AWS::CloudWatch::Dashboard");
    // Assess
    const [dashboard] = Object.values(dashboards);
    expect(Object.keys(dashboards)).toHaveLength(1);
    expect(dashboard?.Properties.DashboardName).toBe(`${PREFIX}operations`);
    const body = JSON.stringify(dashboard?.Properties.DashboardBody);
    for (const metric of [
      "ExecutionsFailed",
      "ExecutionsTimedOut",
      "Errors",
      "Throttles",
      "Duration",
      "5xx",
      "Latency",
      "ReadThrottleEvents",
      "WriteThrottleEvents",
      FUND_ALERT_METRIC.name,
      SERVER_ERROR_METRIC.name,
    ]) {
      expect(body, metric).toContain(`\\"${metric}\\"`);
    }
    expect(body).toContain("alarm");
  });
});

describe("who gets the alarms", () => {
  it("alarmEmail subscribes that address to the alarm topic", () => {
    // Prepare
    const { stacks } = buildFixtureApp({ alarmEmail: "ops@example.org" });
    // Act
    const template = Template.fromStack(stacks.monitoring);
    // Assess
    template.resourceCountIs("AWS::SNS::Subscription", 1);
    template.hasResourceProperties("AWS::SNS::Subscription", {
      Protocol: "email",
      Endpoint: "ops@example.org",
      TopicArn: { Ref: Match.stringLikeRegexp("^AlarmTopic") },
    });
  });

  it("without alarmEmail there is no subscriber, and the synth says so", () => {
    // Prepare
    const { app, stacks } = buildFixtureApp();
    // Act
    const template = Template.fromStack(stacks.monitoring);
    const messages = app.synth().getStackArtifact(stacks.monitoring.artifactId).messages;
    // Assess
    template.resourceCountIs("AWS::SNS::Subscription", 0);
    expect(messages.map((m) => [m.level, String(m.entry.data)])).toContainEqual([
      "info",
      expect.stringContaining("alarmEmail"),
    ]);
  });
});
