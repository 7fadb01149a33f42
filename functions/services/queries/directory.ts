/**
 * The townships of a county, for county-wide lists (the case index is partitioned by township), and
 * township names for the items shown. Read through the county directory in `main`
 * (functions/adapters/directory-store.ts: stored counties, else the bundled demo county; found
 * counties cached per process).
 */
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { countyOfTownship, DirectoryStore, TOWNSHIPS_PER_COUNTY_MAX } from "#adapters/directory-store.ts";

export { countyOfTownship, TOWNSHIPS_PER_COUNTY_MAX };

export interface DirectoryDeps {
  db: DynamoDBDocumentClient;
  table: string;
}

/** Township code → name, for the townships of the items of one page. */
export type TownshipNames = ReadonlyMap<string, string>;

export async function townshipsOf(deps: DirectoryDeps, countyId: string): Promise<string[]> {
  const townships = await new DirectoryStore(deps.db, deps.table).townshipsOf(countyId);
  return townships.slice(0, TOWNSHIPS_PER_COUNTY_MAX).map((t) => t.townshipId);
}

/** The names of the given townships, one directory read per county (a page spans one county, mostly). */
export async function townshipNames(
  deps: DirectoryDeps,
  townshipIds: Iterable<string>,
): Promise<TownshipNames> {
  const store = new DirectoryStore(deps.db, deps.table);
  const wanted = new Set(townshipIds);
  const names = new Map<string, string>();
  for (const countyId of new Set([...wanted].map(countyOfTownship))) {
    for (const t of await store.townshipsOf(countyId))
      if (wanted.has(t.townshipId)) names.set(t.townshipId, t.name);
  }
  return names;
}
