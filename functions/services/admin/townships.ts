/**
 * Townships after the county's creation (DOMAIN §8: a county administrator manages townships): add
 * one, edit its name, urban/rural and registered population (the GB/T 2260 code is its identity and
 * never changes), and set its fund quota (备用金定额).
 *
 * The quota is a figure, not money. DOMAIN §5: money arrives in a township fund only with county
 * finance's allocation entry, which raises the fund's ledger quota with it; the replenishment
 * proposal (§6) reads that ledger quota. Setting the quota here moves nothing: it is the target
 * finance allocates up to (`POST /allocations` with `targetQuotaYuan`), shown beside what is
 * allocated. It is at least per-capita × registered population under the policy in force (§2.3,
 * §7 `fundQuotaPerCapitaYuan`) and never below what finance already allocated (a quota is lowered
 * by finance, as the import says).
 *
 * Every change is written over the revision it was read at: of two edits from the same revision one
 * is written, the other is a 409; the values already stored answer `repeated` and write nothing.
 * Every check runs before the write; every write is one audit event of the county.
 */

import {
  type Area,
  DirectoryStore,
  parseCountyDirectory,
  type TownshipChange,
  type TownshipRecord,
} from "#adapters/directory-store.ts";
import type { FundView } from "#adapters/ledger/index.ts";
import { PolicyStore } from "#adapters/policy-store.ts";
import { type Actor, requireAuthorized } from "#core/access/index.ts";
import { ConflictError, NotFoundError, ValidationError } from "#core/errors.ts";
import { Yuan } from "#core/money/yuan.ts";
import { fundQuotaYuan, NoPolicyInForceError, policyInForce, resolvePolicy } from "#core/policy/index.ts";
import type { AdminDeps } from "./administration.ts";

/** A quota in yuan with at most two decimals (as the workbook's 备用金定额 sheet takes it). */
export const QUOTA_TEXT = /^\d{1,12}(\.\d{1,2})?$/;

export interface TownshipDeps extends AdminDeps {
  /** The township funds (their ledger quota: what finance allocated); absent: nothing allocated. */
  funds?: { getFund(townshipId: string): Promise<FundView> };
}

export interface TownshipProfileInput {
  name: string;
  area: Area;
  registeredPopulation: number;
}

export interface TownshipView extends TownshipProfileInput {
  townshipId: string;
  revision: number;
  /** The quota the administrator set (absent: none yet). */
  fundQuotaYuan?: string;
  /** The fund's quota in the ledger: what county finance allocated (0.00 before the first allocation). */
  allocatedQuotaYuan: string;
  /** Per-capita × registered population under the policy in force (absent: no policy in force). */
  minimumQuotaYuan?: string;
}

export interface CountyTownships {
  countyId: string;
  countyName: string;
  townships: TownshipView[];
}

const who = (actor: Actor) => ({ userId: actor.userId, name: actor.name, roles: actor.roles });

function field(path: string, message: string, messageZh: string, summary: [string, string]) {
  return new ValidationError(summary[0], summary[1], { fields: [{ path, message, messageZh }] });
}

async function countyOf(deps: AdminDeps, countyId: string): Promise<{ countyId: string; name: string }> {
  const county = await new DirectoryStore(deps.db, deps.table).county(countyId);
  if (!county)
    throw new NotFoundError(`County ${countyId} has not been created`, "该县尚未在本系统开通", {
      details: { countyId },
    });
  return county;
}

function townshipNotFound(countyId: string, townshipId: string): NotFoundError {
  return new NotFoundError(`Township ${townshipId} is not a township of county ${countyId}`, "该乡镇不存在", {
    details: { countyId, townshipId },
  });
}

/** The fund's ledger quota; zero before its first allocation (or with no ledger to read). */
async function allocatedQuota(deps: TownshipDeps, townshipId: string): Promise<Yuan> {
  if (!deps.funds) return Yuan.zero;
  try {
    return (await deps.funds.getFund(townshipId)).quotaYuan;
  } catch (error) {
    if (error instanceof NotFoundError) return Yuan.zero;
    throw error;
  }
}

/**
 * The least quota of a township (DOMAIN §2.3, §7): per-capita × registered population under the
 * county's policy in force now; undefined with none in force (a county whose first version waits).
 */
