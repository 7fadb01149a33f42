/** One fund's line in the balance chart: points of (time, balance as the API's yuan string). */
export interface BalanceSeries {
  name: string;
  points: Array<{ at: string; balanceYuan: string }>;
  /** The fund's alert level (DOMAIN §5), drawn as a dashed line. */
  alertLevelYuan?: string;
}

/** `¥1,234.50` from a number drawn on the chart (two decimals, grouped). */
export function yuanOfNumber(value: number): string {
  const [whole = "0", fraction = "00"] = Math.abs(value).toFixed(2).split(".");
  return `${value < 0 ? "-" : ""}¥${whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",")}.${fraction}`;
}

/** An axis date on the business calendar: `12月6日` (zh-CN) or `6 Dec` (en). */
export function axisDate(ms: number, locale: string): string {
  const parts = new Intl.DateTimeFormat("en-GB", {
    timeZone: "Asia/Shanghai",
    month: "numeric",
    day: "numeric",
  }).formatToParts(new Date(ms));
  const part = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value);
  if (locale === "en") {
    return new Intl.DateTimeFormat("en-GB", {
      timeZone: "Asia/Shanghai",
      month: "short",
      day: "numeric",
    }).format(new Date(ms));
  }
  return `${part("month")}月${part("day")}日`;
}
