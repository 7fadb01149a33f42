/**
 * Administration over HTTP (DOMAIN §8): counties (province administrator), policy versions proposed
 * by one administrator and approved by another, the national holiday schedule per year and each
 * county's local days, staff users (created, listed with masked phones, disabled). Each route: parse (zod) → authorize (core/access: the role up front, scope and
 * maker-checker on what the service reads) → service → respond; the service audits every change.
 */
import * as z from "zod";
import { auditStore } from "#adapters/audit-store.ts";
import { identityAccounts } from "#adapters/identity/index.ts";
import { STAFF_ROLES } from "#core/access/index.ts";
import { bilingual, created, httpHandler, httpRouter } from "#functions/http/index.ts";
import { now } from "#functions/runtime/clock.ts";
import { config, dynamo } from "#functions/runtime/config.ts";
import {
  type AdminDeps,
  approvalResource,
  approvePolicyVersion,
  calendarStatus,
  createCounty,
  listPolicyVersions,
  loadNationalSchedule,
  proposePolicyVersion,
  putLocalDays,
  readCounty,
  revisePolicyVersion,
} from "#functions/services/admin/administration.ts";
import { listCounties } from "#functions/services/admin/counties.ts";
import { createUser, disableUser, listUsers, MAINLAND_MOBILE } from "#functions/services/admin/users.ts";
import {
  AdminCountySchema,
  CalendarStatusSchema,
  CountyDetailSchema,
  PolicyProposalSchema,
  PolicyVersionViewSchema,
  Repeated,
  StaffUserSchema,
} from "./answers.ts";
import { townshipRoutes } from "./townships.ts";

const tags = ["administration"];

function deps(): AdminDeps {
  return { db: dynamo(), table: config().tables.main, audit: auditStore(), now };
}

const CountyId = z.string().regex(/^\d{6}$/, bilingual("A 6-digit county code", "应为 6 位县级行政区划代码"));
const VersionId = z
  .string()
  .regex(
    /^[A-Za-z0-9._-]{1,64}$/,
    bilingual(
      "Letters, digits, '.', '_' or '-', at most 64",
      "版本号只能由字母、数字、点、下划线或连字符组成，最多 64 位",
    ),
  );
const Year = z.coerce
  .number()
  .int(bilingual("A year", "应为年份"))
  .min(2000, bilingual("A year from 2000", "年份不得早于 2000"))
  .max(2100, bilingual("A year up to 2100", "年份不得晚于 2100"));
const DateText = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, bilingual("A date YYYY-MM-DD", "日期格式须为 YYYY-MM-DD"));
const CountyParams = z.object({ countyId: CountyId });
const VersionParams = z.object({ countyId: CountyId, versionId: VersionId });

const Township = z.object({
  townshipId: z.string().regex(/^\d{9}$/, bilingual("A 9-digit township code", "须为 9 位乡镇代码")),
  name: z.string().min(1, bilingual("A name is required", "名称不能为空")).max(100),
  registeredPopulation: z.number().int().positive(bilingual("A positive whole number", "须为正整数（人）")),
  area: z.enum(["urban", "rural"], {
    error: bilingual("urban or rural", "须为 urban（城市）或 rural（农村）"),
  }),
});
const CountyBody = z
  .object({
    countyId: CountyId,
    name: z.string().min(1, bilingual("A name is required", "名称不能为空")).max(100),
    townships: z.array(Township).min(1, bilingual("At least one township", "至少一个乡镇（街道）")),
  })
  .meta({ id: "CountyDirectory" });

const PolicyVersionBody = z
  .object({
    versionId: VersionId,
    effectiveFrom: z.iso.datetime({
      offset: true,
      error: bilingual(
        "An instant with its offset, e.g. 2027-01-01T00:00:00+08:00",
        "应为带时区的生效时间（北京时间注明 +08:00）",
      ),
    }),
    basis: z.string().min(1).max(200).optional().meta({ description: "The document it implements" }),
    parameters: z
      .record(z.string(), z.unknown())
      .meta({ description: "Every parameter of DOMAIN §7 (core/policy)" }),
  })
  .meta({ id: "PolicyVersionProposal" });

