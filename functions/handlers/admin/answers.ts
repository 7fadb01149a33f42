/**
 * The answers of the administration routes, for the API document and the web's generated types;
 * `httpHandler` types each route's handler by its schema, so a service whose answer drifts from
 * these fails the type check.
 */
import * as z from "zod";
import { ROLES } from "#core/access/index.ts";

const Who = z.object({ userId: z.string(), name: z.string() });

export const AdminCountySchema = z
  .object({
    countyId: z.string(),
    name: z.string(),
    townships: z.number().int().meta({ description: "How many townships the county directory holds" }),
  })
  .meta({ id: "AdminCounty" });

export const StaffUserSchema = z
  .object({
    userId: z.string(),
    name: z.string(),
    roles: z.array(z.enum(ROLES)),
    roleNamesZh: z.array(z.string()),
    countyId: z.string(),
    townshipId: z.string().optional(),
    townshipName: z.string().optional(),
    phoneMasked: z.string().optional(),
    active: z.boolean(),
  })
  .meta({ id: "StaffUser" });

export const PolicyProposalSchema = z
  .object({
    version: z.object({
      versionId: z.string(),
      countyId: z.string(),
      effectiveFrom: z.string(),
      effectiveUntil: z.string().optional(),
      basis: z.string().optional(),
      parameters: z
        .record(z.string(), z.unknown())
        .meta({ description: "Every parameter of DOMAIN §7 (core/policy)" }),
    }),
    status: z.enum(["proposed", "approved"]),
    proposedBy: Who,
    proposedAt: z.string(),
    approvedBy: Who.optional(),
    approvedAt: z.string().optional(),
  })
  .meta({ id: "PolicyProposal" });

export const PolicyVersionViewSchema = PolicyProposalSchema.extend({
  inForce: z.boolean().meta({ description: "The version in force now" }),
}).meta({ id: "PolicyVersionView" });

export const Repeated = {
  repeated: z.boolean().meta({ description: "The same content was stored already" }),
};

export const CalendarStatusSchema = z
  .object({
    years: z.array(
      z.object({ year: z.number().int(), coverage: z.literal("official"), localDays: z.number().int() }),
    ),
    warnings: z.array(
      z.object({
        year: z.number().int(),
        code: z.literal("weekends-only"),
        message: z.string(),
        messageZh: z.string(),
      }),
    ),
  })
  .meta({ id: "CalendarStatus" });

export const CountyDetailSchema = z
  .object({
    countyId: z.string(),
    name: z.string(),
    townships: z.array(
      z.object({
        townshipId: z.string(),
        name: z.string(),
        registeredPopulation: z.number().int(),
        area: z.enum(["urban", "rural"]),
      }),
    ),
    policyVersions: z.array(PolicyVersionViewSchema),
    calendar: CalendarStatusSchema,
  })
  .meta({ id: "CountyDetail" });
