/**
 * 好差评 (DOMAIN §8): the applicant rates the service of their own case once it has ended — five
 * levels, a reason required for the two dissatisfied ones (core/cases serviceRating) — once per case;
 * the county reads each township's count and share satisfied. A refused rating writes nothing.
 */
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import * as z from "zod";
import { DirectoryStore } from "#adapters/directory-store.ts";
import { RatingStore, type ServiceRatingRecord } from "#adapters/rating-store.ts";
import { type Actor, authorize, requireAuthorized } from "#core/access/index.ts";
import {
  enforce,
  isSatisfied,
  RATEABLE_STATUSES,
  reasonMissing,
  SERVICE_RATING_LEVELS,
  SERVICE_RATING_NAMES_ZH,
  type ServiceRatingLevel,
  serviceRating,
} from "#core/cases/index.ts";
import { ConflictError } from "#core/errors.ts";
import { bilingual } from "#functions/http/index.ts";
import { authorizeAnyOnCase, caseResource } from "./case-access.ts";
import type { FlowDeps } from "./ports.ts";

const REASON_CHARS_MAX = 500;

export const RateServiceSchema = z
  .object({
    level: z.enum(
      SERVICE_RATING_LEVELS,
      bilingual(
        `Choose one of ${SERVICE_RATING_LEVELS.join(", ")}`,
        "请选择评价：非常满意、满意、基本满意、不满意或非常不满意",
      ),
    ),
    reason: z
      .string()
      .trim()
      .max(
        REASON_CHARS_MAX,
        bilingual(`At most ${REASON_CHARS_MAX} characters`, `原因不能超过 ${REASON_CHARS_MAX} 个字`),
      )
      .optional(),
  })
  .strict()
  .superRefine((rating, ctx) => {
    if (reasonMissing(rating.level, rating.reason)) {
      ctx.addIssue({
        code: "custom",
        path: ["reason"],
        message: bilingual("Say why you are dissatisfied", "选择不满意或非常不满意时，请写明原因"),
      });
    }
  });
export type RateServiceRequest = z.output<typeof RateServiceSchema>;

export const SatisfactionQuery = z
  .object({
    countyId: z
      .string()
      .regex(/^\d{6}$/, bilingual("A 6-digit county code", "县代码应为6位数字"))
      .optional(),
  })
  .strict();

export interface RatingDeps {
  flow: FlowDeps;
  db: DynamoDBDocumentClient;
  table: string;
}

/** What the applicant and the case's readers see of a rating (never who typed it: that is the applicant). */
export interface RatingView {
  caseId: string;
  level: ServiceRatingLevel;
  reason?: string;
  ratedAt: string;
}

function viewOf(record: ServiceRatingRecord): RatingView {
  return {
    caseId: record.caseId,
    level: record.level as ServiceRatingLevel,
    ...(record.reason ? { reason: record.reason } : {}),
    ratedAt: record.ratedAt,
  };
}

function alreadyRated(caseId: string): ConflictError {
  return new ConflictError(
    `Case ${caseId} was already rated; a rating is given once`,
    "这件申请已经评价过了，每件申请只能评价一次",
    { details: { reason: "already-rated" } },
  );
}

export async function rateService(
  deps: RatingDeps,
  actor: Actor,
  caseId: string,
  request: RateServiceRequest,
  correlationId: string,
): Promise<RatingView> {
  const record = await deps.flow.cases.get(caseId);
  authorizeAnyOnCase(actor, ["case.rate"], record);
  enforce(
    serviceRating(
      { status: record.status, level: request.level, reason: request.reason },
      record.policyVersionId,
    ),
  );
  const store = new RatingStore(deps.db, deps.table);
  if (await store.get(record.countyId, record.townshipId, caseId)) throw alreadyRated(caseId);
  const rating: ServiceRatingRecord = {
    caseId,
    countyId: record.countyId,
    townshipId: record.townshipId,
    level: request.level,
    ...(request.reason ? { reason: request.reason } : {}),
    ratedBy: actor.userId,
    ratedAt: deps.flow.now().toISOString(),
  };
  // Two ratings at once: the store's condition lets one through, the other is refused like a repeat.
  if (!(await store.putOnce(rating))) throw alreadyRated(caseId);
  await deps.flow.audit.append({
    actorUserId: actor.userId,
    actorName: actor.name,
    actorRoles: actor.roles,
    action: "case.rate",
    caseId,
    countyId: record.countyId,
    townshipId: record.townshipId,
    why: ratingWhy(request),
    after: { level: request.level },
    correlationId,
  });
  return viewOf(rating);
}