const HolidayRange = z.object({ name: z.string().min(1).max(40), from: DateText, to: DateText });
const NationalScheduleBody = z
  .object({
    source: z.string().max(300).optional(),
    timeZone: z.literal("Asia/Shanghai", { error: bilingual("Asia/Shanghai", "时区须为 Asia/Shanghai") }),
    year: z.number().int(),
    holidays: z.array(HolidayRange).max(40),
    makeUpWorkingDays: z.array(DateText).max(40),
    note: z.string().max(500).optional(),
  })
  .meta({ id: "NationalHolidaySchedule" });
const LocalDaysBody = z
  .object({
    holidays: z.array(HolidayRange).max(20).optional(),
    makeUpWorkingDays: z.array(DateText).max(20).optional(),
  })
  .meta({ id: "CountyLocalDays" });

const createCountyRoute = httpHandler({
  route: "POST /admin/counties",
  body: CountyBody,
  action: "county.create",
  resource: ({ body }) => ({ countyId: body.countyId }),
  summary: "Create a county with its townships (province administrator)",
  tags,
  response: { status: 201, schema: CountyBody },
  handler: async ({ body, actor }) => created(await createCounty(deps(), actor, body)),
});

const listCountiesRoute = httpHandler({
  route: "GET /admin/counties",
  actions: ["county.administer", "rollup.read"],
  summary:
    "Counties of the province (province administrator or viewer) or one's own county (county administrator): name and number of townships",
  tags,
  response: { status: 200, schema: z.object({ counties: z.array(AdminCountySchema) }) },
  handler: async ({ actor }) => ({ counties: await listCounties(deps(), actor) }),
});

const readCountyRoute = httpHandler({
  route: "GET /admin/counties/{countyId}",
  params: CountyParams,
  action: "county.administer",
  resource: ({ params }) => ({ countyId: params.countyId }),
  summary: "A county: townships, policy versions, holiday calendar coverage and warnings",
  tags,
  response: { status: 200, schema: CountyDetailSchema },
  handler: async ({ params, actor }) => readCounty(deps(), actor, params.countyId),
});

const listVersionsRoute = httpHandler({
  route: "GET /admin/counties/{countyId}/policy-versions",
  params: CountyParams,
  action: "county.administer",
  resource: ({ params }) => ({ countyId: params.countyId }),
  summary: "Policy versions of a county: proposed, approved, which is in force",
  tags,
  response: { status: 200, schema: z.object({ versions: z.array(PolicyVersionViewSchema) }) },
  handler: async ({ params, actor }) => ({
    versions: await listPolicyVersions(deps(), actor, params.countyId),
  }),
});

const proposeRoute = httpHandler({
  route: "POST /admin/counties/{countyId}/policy-versions",
  params: CountyParams,
  body: PolicyVersionBody,
  action: "policy.propose",
  resource: ({ params }) => ({ countyId: params.countyId }),
  summary: "Propose a policy version with its effective date (approved by another administrator)",
  tags,
  response: { status: 201, schema: PolicyProposalSchema },
  handler: async ({ params, body, actor }) =>
    created(await proposePolicyVersion(deps(), actor, params.countyId, body)),
});

const reviseRoute = httpHandler({
  route: "PUT /admin/counties/{countyId}/policy-versions/{versionId}",
  params: VersionParams,
  body: PolicyVersionBody.omit({ versionId: true }),
  action: "policy.propose",
  resource: ({ params }) => ({ countyId: params.countyId }),
  summary: "Revise a proposed policy version (an approved version is never edited: 409)",
  tags,
  response: { status: 200, schema: PolicyProposalSchema.extend(Repeated) },
  handler: async ({ params, body, actor }) =>
    revisePolicyVersion(deps(), actor, params.countyId, params.versionId, body),
});

const approveRoute = httpHandler({
  route: "POST /admin/counties/{countyId}/policy-versions/{versionId}/approval",
  params: VersionParams,
  action: "policy.approve",
  // Maker-checker: the proposer is read before anything is decided.
  resource: ({ params }) => approvalResource(deps(), params.countyId, params.versionId),
  summary: "Approve a proposed policy version (never by its proposer)",
  tags,
  response: { status: 200, schema: PolicyProposalSchema },
  handler: async ({ params, actor }) =>
    approvePolicyVersion(deps(), actor, params.countyId, params.versionId),
});

const nationalRoute = httpHandler({
  route: "PUT /admin/calendars/national/{year}",
  params: z.object({ year: Year }),
  body: NationalScheduleBody,
  action: "calendar.national.load",
  summary: "Load the national holiday schedule of a year, as published by the State Council",
  tags,
  response: { status: 200, schema: NationalScheduleBody.extend(Repeated) },
  handler: async ({ params, body, actor }) => loadNationalSchedule(deps(), actor, params.year, body),
});

