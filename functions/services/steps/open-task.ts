/**
 * Opening a human wait, for both flows (ARCHITECTURE §3.4): a flow's task table says who acts, the
 * case's status while it waits and what the notification says; this addresses the notification to
 * those roles' township or county, marks the case's flags and hands the rest to `openHumanTask`.
 */
import type * as z from "zod";
import type { CaseRecord } from "#adapters/case-store.ts";
import type { Recipient } from "#adapters/outbox.ts";
import type { FlowDeps } from "../ports.ts";
import {
  type OpenHumanTaskResult,
  type OpenTaskEventBaseSchema,
  openHumanTask,
  type WaitOpened,
} from "./human-tasks.ts";

/** One row of a flow's task table. */
export interface TaskSpec {
  roles: string[];
  subject: string;
  subjectZh: string;
}

const COUNTY_ROLES = new Set(["county-civil-affairs", "county-finance"]);

type OpenTaskEvent = z.output<typeof OpenTaskEventBaseSchema> & { taskType: string };

export async function openTask(
  deps: FlowDeps,
  event: OpenTaskEvent,
  record: CaseRecord,
  spec: TaskSpec,
  /**
   * `wait`: which wait of the flow opens (core's transition gives the case's status while it waits);
   * `fundWait`: the wait is for county finance to top the fund up (the case joins the fund's queue).
   */
  extra: { wait: WaitOpened; fundWait: boolean; details: Record<string, unknown> },
): Promise<OpenHumanTaskResult> {
  const notify: Recipient[] = spec.roles.map((role) =>
    COUNTY_ROLES.has(role)
      ? { kind: "county", id: record.countyId, role }
      : { kind: "township", id: record.townshipId, role },
  );
  const flags = { ...record.flags };
  if (event.escalated) flags.escalated = true;
  if (event.overdue) flags.overdue = true;
  if (extra.fundWait) flags.fundWaited = true;
  return openHumanTask(deps, {
    token: event.taskToken,
    caseId: event.caseId,
    taskType: event.taskType,
    assigneeRoles: spec.roles,
    ...(event.timeoutSeconds !== undefined ? { timeoutSeconds: event.timeoutSeconds } : {}),
    escalated: event.escalated ?? false,
    overdue: event.overdue ?? false,
    caseEvent: extra.wait,
    caseSet: { flags },
    notify,
    subject: spec.subject,
    subjectZh: spec.subjectZh,
    details: extra.details,
    correlationId: event.correlationId,
  });
}
