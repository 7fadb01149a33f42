/**
 * 好差评 (DOMAIN §8): `POST /cases/{caseId}/rating` — the applicant rates the service of their own
 * ended case, once; `GET /cases/{caseId}/rating` — the rating, for the applicant and the case's
 * readers; `GET /satisfaction` — each township's count and share satisfied, for the county.
 */
import * as z from "zod";
import { SERVICE_RATING_LEVELS } from "#core/cases/index.ts";
import { CaseParams, created, httpHandler, httpRouter } from "#functions/http/index.ts";
import { config, dynamo } from "#functions/runtime/config.ts";
import { flowDeps } from "#functions/services/deps.ts";
import {
  RateServiceSchema,
  rateService,
  ratingOf,
  SatisfactionQuery,
  satisfactionByTownship,
} from "#functions/services/rating.ts";

const tags = ["rating"];

const RatingSchema = z
  .object({
    caseId: z.string(),
    level: z.enum(SERVICE_RATING_LEVELS),
    reason: z.string().optional(),
    ratedAt: z.string(),
  })
  .meta({ id: "Rating" });

const Tally = {
  ratings: z.number().int(),
  satisfied: z.number().int().meta({ description: "非常满意, 满意 and 基本满意" }),
  satisfiedPercent: z.string().nullable().meta({ description: "One decimal; null when nobody rated yet" }),
};

const SatisfactionSchema = z
  .object({
    countyId: z.string(),
    ...Tally,
    townships: z.array(
      z.object({
        townshipId: z.string(),
        name: z.string().optional(),
        ...Tally,
        levels: z.record(z.enum(SERVICE_RATING_LEVELS), z.number().int()),
      }),
    ),
  })
  .meta({ id: "Satisfaction" });

function ratingDeps() {
  return { flow: flowDeps(), db: dynamo(), table: config().tables.main };
}

const rate = httpHandler({
  route: "POST /cases/{caseId}/rating",
  params: CaseParams,
  body: RateServiceSchema,
  action: "case.rate",
  idempotencyKey: "required",
  summary: "Rate the service of my ended case (好差评): 非常满意 … 非常不满意, with a reason",
  description:
    "The applicant of the case only, once the case has ended (closed, or refused, or a plan stopped: " +
    "422 before), once per case (409 on a second rating). `level` is one of very-satisfied, satisfied, " +
    "basically-satisfied, dissatisfied, very-dissatisfied; `reason` is required for the last two. " +
    "Audited. A retry with the same `Idempotency-Key` answers the first rating.",
  tags,
  response: { status: 201, schema: RatingSchema },
  handler: async ({ params, body, actor, correlationId }) =>
    created(await rateService(ratingDeps(), actor, params.caseId, body, correlationId)),
});

const read = httpHandler({
  route: "GET /cases/{caseId}/rating",
  params: CaseParams,
  summary: "The case's rating (好差评), or null before the applicant rated it",
  tags,
  response: {
    status: 200,
    schema: z.object({
      caseId: z.string(),
      rating: RatingSchema.nullable(),
      rateable: z.boolean().meta({ description: "The reader is its applicant and may rate it now" }),
    }),
  },
  handler: ({ params, actor }) => ratingOf(ratingDeps(), actor, params.caseId),
});

const satisfaction = httpHandler({
  route: "GET /satisfaction",
  query: SatisfactionQuery,
  action: "satisfaction.read",
  summary: "Satisfaction by township (好差评): ratings, satisfied, share satisfied in percent",
  description:
    "County civil affairs and auditors, for their own county. Satisfied counts 非常满意, 满意 and " +
    "基本满意; every township of the county is listed, with null percent when nobody rated it yet.",
  tags,
  response: { status: 200, schema: SatisfactionSchema },
  handler: ({ query, actor }) => satisfactionByTownship(ratingDeps(), actor, query),
});

export const handler = httpRouter(rate, read, satisfaction);
