/**
 * Reminders before a deadline: the state machines' waits time out only AT a deadline, so
 * the message one working day before it comes from a scan of the county's open tasks, run on a
 * schedule. A task whose deadline falls within one working day of now (the county's calendar of the
 * case's policy) tells its roles `task-near-deadline`; a paperwork task also reminds the applicant
 * (`paperwork-reminder`: what to bring, where, by when). Each reminder has a deterministic id per
 * task, so running the scan again — every few minutes — writes nothing new.
 */
import type { HumanTask } from "#adapters/human-task-store.ts";
import { isRole, type Role } from "#core/access/index.ts";
import { addWorkingDays } from "#core/calendar/index.ts";
import { localDateOf } from "#core/calendar/localDate.ts";
import type { FlowDeps } from "../ports.ts";
import { countyCalendar } from "../steps/automatic.ts";
import { policyOf } from "../steps/decision.ts";
import { notify, notifyApplicant, PAPERWORK_ITEMS, TASK_NAMES } from "./notify.ts";

/** The roles with open-task queues: a township's, and the county's. */
const TOWNSHIP_QUEUE_ROLES: readonly Role[] = ["township-officer", "township-approver"];
const COUNTY_QUEUE_ROLES: readonly Role[] = ["county-civil-affairs", "county-finance"];

/**
 * The open tasks of the county's queues, each once — all of them: the queues run earliest deadline
 * first, so overdue tasks come before the ones about to fall due, and a capped read would miss those.
 */
async function openTasksOf(deps: FlowDeps, countyId: string): Promise<HumanTask[]> {
  const tasks = new Map<string, HumanTask>();
  for (const township of await deps.directory.townshipsOf(countyId)) {
    for (const role of TOWNSHIP_QUEUE_ROLES) {
      for (const task of await deps.tasks.openForTownship(township.townshipId, role)) {
        tasks.set(`${task.caseId}/${task.taskId}`, task);
      }
    }
  }
  for (const role of COUNTY_QUEUE_ROLES) {
    for (const task of await deps.tasks.openForCounty(countyId, role)) {
      tasks.set(`${task.caseId}/${task.taskId}`, task);
    }
  }
  return [...tasks.values()];
}

/** The deadline is still ahead, and one working day from now reaches it. */
async function dueWithinAWorkingDay(deps: FlowDeps, task: HumanTask, now: Date): Promise<boolean> {
  if (!task.dueAt || Date.parse(task.dueAt) <= now.getTime()) return false;
  const record = await deps.cases.get(task.caseId);
  const policy = await policyOf(deps, record);
  const oneDayOn = addWorkingDays(now, 1, await countyCalendar(deps, record, policy));
  return oneDayOn.getTime() >= Date.parse(task.dueAt);
}

async function remind(deps: FlowDeps, task: HumanTask): Promise<void> {
  const dueAt = task.dueAt as string;
  const discriminator = task.taskId.replaceAll("#", ".");
  const township = (await deps.directory.township(task.townshipId))?.name ?? task.townshipId;
  for (const role of task.assigneeRoles.filter(isRole)) {
    const countyRole = COUNTY_QUEUE_ROLES.includes(role);
    await notify(
      deps,
      {
        kind: "task-near-deadline",
        values: {
          township,
          task: TASK_NAMES[task.taskType] ?? "待办事项",
          caseNumber: task.caseId,
          deadline: dueAt,
        },
      },
      {
        kind: "staff",
        countyId: task.countyId,
        ...(countyRole ? {} : { townshipId: task.townshipId }),
        role,
      },
      { caseId: task.caseId, discriminator: `${discriminator}-${role}` },
    );
  }
  if (task.taskType === "paperwork") {
    const record = await deps.cases.get(task.caseId);
    await notifyApplicant(
      deps,
      record,
      "paperwork-reminder",
      { dueDate: localDateOf(Date.parse(dueAt)), items: PAPERWORK_ITEMS },
      discriminator,
    );
  }
}

/** Reminds of every open task of the county due within one working day; how many were due. */
export async function sendDeadlineReminders(deps: FlowDeps, countyId: string): Promise<{ due: number }> {
  const now = deps.now();
  let due = 0;
  for (const task of await openTasksOf(deps, countyId)) {
    if (!(await dueWithinAWorkingDay(deps, task, now))) continue;
    await remind(deps, task);
    due += 1;
  }
  return { due };
}

/** How often the scan runs (AWS and locally, in business time); each task is reminded once however often. */
export const REMINDER_SCHEDULE_MINUTES = 60;

/**
 * The scheduled scan (AWS: an EventBridge schedule on DeadlineReminders; locally: the SMS service's
 * poll): every county of the deployment, each task reminded once however often it runs.
 */
export async function sendAllDeadlineReminders(deps: FlowDeps): Promise<{ counties: number; due: number }> {
  const counties = await deps.directory.countiesOfDeployment();
  let due = 0;
  for (const county of counties) due += (await sendDeadlineReminders(deps, county.countyId)).due;
  return { counties: counties.length, due };
}
