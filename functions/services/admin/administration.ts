/**
 * Administration of a province deployment (DOMAIN §8): counties are created by a province
 * administrator; policy versions are proposed by one administrator and approved by another, and an
 * approved version is never edited; the national holiday schedule is loaded per year by a province
 * administrator and each county adds its local days.
 *
 * Every check (role and scope in core/access, the core schemas, state) runs before anything is
 * written, so a refused request writes nothing; every change appends an audit event of the county
 * (the province's own chain for the national schedule).
 */
import { isDeepStrictEqual } from "node:util";
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { AuditStore } from "#adapters/audit-store.ts";
import { CalendarStore, type StoredLocalDays } from "#adapters/calendar-store.ts";
import { type CountyDirectory, DirectoryStore, parseCountyDirectory } from "#adapters/directory-store.ts";
import { type PolicyProposal, PolicyStore, versionFrozen } from "#adapters/policy-store.ts";
import { type Actor, requireAuthorized } from "#core/access/index.ts";
import {
  buildHolidayCalendar,
  type HolidaySchedule,
  HolidayScheduleSchema,
  yearOf,
} from "#core/calendar/index.ts";
import { ConflictError, NotFoundError, ValidationError } from "#core/errors.ts";
import {
  type CountyPolicySet,
  PolicyVersionSchema,
  parseCountyPolicySet,
  parseWith,
} from "#core/policy/index.ts";

export interface AdminDeps {
  db: DynamoDBDocumentClient;
  table: string;
  audit: AuditStore;
  now: () => Date;
}

const stores = (deps: AdminDeps) => ({
  directory: new DirectoryStore(deps.db, deps.table),
  policies: new PolicyStore(deps.db, deps.table),
  calendars: new CalendarStore(deps.db, deps.table),
});

const who = (actor: Actor) => ({ userId: actor.userId, name: actor.name });

async function audit(
  deps: AdminDeps,
  actor: Actor,
  event: { countyId: string; action: string; resourceType: string; resourceId: string; after: unknown },
): Promise<void> {
  await deps.audit.append({
    ...event,
    actor: { userId: actor.userId, name: actor.name, roles: actor.roles },
  });
}

async function existingCounty(
  deps: AdminDeps,
  countyId: string,
): Promise<{ countyId: string; name: string }> {
  const county = await stores(deps).directory.county(countyId);
  if (!county)
    throw new NotFoundError(`County ${countyId} has not been created`, "该县尚未在本系统开通", {
      details: { countyId },
    });
  return county;
}

/** Field paths as the HTTP layer names them (`body.townships.0.townshipId`). */
function withBodyPaths<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    throw new ValidationError(error.message, error.messageZh, {
      fields: error.fields.map((f) => ({ ...f, path: f.path ? `body.${f.path}` : "body" })),
    });
  }
}

// ── Counties ────────────────────────────────────────────────────────────────────────────────────

/** A province administrator creates a county with its townships (409 if it exists). */
export async function createCounty(deps: AdminDeps, actor: Actor, input: unknown): Promise<CountyDirectory> {
  const county = withBodyPaths(() => parseCountyDirectory(input));
  requireAuthorized(actor, "county.create", { countyId: county.countyId });
  const { directory } = stores(deps);
  const exists = () =>
    new ConflictError(`County ${county.countyId} already exists`, "该县已开通，不能重复创建", {
      details: { countyId: county.countyId },
    });
  if (await directory.county(county.countyId)) throw exists();
  // Created once: of creations at the same time, one writes the county, the others are refused.
  if (!(await directory.createCounty(county))) throw exists();
  await audit(deps, actor, {
    countyId: county.countyId,
    action: "county.create",
    resourceType: "county",
    resourceId: county.countyId,
    after: county,
  });
  return county;
}

export async function readCounty(deps: AdminDeps, actor: Actor, countyId: string) {
  requireAuthorized(actor, "county.administer", { countyId });
  const county = await existingCounty(deps, countyId);
  const townships = await stores(deps).directory.townshipsOf(countyId);
  return {
    ...county,
    townships: townships.map(({ countyId: _, ...t }) => t),
    policyVersions: await listPolicyVersions(deps, actor, countyId),
    calendar: await calendarStatus(deps, actor, countyId),
  };
}

// ── Policy versions ─────────────────────────────────────────────────────────────────────────────

export interface PolicyVersionInput {
  versionId: string;
  effectiveFrom: string;
  basis?: string;
  parameters: unknown;
}

