/** Reference data the forms need: the county's townships (for "where it happened", DOMAIN §2.1). */
import { i18n } from "../i18n/index.ts";
import { ApiError, get } from "./http.ts";
import type { Township } from "./types.ts";

/**
 * From the API when it serves `GET /townships`; until then, the demo county's townships as named in
 * the message catalogue (the same codes the local seed uses).
 */
export async function listTownships(): Promise<Township[]> {
  try {
    const body = await get<Township[] | { items?: Township[]; townships?: Township[] }>("/townships");
    return Array.isArray(body) ? body : (body.items ?? body.townships ?? []);
  } catch (e) {
    if (!(e instanceof ApiError && e.routeMissing)) throw e;
    const names = i18n.global.getLocaleMessage(i18n.global.locale.value).township as
      | Record<string, string>
      | undefined;
    return Object.entries(names ?? {}).map(([townshipId, name]) => ({ townshipId, name }));
  }
}
