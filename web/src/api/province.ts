/**
 * The province roll-up (DOMAIN §8): figures per county and township for a period of
 * Asia/Shanghai dates, typed from the API document; and its XLSX export, fetched from the
 * short-lived link the API hands out (as the finance exports are).
 */
import type { Query } from "./contract.ts";
import { get, query } from "./http.ts";
import type { paths } from "./schema.ts";

export type ProvinceRollup =
  paths["/province/rollup"]["get"]["responses"][200]["content"]["application/json"];
export type CountyRollup = ProvinceRollup["counties"][number];
export type TownshipRollup = CountyRollup["townships"][number];
export type AreaFigures = ProvinceRollup["figures"];

type ExportLink = paths["/province/rollup/export"]["get"]["responses"][200]["content"]["application/json"];

/** The period of Asia/Shanghai dates the figures cover. */
export type RollupPeriod = Query<"/province/rollup">;

export async function getRollup(period: RollupPeriod): Promise<ProvinceRollup> {
  return await get<ProvinceRollup>(`/province/rollup${query({ ...period })}`);
}

export async function downloadRollup(period: RollupPeriod): Promise<void> {
  const { download } = await get<ExportLink>(`/province/rollup/export${query({ ...period })}`);
  const link = document.createElement("a");
  link.href = download.url;
  link.download = download.fileName;
  link.rel = "noopener";
  link.click();
}

/** Fen (the API's integer money) as the 2-decimal yuan text the display helpers take. */
export function yuanTextOfFen(fen: number): string {
  const sign = fen < 0 ? "-" : "";
  const abs = Math.abs(fen);
  return `${sign}${Math.trunc(abs / 100)}.${String(abs % 100).padStart(2, "0")}`;
}
