/**
 * A function called on a fixed rate by an EventBridge rule (the deadline reminders' scan, the SMS
 * dispatcher's due deliveries, the daily province roll-up). The rule targets the function's current version, like the state
 * machines' tasks: a permission on the unqualified function would not cover it (aws-cdk#19273), and
 * the schedule calls the code of the last deploy.
 */
import { Duration, type Stack } from "aws-cdk-lib";
import * as events from "aws-cdk-lib/aws-events";
import * as targets from "aws-cdk-lib/aws-events-targets";
import type * as lambda from "aws-cdk-lib/aws-lambda";

export function everyMinutes(
  scope: Stack,
  id: string,
  fn: lambda.Function,
  minutes: number,
  description: string,
): events.Rule {
  return new events.Rule(scope, id, {
    description,
    schedule: events.Schedule.rate(Duration.minutes(minutes)),
    targets: [new targets.LambdaFunction(fn.currentVersion)],
  });
}
