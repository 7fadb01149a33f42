/**
 * The audit trail for auditors (DOMAIN §1: read everything in the county, personal data masked):
 * `GET /audit` pages through the county's chain (or one resource's history), `GET /audit/verify`
 * re-hashes the chain and reports the first broken link.
 */
import * as z from "zod";
import { auditStore, maskAuditEvent } from "#adapters/audit-store.ts";
import { requireAuthorized } from "#core/access/index.ts";
import { bilingual, httpHandler, httpRouter } from "#functions/http/index.ts";

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
  })
  .refine((q) => (q.resourceType === undefined) === (q.resourceId === undefined), {
    message: bilingual("resourceType and resourceId go together", "resourceType 与 resourceId 需同时提供"),
    path: ["resourceId"],
  });

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
    if (query.resourceType && query.resourceId) {
      const events = await store.listForResource(query.resourceType, query.resourceId, query.limit);
      return { events: events.filter((e) => e.countyId === countyId).map(maskAuditEvent) };
    }
    const page = await store.list(countyId, {
      limit: query.limit,
      ...(query.cursor ? { cursor: query.cursor } : {}),
    });
    return {
      events: page.events.map(maskAuditEvent),
      ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}),
    };
  },
});

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
