/**
 * The townships of a county, for county-wide lists (the case index is partitioned by township).
 * The release bundles the demo county's directory (local/seed/demo-county.ts), as the finance
 * services and the policy source do; a deployment for another county adds its directory here.
 */
import { DEMO_COUNTY } from "#local/seed/demo-county.ts";

/** A county has at most this many townships (TIGER style: county-wide reads are bounded). */
export const TOWNSHIPS_PER_COUNTY_MAX = 64;

const DIRECTORY: ReadonlyMap<string, readonly { townshipId: string; name: string }[]> = new Map([
  [DEMO_COUNTY.countyId, DEMO_COUNTY.townships],
]);

export function townshipsOf(countyId: string): string[] {
  return (DIRECTORY.get(countyId) ?? []).slice(0, TOWNSHIPS_PER_COUNTY_MAX).map((t) => t.townshipId);
}

export function townshipNameOf(townshipId: string): string | undefined {
  for (const townships of DIRECTORY.values()) {
    const found = townships.find((t) => t.townshipId === townshipId);
    if (found) return found.name;
  }
  return undefined;
}

/** Township codes are 9 digits; the first 6 are the county (administrative division codes). */
export function countyOfTownship(townshipId: string): string {
  return townshipId.slice(0, 6);
}
