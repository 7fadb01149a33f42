/**
 * Reads the lines of a State Council holiday notice (国务院办公厅关于…部分节假日安排的通知) as
 * published: "一、元旦：1月1日（周五）至3日（周日）放假，共3天。" and "2月14日（周六）、2月28日（周六）上班。"
 * A line names its holiday before "：", the days before "放假" are the rest days (one day, or a
 * range "至" another day, its month and year carried over when left out), and every day of a
 * sentence that ends in "上班" is a make-up working day. Lines naming no day are reported, not
 * guessed; the API checks what is read (a make-up day must be a weekend, every day in the year).
 */

export interface HolidayRange {
  name: string;
  from: string;
  to: string;
}

export interface NoticeReading {
  holidays: HolidayRange[];
  makeUpWorkingDays: string[];
  /** Lines that mention 放假 or 上班 but from which no day could be read. */
  unread: string[];
}

const DAY = /(?:(\d{4})年)?(?:(\d{1,2})月)?(\d{1,2})日/g;
const NAME = /^\s*(?:[一二三四五六七八九十]+[、.．]\s*)?([^：:，,。]+?)\s*[：:]/;

const iso = (year: number, month: number, day: number) =>
  `${year}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;

/** The days named in a text, each month and year carried over from the day before when left out. */
function daysIn(text: string, year: number): string[] {
  const days: string[] = [];
  let y = year;
  let m: number | undefined;
  for (const match of text.matchAll(DAY)) {
    if (match[1]) y = Number(match[1]);
    if (match[2]) m = Number(match[2]);
    if (m === undefined) continue;
    days.push(iso(y, m, Number(match[3])));
  }
  return days;
}

export function readNotice(text: string, year: number): NoticeReading {
  const reading: NoticeReading = { holidays: [], makeUpWorkingDays: [], unread: [] };
  for (const raw of text.split(/\r?\n/)) {
    // Weekdays and lunar dates in brackets say nothing the dates do not.
    const line = raw.replace(/（[^）]*）|\([^)]*\)/g, "").trim();
    if (!line || !/放假|上班/.test(line)) continue;
    const name = NAME.exec(line)?.[1];
    let found = false;
    for (const sentence of line.split(/[。；;]/)) {
      if (sentence.includes("放假") && name) {
        const days = daysIn(sentence.slice(0, sentence.indexOf("放假")), year);
        const from = days[0];
        const to = days.at(-1);
        if (from && to) {
          reading.holidays.push({ name, from, to });
          found = true;
        }
      } else if (sentence.includes("上班")) {
        const days = daysIn(sentence, year);
        reading.makeUpWorkingDays.push(...days);
        found ||= days.length > 0;
      }
    }
    if (!found) reading.unread.push(raw.trim());
  }
  reading.makeUpWorkingDays = [...new Set(reading.makeUpWorkingDays)].sort();
  return reading;
}

/** What the preview finds wrong with a year's days before anything is sent. */
export type DayProblem =
  | { kind: "incomplete"; index: number }
  | { kind: "reversed" | "tooLong" | "outsideYear"; name: string }
  | { kind: "workdayOutsideYear" | "workdayNotWeekend" | "workdayIsRest"; day: string };

/** Longest rest period taken, as the calendar does (a guard against a typo spanning months). */
const LONGEST_REST_DAYS = 31;

const dayNumber = (day: string) => Date.parse(`${day}T00:00:00Z`) / 86_400_000;
const weekendDay = (day: string) => [0, 6].includes(new Date(`${day}T00:00:00Z`).getUTCDay());

/** The rest days of the periods, each period checked: complete, in order, in the year, not too long. */
export function checkDays(year: number, holidays: HolidayRange[], makeUp: string[]): DayProblem[] {
  const problems: DayProblem[] = [];
  const rest = new Set<string>();
  holidays.forEach((h, index) => {
    if (!h.name.trim() || !h.from || !h.to) {
      problems.push({ kind: "incomplete", index });
      return;
    }
    const length = dayNumber(h.to) - dayNumber(h.from) + 1;
    if (length < 1) problems.push({ kind: "reversed", name: h.name });
    else if (length > LONGEST_REST_DAYS) problems.push({ kind: "tooLong", name: h.name });
    if (!h.from.startsWith(`${year}-`) || !h.to.startsWith(`${year}-`))
      problems.push({ kind: "outsideYear", name: h.name });
    for (let n = 0; n < Math.min(length, LONGEST_REST_DAYS); n++)
      rest.add(new Date((dayNumber(h.from) + n) * 86_400_000).toISOString().slice(0, 10));
  });
  for (const day of makeUp.filter((d) => d !== "")) {
    if (!day.startsWith(`${year}-`)) problems.push({ kind: "workdayOutsideYear", day });
    if (!weekendDay(day)) problems.push({ kind: "workdayNotWeekend", day });
    if (rest.has(day)) problems.push({ kind: "workdayIsRest", day });
  }
  return problems;
}

/** How many days a period covers (both ends included). */
export function daysOf(range: HolidayRange): number {
  return dayNumber(range.to) - dayNumber(range.from) + 1;
}