export interface PolicyVersionView extends PolicyProposal {
  inForce: boolean;
}

function parseVersion(countyId: string, input: PolicyVersionInput) {
  return parseWith(
    PolicyVersionSchema,
    { ...input, countyId },
    "policy version",
    "救助政策版本",
    "body",
  ) as PolicyProposal["version"];
}

/**
 * A new version starts after the last approved one and, once the county has a version, not in the
 * past: a decision already taken never finds its rules changed under it.
 */
function checkStart(version: PolicyProposal["version"], set: CountyPolicySet | undefined, now: Date): void {
  const start = Date.parse(version.effectiveFrom);
  const last = set?.versions.at(-1);
  if (last && start <= Date.parse(last.effectiveFrom))
    throw new ValidationError(
      "The version must start after the version in force",
      "新版本须晚于现行版本生效",
      {
        fields: [
          {
            path: "body.effectiveFrom",
            message: "must be later than the start of the latest approved version",
            messageZh: "生效时间须晚于最近一个已审批版本的生效时间",
          },
        ],
      },
    );
  if (set && start < now.getTime())
    throw new ValidationError("The version cannot start in the past", "新版本不能追溯生效", {
      fields: [
        {
          path: "body.effectiveFrom",
          message: "must not be in the past: cases already decided keep their version",
          messageZh: "生效时间不能早于当前时间（已决定的案件沿用原版本）",
        },
      ],
    });
}

export async function proposePolicyVersion(
  deps: AdminDeps,
  actor: Actor,
  countyId: string,
  input: PolicyVersionInput,
): Promise<PolicyProposal> {
  requireAuthorized(actor, "policy.propose", { countyId });
  const version = parseVersion(countyId, input);
  await existingCounty(deps, countyId);
  const { policies } = stores(deps);
  // A version id in use names that version for good: an approved one is frozen, a proposal is revised.
  const existing = await policies.proposal(countyId, version.versionId);
  if (existing?.status === "approved") throw versionFrozen(version.versionId);
  if (existing)
    throw new ConflictError(
      `Policy version ${version.versionId} is already proposed`,
      "该政策版本已提出，请修改原提案或换一个版本号",
      { details: { versionId: version.versionId } },
    );
  checkStart(version, (await policies.approvedSet(countyId))?.set, deps.now());
  const proposal = { version, proposedBy: who(actor), proposedAt: deps.now().toISOString() };
  await policies.propose(proposal);
  await audit(deps, actor, {
    countyId,
    action: "policy.propose",
    resourceType: "policy-version",
    resourceId: version.versionId,
    after: version,
  });
  return { ...proposal, status: "proposed" };
}

async function existingProposal(
  deps: AdminDeps,
  countyId: string,
  versionId: string,
): Promise<PolicyProposal> {
  const proposal = await stores(deps).policies.proposal(countyId, versionId);
  if (!proposal)
    throw new NotFoundError(`Policy version ${versionId} not found`, "该政策版本不存在", {
      details: { countyId, versionId },
    });
  return proposal;
}

/** Reads before a revision gives up on a proposal others keep revising (409). */
const REVISE_ATTEMPTS = 5;

/**
 * Revises a proposal not yet approved; whoever revises becomes its proposer (and cannot approve it).
 * The same revision by its proposer again is answered `repeated` and writes nothing; a revision is
 * written only onto the proposal it was read from, so twenty identical revisions at once write one.
 */
export async function revisePolicyVersion(
  deps: AdminDeps,
  actor: Actor,
  countyId: string,
  versionId: string,
  input: Omit<PolicyVersionInput, "versionId">,
): Promise<PolicyProposal & { repeated: boolean }> {
  requireAuthorized(actor, "policy.propose", { countyId });
  const version = parseVersion(countyId, { ...input, versionId });
  const wanted = JSON.parse(JSON.stringify(version));
  const { policies } = stores(deps);
  for (let attempt = 0; attempt < REVISE_ATTEMPTS; attempt += 1) {
    const read = await policies.proposalWithRevision(countyId, versionId);
    if (!read)
      throw new NotFoundError(`Policy version ${versionId} not found`, "该政策版本不存在", {
        details: { countyId, versionId },
      });
    if (read.proposal.status === "approved") throw versionFrozen(versionId);
    if (read.proposal.proposedBy.userId === actor.userId && isDeepStrictEqual(read.proposal.version, wanted))
      return { ...read.proposal, repeated: true };
    checkStart(version, (await policies.approvedSet(countyId))?.set, deps.now());
    const proposal = { version, proposedBy: who(actor), proposedAt: deps.now().toISOString() };
    if (!(await policies.revise(proposal, read.revision))) continue;
    await audit(deps, actor, {
      countyId,
      action: "policy.revise",
      resourceType: "policy-version",
      resourceId: versionId,
      after: version,
    });
    return { ...proposal, status: "proposed", repeated: false };
  }
  throw new ConflictError(
    `Policy version ${versionId} was revised by others meanwhile`,
    "该政策版本正在被他人修改，请刷新后重试",
    { details: { versionId } },
  );
}

