/**
 * The deadline reminders' schedule: an EventBridge rule invokes the function whose catalog
 * entry asks for `reminderSchedule` (DeadlineReminders) every REMINDER_SCHEDULE_MINUTES; it scans
 * every county's open-task queues (functions/services/messages/reminders.ts). The state machines'
 * waits time out only at a deadline, so this scan is what sends the reminder a working day before.
 */
import { Duration, type Stack } from "aws-cdk-lib";
import * as events from "aws-cdk-lib/aws-events";
import * as targets from "aws-cdk-lib/aws-events-targets";
import type * as lambda from "aws-cdk-lib/aws-lambda";
import type { FunctionDefinition } from "#functions/catalog.ts";
import { REMINDER_SCHEDULE_MINUTES } from "#functions/services/messages/reminders.ts";

export function wireReminderSchedule(
  scope: Stack,
  definition: FunctionDefinition,
  fn: lambda.Function,
): void {
  if (!definition.triggers?.reminderSchedule) return;
  new events.Rule(scope, `${definition.id}Schedule`, {
    description: "AidFlow: remind of open tasks due within one working day",
    schedule: events.Schedule.rate(Duration.minutes(REMINDER_SCHEDULE_MINUTES)),
    // The version, as the SMS dispatcher's schedule: the schedule calls the code of the last deploy.
    targets: [new targets.LambdaFunction(fn.currentVersion)],
  });
}