export async function minimumQuota(
  deps: AdminDeps,
  township: Pick<TownshipRecord, "countyId" | "area" | "registeredPopulation">,
): Promise<Yuan | undefined> {
  const stored = await new PolicyStore(deps.db, deps.table).approvedSet(township.countyId);
  if (!stored) return undefined;
  try {
    const version = policyInForce(stored.set, deps.now());
    return fundQuotaYuan(township.registeredPopulation, resolvePolicy(version, township.area));
  } catch (error) {
    if (error instanceof NoPolicyInForceError) return undefined;
    throw error;
  }
}

async function viewOf(deps: TownshipDeps, record: TownshipRecord): Promise<TownshipView> {
  const [allocated, minimum] = await Promise.all([
    allocatedQuota(deps, record.townshipId),
    minimumQuota(deps, record),
  ]);
  return {
    townshipId: record.townshipId,
    name: record.name,
    area: record.area,
    registeredPopulation: record.registeredPopulation,
    revision: record.revision,
    ...(record.fundQuotaYuan ? { fundQuotaYuan: record.fundQuotaYuan } : {}),
    allocatedQuotaYuan: allocated.toString(),
    ...(minimum ? { minimumQuotaYuan: minimum.toString() } : {}),
  };
}

/** The county's townships as their administrator edits them. */
export async function listTownships(
  deps: TownshipDeps,
  actor: Actor,
  countyId: string,
): Promise<CountyTownships> {
  requireAuthorized(actor, "county.administer", { countyId });
  const county = await countyOf(deps, countyId);
  const records = await new DirectoryStore(deps.db, deps.table).townshipRecords(countyId);
  const townships: TownshipView[] = [];
  for (const record of records) townships.push(await viewOf(deps, record));
  return { countyId, countyName: county.name, townships };
}

/**
 * The county's directory with `township` in it, checked by the directory's schema (code inside the
 * county's, not listed twice, at most TOWNSHIPS_PER_COUNTY_MAX); its problems named as body fields.
 */
function checkInCounty(
  county: { countyId: string; name: string },
  records: readonly TownshipRecord[],
  township: Omit<TownshipRecord, "countyId" | "revision" | "fundQuotaYuan">,
): void {
  const others = records
    .filter((r) => r.townshipId !== township.townshipId)
    .map(({ townshipId, name, area, registeredPopulation }) => ({
      townshipId,
      name,
      area,
      registeredPopulation,
    }));
  try {
    parseCountyDirectory({ countyId: county.countyId, name: county.name, townships: [...others, township] });
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    const at = `townships.${others.length}.`;
    throw new ValidationError(error.message, error.messageZh, {
      fields: error.fields.map((f) => ({
        ...f,
        path: f.path.startsWith(at) ? `body.${f.path.slice(at.length)}` : "body.townshipId",
      })),
    });
  }
}

/** Adds a township to a created county (409 when the code is taken, whatever its details). */
export async function addTownship(
  deps: TownshipDeps,
  actor: Actor,
  countyId: string,
  input: TownshipProfileInput & { townshipId: string },
): Promise<TownshipView> {
  requireAuthorized(actor, "township.administer", { countyId });
  const county = await countyOf(deps, countyId);
  const directory = new DirectoryStore(deps.db, deps.table);
  const records = await directory.townshipRecords(countyId);
  const taken = () =>
    new ConflictError(`Township ${input.townshipId} already exists`, "该乡镇代码已存在，不能重复添加", {
      details: { townshipId: input.townshipId },
    });
  if (records.some((r) => r.townshipId === input.townshipId)) throw taken();
  const township = {
    townshipId: input.townshipId,
    name: input.name.trim(),
    area: input.area,
    registeredPopulation: input.registeredPopulation,
  };
  checkInCounty(county, records, township);
  const outcome = await directory.addTownship({ ...township, countyId });
  if (outcome === "exists") throw taken();
  if (outcome === "full")
    throw new ConflictError(
      `County ${countyId} has as many townships as it may hold`,
      "本县乡镇数量已达上限",
      {
        details: { countyId },
      },
    );
  await deps.audit.append({
    countyId,
    townshipId: township.townshipId,
    actor: who(actor),
    action: "township.add",
    resourceType: "township",
    resourceId: township.townshipId,
    after: township,
    dedupKey: `township:${township.townshipId}:revision:0`,
  });
  return viewOf(deps, { ...township, countyId, revision: 0 });
}

