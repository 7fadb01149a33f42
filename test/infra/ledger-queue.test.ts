/**
 * The draw queue in AWS (issue 23 item 2, ARCHITECTURE §5.3 one writer per fund): an encrypted,
 * TLS-only SQS FIFO queue with a FIFO dead-letter queue; the ledger writer consumes it in batches with
 * partial batch responses and bounded concurrency; the state machines of Flow A (`DrawAid`) and
 * Flow B (`DrawStage`) may send to it and to no other queue; the writer may answer task tokens; two
 * alarms watch it.
 */
import path from "node:path";
import { Match, Template } from "aws-cdk-lib/assertions";
import { beforeAll, describe, expect, it } from "vitest";
import { FUNCTIONS } from "#functions/catalog.ts";
import {
  DRAW_BATCH_SIZE,
  DRAW_MAX_CONCURRENCY,
  DRAW_MAX_RECEIVE_COUNT,
  DRAW_VISIBILITY_TIMEOUT_SECONDS,
} from "#functions/runtime/draw-queue.ts";
import {
  DRAW_OLDEST_MESSAGE_ALARM_SECONDS,
  drawDeadLetterQueueName,
  drawQueueName,
} from "#infra/ledger-queue.ts";
import { buildFixtureApp, PREFIX, PROJECT_ROOT } from "./support.ts";

type Resource = { Properties: Record<string, unknown> };

function statementsOf(template: Template, role: string): Array<Record<string, unknown>> {
  return Object.values(template.findResources("AWS::IAM::Policy") as Record<string, Resource>)
    .filter((policy) => JSON.stringify(policy.Properties.Roles).includes(role))
    .flatMap(
      (policy) =>
        (policy.Properties.PolicyDocument as { Statement: Array<Record<string, unknown>> }).Statement,
    );
}

