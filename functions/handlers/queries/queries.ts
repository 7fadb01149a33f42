/**
 * The read side of the API: case lists with filters and pagination, the
 * signed-in user's work queue, the applicant's own cases and payments, the county's townships. Each
 * route: parse (zod) → scope from core/access in the service → read the indexes → a masked,
 * allow-listed page.
 */
import { httpHandler, httpRouter } from "#functions/http/index.ts";
import { config, dynamo } from "#functions/runtime/config.ts";
import { flowDeps } from "#functions/services/deps.ts";
import { MyListQuery, myCases, myPayments } from "#functions/services/queries/applicant.ts";
import { CaseListQuery, listCases } from "#functions/services/queries/case-list.ts";
import { listTownships } from "#functions/services/queries/townships.ts";
import { WorkQueueQuery, workQueue } from "#functions/services/queries/work-queue.ts";

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
  handler: ({ query, actor }) => workQueue(readDeps(), actor, query),
});

const ownCases = httpHandler({
  route: "GET /me/cases",
  query: MyListQuery,
  action: "case.readOwn",
  summary: "My applications: status, the next step and by when, whether it can still be withdrawn",
  tags,
  handler: ({ query, actor }) => myCases(readDeps(), actor, query),
});

const ownPayments = httpHandler({
  route: "GET /me/payments",
  query: MyListQuery,
  action: "case.readOwn",
  summary: "My payments: amount, method, status, the account masked",
  tags,
  handler: ({ query, actor }) => myPayments(readDeps(), actor, query),
});

const townships = httpHandler({
  route: "GET /townships",
  summary: "The townships of my county: code, name, urban/rural, registered population",
  description:
    "From the county directory. Staff of the county (civil affairs, finance, auditors) and of its " +
    "townships (officers, approvers) read their own county's list, and so do applicants: they pick " +
    "the township where the emergency happened when they file (DOMAIN §2.1).",
  tags,
  handler: ({ actor }) => listTownships(readDeps(), actor),
});

export const handler = httpRouter(cases, queue, ownCases, ownPayments, townships);
