/**
 * Reference data the forms need: the counties of the deployment and a county's townships (for "where
 * it happened", DOMAIN §2.1), from the county directory through `GET /counties` and `GET /townships`
 * — never a built-in list: a county exists only once an administrator created it.
 */
import { get, query } from "./http.ts";
import type { Township } from "./types.ts";

export interface CountyChoice {
  countyId: string;
  name: string;
}

/** The counties an applicant may file in (every county of the deployment; staff: their own). */
export async function listCounties(): Promise<CountyChoice[]> {
  const body = await get<{ counties: CountyChoice[] }>("/counties");
  return body.counties;
}

/** The townships of my county, or (applicants) of the county named. */
export async function listTownships(countyId?: string): Promise<Township[]> {
  const body = await get<{ townships: Township[] }>(`/townships${query({ countyId })}`);
  return body.townships;
}
