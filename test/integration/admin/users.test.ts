/**
 * Staff users (issue 22) through the Administration handler on this run's DynamoDB Local, with the
 * directory's own accounts (no Cognito pool configured, as locally):
 * - a county administrator creates a township officer of their county; the list shows the phone
 *   masked; the new user is in the township's officers (who the paperwork's investigators are);
 * - bad input is a 400 field by field in zh and en; a role above the administrator's own, another
 *   county, or their own account is a 403 — and a refused request writes nothing;
 * - twenty identical creations at once: one 201, the others 409, one user, one audit event;
 * - disabling keeps the user, inactive, out of the active officers; twenty disablings at once: one.
 */
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { UserDirectory } from "#adapters/user-directory.ts";
import { type AdminTables, adminTables } from "#test/support/admin-routes.ts";
import type { TestTables } from "#test/support/dynamo.ts";
import { claimsOf, httpEvent } from "#test/unit/http/support.ts";

const COUNTY = "230123";
const CHENGGUAN = "230123100";
const countyAdmin = claimsOf({
  userId: "county-admin-1",
  name: "孙丽",
  roles: ["county-admin"],
  countyId: COUNTY,
});
const otherCountyAdmin = claimsOf({ userId: "county-admin-9", roles: ["county-admin"], countyId: "230124" });
const provinceAdmin = claimsOf({
  userId: "province-admin-1",
  name: "郑国华",
  roles: ["province-admin"],
  countyId: "230000",
});

const CREATE = "POST /admin/counties/{countyId}/users";
const LIST = "GET /admin/counties/{countyId}/users";
const DISABLE = "POST /admin/counties/{countyId}/users/{userId}/disable";

let world: AdminTables;
let tables: TestTables;
let admin: (event: unknown) => Promise<{ statusCode: number; body: string }>;

interface UserView {
  userId: string;
  name: string;
  roles: string[];
  phoneMasked?: string;
  townshipId?: string;
  active: boolean;
}

async function call(
  claims: Record<string, string>,
  routeKey: string,
  path: string,
  pathParameters: Record<string, string>,
  body?: unknown,
) {
  const result = await admin(
    httpEvent(routeKey, { claims, path, pathParameters, ...(body ? { body } : {}) }),
  );
  return { status: result.statusCode, body: JSON.parse(result.body || "null") };
}

const create = (claims: Record<string, string>, body: unknown, countyId = COUNTY) =>
  call(claims, CREATE, `/admin/counties/${countyId}/users`, { countyId }, body);
const disable = (claims: Record<string, string>, userId: string, countyId = COUNTY) =>
  call(claims, DISABLE, `/admin/counties/${countyId}/users/${userId}/disable`, { countyId, userId });

const written = () => world.written();
const audits = async (action: string) => (await world.auditEvents(COUNTY, action)).length;

beforeAll(async () => {
  world = await adminTables("admin-users");
  tables = world.tables;
  admin = (await import("#functions/handlers/admin/admin.ts")).handler as never;
});

afterAll(async () => {
  await world?.close();
});