async function recordOf(deps: AdminDeps, countyId: string, townshipId: string): Promise<TownshipRecord> {
  await countyOf(deps, countyId);
  if (!townshipId.startsWith(countyId)) throw townshipNotFound(countyId, townshipId);
  const record = (await new DirectoryStore(deps.db, deps.table).townshipRecords(countyId)).find(
    (r) => r.townshipId === townshipId,
  );
  if (!record) throw townshipNotFound(countyId, townshipId);
  return record;
}

function staleRevision(townshipId: string, revision: number): ConflictError {
  return new ConflictError(
    `Township ${townshipId} was changed meanwhile (now at revision ${revision}): read it again`,
    "该乡镇已被他人修改，请刷新后重试",
    { details: { townshipId, revision } },
  );
}

/** Writes a checked change over `expectedRevision`, audited once; a moved revision is a 409. */
async function writeChange(
  deps: TownshipDeps,
  actor: Actor,
  before: TownshipRecord,
  change: TownshipChange,
  expectedRevision: number,
  action: "township.edit" | "township.fundQuota.set",
): Promise<TownshipView & { repeated: boolean }> {
  const { countyId, townshipId } = before;
  const directory = new DirectoryStore(deps.db, deps.table);
  const after = await directory.changeTownship(countyId, townshipId, change, expectedRevision);
  if (!after) {
    const now = (await directory.townshipRecords(countyId)).find((r) => r.townshipId === townshipId);
    if (!now) throw townshipNotFound(countyId, townshipId);
    throw staleRevision(townshipId, now.revision);
  }
  const { kind: _, ...changed } = change;
  const was =
    change.kind === "profile"
      ? { name: before.name, area: before.area, registeredPopulation: before.registeredPopulation }
      : { fundQuotaYuan: before.fundQuotaYuan ?? null };
  await deps.audit.append({
    countyId,
    townshipId,
    actor: who(actor),
    action,
    resourceType: "township",
    resourceId: townshipId,
    before: was,
    after: changed,
    dedupKey: `township:${townshipId}:revision:${after.revision}`,
  });
  return { ...(await viewOf(deps, after)), repeated: false };
}

/**
 * Edits a township's name, urban/rural and registered population over the revision it was read at.
 * The values already stored answer `repeated` (nothing written): twins with the same values write once.
 */
export async function editTownship(
  deps: TownshipDeps,
  actor: Actor,
  countyId: string,
  townshipId: string,
  input: TownshipProfileInput & { expectedRevision: number },
): Promise<TownshipView & { repeated: boolean }> {
  requireAuthorized(actor, "township.administer", { countyId });
  const before = await recordOf(deps, countyId, townshipId);
  const profile = {
    name: input.name.trim(),
    area: input.area,
    registeredPopulation: input.registeredPopulation,
  };
  if (
    before.name === profile.name &&
    before.area === profile.area &&
    before.registeredPopulation === profile.registeredPopulation
  )
    return { ...(await viewOf(deps, before)), repeated: true };
  if (before.revision !== input.expectedRevision) throw staleRevision(townshipId, before.revision);
  const county = await countyOf(deps, countyId);
  const records = await new DirectoryStore(deps.db, deps.table).townshipRecords(countyId);
  checkInCounty(county, records, { townshipId, ...profile });
  const shortfall = await quotaShortfall(deps, before, profile);
  if (shortfall)
    throw field(
      "body.registeredPopulation",
      `With ${profile.registeredPopulation} registered residents the fund quota must be at least ${shortfall.minimum.toString()} yuan; it is ${shortfall.quota.toString()}: raise the quota first`,
      `户籍人口 ${profile.registeredPopulation} 人时备用金定额不得低于 ${shortfall.minimum.format()}，现定额 ${shortfall.quota.format()}：请先调高备用金定额`,
      ["The township is not changed", "乡镇信息未修改"],
    );
  return writeChange(
    deps,
    actor,
    before,
    { kind: "profile", ...profile },
    input.expectedRevision,
    "township.edit",
  );
}

