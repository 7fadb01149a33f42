/** Deadlines of the flows, all from policy parameters and the county calendar (DOMAIN §3.2, §3.4, §7). */
import type { HolidayCalendar } from "../../calendar/holidayCalendar.ts";
import { addHours, type Instant } from "../../calendar/localDate.ts";
import { addWorkingDaysDetailed, type WorkingDayDeadline } from "../../calendar/workingDays.ts";
import type { ResolvedPolicy } from "../../policy/resolve.ts";

/** The advance decision is due `advanceResponseTimeHours` after filing; then it escalates. */
export function advanceDecisionDueAt(filedAt: Instant, policy: ResolvedPolicy): Date {
  return addHours(filedAt, policy.advanceResponseTimeHours);
}

/** Paperwork (补齐手续) is due `paperworkDeadlineWorkingDays` working days after the advance was paid. */
export function paperworkDeadline(
  paidAt: Instant,
  policy: ResolvedPolicy,
  calendar: HolidayCalendar,
): WorkingDayDeadline {
  return addWorkingDaysDetailed(paidAt, policy.paperworkDeadlineWorkingDays, calendar);
}

/** Ordinary applications are decided within `ordinaryProcessingWorkingDays` working days of filing. */
export function ordinaryProcessingDeadline(
  filedAt: Instant,
  policy: ResolvedPolicy,
  calendar: HolidayCalendar,
): WorkingDayDeadline {
  return addWorkingDaysDetailed(filedAt, policy.ordinaryProcessingWorkingDays, calendar);
}
