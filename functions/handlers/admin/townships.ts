/**
 * Townships after the county's creation over HTTP (DOMAIN §8), served by the Administration function:
 * the county's townships with their fund quotas, a township added, a township's profile edited and
 * its fund quota (备用金定额) set — by the county's administrator (or the province's). Writes are POST,
 * so a retried request with its Idempotency-Key answers once; an edit names the revision it was read
 * at (`expectedRevision`): of two edits from the same revision one is written, the other 409.
 */
import * as z from "zod";
import { auditStore } from "#adapters/audit-store.ts";
import { LedgerStore } from "#adapters/ledger/index.ts";
import { bilingual, created, httpHandler } from "#functions/http/index.ts";
import { now } from "#functions/runtime/clock.ts";
import { config, dynamo } from "#functions/runtime/config.ts";
import {
  addTownship,
  editTownship,
  listTownships,
  QUOTA_TEXT,
  setFundQuota,
  type TownshipDeps,
} from "#functions/services/admin/townships.ts";
import { processAdapters } from "#functions/services/deps.ts";

const tags = ["administration"];

function deps(): TownshipDeps {
  const tables = config().tables;
  return {
    db: dynamo(),
    table: tables.main,
    audit: auditStore(),
    now,
    funds: new LedgerStore(processAdapters().client, tables),
  };
}

const CountyId = z.string().regex(/^\d{6}$/, bilingual("A 6-digit county code", "应为 6 位县级行政区划代码"));
const TownshipCode = z
  .string()
  .regex(/^\d{9}$/, bilingual("A 9-digit township code (GB/T 2260)", "须为 9 位乡镇代码"));
const Params = z.object({ countyId: CountyId });
const TownshipParams = z.object({ countyId: CountyId, townshipId: TownshipCode });

const Profile = {
  name: z
    .string()
    .trim()
    .min(1, bilingual("A name is required", "名称不能为空"))
    .max(100, bilingual("At most 100 characters", "名称不得超过 100 个字符")),
  area: z.enum(["urban", "rural"], {
    error: bilingual("urban or rural", "须为 urban（城镇）或 rural（农村）"),
  }),
  registeredPopulation: z
    .number({ error: bilingual("A whole number of people", "须为整数（人）") })
    .int(bilingual("A whole number of people", "须为整数（人）"))
    .positive(bilingual("A positive whole number", "须为正整数（人）"))
    .max(10_000_000, bilingual("At most 10,000,000 people", "不得超过 10,000,000 人")),
};
const ExpectedRevision = z
  .number({ error: bilingual("The revision the township was read at", "须为读取时的版本号") })
  .int(bilingual("A whole number", "须为整数"))
  .min(0, bilingual("Zero or more", "不得小于 0"))
  .meta({ description: "The township's `revision` as read: a township changed since is a 409" });

const NewTownshipBody = z
  .object({ townshipId: TownshipCode, ...Profile })
  .strict()
  .meta({ id: "NewTownship" });
const TownshipEditBody = z
  .object({ ...Profile, expectedRevision: ExpectedRevision })
  .strict()
  .meta({ id: "TownshipEdit" });
const FundQuotaBody = z
  .object({
    quotaYuan: z
      .string({ error: bilingual("An amount in yuan", "须为金额（元）") })
      .regex(QUOTA_TEXT, bilingual("Yuan with at most two decimals", "须为金额（元，最多两位小数）"))
      .meta({
        description: "备用金定额 in yuan, e.g. `58000.00`: above zero, at least per-capita × population",
      }),
    expectedRevision: ExpectedRevision,
  })
  .strict()
  .meta({ id: "TownshipFundQuota" });

const TownshipViewSchema = z
  .object({
    townshipId: z.string(),
    name: z.string(),
    area: z.enum(["urban", "rural"]),
    registeredPopulation: z.number().int(),
    revision: z.number().int(),
    fundQuotaYuan: z.string().optional().meta({ description: "The 备用金定额 set (absent: none yet)" }),
    allocatedQuotaYuan: z
      .string()
      .meta({ description: "The fund's quota in the ledger: what county finance allocated" }),
    minimumQuotaYuan: z.string().optional().meta({
      description: "Per-capita × registered population under the policy in force (absent: none in force)",
    }),
  })
  .meta({ id: "AdminTownshipView" });
const Repeated = {
  repeated: z.boolean().meta({ description: "The values were stored already: nothing was written" }),
};

const listRoute = httpHandler({
  route: "GET /admin/counties/{countyId}/townships",
  params: Params,
  action: "county.administer",
  resource: ({ params }) => ({ countyId: params.countyId }),
  summary: "The county's townships: name, urban/rural, registered population, fund quota, revision",
  tags,
  response: {
    status: 200,
    schema: z.object({
      countyId: z.string(),
      countyName: z.string(),
      townships: z.array(TownshipViewSchema),
    }),
  },
  handler: async ({ params, actor }) => listTownships(deps(), actor, params.countyId),
});

const addRoute = httpHandler({
  route: "POST /admin/counties/{countyId}/townships",
  params: Params,
  body: NewTownshipBody,
  action: "township.administer",
  resource: ({ params }) => ({ countyId: params.countyId }),
  summary: "Add a township to the county (its code inside the county's; 409 when the code is taken)",
  tags,
  response: { status: 201, schema: TownshipViewSchema },
  handler: async ({ params, body, actor }) =>
    created(await addTownship(deps(), actor, params.countyId, body)),
});

const editRoute = httpHandler({
  route: "POST /admin/counties/{countyId}/townships/{townshipId}",
  params: TownshipParams,
  body: TownshipEditBody,
  action: "township.administer",
  resource: ({ params }) => ({ countyId: params.countyId }),
  summary: "Edit a township's name, urban/rural and registered population (its code never changes)",
  description:
    "Written over `expectedRevision`: a township changed since answers 409. The values already stored " +
    "answer `repeated: true` and write nothing.",
  tags,
  response: { status: 200, schema: TownshipViewSchema.extend(Repeated) },
  handler: async ({ params, body, actor }) =>
    editTownship(deps(), actor, params.countyId, params.townshipId, body),
});

const quotaRoute = httpHandler({
  route: "POST /admin/counties/{countyId}/townships/{townshipId}/fund-quota",
  params: TownshipParams,
  body: FundQuotaBody,
  action: "township.administer",
  resource: ({ params }) => ({ countyId: params.countyId }),
  summary: "Set a township's fund quota (备用金定额): no money moves, county finance allocates up to it",
  description:
    "At least the policy's per-capita amount × the registered population, never below what finance " +
    "allocated. Written over `expectedRevision` (409 when the township changed since); the quota already " +
    "stored answers `repeated: true`.",
  tags,
  response: { status: 200, schema: TownshipViewSchema.extend(Repeated) },
  handler: async ({ params, body, actor }) =>
    setFundQuota(deps(), actor, params.countyId, params.townshipId, body),
});

export const townshipRoutes = [listRoute, addRoute, editRoute, quotaRoute] as const;
