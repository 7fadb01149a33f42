/**
 * Demo data for `npm start`, onboarded through the county import service (the path a real county's
 * filled-in template takes: functions/services/admin/county-import.ts):
 * 1. the county's workbook (./demo-counties.ts, built in code) is imported by the demo province
 *    administrator: the county and its townships are created, its policy version proposed, its staff
 *    users (用户) created;
 * 2. a second demo administrator — one of the county's own county administrators — approves the version;
 * 3. the workbook is imported again with a demo county finance user named, who allocates each township
 *    fund up to its quota (备用金定额).
 * The national 2026 holiday schedule is loaded when missing. Idempotent: every step finds what an
 * earlier start wrote and changes nothing (the import's own guarantee; the approval only when proposed).
 */
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { AuditStore } from "#adapters/audit-store.ts";
import { DirectoryAccounts } from "#adapters/identity/accounts.ts";
import { PolicyStore } from "#adapters/policy-store.ts";
import { UserDirectory } from "#adapters/user-directory.ts";
import type { Actor, Role } from "#core/access/index.ts";
import { NotFoundError } from "#core/errors.ts";
import { type AdminDeps, approvePolicyVersion } from "#functions/services/admin/administration.ts";
import { type ImportDeps, importCountyWorkbook } from "#functions/services/admin/county-import.ts";
import { createFinanceDeps } from "#functions/services/finance/deps.ts";
import { StoredPolicySource } from "#functions/services/reference-data.ts";
import { type CountySheets, countyWorkbook } from "./county-workbook.ts";
import { DEMO_COUNTY_SHEETS, SECOND_DEMO_COUNTY_SHEETS } from "./demo-counties.ts";
import { storeNationalCalendar } from "./reference.ts";
import { DEMO_PROVINCE_ID, demoStaffOf, demoUser } from "./users.ts";

export interface SeedOptions {
  client: DynamoDBClient;
  tables: { main: string; ledger: string };
  nowMs: () => number;
}

export interface SeededFund {
  townshipId: string;
  name: string;
  quotaYuan: string;
  balanceYuan: string;
  /** Whether this run allocated it (false: it was at its quota already). */
  allocated: boolean;
}

/** Who imports (the demo province administrator, as `aidflow county import --user province-admin-1`). */
const IMPORTER: Actor = {
  userId: "province-admin-1",
  name: demoUser("province-admin-1")?.name ?? "province-admin-1",
  roles: ["province-admin"],
  countyId: DEMO_PROVINCE_ID,
};

/** 示例县: the county from the template (./demo-counties.ts), staff and funds as the tests know them. */
export async function seedDemoCounty(options: SeedOptions): Promise<SeededFund[]> {
  return onboard(options, DEMO_COUNTY_SHEETS);
}

/** 示例二县: a second county of the province, its staff created by the import. */
export async function seedSecondDemoCounty(options: SeedOptions): Promise<SeededFund[]> {
  return onboard(options, SECOND_DEMO_COUNTY_SHEETS);
}

/** The county's user of a role: stored (created by an import), else the bundled demo users. */
async function userOf(deps: AdminDeps, countyId: string, role: Role): Promise<Actor> {
  const stored = await new UserDirectory(deps.db, deps.table).usersOf(countyId);
  const users = stored.length > 0 ? stored : demoStaffOf(countyId);
  const user = users
    .filter((u) => u.active && u.roles.includes(role))
    // The first of the sheet (phones in sheet order), or of the bundled users.
    .sort((a, b) => (a.phone ?? a.userId).localeCompare(b.phone ?? b.userId))[0];
  if (!user) throw new Error(`the demo county ${countyId} has no ${role}`);
  return { userId: user.userId, name: user.name, roles: [role], countyId };
}

async function onboard(options: SeedOptions, sheets: CountySheets): Promise<SeededFund[]> {
  const db = DynamoDBDocumentClient.from(options.client, {
    marshallOptions: { removeUndefinedValues: true },
  });
  const now = () => new Date(options.nowMs());
  const admin: AdminDeps = {
    db,
    table: options.tables.main,
    audit: new AuditStore({ client: db, tableName: options.tables.main }),
    now,
  };
  const finance = createFinanceDeps({
    client: options.client,
    tables: options.tables,
    policy: new StoredPolicySource(db, options.tables.main, 0),
    now,
  });
  const deps: ImportDeps = { ...admin, identity: new DirectoryAccounts(), funds: finance.ledger };
  const workbook = await countyWorkbook(sheets);
  await importCountyWorkbook(deps, IMPORTER, workbook, false);
  const { versionId } = sheets.version;
  const proposal = await new PolicyStore(db, options.tables.main).proposal(sheets.countyId, versionId);
  if (proposal?.status === "proposed")
    await approvePolicyVersion(
      admin,
      await userOf(admin, sheets.countyId, "county-admin"),
      sheets.countyId,
      versionId,
    );
  await storeNationalCalendar(options.client, options.tables.main);
  const financeUser = await userOf(admin, sheets.countyId, "county-finance");
  const plan = await importCountyWorkbook(
    { ...deps, finance: { deps: finance, userId: financeUser.userId } },
    IMPORTER,
    workbook,
    false,
  );
  const allocated = new Set(plan.steps.filter((s) => s.step === "quota-allocated").map((s) => s.subject));
  const seeded: SeededFund[] = [];
  for (const township of sheets.townships) {
    const fund = await finance.ledger.getFund(township.townshipId).catch((error: unknown) => {
      if (error instanceof NotFoundError) throw new Error(`the fund of ${township.name} was not opened`);
      throw error;
    });
    seeded.push({
      townshipId: township.townshipId,
      name: township.name,
      quotaYuan: fund.quotaYuan.toString(),
      balanceYuan: fund.balanceYuan.toString(),
      allocated: [...allocated].some((subject) => subject?.startsWith(`${township.name} `)),
    });
  }
  return seeded;
}
