/**
 * Where the county policy, the township areas and the holiday calendars come from: the `main` table
 * only, written by administrators (functions/services/admin/) or a deployment's import — never code.
 *
 * Policy: the county's approved policy set (`POLICY#<countyId>` / `SET`, functions/adapters/policy-store.ts);
 * a county without one is a 404. Township area (urban/rural, for limits given as multiples of 低保):
 * the county directory (functions/adapters/directory-store.ts) — always the township of the
 * emergency, never the applicant's registration (DOMAIN §2.1); an unknown township is a 404.
 * Calendars: the national schedules loaded per year plus the county's local days
 * (functions/adapters/calendar-store.ts); a year without a schedule counts weekends only.
 */
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { CalendarStore, calendarWriteCount } from "#adapters/calendar-store.ts";
import { DirectoryStore, policyWriteCount } from "#adapters/directory-store.ts";
import { PolicyStore } from "#adapters/policy-store.ts";
import {
  buildHolidayCalendar,
  addWorkingDays as coreAddWorkingDays,
  type HolidayCalendar,
} from "#core/calendar/index.ts";
import { NotFoundError } from "#core/errors.ts";
import {
  type Area,
  type CountyPolicySet,
  policyInForce,
  type ResolvedPolicy,
  resolvePolicy,
} from "#core/policy/index.ts";
import type { CalendarPort, PolicyPort } from "./ports.ts";

/** The national calendar series: `cn-national` (a year suffix, as older policy sets name it, is accepted). */
export const NATIONAL_CALENDAR_REF = "cn-national";
const NATIONAL_REF = /^cn-national(-\d{4})?$/;

/** How long a built calendar is reused in this process (a schedule loaded elsewhere shows within it). */
export const CALENDAR_CACHE_MS = 60_000;

export function countyNotFound(countyId: string): NotFoundError {
  return new NotFoundError(
    `County ${countyId} is not set up in this deployment (no approved policy)`,
    "该县尚未在本系统开通临时救助业务（没有已审批的救助政策）",
    { details: { countyId } },
  );
}

export function townshipNotFound(townshipId: string): NotFoundError {
  return new NotFoundError(
    `Township ${townshipId} is not set up in this deployment`,
    "该乡镇（街道）不存在或尚未在本系统开通",
    { details: { townshipId } },
  );
}

/**
 * A county's policy set as this process read it, and the areas (urban/rural) of its townships looked
 * up since: both are read again together when the set is (a policy write of this process, or
 * `cacheMs`), so a case's decisions do not each read the county's townships again.
 */
interface CachedCounty {
  set: CountyPolicySet;
  atMs: number;
  writes: number;
  areas: Map<string, Area>;
}

export class StoredPolicySource implements PolicyPort {
  private readonly cache = new Map<string, CachedCounty>();

  constructor(
    db: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly cacheMs = 60_000,
  ) {
    this.directory = new DirectoryStore(db, table);
    this.policies = new PolicyStore(db, table);
  }

  private readonly directory: DirectoryStore;
  private readonly policies: PolicyStore;

  private async county(countyId: string): Promise<CachedCounty> {
    const cached = this.cache.get(countyId);
    // A set written by this process since it was cached is read again at once.
    const writes = policyWriteCount(this.table, countyId);
    if (cached && cached.writes === writes && Date.now() - cached.atMs < this.cacheMs) return cached;
    const approved = await this.policies.approvedSet(countyId, { consistentRead: false });
    if (!approved) throw countyNotFound(countyId);
    const entry: CachedCounty = { set: approved.set, atMs: Date.now(), writes, areas: new Map() };
    this.cache.set(countyId, entry);
    return entry;
  }

  private async area(county: CachedCounty, townshipId: string): Promise<Area> {
    const known = county.areas.get(townshipId);
    if (known) return known;
    const township = await this.directory.township(townshipId);
    if (!township) throw townshipNotFound(townshipId);
    county.areas.set(townshipId, township.area);
    return township.area;
  }

  async resolve(countyId: string, townshipId: string, at: Date): Promise<ResolvedPolicy> {
    const county = await this.county(countyId);
    return resolvePolicy(policyInForce(county.set, at), await this.area(county, townshipId));
  }

  async resolveVersion(
    countyId: string,
    townshipId: string,
    policyVersionId: string,
  ): Promise<ResolvedPolicy> {
    const county = await this.county(countyId);
    const version = county.set.versions.find((v) => v.versionId === policyVersionId);
    if (!version)
      throw new NotFoundError(`Policy version ${policyVersionId} is not known`, "该救助政策版本不存在");
    return resolvePolicy(version, await this.area(county, townshipId));
  }
}

/** The county's calendar: every national schedule loaded, plus the county's local days. */
export class StoredCalendars implements CalendarPort {
  private readonly built = new Map<string, { calendar: HolidayCalendar; atMs: number; writes: number }>();
  private readonly store: CalendarStore;

  constructor(
    db: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly cacheMs = CALENDAR_CACHE_MS,
  ) {
    this.store = new CalendarStore(db, table);
  }

  async calendarOf(countyId: string, calendarRef: string): Promise<HolidayCalendar> {
    if (!NATIONAL_REF.test(calendarRef))
      throw new NotFoundError(
        `Holiday calendar ${calendarRef} is not known`,
        "救助政策引用的节假日日历不存在",
        { details: { calendarRef } },
      );
    const writes = calendarWriteCount(this.table);
    const hit = this.built.get(countyId);
    if (hit && hit.writes === writes && Date.now() - hit.atMs < this.cacheMs) return hit.calendar;
    const [schedules, local] = await Promise.all([
      this.store.nationalSchedules(),
      this.store.localDays(countyId),
    ]);
    const known = new Set(schedules.map((s) => s.year));
    // Local days count only inside a year whose national schedule is loaded (core/calendar's rule).
    const days = local.filter((d) => known.has(d.year));
    const calendar = buildHolidayCalendar({
      id: `${NATIONAL_CALENDAR_REF}+${countyId}`,
      schedules,
      local: {
        holidays: days.flatMap((d) => d.holidays ?? []),
        makeUpWorkingDays: days.flatMap((d) => d.makeUpWorkingDays ?? []),
      },
    });
    this.built.set(countyId, { calendar, atMs: Date.now(), writes });
    return calendar;
  }

  async addWorkingDays(
    countyId: string,
    calendarRef: string,
    from: Date,
    workingDays: number,
  ): Promise<Date> {
    return coreAddWorkingDays(from, workingDays, await this.calendarOf(countyId, calendarRef));
  }
}
