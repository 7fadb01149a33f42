/** Test fixtures: the demo county's policy resolved for an area, with optional overrides. */
import { buildHolidayCalendar } from "../../../../core/calendar/index.ts";
import {
  type Area,
  type PolicyParameters,
  parsePolicyParameters,
  type ResolvedPolicy,
  resolvePolicy,
} from "../../../../core/policy/index.ts";
import schedule2026 from "../../../../local/seed/cn-holidays-2026.json" with { type: "json" };
import { demoCountyParameters2026, demoCountyPolicy } from "../../../../local/seed/policy-demo-county.ts";

export function demoPolicy(area: Area = "urban", overrides: Partial<PolicyParameters> = {}): ResolvedPolicy {
  const base = demoCountyPolicy.versions[0]!;
  const parameters = parsePolicyParameters({ ...demoCountyParameters2026, ...overrides });
  return resolvePolicy({ ...base, parameters }, area);
}

export const calendar2026 = buildHolidayCalendar({ id: "cn-national-2026", schedules: [schedule2026] });

export const shanghai = (text: string): number => Date.parse(`${text}+08:00`);