describe("ledger draw queue infrastructure", () => {
  let functions: Template;
  let workflows: Template;
  let monitoring: Template;
  let fixture: ReturnType<typeof buildFixtureApp>;

  beforeAll(() => {
    // Prepare / Act: the real catalog and the real Flow A and Flow B definitions, bundling skipped
    fixture = buildFixtureApp({
      functions: FUNCTIONS,
      workflows: [
        { name: "flow-a", file: path.join(PROJECT_ROOT, "workflows/flow-a.asl.json") },
        { name: "flow-b", file: path.join(PROJECT_ROOT, "workflows/flow-b.asl.json") },
      ],
    });
    functions = Template.fromStack(fixture.stacks.functions!);
    workflows = Template.fromStack(fixture.stacks.workflows!);
    monitoring = Template.fromStack(fixture.stacks.monitoring);
  });

  it("is an encrypted FIFO queue deduplicating by content per fund, with a FIFO dead-letter queue", () => {
    functions.hasResourceProperties("AWS::SQS::Queue", {
      QueueName: drawQueueName(PREFIX),
      FifoQueue: true,
      ContentBasedDeduplication: true,
      DeduplicationScope: "messageGroup",
      FifoThroughputLimit: "perMessageGroupId",
      VisibilityTimeout: DRAW_VISIBILITY_TIMEOUT_SECONDS,
      SqsManagedSseEnabled: true,
      RedrivePolicy: {
        deadLetterTargetArn: { "Fn::GetAtt": [Match.stringLikeRegexp("DrawDeadLetters"), "Arn"] },
        maxReceiveCount: DRAW_MAX_RECEIVE_COUNT,
      },
    });
    functions.hasResourceProperties("AWS::SQS::Queue", {
      QueueName: drawDeadLetterQueueName(PREFIX),
      FifoQueue: true,
      SqsManagedSseEnabled: true,
    });
  });

  it("both queues refuse requests without TLS", () => {
    const policies = Object.values(
      functions.findResources("AWS::SQS::QueuePolicy") as Record<string, Resource>,
    );
    const denies = policies.filter((policy) =>
      JSON.stringify(policy.Properties.PolicyDocument).includes('"aws:SecureTransport":"false"'),
    );
    const queues = denies.map((policy) => JSON.stringify(policy.Properties.Queues));
    expect(queues.some((q) => q.includes("DrawQueue"))).toBe(true);
    expect(queues.some((q) => q.includes("DrawDeadLetters"))).toBe(true);
  });

  it("the ledger writer consumes it in batches with partial batch responses and bounded concurrency", () => {
    functions.hasResourceProperties("AWS::Lambda::EventSourceMapping", {
      EventSourceArn: { "Fn::GetAtt": [Match.stringLikeRegexp("LedgerWriterDrawQueue"), "Arn"] },
      FunctionName: { Ref: Match.stringLikeRegexp("LedgerWriterFunction") },
      BatchSize: DRAW_BATCH_SIZE,
      FunctionResponseTypes: ["ReportBatchItemFailures"],
      ScalingConfig: { MaximumConcurrency: DRAW_MAX_CONCURRENCY },
    });
    const writer = FUNCTIONS.find((definition) => definition.triggers?.drawQueue);
    expect(writer?.id).toBe("LedgerWriter");
    // Lambda's poller needs the batch invisible for 6 × the function's timeout.
    expect((writer?.timeoutSeconds ?? 0) * 6).toBeLessThanOrEqual(DRAW_VISIBILITY_TIMEOUT_SECONDS);
  });

  it("the writer receives from this queue only and answers task tokens", () => {
    const statements = statementsOf(functions, "LedgerWriterRole");
    const sqsStatements = statements.filter((s) => JSON.stringify(s.Action).includes("sqs:"));
    expect(sqsStatements.length).toBeGreaterThan(0);
    for (const statement of sqsStatements) {
      expect(JSON.stringify(statement.Resource)).toMatch(/LedgerWriterDrawQueue[A-Z0-9]*"/);
      expect(JSON.stringify(statement.Action)).not.toContain("sqs:SendMessage");
    }
    const tokens = statements.find((s) => JSON.stringify(s.Action).includes("states:SendTaskSuccess"));
    expect(JSON.stringify(tokens?.Action)).toContain("states:SendTaskFailure");
  });

  it.each([
    ["Flow A", "FlowA"],
    ["Flow B", "FlowB"],
  ])("%s's state machine gets the queue's URL and may send to it and to nothing else in SQS", (_flow, id) => {
    const machines = workflows.findResources("AWS::StepFunctions::StateMachine") as Record<string, Resource>;
    const [logicalId, machine] = Object.entries(machines).find(([name]) =>
      name.startsWith(`${id}StateMachine`),
    ) as [string, Resource];
    const substitutions = machine.Properties.DefinitionSubstitutions as Record<string, unknown>;
    expect(JSON.stringify(substitutions.LedgerQueueUrl)).toMatch(
      /LedgerWriterDrawQueue.*QueueUrl|Fn::ImportValue/,
    );
    // The role's policy: the machine's role is named after it.
    const role = JSON.stringify((machine.Properties.RoleArn as { "Fn::GetAtt": string[] })["Fn::GetAtt"][0]);
    const roleName = JSON.parse(role) as string;
    expect(roleName.startsWith(`${id}StateMachineRole`)).toBe(true);
    const sends = statementsOf(workflows, roleName).filter((s) => JSON.stringify(s.Action).includes("sqs:"));
    expect(sends, logicalId).toHaveLength(1);
    expect(sends[0]?.Action).toBe("sqs:SendMessage");
    expect(JSON.stringify(sends[0]?.Resource)).toMatch(/Fn::ImportValue.*DrawQueue/);
    // No other policy of the workflows stack sends to SQS.
    const allSends = Object.values(workflows.findResources("AWS::IAM::Policy") as Record<string, Resource>)
      .flatMap(
        (policy) =>
          (policy.Properties.PolicyDocument as { Statement: Array<Record<string, unknown>> }).Statement,
      )
      .filter((s) => JSON.stringify(s.Action).includes("sqs:"));
    expect(allSends).toHaveLength(2);
  });

  it("alarms watch the dead-letter queue and the age of the oldest draw", () => {
    monitoring.hasResourceProperties("AWS::CloudWatch::Alarm", {
      AlarmName: `${PREFIX}ledger-draw-dead-letters`,
      Namespace: "AWS/SQS",
      MetricName: "ApproximateNumberOfMessagesVisible",
      Dimensions: [{ Name: "QueueName", Value: drawDeadLetterQueueName(PREFIX) }],
      Threshold: 1,
    });
    monitoring.hasResourceProperties("AWS::CloudWatch::Alarm", {
      AlarmName: `${PREFIX}ledger-draws-waiting`,
      Namespace: "AWS/SQS",
      MetricName: "ApproximateAgeOfOldestMessage",
      Dimensions: [{ Name: "QueueName", Value: drawQueueName(PREFIX) }],
      Threshold: DRAW_OLDEST_MESSAGE_ALARM_SECONDS,
    });
  });

  it("cdk-nag finds nothing unacknowledged in the app with the queue, its consumer and both flows", () => {
    const report = fixture.checks.validateScope(fixture.app);
    expect(report.violations.map((violation) => violation.ruleName)).toEqual([]);
    expect(report.success).toBe(true);
  });
});
