/**
 * Reference data the forms need: the counties of the deployment and a county's townships (for "where
 * it happened", DOMAIN §2.1), from the county directory through `GET /counties` and `GET /townships`
 * — never a built-in list: a county exists only once an administrator created it.
 */
import type { Answer } from "./contract.ts";
import { get, query } from "./http.ts";
import type { Township } from "./types.ts";

export type CountyChoice = Answer<"/counties">["counties"][number];

/** The counties an applicant may file in (every county of the deployment; staff: their own). */
export async function listCounties(): Promise<CountyChoice[]> {
  const body = await get<Answer<"/counties">>("/counties");
  return body.counties;
}

/** The townships of my county, or (applicants) of the county named. */
export async function listTownships(countyId?: string): Promise<Township[]> {
  const body = await get<Answer<"/townships">>(`/townships${query({ countyId })}`);
  return body.townships;
}