const localDaysRoute = httpHandler({
  route: "PUT /admin/counties/{countyId}/calendar/local-days/{year}",
  params: z.object({ countyId: CountyId, year: Year }),
  body: LocalDaysBody,
  action: "calendar.local.write",
  resource: ({ params }) => ({ countyId: params.countyId }),
  summary: "The county's local rest and make-up working days of a year",
  tags,
  response: { status: 200, schema: LocalDaysBody.extend({ year: z.number().int(), ...Repeated }) },
  handler: async ({ params, body, actor }) => putLocalDays(deps(), actor, params.countyId, params.year, body),
});

const calendarRoute = httpHandler({
  route: "GET /admin/counties/{countyId}/calendar",
  params: CountyParams,
  action: "county.administer",
  resource: ({ params }) => ({ countyId: params.countyId }),
  summary: "Years with a national schedule; a warning for this or next year without one (weekends only)",
  tags,
  response: { status: 200, schema: CalendarStatusSchema },
  handler: async ({ params, actor }) => calendarStatus(deps(), actor, params.countyId),
});

const UserParams = z.object({
  countyId: CountyId,
  userId: z.string().regex(/^[A-Za-z0-9._:@-]{1,128}$/, bilingual("A user id", "用户标识格式不正确")),
});
const NewUserBody = z
  .object({
    name: z
      .string()
      .trim()
      .min(1, bilingual("A name is required", "姓名不能为空"))
      .max(40, bilingual("At most 40 characters", "姓名不得超过 40 个字符")),
    phone: z
      .string()
      .regex(MAINLAND_MOBILE, bilingual("An 11-digit mainland mobile number", "须为 11 位大陆手机号码")),
    role: z.enum(STAFF_ROLES as [string, ...string[]], {
      error: bilingual("A staff role", "须为工作人员角色"),
    }),
    townshipId: z
      .string()
      .regex(/^\d{9}$/, bilingual("A 9-digit township code", "须为 9 位乡镇代码"))
      .optional()
      .meta({ description: "Required for township officers and approvers, absent otherwise" }),
  })
  .strict()
  .meta({ id: "NewStaffUser" });

const listUsersRoute = httpHandler({
  route: "GET /admin/counties/{countyId}/users",
  params: CountyParams,
  action: "user.list",
  resource: ({ params }) => ({ countyId: params.countyId }),
  summary: "Staff users of a county (or of the province, by its code): roles, township, masked phone, active",
  tags,
  response: { status: 200, schema: z.object({ users: z.array(StaffUserSchema) }) },
  handler: async ({ params, actor }) => ({ users: await listUsers(deps(), actor, params.countyId) }),
});

const createUserRoute = httpHandler({
  route: "POST /admin/counties/{countyId}/users",
  params: CountyParams,
  body: NewUserBody,
  action: "user.create",
  resource: ({ params }) => ({ countyId: params.countyId }),
  summary: "Create a staff user and their sign-in account (never in a role above the administrator's own)",
  tags,
  response: { status: 201, schema: StaffUserSchema },
  handler: async ({ params, body, actor }) =>
    created(
      await createUser({ ...deps(), identity: identityAccounts() }, actor, params.countyId, {
        ...body,
        role: body.role as (typeof STAFF_ROLES)[number],
      }),
    ),
});

const disableUserRoute = httpHandler({
  route: "POST /admin/counties/{countyId}/users/{userId}/disable",
  params: UserParams,
  action: "user.disable",
  resource: ({ params }) => ({ countyId: params.countyId }),
  summary: "Disable a staff user: no more sign-in, kept in the records (never deleted; not oneself)",
  tags,
  response: { status: 200, schema: StaffUserSchema },
  handler: async ({ params, actor }) =>
    disableUser({ ...deps(), identity: identityAccounts() }, actor, params.countyId, params.userId),
});

export const handler = httpRouter(
  createCountyRoute,
  listCountiesRoute,
  readCountyRoute,
  listVersionsRoute,
  proposeRoute,
  reviseRoute,
  approveRoute,
  nationalRoute,
  localDaysRoute,
  calendarRoute,
  listUsersRoute,
  createUserRoute,
  disableUserRoute,
  ...townshipRoutes,
);
