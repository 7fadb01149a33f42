/**
 * The names of the places a console shows — counties and townships — from the county directory, so a
 * county an administrator created reads by its name in the header and the tables, not by its code.
 * Loaded once per sign-in from what the reader may list: `GET /admin/counties` for administrators and
 * province roles, `GET /counties` and `GET /townships` for a county's staff. A list the reader may not
 * read is skipped: the label catalogue and the code remain the fallback. `label()` reads these first.
 */
import { reactive } from "vue";
import { listAdminCounties } from "./api/admin.ts";
import { listCounties, listTownships } from "./api/reference.ts";
import { hasRole, session } from "./session.ts";

export const placeNames = reactive({
  countyName: new Map<string, string>(),
  township: new Map<string, string>(),
});

let loadedFor: string | undefined;

async function quietly<T>(read: () => Promise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch {
    return undefined;
  }
}

/** Reads the signed-in reader's place names (once per user). */
export async function loadPlaceNames(): Promise<void> {
  const user = session.user;
  if (!user || loadedFor === user.userId) return;
  loadedFor = user.userId;
  const administers = hasRole("province-admin", "province-viewer", "county-admin");
  const counties = administers ? await quietly(listAdminCounties) : await quietly(listCounties);
  for (const county of counties ?? []) placeNames.countyName.set(county.countyId, county.name);
  if (user.countyId && !administers) {
    for (const township of (await quietly(() => listTownships())) ?? [])
      placeNames.township.set(township.townshipId, township.name);
  }
}

/** The directory's name of a place, when it was read. */
export function placeName(group: string, code: string): string | undefined {
  if (group !== "countyName" && group !== "township") return undefined;
  return placeNames[group].get(code);
}
