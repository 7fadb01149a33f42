/**
 * The read side of the API: case lists with filters and pagination, the
 * signed-in user's work queue, the applicant's own cases and payments, the county's townships. Each
 * route: parse (zod) → scope from core/access in the service → read the indexes → a masked,
 * allow-listed page.
 */
import * as z from "zod";
import { bilingual, httpHandler, httpRouter } from "#functions/http/index.ts";
import { config, dynamo } from "#functions/runtime/config.ts";
import {
  ApplicantCasePageSchema,
  CaseListPageSchema,
  MyPaymentPageSchema,
} from "#functions/services/case-answers.ts";
import { flowDeps } from "#functions/services/deps.ts";
import { MyListQuery, myCases, myPayments } from "#functions/services/queries/applicant.ts";
import { CaseListQuery, listCases } from "#functions/services/queries/case-list.ts";
import { listCountiesToFileIn } from "#functions/services/queries/counties.ts";
import { listTownships } from "#functions/services/queries/townships.ts";
import { WorkQueuePageSchema, WorkQueueQuery, workQueue } from "#functions/services/queries/work-queue.ts";

const tags = ["queries"];

/** A mainland ID number (or a residence permit's, hashed alike) as typed into a search box. */
const CN_ID_NUMBER = /^\d{17}[\dXx]$/;

function readDeps() {
  const flow = flowDeps();
  const personKeysOf = (text: string): string[] => {
    if (!CN_ID_NUMBER.test(text)) return [];
    try {
      const document = { type: "resident-id", number: text.toUpperCase() };
      return [flow.identity.check(document).personKey];
    } catch {
      return [];
    }
  };
  return { flow, db: dynamo(), table: config().tables.main, now: flow.now, personKeysOf };
}

const cases = httpHandler({
  route: "GET /cases",
  query: CaseListQuery,
  summary: "Cases by deadline, filtered by township, status, hardship type, deadline, overdue; paginated",
  description:
    "Township staff: their own township. County civil affairs and auditors: any township of the county " +
    "(auditors see personal data masked). County finance: the money of the cases only — no names, ID " +
    "numbers, phones or narratives. Ordered by deadline (cases without one by filing time). Pass " +
    "`nextCursor` back as `cursor`; a short page does not mean the end, a missing `nextCursor` does.",
  tags,
  response: { status: 200, schema: CaseListPageSchema },
  handler: async ({ query, actor }) => {
    const { view, ...page } = await listCases(readDeps(), actor, query);
    return { ...page, view };
  },
});

const queue = httpHandler({
  route: "GET /work-queue",
  query: WorkQueueQuery,
  summary: "My open work, earliest deadline first (never a task token)",
  description:
    "Township officers and approvers: their township's queue for their role. County civil affairs: " +
    "escalations and county approvals; county finance: replenishment requests. Overdue items are flagged.",
  tags,
  response: { status: 200, schema: WorkQueuePageSchema },
  handler: ({ query, actor }) => workQueue(readDeps(), actor, query),
});

const ownCases = httpHandler({
  route: "GET /me/cases",
  query: MyListQuery,
  action: "case.readOwn",
  summary: "My applications: status, the next step and by when, whether it can still be withdrawn",
  tags,
  response: { status: 200, schema: ApplicantCasePageSchema },
  handler: ({ query, actor }) => myCases(readDeps(), actor, query),
});

const ownPayments = httpHandler({
  route: "GET /me/payments",
  query: MyListQuery,
  action: "case.readOwn",
  summary: "My payments: amount, method, status, the account masked",
  tags,
  response: { status: 200, schema: MyPaymentPageSchema },
  handler: ({ query, actor }) => myPayments(readDeps(), actor, query),
});

const TownshipsQuery = z.object({
  countyId: z
    .string()
    .regex(/^\d{6}$/, bilingual("A 6-digit county code", "应为 6 位县级行政区划代码"))
    .optional()
    .meta({ description: "Applicants only: the county where the emergency happened (default: my county)" }),
});

const townships = httpHandler({
  route: "GET /townships",
  query: TownshipsQuery,
  summary: "The townships of my county (or, for an applicant, of a county of the deployment)",
  description:
    "From the county directory: code, name, urban/rural, registered population. Staff of the county " +
    "(civil affairs, finance, auditors) and of its townships (officers, approvers) read their own " +
    "county's list (another `countyId` is 403). Applicants pick the township where the emergency " +
    "happened when they file (DOMAIN §2.1), in any county of the deployment (`countyId`, from " +
    "`GET /counties`; an unknown county is 404).",
  tags,
  response: {
    status: 200,
    schema: z.object({
      countyId: z.string(),
      townships: z.array(
        z
          .object({
            townshipId: z.string(),
            name: z.string(),
            registeredPopulation: z.number().int(),
            area: z.enum(["urban", "rural"]),
          })
          .meta({ id: "Township" }),
      ),
    }),
  },
  handler: ({ actor, query }) => listTownships(readDeps(), actor, query.countyId),
});

const counties = httpHandler({
  route: "GET /counties",
  summary: "The counties to file in: every county of the deployment for an applicant, one's own for staff",
  description:
    "From the county directory, `{ counties: [{ countyId, name }] }` by code, no personal data. An " +
    "applicant applies where the emergency happened (DOMAIN §2.1): they pick the county here, then " +
    "its township from `GET /townships?countyId=`.",
  tags,
  response: {
    status: 200,
    schema: z.object({ counties: z.array(z.object({ countyId: z.string(), name: z.string() })) }),
  },
  handler: async ({ actor }) => ({ counties: await listCountiesToFileIn(readDeps(), actor) }),
});

export const handler = httpRouter(cases, queue, ownCases, ownPayments, townships, counties);