/** The audit trail's why, in the applicant's own words after the level's name. */
function ratingWhy(request: RateServiceRequest): string {
  const level = SERVICE_RATING_NAMES_ZH[request.level];
  return request.reason ? `${level}：${request.reason}` : level;
}

export async function ratingOf(
  deps: RatingDeps,
  actor: Actor,
  caseId: string,
): Promise<{ caseId: string; rating: RatingView | null; rateable: boolean }> {
  const record = await deps.flow.cases.get(caseId);
  authorizeAnyOnCase(actor, ["case.readOwn", "case.read"], record);
  const rating = await new RatingStore(deps.db, deps.table).get(record.countyId, record.townshipId, caseId);
  // Whether this reader may rate it now: the case's applicant, the case ended, not rated yet.
  const rateable =
    !rating &&
    RATEABLE_STATUSES.includes(record.status) &&
    authorize(actor, "case.rate", caseResource(record)).allowed;
  return { caseId, rating: rating ? viewOf(rating) : null, rateable };
}

export interface TownshipSatisfaction {
  townshipId: string;
  name?: string;
  ratings: number;
  satisfied: number;
  /** Share satisfied in percent with one decimal ("87.5"); null without ratings. */
  satisfiedPercent: string | null;
  levels: Record<ServiceRatingLevel, number>;
}

/** Percent with one decimal, from counts (rounded half up on the tenth of a percent). */
function percent(part: number, whole: number): string | null {
  if (whole === 0) return null;
  return (Math.round((part * 1000) / whole) / 10).toFixed(1);
}

function emptyLevels(): Record<ServiceRatingLevel, number> {
  return Object.fromEntries(SERVICE_RATING_LEVELS.map((level) => [level, 0])) as Record<
    ServiceRatingLevel,
    number
  >;
}

export async function satisfactionByTownship(
  deps: RatingDeps,
  actor: Actor,
  query: z.output<typeof SatisfactionQuery>,
): Promise<{
  countyId: string;
  ratings: number;
  satisfied: number;
  satisfiedPercent: string | null;
  townships: TownshipSatisfaction[];
}> {
  const countyId = query.countyId ?? actor.countyId;
  requireAuthorized(actor, "satisfaction.read", { countyId });
  const [ratings, townships] = await Promise.all([
    new RatingStore(deps.db, deps.table).ofCounty(countyId),
    new DirectoryStore(deps.db, deps.table).townshipsOf(countyId),
  ]);
  const byTownship = new Map<string, TownshipSatisfaction>();
  for (const t of townships) {
    byTownship.set(t.townshipId, {
      townshipId: t.townshipId,
      name: t.name,
      ratings: 0,
      satisfied: 0,
      satisfiedPercent: null,
      levels: emptyLevels(),
    });
  }
  for (const rating of ratings) {
    const row =
      byTownship.get(rating.townshipId) ??
      ({
        townshipId: rating.townshipId,
        ratings: 0,
        satisfied: 0,
        satisfiedPercent: null,
        levels: emptyLevels(),
      } as TownshipSatisfaction);
    const level = rating.level as ServiceRatingLevel;
    row.ratings += 1;
    if (isSatisfied(level)) row.satisfied += 1;
    row.levels[level] = (row.levels[level] ?? 0) + 1;
    byTownship.set(rating.townshipId, row);
  }
  const rows = [...byTownship.values()].map((row) => ({
    ...row,
    satisfiedPercent: percent(row.satisfied, row.ratings),
  }));
  const total = rows.reduce((sum, row) => sum + row.ratings, 0);
  const satisfied = rows.reduce((sum, row) => sum + row.satisfied, 0);
  return {
    countyId,
    ratings: total,
    satisfied,
    satisfiedPercent: percent(satisfied, total),
    townships: rows,
  };
}
