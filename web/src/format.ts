/**
 * Display helpers. Money arrives as the API's 2-decimal yuan string and is formatted as text
 * (grouping only) — never parsed into a float. Times are shown in Asia/Shanghai (DOMAIN §7).
 */
const TIME_ZONE = "Asia/Shanghai";

export function yuan(value: string | undefined | null): string {
  if (value === undefined || value === null || value === "") return "—";
  const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(value.trim());
  if (!match) return value;
  const [, sign, whole = "0", fraction = ""] = match;
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return `${sign}¥${grouped}.${fraction.padEnd(2, "0").slice(0, 2)}`;
}

export function dateTime(value: string | undefined | null, locale = "zh-CN"): string {
  if (!value) return "—";
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return value;
  return new Intl.DateTimeFormat(locale, {
    timeZone: TIME_ZONE,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    hour12: false,
  }).format(date);
}

/** "in 5 h" / "3 h overdue", from a deadline; `now` is passed in so the queue can tick. */
export function dueIn(
  value: string | undefined,
  nowMs: number,
  t: (key: string, named: Record<string, unknown>) => string,
): string {
  if (!value) return "";
  const dueMs = new Date(value).getTime();
  if (Number.isNaN(dueMs)) return "";
  const diffHours = Math.round((dueMs - nowMs) / 3_600_000);
  if (diffHours >= 48) return t("due.inDays", { n: Math.round(diffHours / 24) });
  if (diffHours >= 0) return t("due.inHours", { n: diffHours });
  if (diffHours > -48) return t("due.overdueHours", { n: -diffHours });
  return t("due.overdueDays", { n: Math.round(-diffHours / 24) });
}

export function isOverdue(value: string | undefined, nowMs: number): boolean {
  if (!value) return false;
  const dueMs = new Date(value).getTime();
  return !Number.isNaN(dueMs) && dueMs < nowMs;
}

/** Exact sum of 2-decimal yuan strings (in fen, as BigInt): the total paid shown on a case. */
export function sumYuan(values: readonly string[]): string {
  let fen = 0n;
  for (const value of values) {
    const match = /^(-?)(\d+)(?:\.(\d{1,2}))?$/.exec(value.trim());
    if (!match) continue;
    const [, sign, whole = "0", fraction = ""] = match;
    const amount = BigInt(whole) * 100n + BigInt(fraction.padEnd(2, "0") || "0");
    fen += sign === "-" ? -amount : amount;
  }
  const negative = fen < 0n;
  const abs = negative ? -fen : fen;
  return `${negative ? "-" : ""}${abs / 100n}.${(abs % 100n).toString().padStart(2, "0")}`;
}
