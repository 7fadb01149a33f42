/**
 * The deadline reminders Lambda: an EventBridge schedule invokes it
 * (infra/sms-dispatch.ts, `reminderSchedule`) and it scans every county's open-task queues for tasks
 * due within one working day (services/messages/reminders.ts). Each task is reminded once, so a
 * retried or repeated invocation sends nothing twice.
 */
import { flowDeps } from "#functions/services/deps.ts";
import { sendAllDeadlineReminders } from "#functions/services/messages/reminders.ts";

export async function handler(event: unknown): Promise<{ counties: number; due: number }> {
  if ((event as { source?: unknown })?.source !== "aws.events") {
    throw new TypeError("DeadlineReminders takes a scheduled event");
  }
  return sendAllDeadlineReminders(flowDeps());
}
