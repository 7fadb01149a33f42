/**
 * A county holiday calendar (DOMAIN §7): the national schedule (法定节假日) plus make-up working days
 * on weekends (调休), plus any local days the county adds. Built from data such as
 * local/seed/cn-holidays-2026.json; core never reads files.
 *
 * Years without a published schedule count weekends only, and the calendar says so (`coverage`):
 * the next year's schedule is normally published in November or December, and guessing would move
 * deadlines silently when it appears.
 */
import * as z from "zod";
import { ValidationError } from "../errors.ts";
import { parseWith } from "../policy/validation.ts";
import { addLocalDays, isLocalDate, isWeekend, type LocalDate, yearOf } from "./localDate.ts";

const DateText = z
  .string()
  .refine(isLocalDate, { message: "must be a date YYYY-MM-DD", params: { zh: "日期格式须为 YYYY-MM-DD" } });

const HolidayRange = z.object({ name: z.string().min(1), from: DateText, to: DateText }).strict();

export const HolidayScheduleSchema = z
  .object({
    source: z.string().optional(),
    timeZone: z.literal("Asia/Shanghai"),
    year: z.number().int(),
    holidays: z.array(HolidayRange),
    makeUpWorkingDays: z.array(DateText),
    note: z.string().optional(),
  })
  .strict();

export type HolidaySchedule = z.output<typeof HolidayScheduleSchema>;

export type Coverage = "official" | "weekends-only";

export interface HolidayCalendar {
  id: string;
  /** Years whose schedule is known; other years count weekends only. */
  knownYears: ReadonlySet<number>;
  holidays: ReadonlyMap<LocalDate, string>;
  makeUpWorkingDays: ReadonlySet<LocalDate>;
}

export interface LocalDays {
  /** Extra county rest days (e.g. a local festival), inside a known year. */
  holidays?: { name: string; from: string; to: string }[];
  makeUpWorkingDays?: string[];
}

/** Longest holiday range accepted: a guard against a typo spanning months. */
const MAX_HOLIDAY_RANGE_DAYS = 31;

/** One refusal, in English with ISO dates for logs and in Chinese with dates in words for people. */
interface CalendarProblem {
  message: string;
  messageZh: string;
}

function problem(message: string, messageZh: string): CalendarProblem {
  return { message, messageZh };
}

/** `2027-02-08` → `2027年2月8日`: how a date reaches a zh-CN reader (never the ISO form). */
function dateInWords(day: string): string {
  const [year, month, date] = day.split("-");
  return `${year}年${Number(month)}月${Number(date)}日`;
}

export function buildHolidayCalendar(input: {
  id: string;
  schedules: unknown[];
  local?: LocalDays;
}): HolidayCalendar {
  const schedules = input.schedules.map((s, i) =>
    parseWith(HolidayScheduleSchema, s, "holiday schedule", "节假日安排", `schedules.${i}`),
  );
  const knownYears = new Set<number>();
  const holidays = new Map<LocalDate, string>();
  const makeUp = new Set<LocalDate>();
  const problems: CalendarProblem[] = [];

  for (const schedule of schedules) {
    if (knownYears.has(schedule.year))
      problems.push(problem(`year ${schedule.year} is given twice`, `${schedule.year}年的安排重复`));
    knownYears.add(schedule.year);
  }
  const ranges = [
    ...schedules.flatMap((s) => s.holidays.map((h) => ({ ...h, year: s.year }))),
    ...(input.local?.holidays ?? []).map((h) => ({ ...h, year: yearOf(h.from) })),
  ];
  for (const range of ranges) {
    if (!isLocalDate(range.from) || !isLocalDate(range.to)) {
      problems.push(problem(`${range.name}: dates must be YYYY-MM-DD`, `${range.name}：日期格式不正确`));
      continue;
    }
    let day = range.from;
    for (let n = 0; day <= range.to; n++) {
      if (n >= MAX_HOLIDAY_RANGE_DAYS) {
        problems.push(
          problem(
            `${range.name}: range longer than ${MAX_HOLIDAY_RANGE_DAYS} days`,
            `${range.name}：假期超过${MAX_HOLIDAY_RANGE_DAYS}天`,
          ),
        );
        break;
      }
      if (!knownYears.has(yearOf(day))) {
        problems.push(
          problem(
            `${range.name}: ${day} is outside the known years`,
            `${range.name}：${dateInWords(day)}不在已载入全国安排的年份内`,
          ),
        );
      }
      holidays.set(day, range.name);
      day = addLocalDays(day, 1);
    }
    if (range.from > range.to) {
      problems.push(problem(`${range.name}: ends before it starts`, `${range.name}：结束日期早于开始日期`));
    }
  }
  const makeUpDays = [
    ...schedules.flatMap((s) => s.makeUpWorkingDays),
    ...(input.local?.makeUpWorkingDays ?? []),
  ];
  for (const day of makeUpDays) {
    if (!isLocalDate(day)) {
      problems.push(problem(`make-up day ${day} must be YYYY-MM-DD`, "调休上班日的日期格式不正确"));
      continue;
    }
    if (!knownYears.has(yearOf(day))) {
      problems.push(
        problem(
          `make-up day ${day} is outside the known years`,
          `调休上班日${dateInWords(day)}不在已载入全国安排的年份内`,
        ),
      );
    }
    if (!isWeekend(day)) {
      problems.push(
        problem(`make-up day ${day} is not a weekend day`, `调休上班日${dateInWords(day)}不是周末`),
      );
    }
    if (holidays.has(day)) {
      problems.push(
        problem(
          `make-up day ${day} is also a holiday`,
          `调休上班日${dateInWords(day)}同时是假日（${holidays.get(day)}）`,
        ),
      );
    }
    makeUp.add(day);
  }
  if (problems.length > 0) {
    throw new ValidationError(
      `holiday calendar ${input.id} is invalid: ${problems.map((p) => p.message).join("; ")}`,
      `节假日安排有误：${problems.map((p) => p.messageZh).join("；")}`,
      { fields: problems.map((p) => ({ path: "schedules", ...p })) },
    );
  }
  return { id: input.id, knownYears, holidays, makeUpWorkingDays: makeUp };
}

export type DayKind = "weekday" | "weekend" | "holiday" | "make-up-working-day";

export interface DayInfo {
  date: LocalDate;
  working: boolean;
  kind: DayKind;
  holidayName?: string;
  coverage: Coverage;
}

export function coverageOfYear(year: number, calendar: HolidayCalendar): Coverage {
  return calendar.knownYears.has(year) ? "official" : "weekends-only";
}

/** What a Shanghai calendar date is: holiday beats weekday, make-up beats weekend. */
export function dayInfo(date: LocalDate, calendar: HolidayCalendar): DayInfo {
  const coverage = coverageOfYear(yearOf(date), calendar);
  const holidayName = calendar.holidays.get(date);
  if (holidayName !== undefined) return { date, working: false, kind: "holiday", holidayName, coverage };
  if (calendar.makeUpWorkingDays.has(date))
    return { date, working: true, kind: "make-up-working-day", coverage };
  if (isWeekend(date)) return { date, working: false, kind: "weekend", coverage };
  return { date, working: true, kind: "weekday", coverage };
}
