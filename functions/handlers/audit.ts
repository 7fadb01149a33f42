/**
 * The audit trail for auditors (DOMAIN §1: read everything in the county, personal data masked at the
 * response boundary): `GET /audit` pages through the county's chain, or one resource's history, or
 * who looked at whom (DOMAIN §8: the views of one case or of one person's cases, or what one user
 * viewed); `GET /audit/verify` re-hashes the chain and reports the first broken link.
 */
import * as z from "zod";
import { type AuditEvent, auditStore } from "#adapters/audit-store.ts";
import { readCaseSubject, viewsByViewer, viewsOfCases } from "#adapters/person-views.ts";
import { type Actor, requireAuthorized } from "#core/access/index.ts";
import { NotFoundError } from "#core/errors.ts";
import { bilingual, httpHandler, httpRouter } from "#functions/http/index.ts";
import { flowDeps } from "#functions/services/deps.ts";

const CaseIdText = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, bilingual("A case id", "应为案件编号"));

/** Page size bounds (TIGER_STYLE: a limit on everything). */
const PAGE_SIZE_DEFAULT = 50;
const PAGE_SIZE_MAX = 200;

const AuditQuery = z
  .object({
    countyId: z
      .string()
      .regex(/^\d{6}$/, bilingual("A 6-digit county code", "应为 6 位县级行政区划代码"))
      .optional(),
    limit: z.coerce.number().int().min(1).max(PAGE_SIZE_MAX).default(PAGE_SIZE_DEFAULT),
    cursor: z.string().max(200).optional(),
    resourceType: z.string().max(40).optional(),
    resourceId: z.string().max(100).optional(),
    viewsOfCase: CaseIdText.optional().meta({ description: "Who viewed this case's personal data" }),
    person: CaseIdText.optional().meta({
      description:
        "Who viewed this person's data: any case id of the person; every case of theirs is searched",
    }),
    viewer: z
      .string()
      .regex(/^[A-Za-z0-9_.@:-]{1,128}$/, bilingual("A user id", "应为用户编号"))
      .optional()
      .meta({ description: "What this user viewed" }),
  })
  .refine((q) => (q.resourceType === undefined) === (q.resourceId === undefined), {
    message: bilingual("resourceType and resourceId go together", "resourceType 与 resourceId 需同时提供"),
    path: ["resourceId"],
  })
  .refine(
    (q) => [q.resourceType, q.viewsOfCase, q.person, q.viewer].filter((v) => v !== undefined).length <= 1,
    {
      message: bilingual(
        "Use one of resourceType/resourceId, viewsOfCase, person, viewer",
        "resourceType/resourceId、viewsOfCase、person、viewer 只能选用一项",
      ),
      path: ["viewer"],
    },
  );

const AuditEventSchema = z
  .object({
    eventId: z.string(),
    seq: z.number(),
    at: z.string(),
    countyId: z.string(),
    townshipId: z.string().optional(),
    actor: z.object({ userId: z.string(), name: z.string(), roles: z.array(z.string()) }),
    action: z.string(),
    resourceType: z.string(),
    resourceId: z.string(),
    reason: z.string().optional(),
    before: z.unknown().optional(),
    after: z.unknown().optional(),
    correlationId: z.string().optional(),
    prevHash: z.string(),
    hash: z.string(),
  })
  .meta({ id: "AuditEvent" });

const list = httpHandler({
  route: "GET /audit",
  query: AuditQuery,
  action: "audit.read",
  summary: "Audit trail of the county (personal data masked)",
  tags: ["audit"],
  response: {
    status: 200,
    schema: z.object({ events: z.array(AuditEventSchema), nextCursor: z.string().optional() }),
  },
  handler: async ({ query, actor }) => {
    const countyId = query.countyId ?? actor.countyId;
    requireAuthorized(actor, "audit.read", { countyId });
    const store = auditStore();
    // Every list pages: `nextCursor` is given while events remain, and passed back as `cursor`.
    const paging = { limit: query.limit, ...(query.cursor ? { cursor: query.cursor } : {}) };
    const answer = (page: { events: AuditEvent[]; nextCursor?: string }) => ({
      events: page.events,
      ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}),
    });
    if (query.resourceType && query.resourceId) {
      const page = await store.pageForResource(query.resourceType, query.resourceId, paging);
      return answer({ ...page, events: page.events.filter((e) => e.countyId === countyId) });
    }
    if (query.viewer) return answer(await viewsByViewer(countyId, query.viewer, paging));
    if (query.viewsOfCase) return answer(await viewsOfCases(countyId, [query.viewsOfCase], paging));
    if (query.person) {
      return answer(await viewsOfCases(countyId, await casesOfPerson(actor, countyId, query.person), paging));
    }
    return answer(await store.list(countyId, paging));
  },
});

/** Every case of the person whose case this is (same keyed document hash), within the county. */
async function casesOfPerson(actor: Actor, countyId: string, caseId: string): Promise<string[]> {
  const subject = await readCaseSubject(caseId);
  if (!subject || subject.resource.countyId !== countyId) {
    throw new NotFoundError(`Case ${caseId} not found`, "案件不存在");
  }
  requireAuthorized(actor, "audit.read", { countyId: subject.resource.countyId });
  if (!subject.personKey) return [caseId];
  const history = await flowDeps().cases.personHistory(subject.personKey);
  return [...new Set([caseId, ...history.map((entry) => entry.caseId)])];
}

const verify = httpHandler({
  route: "GET /audit/verify",
  query: z.object({
    countyId: z
      .string()
      .regex(/^\d{6}$/)
      .optional(),
  }),
  action: "audit.read",
  summary: "Re-hash the county's audit chain and report the first broken link",
  tags: ["audit"],
  handler: async ({ query, actor }) => {
    const countyId = query.countyId ?? actor.countyId;
    requireAuthorized(actor, "audit.read", { countyId });
    return auditStore().verify(countyId);
  },
});

export const handler = httpRouter(list, verify);
