/** Reference data the forms need from the API: the county's townships (for "where it happened"). */
import { get } from "./http.ts";
import type { Township } from "./types.ts";

export async function listTownships(): Promise<Township[]> {
  const body = await get<Township[] | { items?: Township[]; townships?: Township[] }>("/townships");
  return Array.isArray(body) ? body : (body.items ?? body.townships ?? []);
}
