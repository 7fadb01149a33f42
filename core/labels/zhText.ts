/**
 * Times, dates, periods and people as a zh-CN reader reads them in a message: in Asia/Shanghai and in
 * words, never an ISO timestamp, a user id or a code (DOMAIN: "people by name, dates in Asia/Shanghai").
 */
import { type Instant, localDateOf, toMs } from "../calendar/localDate.ts";

/** What a message calls a person whose name is not at hand (never their user id). */
export const SOMEONE_ELSE_ZH = "其他人员";

/** What a message calls a township whose name is not at hand (never its code). */
export const TOWNSHIP_UNNAMED_ZH = "该乡镇";

const HOUR_MS = 3_600_000;
const SHANGHAI_OFFSET_MS = 8 * HOUR_MS; // not-policy: Asia/Shanghai is UTC+8 all year
const LOCAL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const MONTH = /^(\d{4})-(\d{2})$/;
const QUARTER = /^(\d{4})-Q([1-4])$/;

/** `2026-03-02` → `2026年3月2日`; text that is not such a date is returned as it is. */
export function zhDate(date: string): string {
  const parts = LOCAL_DATE.exec(date);
  if (!parts) return date;
  return `${parts[1]}年${Number(parts[2])}月${Number(parts[3])}日`;
}

/** An instant (or its ISO text) → `2026年3月2日 09:00` in Asia/Shanghai; unreadable text → "". */
export function zhDateTime(instant: Instant | string): string {
  const ms = typeof instant === "string" ? Date.parse(instant) : toMs(instant);
  if (!Number.isFinite(ms)) return "";
  const shanghai = new Date(ms + SHANGHAI_OFFSET_MS);
  const hh = String(shanghai.getUTCHours()).padStart(2, "0");
  const mm = String(shanghai.getUTCMinutes()).padStart(2, "0");
  return `${zhDate(localDateOf(ms))} ${hh}:${mm}`;
}

/** A reconciliation period: `2026-10` → `2026年10月`, `2026-Q4` → `2026年第4季度`. */
export function zhPeriod(label: string): string {
  const month = MONTH.exec(label);
  if (month) return `${month[1]}年${Number(month[2])}月`;
  const quarter = QUARTER.exec(label);
  if (quarter) return `${quarter[1]}年第${quarter[2]}季度`;
  return label;
}
