/**
 * 外地受助 (DOMAIN §3.6): `GET /registration-notices` — the masked notices about the reader's
 * county's residents aided in another county of the deployment, newest close first, in pages;
 * `GET /registration-notices/stats` — their count and amounts paid per county where aided and
 * hardship cause. County civil affairs and the county's auditor, their own county only.
 */
import { httpHandler, httpRouter } from "#functions/http/index.ts";
import { config, dynamo } from "#functions/runtime/config.ts";
import {
  NoticeListQuery,
  NoticePageSchema,
  NoticeStatsQuery,
  NoticeStatsSchema,
  type RegistrationNoticeDeps,
  registrationNoticePage,
  registrationNoticeStats,
} from "#functions/services/registration-notices.ts";

const tags = ["registration-notices"];

function noticeDeps(): RegistrationNoticeDeps {
  return { db: dynamo(), table: config().tables.main };
}

const PERIOD =
  "`from` and `to` are Asia/Shanghai dates (YYYY-MM-DD, both included) of the close; either may be left out.";

const list = httpHandler({
  route: "GET /registration-notices",
  query: NoticeListQuery,
  action: "registrationNotice.read",
  summary: "外地受助: the notices about my county's residents aided in another county, newest close first",
  description:
    `${PERIOD} Each notice: the case number, when it was filed and closed, the county and township where ` +
    "the applicant was aided (code and name), the hardship cause, the result and everything paid on the " +
    "case (integer fen and yuan), the applicant's name and document number masked. No phone, account, " +
    "address, narrative or document; the case itself stays closed to the reader (403/404). Paged like the " +
    "other lists.",
  tags,
  response: { status: 200, schema: NoticePageSchema, description: "One page of notices" },
  handler: ({ query, actor }) => registrationNoticePage(noticeDeps(), actor, query),
});

const stats = httpHandler({
  route: "GET /registration-notices/stats",
  query: NoticeStatsQuery,
  action: "registrationNotice.read",
  summary: "外地受助 statistics: notices and amounts paid per county where aided and hardship cause",
  description: `${PERIOD} Counts and sums only. \`complete\` is false when the period holds more notices than one request reads.`,
  tags,
  response: { status: 200, schema: NoticeStatsSchema, description: "The figures" },
  handler: ({ query, actor }) => registrationNoticeStats(noticeDeps(), actor, query),
});

export const handler = httpRouter(list, stats);
