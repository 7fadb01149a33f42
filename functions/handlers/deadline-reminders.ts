/**
 * The deadline reminders Lambda: an EventBridge schedule invokes it
 * (infra/sms-dispatch.ts, `reminderSchedule`) and it scans every county's open-task queues for tasks
 * due within one working day (services/messages/reminders.ts). Each task is reminded once, so a
 * retried or repeated invocation sends nothing twice. The same scan escalates the early warnings whose
 * verification deadline passed to county civil affairs, each once (services/alerts).
 */
import { AlertStore } from "#adapters/alert-store.ts";
import { auditStore } from "#adapters/audit-store.ts";
import { config, dynamo } from "#functions/runtime/config.ts";
import { escalateAllOverdueAlerts } from "#functions/services/alerts/verification.ts";
import { flowDeps } from "#functions/services/deps.ts";
import { sendAllDeadlineReminders } from "#functions/services/messages/reminders.ts";

export async function handler(
  event: unknown,
): Promise<{ counties: number; due: number; escalatedAlerts: number }> {
  if ((event as { source?: unknown })?.source !== "aws.events") {
    throw new TypeError("DeadlineReminders takes a scheduled event");
  }
  const reminders = await sendAllDeadlineReminders(flowDeps());
  const alerts = await escalateAllOverdueAlerts({
    flow: flowDeps(),
    alerts: new AlertStore(dynamo(), config().tables.main),
    audit: auditStore(),
  });
  return { ...reminders, escalatedAlerts: alerts.escalated };
}