/** The proposer's resource for maker-checker (core/access `second-administrator`). */
export async function approvalResource(deps: AdminDeps, countyId: string, versionId: string) {
  const proposal = await existingProposal(deps, countyId, versionId);
  return { countyId, proposedBy: proposal.proposedBy.userId };
}

export async function approvePolicyVersion(
  deps: AdminDeps,
  actor: Actor,
  countyId: string,
  versionId: string,
): Promise<PolicyProposal> {
  const proposal = await existingProposal(deps, countyId, versionId);
  requireAuthorized(actor, "policy.approve", { countyId, proposedBy: proposal.proposedBy.userId });
  if (proposal.status === "approved")
    throw new ConflictError(
      `Policy version ${versionId} is already approved`,
      "该政策版本已审批，不能重复审批",
      {
        details: { versionId },
      },
    );
  const county = await existingCounty(deps, countyId);
  const { policies } = stores(deps);
  const stored = await policies.approvedSet(countyId);
  try {
    checkStart(proposal.version, stored?.set, deps.now());
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    throw new ConflictError(
      `Policy version ${versionId} can no longer be approved: ${error.message}`,
      `该政策版本已不能审批：${error.messageZh}。请提出新的版本`,
      { details: { versionId } },
    );
  }
  const set = parseCountyPolicySet({
    countyId,
    countyName: stored?.set.countyName ?? county.name,
    versions: [...(stored?.set.versions ?? []), proposal.version],
  });
  await policies.approve({
    countyId,
    versionId,
    set,
    expectedRevision: stored?.revision,
    approvedBy: who(actor),
  });
  await audit(deps, actor, {
    countyId,
    action: "policy.approve",
    resourceType: "policy-version",
    resourceId: versionId,
    after: {
      versionId,
      effectiveFrom: proposal.version.effectiveFrom,
      proposedBy: proposal.proposedBy.userId,
    },
  });
  return { ...proposal, status: "approved", approvedBy: who(actor), approvedAt: deps.now().toISOString() };
}

export async function listPolicyVersions(
  deps: AdminDeps,
  actor: Actor,
  countyId: string,
): Promise<PolicyVersionView[]> {
  requireAuthorized(actor, "county.administer", { countyId });
  const { policies } = stores(deps);
  const [proposals, stored] = await Promise.all([
    policies.proposals(countyId),
    policies.approvedSet(countyId),
  ]);
  const nowMs = deps.now().getTime();
  const started = (stored?.set.versions ?? []).filter((v) => Date.parse(v.effectiveFrom) <= nowMs);
  const inForce = started.at(-1)?.versionId;
  return proposals
    .sort((a, b) => a.version.effectiveFrom.localeCompare(b.version.effectiveFrom))
    .map((p) => ({ ...p, inForce: p.status === "approved" && p.version.versionId === inForce }));
}

// ── Holiday calendars ───────────────────────────────────────────────────────────────────────────

/**
 * A province administrator loads (or replaces) one year's national schedule; the schedule already
 * stored is answered `repeated` and writes nothing, not even an audit event.
 */
export async function loadNationalSchedule(
  deps: AdminDeps,
  actor: Actor,
  year: number,
  input: unknown,
): Promise<HolidaySchedule & { repeated: boolean }> {
  requireAuthorized(actor, "calendar.national.load", { countyId: actor.countyId });
  const body = (input ?? {}) as { year?: unknown };
  if (body.year !== year)
    throw new ValidationError(
      "The schedule's year must be the year of the path",
      "安排所属年度须与路径中的年度一致",
      {
        fields: [
          {
            path: "body.year",
            message: `must be ${year}`,
            messageZh: `须为 ${year}`,
          },
        ],
      },
    );
  // The whole calendar is built before the write: a range outside the year or a weekday make-up day
  // is refused here, never found later by a deadline.
  const schedule = parseNationalSchedule(input);
  const { schedule: stored, outcome } = await stores(deps).calendars.putNational(schedule, actor.userId);
  if (outcome === "unchanged") return { ...stored, repeated: true };
  await audit(deps, actor, {
    countyId: actor.countyId,
    action: "calendar.national.load",
    resourceType: "holiday-calendar",
    resourceId: `national-${year}`,
    after: stored,
  });
  return { ...stored, repeated: false };
}

