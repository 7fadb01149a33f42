/**
 * The demo county's reference data — its directory, its policy version and the national 2026 holiday
 * schedule — written through the same stores an administrator's requests write (county directory,
 * a proposed then approved policy version, the national schedule), never read from code by a handler.
 * The tests' tables start from it (test/support/dynamo.ts); `npm start` onboards its counties through
 * the import service instead (./seed.ts), which finds this data unchanged when it is there.
 * Idempotent: what is stored already is left as it is, so a restart or a second runtime on the same
 * tables changes nothing.
 */
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { CalendarStore } from "#adapters/calendar-store.ts";
import { DirectoryStore } from "#adapters/directory-store.ts";
import { PolicyStore } from "#adapters/policy-store.ts";
import holidays2026 from "./cn-holidays-2026.json" with { type: "json" };
import { DEMO_COUNTY } from "./demo-county.ts";
import { demoCountyPolicy } from "./policy-demo-county.ts";

/** Who the seed's writes are recorded as (the demo's own administrators, see users.ts). */
const PROPOSER = { userId: "county-admin-1", name: "孙丽" };
const APPROVER = { userId: "province-admin-1", name: "郑国华" };

export async function storeDemoReference(client: DynamoDBClient, mainTable: string): Promise<void> {
  const db = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  const directory = new DirectoryStore(db, mainTable);
  // Also when the county item predates the province's county list (a data directory of an older run).
  const listed = (await directory.countiesOfProvince(DEMO_COUNTY.countyId)).some(
    (c) => c.countyId === DEMO_COUNTY.countyId,
  );
  if (!listed || !(await directory.county(DEMO_COUNTY.countyId))) {
    await directory.putCounty({
      countyId: DEMO_COUNTY.countyId,
      name: DEMO_COUNTY.name,
      townships: DEMO_COUNTY.townships.map((t) => ({
        townshipId: t.townshipId,
        name: t.name,
        registeredPopulation: t.registeredPopulation,
        // DOMAIN §2.1: 街道 are urban, 乡/镇 rural.
        area: t.name.endsWith("街道") ? "urban" : "rural",
      })),
    });
  }
  const policies = new PolicyStore(db, mainTable);
  if (!(await policies.approvedSet(DEMO_COUNTY.countyId))) {
    for (const version of demoCountyPolicy.versions) {
      if (!(await policies.proposal(DEMO_COUNTY.countyId, version.versionId))) {
        await policies.propose({ version, proposedBy: PROPOSER, proposedAt: version.effectiveFrom });
      }
    }
    await policies.approve({
      countyId: DEMO_COUNTY.countyId,
      versionId: demoCountyPolicy.versions[0]?.versionId as string,
      set: demoCountyPolicy,
      expectedRevision: undefined,
      approvedBy: APPROVER,
    });
  }
  await storeNationalCalendar(client, mainTable);
}

/** The national 2026 holiday schedule, loaded when missing (as a province administrator loads it). */
export async function storeNationalCalendar(client: DynamoDBClient, mainTable: string): Promise<void> {
  const db = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  const calendars = new CalendarStore(db, mainTable);
  const years = new Set((await calendars.nationalSchedules()).map((s) => s.year));
  if (!years.has(holidays2026.year)) await calendars.putNational(holidays2026, APPROVER.userId);
}
