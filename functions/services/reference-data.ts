/**
 * Where the county policy, the township areas and the holiday calendars come from.
 *
 * Policy: a county's policy set stored in `main` (`POLICY#<countyId>` / `SET`, written by the
 * deployment's seed or an admin through `putCountyPolicySet`) wins; otherwise the policy sets bundled
 * with the release (the demo county). Township area (urban/rural, for limits given as multiples of
 * 低保): the county directory (functions/adapters/directory-store.ts, which falls back to the bundled
 * demo county) — always the township of the emergency, never the applicant's registration (DOMAIN §2.1).
 * Calendars: bundled schedules by `holidayCalendarRef`.
 */
import { type DynamoDBDocumentClient, GetCommand } from "@aws-sdk/lib-dynamodb";
import { DirectoryStore, policyWriteCount } from "#adapters/directory-store.ts";
import {
  buildHolidayCalendar,
  addWorkingDays as coreAddWorkingDays,
  type HolidayCalendar,
} from "#core/calendar/index.ts";
import { NotFoundError } from "#core/errors.ts";
import {
  type Area,
  type CountyPolicySet,
  parseCountyPolicySet,
  policyInForce,
  type ResolvedPolicy,
  resolvePolicy,
} from "#core/policy/index.ts";
import holidays2026 from "#local/seed/cn-holidays-2026.json" with { type: "json" };
import { DEMO_HOLIDAY_CALENDAR_REF, demoCountyPolicy } from "#local/seed/policy-demo-county.ts";
import type { CalendarPort, PolicyPort } from "./ports.ts";

const BUNDLED_POLICIES: ReadonlyMap<string, CountyPolicySet> = new Map([
  [demoCountyPolicy.countyId, demoCountyPolicy],
]);

const BUNDLED_CALENDARS: ReadonlyMap<string, () => HolidayCalendar> = new Map([
  [
    DEMO_HOLIDAY_CALENDAR_REF,
    () => buildHolidayCalendar({ id: DEMO_HOLIDAY_CALENDAR_REF, schedules: [holidays2026] }),
  ],
]);

export class StoredPolicySource implements PolicyPort {
  private readonly cache = new Map<string, { set: CountyPolicySet; atMs: number; writes: number }>();

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly cacheMs = 60_000,
  ) {
    this.directory = new DirectoryStore(db, table);
  }

  private readonly directory: DirectoryStore;

  private async policySet(countyId: string): Promise<CountyPolicySet> {
    const cached = this.cache.get(countyId);
    // A set written by this process since it was cached is read again at once.
    const writes = policyWriteCount(this.table, countyId);
    if (cached && cached.writes === writes && Date.now() - cached.atMs < this.cacheMs) return cached.set;
    const out = await this.db.send(
      new GetCommand({ TableName: this.table, Key: { pk: `POLICY#${countyId}`, sk: "SET" } }),
    );
    const set = out.Item?.policySet
      ? parseCountyPolicySet(out.Item.policySet)
      : BUNDLED_POLICIES.get(countyId);
    if (!set) throw new NotFoundError(`No policy for county ${countyId}`, `县 ${countyId} 未配置救助政策`);
    this.cache.set(countyId, { set, atMs: Date.now(), writes });
    return set;
  }

  private async area(townshipId: string): Promise<Area> {
    const township = await this.directory.township(townshipId);
    if (!township)
      throw new NotFoundError(`Township ${townshipId} is not known`, `乡镇（街道）${townshipId} 不存在`);
    return township.area;
  }

  async resolve(countyId: string, townshipId: string, at: Date): Promise<ResolvedPolicy> {
    const set = await this.policySet(countyId);
    return resolvePolicy(policyInForce(set, at), await this.area(townshipId));
  }

  async resolveVersion(
    countyId: string,
    townshipId: string,
    policyVersionId: string,
  ): Promise<ResolvedPolicy> {
    const set = await this.policySet(countyId);
    const version = set.versions.find((v) => v.versionId === policyVersionId);
    if (!version)
      throw new NotFoundError(
        `Policy version ${policyVersionId} is not known`,
        `政策版本 ${policyVersionId} 不存在`,
      );
    return resolvePolicy(version, await this.area(townshipId));
  }
}

export class BundledCalendars implements CalendarPort {
  private readonly built = new Map<string, HolidayCalendar>();

  async addWorkingDays(
    _countyId: string,
    calendarRef: string,
    from: Date,
    workingDays: number,
  ): Promise<Date> {
    let calendar = this.built.get(calendarRef);
    if (!calendar) {
      const build = BUNDLED_CALENDARS.get(calendarRef);
      if (!build)
        throw new NotFoundError(
          `Holiday calendar ${calendarRef} is not known`,
          `节假日日历 ${calendarRef} 不存在`,
        );
      calendar = build();
      this.built.set(calendarRef, calendar);
    }
    return coreAddWorkingDays(from, workingDays, calendar);
  }
}
