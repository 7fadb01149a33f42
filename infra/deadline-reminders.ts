/**
 * The deadline reminders' schedule: an EventBridge rule invokes the function whose catalog
 * entry asks for `reminderSchedule` (DeadlineReminders) every REMINDER_SCHEDULE_MINUTES; it scans
 * every county's open-task queues (functions/services/messages/reminders.ts). The state machines'
 * waits time out only at a deadline, so this scan is what sends the reminder a working day before.
 */
import type { Stack } from "aws-cdk-lib";
import type * as lambda from "aws-cdk-lib/aws-lambda";
import type { FunctionDefinition } from "#functions/catalog.ts";
import { REMINDER_SCHEDULE_MINUTES } from "#functions/services/messages/reminders.ts";
import { everyMinutes } from "./schedule.ts";

export function wireReminderSchedule(
  scope: Stack,
  definition: FunctionDefinition,
  fn: lambda.Function,
): void {
  if (!definition.triggers?.reminderSchedule) return;
  everyMinutes(
    scope,
    `${definition.id}Schedule`,
    fn,
    REMINDER_SCHEDULE_MINUTES,
    "AidFlow: remind of open tasks due within one working day",
  );
}
