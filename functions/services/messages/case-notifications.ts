/**
 * What a case's people were told, as `GET /cases/{caseId}/progress` lists it (`notifications`): the
 * outbox's messages (referrals, the registration county, fund alerts, a task's role that got no staff
 * message) and the staff messages of its tasks. A task's role is told through one of the two
 * (functions/services/steps/human-tasks.ts `notifyTaskOpened`), so each notification is listed once;
 * a staff message is listed under the kind its outbox message would have had
 * (`task.<taskType>[.escalated]`). Applicants' own messages are their inbox's, not listed here.
 */
import type { StoredMessage } from "#adapters/message-store.ts";
import type { Recipient } from "#adapters/outbox.ts";
import type { FlowDeps } from "../ports.ts";
import { taskTypeOfStaffMessage } from "./notify.ts";

export interface CaseNotification {
  kind: string;
  recipient: Recipient;
  subjectZh: string;
  createdAt: string;
  messageId: string;
}

/** The case's notifications, oldest first. */
export async function caseNotifications(
  deps: Pick<FlowDeps, "outbox" | "messages">,
  record: { caseId: string; countyId: string },
): Promise<CaseNotification[]> {
  const [outbox, messages] = await Promise.all([
    deps.outbox.forCase(record.caseId),
    deps.messages.forCase(record.countyId, record.caseId),
  ]);
  const told: CaseNotification[] = outbox.map((n) => ({
    kind: n.kind,
    recipient: n.recipient,
    subjectZh: n.subjectZh,
    createdAt: n.createdAt,
    messageId: n.messageId,
  }));
  for (const message of messages) {
    const notification = staffNotification(message);
    if (notification) told.push(notification);
  }
  return told.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
}

function staffNotification(message: StoredMessage): CaseNotification | undefined {
  const to = message.recipient;
  if (to.kind !== "staff") return undefined;
  const taskType = taskTypeOfStaffMessage(message.messageId);
  const escalated = message.event.kind === "task-escalated";
  return {
    kind: taskType ? `task.${taskType}${escalated ? ".escalated" : ""}` : message.event.kind,
    recipient: to.townshipId
      ? { kind: "township", id: to.townshipId, role: to.role }
      : { kind: "county", id: to.countyId, role: to.role },
    subjectZh: message.rendered.text,
    createdAt: message.createdAt,
    messageId: message.messageId,
  };
}