function parseNationalSchedule(input: unknown): HolidaySchedule {
  const schedule = parseWith(HolidayScheduleSchema, input, "holiday schedule", "节假日安排", "body");
  buildHolidayCalendar({ id: `national-${schedule.year}`, schedules: [schedule] });
  return schedule;
}

export interface LocalDaysInput {
  holidays?: { name: string; from: string; to: string }[];
  makeUpWorkingDays?: string[];
}

/** The county's local days of a year; the days already stored are answered `repeated`, nothing written. */
export async function putLocalDays(
  deps: AdminDeps,
  actor: Actor,
  countyId: string,
  year: number,
  input: LocalDaysInput,
): Promise<StoredLocalDays & { repeated: boolean }> {
  requireAuthorized(actor, "calendar.local.write", { countyId });
  await existingCounty(deps, countyId);
  const { calendars } = stores(deps);
  const national = (await calendars.nationalSchedules()).find((s) => s.year === year);
  if (!national)
    throw new ConflictError(
      `The national schedule of ${year} is not loaded yet`,
      `${year}年全国节假日安排尚未载入，暂不能设置本县节假日`,
      { details: { year } },
    );
  const outside = [
    ...(input.holidays ?? []).flatMap((h, i) => [
      [`body.holidays.${i}.from`, h.from],
      [`body.holidays.${i}.to`, h.to],
    ]),
    ...(input.makeUpWorkingDays ?? []).map((d, i) => [`body.makeUpWorkingDays.${i}`, d]),
  ].filter(([, day]) => yearOf(day as string) !== year);
  if (outside.length > 0)
    throw new ValidationError("Every day must fall in the year of the path", "日期须在所设年度之内", {
      fields: outside.map(([path]) => ({
        path: path as string,
        message: `must be a day of ${year}`,
        messageZh: `须为 ${year} 年内的日期`,
      })),
    });
  const days: StoredLocalDays = { year, ...input };
  buildHolidayCalendar({ id: countyId, schedules: [national], local: days });
  if ((await calendars.putLocalDays(countyId, days, actor.userId)) === "unchanged")
    return { ...days, repeated: true };
  await audit(deps, actor, {
    countyId,
    action: "calendar.local.write",
    resourceType: "holiday-calendar",
    resourceId: `${countyId}-${year}`,
    after: days,
  });
  return { ...days, repeated: false };
}

export interface CalendarStatus {
  years: { year: number; coverage: "official"; localDays: number }[];
  /** The current and next year: loaded, or weekends only with a warning. */
  warnings: { year: number; code: "weekends-only"; message: string; messageZh: string }[];
}

/** Which years have a national schedule; a warning for this or next year when it is missing. */
export async function calendarStatus(
  deps: AdminDeps,
  actor: Actor,
  countyId: string,
): Promise<CalendarStatus> {
  requireAuthorized(actor, "county.administer", { countyId });
  const { calendars } = stores(deps);
  const [national, local] = await Promise.all([calendars.nationalSchedules(), calendars.localDays(countyId)]);
  const thisYear = yearOf(deps.now().toLocaleDateString("sv-SE", { timeZone: "Asia/Shanghai" }));
  const known = new Set(national.map((s) => s.year));
  return {
    years: national.map((s) => {
      const days = local.find((d) => d.year === s.year);
      return {
        year: s.year,
        coverage: "official" as const,
        localDays: (days?.holidays?.length ?? 0) + (days?.makeUpWorkingDays?.length ?? 0),
      };
    }),
    warnings: [thisYear, thisYear + 1]
      .filter((year) => !known.has(year))
      .map((year) => ({
        year,
        code: "weekends-only" as const,
        message: `The national holiday schedule of ${year} is not loaded: working days in ${year} count weekends only`,
        messageZh: `${year}年全国节假日安排尚未载入，该年度工作日暂只按周末计算`,
      })),
  };
}