/**
 * The set quota a township's edit would leave under its minimum (DOMAIN §2.3: at least per-capita ×
 * registered population): an edit that raises the minimum (population, or urban/rural) above the
 * quota is refused — the administrator raises the quota first (the import does so in one go). An
 * edit that does not raise the minimum is never refused for it (a policy that raised the per-capita
 * amount is met by the next quota, not by blocking a name change). Undefined: no quota set, no policy
 * in force, or the quota is enough.
 */
export async function quotaShortfall(
  deps: AdminDeps,
  before: Pick<TownshipRecord, "countyId" | "area" | "registeredPopulation" | "fundQuotaYuan">,
  after: Pick<TownshipRecord, "area" | "registeredPopulation">,
): Promise<{ quota: Yuan; minimum: Yuan } | undefined> {
  if (before.fundQuotaYuan === undefined) return undefined;
  const quota = Yuan.parse(before.fundQuotaYuan);
  const [was, minimum] = await Promise.all([
    minimumQuota(deps, before),
    minimumQuota(deps, { countyId: before.countyId, ...after }),
  ]);
  if (!minimum || !quota.lessThan(minimum)) return undefined;
  return was && !minimum.greaterThan(was) ? undefined : { quota, minimum };
}

const QUOTA_REFUSED: [string, string] = ["The fund quota is not accepted", "备用金定额不符合要求"];

/** The quota's checks: an amount above zero, at least the population's, not below what is allocated. */
async function checkQuota(deps: TownshipDeps, township: TownshipRecord, text: string): Promise<Yuan> {
  const path = "body.quotaYuan";
  if (!QUOTA_TEXT.test(text) || !Yuan.parse(text).isPositive())
    throw field(
      path,
      "An amount above zero (yuan, at most two decimals)",
      "须为大于零的金额（元，最多两位小数）",
      QUOTA_REFUSED,
    );
  const quota = Yuan.parse(text);
  const minimum = await minimumQuota(deps, township);
  if (minimum && quota.lessThan(minimum))
    throw field(
      path,
      `At least ${minimum.toString()} yuan: the policy's per-capita amount × ${township.registeredPopulation} registered residents (DOMAIN §2.3)`,
      `不得低于按户籍人口核定的 ${minimum.format()}（人均定额 × 户籍人口 ${township.registeredPopulation} 人）`,
      QUOTA_REFUSED,
    );
  const allocated = await allocatedQuota(deps, township.townshipId);
  if (quota.lessThan(allocated))
    throw field(
      path,
      `Below what county finance allocated (${allocated.toString()} yuan): finance lowers a quota, not an administrator`,
      `低于县财政已拨付的额度 ${allocated.format()}，调减须由财务另行处理`,
      QUOTA_REFUSED,
    );
  return quota;
}

/**
 * Sets a township's fund quota over the revision it was read at. No money moves: county finance
 * allocates up to it. The quota already stored answers `repeated` (nothing written).
 */
export async function setFundQuota(
  deps: TownshipDeps,
  actor: Actor,
  countyId: string,
  townshipId: string,
  input: { quotaYuan: string; expectedRevision: number },
): Promise<TownshipView & { repeated: boolean }> {
  requireAuthorized(actor, "township.administer", { countyId });
  const before = await recordOf(deps, countyId, townshipId);
  const quota = await checkQuota(deps, before, input.quotaYuan);
  if (before.fundQuotaYuan !== undefined && Yuan.parse(before.fundQuotaYuan).equals(quota))
    return { ...(await viewOf(deps, before)), repeated: true };
  if (before.revision !== input.expectedRevision) throw staleRevision(townshipId, before.revision);
  return writeChange(
    deps,
    actor,
    before,
    { kind: "fund-quota", fundQuotaYuan: quota.toString() },
    input.expectedRevision,
    "township.fundQuota.set",
  );
}

/**
 * The import's write of a 备用金定额 row (county-import.ts): the quota at whatever revision the
 * township is, checked and audited as the route's; `false` when the township holds it already.
 */
export async function importFundQuota(
  deps: TownshipDeps,
  actor: Actor,
  countyId: string,
  townshipId: string,
  quotaYuan: string,
): Promise<boolean> {
  const before = await recordOf(deps, countyId, townshipId);
  const answer = await setFundQuota(deps, actor, countyId, townshipId, {
    quotaYuan,
    expectedRevision: before.revision,
  });
  return !answer.repeated;
}
