import { Match, Template } from "aws-cdk-lib/assertions";
import { beforeAll, describe, expect, it } from "vitest";
import { FUND_ALERT_METRIC } from "#infra/environment.ts";
import { TABLES } from "#infra/tables.ts";
import { FIXTURE_FUNCTIONS } from "#test/fixtures/infra/catalog.ts";
import { buildFixtureApp, FIXTURE_WORKFLOWS } from "./support.ts";

describe("monitoring stack", () => {
  let template: Template;

  beforeAll(() => {
    // Prepare
    const { stacks } = buildFixtureApp();
    // Act
    template = Template.fromStack(stacks.monitoring);
  });

  it("alarms on failed and timed-out executions of every state machine", () => {
    // Assess
    for (const metricName of ["ExecutionsFailed", "ExecutionsTimedOut"]) {
      const alarms = template.findResources("AWS::CloudWatch::Alarm", {
        Properties: { Namespace: "AWS/States", MetricName: metricName },
      });
      expect(Object.keys(alarms)).toHaveLength(FIXTURE_WORKFLOWS.length);
    }
  });

  it("alarms on errors and throttles of every function", () => {
    // Assess
    for (const metricName of ["Errors", "Throttles"]) {
      const alarms = template.findResources("AWS::CloudWatch::Alarm", {
        Properties: { Namespace: "AWS/Lambda", MetricName: metricName },
      });
      expect(Object.keys(alarms)).toHaveLength(FIXTURE_FUNCTIONS.length);
    }
  });

  it("alarms on throttled requests of every table", () => {
    // Assess
    const text = JSON.stringify(template.findResources("AWS::CloudWatch::Alarm"));
    expect(text.match(/WriteThrottleEvents/g)).toHaveLength(TABLES.length);
    expect(text.match(/ReadThrottleEvents/g)).toHaveLength(TABLES.length);
  });

  it("alarms when a township fund falls below its alert level (DOMAIN §5)", () => {
    // Assess
    template.hasResourceProperties("AWS::CloudWatch::Alarm", {
      Namespace: FUND_ALERT_METRIC.namespace,
      MetricName: FUND_ALERT_METRIC.name,
      Threshold: 1,
      TreatMissingData: "notBreaching",
      AlarmActions: Match.anyValue(),
    });
  });
});

describe("web stack", () => {
  it("serves the consoles from a private bucket through CloudFront with Origin Access Control", () => {
    // Prepare
    const { stacks } = buildFixtureApp();
    // Act
    const template = Template.fromStack(stacks.web);
    // Assess
    template.resourceCountIs("AWS::CloudFront::OriginAccessControl", 1);
    template.hasResourceProperties("AWS::CloudFront::Distribution", {
      DistributionConfig: Match.objectLike({
        DefaultRootObject: "index.html",
        DefaultCacheBehavior: Match.objectLike({ ViewerProtocolPolicy: "redirect-to-https" }),
        Logging: Match.objectLike({ Bucket: Match.anyValue() }),
      }),
    });
  });

  it("uploads web/dist only when it exists at synth time", () => {
    // Prepare
    const without = buildFixtureApp();
    const withDist = buildFixtureApp({ withWebDist: true });
    // Act
    const templateWithout = Template.fromStack(without.stacks.web);
    const templateWith = Template.fromStack(withDist.stacks.web);
    // Assess
    expect(without.stacks.web.deploysContent).toBe(false);
    templateWithout.resourceCountIs("Custom::CDKBucketDeployment", 0);
    expect(withDist.stacks.web.deploysContent).toBe(true);
    templateWith.resourceCountIs("Custom::CDKBucketDeployment", 1);
  });
});