describe("staff users: created by an administrator, never above their own role", () => {
  it("a county administrator creates a township officer; the list masks the phone; the officer investigates", async () => {
    // Act
    const made = await create(countyAdmin, {
      name: "韩梅",
      phone: "13900001111",
      role: "township-officer",
      townshipId: CHENGGUAN,
    });
    const listed = await call(countyAdmin, LIST, `/admin/counties/${COUNTY}/users`, { countyId: COUNTY });

    // Assess
    expect(made.status).toBe(201);
    const user = made.body as UserView;
    expect(user).toMatchObject({
      name: "韩梅",
      roles: ["township-officer"],
      townshipId: CHENGGUAN,
      active: true,
    });
    expect(user.phoneMasked).toBe("139****1111");
    expect(JSON.stringify(listed.body)).not.toContain("13900001111");
    expect((listed.body.users as UserView[]).find((u) => u.userId === user.userId)?.phoneMasked).toBe(
      "139****1111",
    );
    const officers = await new UserDirectory(
      DynamoDBDocumentClient.from(tables.client),
      tables.names.main,
    ).activeOfficersOf(COUNTY, CHENGGUAN);
    expect(officers.map((o) => o.userId)).toContain(user.userId);
    expect(await audits("user.create")).toBe(1);
  });

  it("bad input is a 400 field by field in zh and en, and writes nothing", async () => {
    const before = await written();
    const bad = await create(countyAdmin, { name: "", phone: "1234", role: "township-officer" });
    expect(bad.status).toBe(400);
    const paths = (bad.body.fields as Array<{ path: string; messageZh: string; message: string }>).map(
      (f) => f.path,
    );
    expect(paths).toEqual(expect.arrayContaining(["name", "phone"]));
    for (const f of bad.body.fields as Array<{ messageZh: string; message: string }>) {
      expect(f.messageZh).toMatch(/[\u4e00-\u9fff]/);
      expect(f.message).toMatch(/[A-Za-z]/);
    }
    const noTownship = await create(countyAdmin, {
      name: "李雷",
      phone: "13900002222",
      role: "township-approver",
    });
    expect(noTownship.status).toBe(400);
    expect(noTownship.body.fields[0].path).toBe("townshipId");
    const foreignTownship = await create(countyAdmin, {
      name: "李雷",
      phone: "13900002222",
      role: "township-approver",
      townshipId: "230124100",
    });
    expect(foreignTownship.status).toBe(400);
    expect(await written()).toBe(before);
  });

  it("a role above the administrator's own, another county, or their own account: 403, nothing written", async () => {
    const before = await written();
    const provinceRole = await create(
      countyAdmin,
      { name: "赵强", phone: "13900003333", role: "province-admin" },
      "230000",
    );
    expect(provinceRole.status).toBe(403);
    const aboveInCounty = await create(countyAdmin, {
      name: "赵强",
      phone: "13900003333",
      role: "province-admin",
    });
    expect(aboveInCounty.status).toBe(403);
    const elsewhere = await create(otherCountyAdmin, {
      name: "赵强",
      phone: "13900003333",
      role: "county-finance",
    });
    expect(elsewhere.status).toBe(403);
    expect(await written()).toBe(before);
    const appointed = await create(provinceAdmin, {
      name: "孙敬",
      phone: "13900008888",
      role: "county-admin",
    });
    const appointedId = (appointed.body as UserView).userId;
    const selfClaims = claimsOf({
      userId: appointedId,
      name: "孙敬",
      roles: ["county-admin"],
      countyId: COUNTY,
    });
    const beforeSelf = await written();
    const self = await disable(selfClaims, appointedId);
    expect(self.status).toBe(403);
    expect(self.body.messageZh).toContain("本人");
    const selfAgain = await create(selfClaims, { name: "孙敬", phone: "13900008888", role: "auditor" });
    expect(selfAgain.status).toBe(403);
    expect(await written()).toBe(beforeSelf);
  });

  it("a province administrator appoints a county administrator and another province administrator", async () => {
    const county = await create(provinceAdmin, { name: "钱坤", phone: "13900004444", role: "county-admin" });
    expect(county.status).toBe(201);
    const province = await create(
      provinceAdmin,
      { name: "周航", phone: "13900005555", role: "province-admin" },
      "230000",
    );
    expect(province.status).toBe(201);
    expect((province.body as UserView).roles).toEqual(["province-admin"]);
    const viewer = await create(
      provinceAdmin,
      { name: "孙悦", phone: "13900008686", role: "province-viewer" },
      "230000",
    );
    expect(viewer.status).toBe(201);
    expect((viewer.body as UserView).roles).toEqual(["province-viewer"]);
    // A province's role is not created in a county.
    const misplaced = await create(provinceAdmin, {
      name: "孙悦",
      phone: "13900007777",
      role: "province-viewer",
    });
    expect(misplaced.status).toBe(400);
  });

  it("twenty identical creations at once: one 201, the others 409; one user, one audit event", async () => {
    const body = { name: "吴敏", phone: "13900006666", role: "county-finance" };
    const auditsBefore = await audits("user.create");
    const answers = await Promise.all(Array.from({ length: 20 }, () => create(countyAdmin, body)));
    expect(answers.filter((a) => a.status === 201)).toHaveLength(1);
    expect(answers.filter((a) => a.status === 409)).toHaveLength(19);
    const listed = await call(countyAdmin, LIST, `/admin/counties/${COUNTY}/users`, { countyId: COUNTY });
    expect((listed.body.users as UserView[]).filter((u) => u.name === "吴敏")).toHaveLength(1);
    expect(await audits("user.create")).toBe(auditsBefore + 1);
    const again = await create(countyAdmin, body);
    expect(again.status).toBe(409);
    expect(again.body.messageZh).toContain("手机号");
  });
});

describe("staff users: disabled, never deleted", () => {
  it("a disabled officer stays listed, inactive, and no longer investigates; twenty disablings at once take effect once", async () => {
    // Prepare
    const made = await create(countyAdmin, {
      name: "郑洁",
      phone: "13900007777",
      role: "township-officer",
      townshipId: CHENGGUAN,
    });
    const userId = (made.body as UserView).userId;
    const auditsBefore = await audits("user.disable");

    // Act
    const answers = await Promise.all(Array.from({ length: 20 }, () => disable(countyAdmin, userId)));

    // Assess
    expect(answers.filter((a) => a.status === 200)).toHaveLength(1);
    expect(answers.filter((a) => a.status === 409)).toHaveLength(19);
    expect(await audits("user.disable")).toBe(auditsBefore + 1);
    const listed = await call(countyAdmin, LIST, `/admin/counties/${COUNTY}/users`, { countyId: COUNTY });
    expect((listed.body.users as UserView[]).find((u) => u.userId === userId)).toMatchObject({
      active: false,
    });
    const officers = await new UserDirectory(
      DynamoDBDocumentClient.from(tables.client),
      tables.names.main,
    ).activeOfficersOf(COUNTY, CHENGGUAN);
    expect(officers.map((o) => o.userId)).not.toContain(userId);
  });

  it("an unknown user is a 404", async () => {
    expect((await disable(countyAdmin, "nobody-here")).status).toBe(404);
  });
});
