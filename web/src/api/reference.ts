/**
 * Reference data the forms need: the county's townships (for "where it happened", DOMAIN §2.1),
 * from the county directory through `GET /townships` — never a built-in list: a county exists only
 * once an administrator created it.
 */
import { get } from "./http.ts";
import type { Township } from "./types.ts";

export async function listTownships(): Promise<Township[]> {
  const body = await get<{ townships: Township[] }>("/townships");
  return body.townships;
}
