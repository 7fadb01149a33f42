/**
 * The two early-warning parameters (issue 25, DOMAIN §7) in the administrator's 新建版本 form:
 * alertDedupWindowDays and alertVerificationWorkingDays are fields with their Chinese and English
 * names, the form's values reach the API as the policy schema reads them, out-of-range values are
 * refused on their own fields (zh + en, nothing written), and a version carrying them goes through
 * the maker-checker path of every other parameter (the proposer may not approve; a second
 * administrator does, and the approved set holds the values). Through the Administration handler on
 * this run's DynamoDB Local.
 */
import { DynamoDBDocumentClient, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PolicyStore } from "#adapters/policy-store.ts";
import { PolicyParametersBaseSchema } from "#core/policy/parameters.ts";
import { resetConfig } from "#functions/runtime/config.ts";
import { demoCountyParameters2026 } from "#local/seed/policy-demo-county.ts";
import { createTestTables, type TestTables } from "#test/support/dynamo.ts";
import { claimsOf, httpEvent } from "#test/unit/http/support.ts";
import { adminEn, adminZhCN } from "../../../web/src/i18n/admin.ts";
import {
  formValues,
  NATIONAL_CALENDAR_REF,
  POLICY_PARAMETERS,
  parametersOf,
} from "../../../web/src/pages/admin/policyParameters.ts";

const COUNTY = "230123";
const PROPOSE = "POST /admin/counties/{countyId}/policy-versions";
const APPROVE = "POST /admin/counties/{countyId}/policy-versions/{versionId}/approval";
const admin1 = claimsOf({
  userId: "county-admin-1",
  name: "孙丽",
  roles: ["county-admin"],
  countyId: COUNTY,
});
const admin2 = claimsOf({
  userId: "county-admin-2",
  name: "钱进",
  roles: ["county-admin"],
  countyId: COUNTY,
});
const ALERT_KEYS = ["alertDedupWindowDays", "alertVerificationWorkingDays"] as const;

let tables: TestTables;
let admin: (event: unknown) => Promise<{ statusCode: number; body: string }>;
const previousEnv = { ...process.env };

async function call(
  claims: Record<string, string>,
  routeKey: string,
  path: string,
  params: object,
  body?: unknown,
) {
  const result = await admin(
    httpEvent(routeKey, {
      claims,
      path,
      pathParameters: params as Record<string, string>,
      ...(body ? { body } : {}),
    }),
  );
  return { status: result.statusCode, body: JSON.parse(result.body || "null") };
}

async function countyItems(prefix: string): Promise<Record<string, unknown>[]> {
  const out = await DynamoDBDocumentClient.from(tables.client).send(
    new QueryCommand({
      TableName: tables.names.main,
      KeyConditionExpression: "pk = :pk",
      ExpressionAttributeValues: { ":pk": `${prefix}#${COUNTY}` },
      ConsistentRead: true,
    }),
  );
  return out.Items ?? [];
}

/** What the form sends: the version in force's values as the form holds them, two of them retyped. */
function formParameters(typed: Record<string, string>): Record<string, unknown> {
  const values = formValues(demoCountyParameters2026 as unknown as Record<string, unknown>);
  Object.assign(values, typed);
  return parametersOf(values, NATIONAL_CALENDAR_REF);
}

beforeAll(async () => {
  tables = await createTestTables("admin-alert-policy");
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_DYNAMODB: tables.endpoint,
    AWS_REGION: "cn-north-1",
    AWS_ACCESS_KEY_ID: "local",
    AWS_SECRET_ACCESS_KEY: "local",
    AIDFLOW_RUNTIME: "local",
    AIDFLOW_TABLE_MAIN: tables.names.main,
    AIDFLOW_TABLE_LEDGER: tables.names.ledger,
    AIDFLOW_IDENTITY_HASH_KEY: "alert-policy-test-identity-hash-key-0123456789",
  });
  resetConfig();
  const { installClock } = await import("#functions/runtime/clock.ts");
  installClock({ nowMs: () => Date.parse("2026-12-01T09:00:00+08:00") } as never);
  admin = (await import("#functions/handlers/admin/admin.ts")).handler as never;
});

afterAll(async () => {
  const { resetClock } = await import("#functions/runtime/clock.ts");
  resetClock();
  process.env = previousEnv;
  resetConfig();
  tables?.client.destroy();
});

describe("the early-warning parameters in the policy form", () => {
  it("the form edits every parameter of the policy schema, each named in Chinese and English", () => {
    const schemaKeys = Object.keys(PolicyParametersBaseSchema.shape).filter(
      (k) => k !== "holidayCalendarRef",
    );
    expect(POLICY_PARAMETERS.map((f) => f.key).sort()).toEqual(schemaKeys.sort());
    const zh = adminZhCN.policy.params as Record<string, string>;
    const en = adminEn.policy.params as Record<string, string>;
    expect(zh.alertDedupWindowDays).toBe("预警去重期限（同一人同一风险类型）");
    expect(zh.alertVerificationWorkingDays).toBe("预警核查时限（逾期报县民政）");
    for (const key of ALERT_KEYS) {
      expect(zh[key]).toMatch(/\p{Script=Han}/u);
      expect(en[key]).toMatch(/^[A-Z][\x20-\x7e]+$/);
    }
    expect(POLICY_PARAMETERS.find((f) => f.key === "alertDedupWindowDays")).toEqual({
      key: "alertDedupWindowDays",
      kind: "int",
      unit: "days",
    });
    expect(POLICY_PARAMETERS.find((f) => f.key === "alertVerificationWorkingDays")).toEqual({
      key: "alertVerificationWorkingDays",
      kind: "int",
      unit: "workingDays",
    });
  });

  it("values out of range are refused on their own fields in zh and en, nothing written", async () => {
    const policies = await countyItems("POLICY");
    const audits = await countyItems("AUDIT");
    const bad = await call(
      admin1,
      PROPOSE,
      `/admin/counties/${COUNTY}/policy-versions`,
      { countyId: COUNTY },
      {
        versionId: "230123-2027-alerts-bad",
        effectiveFrom: "2027-01-01T00:00:00+08:00",
        parameters: formParameters({ alertDedupWindowDays: "0", alertVerificationWorkingDays: "16" }),
      },
    );
    expect(bad.status).toBe(400);
    const fields = bad.body.fields as Array<{ path: string; message: string; messageZh: string }>;
    expect(fields.map((f) => f.path).sort()).toEqual([
      "body.parameters.alertDedupWindowDays",
      "body.parameters.alertVerificationWorkingDays",
    ]);
    for (const field of fields) {
      expect(field.messageZh).toMatch(/\p{Script=Han}/u);
      expect(field.message).toMatch(/[a-z]/);
    }
    const notNumber = await call(
      admin1,
      PROPOSE,
      `/admin/counties/${COUNTY}/policy-versions`,
      { countyId: COUNTY },
      {
        versionId: "230123-2027-alerts-text",
        effectiveFrom: "2027-01-01T00:00:00+08:00",
        parameters: formParameters({ alertDedupWindowDays: "三十" }),
      },
    );
    expect(notNumber.status).toBe(400);
    expect(notNumber.body.fields).toEqual([
      expect.objectContaining({ path: "body.parameters.alertDedupWindowDays" }),
    ]);
    expect(await countyItems("POLICY")).toEqual(policies);
    expect(await countyItems("AUDIT")).toEqual(audits);
  });

  it("a version with new values is proposed by one administrator and approved only by another", async () => {
    const versionId = "230123-2027-alerts";
    const proposed = await call(
      admin1,
      PROPOSE,
      `/admin/counties/${COUNTY}/policy-versions`,
      { countyId: COUNTY },
      {
        versionId,
        effectiveFrom: "2027-01-01T00:00:00+08:00",
        parameters: formParameters({ alertDedupWindowDays: "14", alertVerificationWorkingDays: "3" }),
      },
    );
    expect(proposed.status, JSON.stringify(proposed.body)).toBe(201);
    expect(proposed.body.status).toBe("proposed");
    // The form shows a proposal's values back as it sent them.
    const shown = formValues(proposed.body.version.parameters);
    expect([shown.alertDedupWindowDays, shown.alertVerificationWorkingDays]).toEqual(["14", "3"]);

    const path = `/admin/counties/${COUNTY}/policy-versions/${versionId}/approval`;
    const self = await call(admin1, APPROVE, path, { countyId: COUNTY, versionId });
    expect(self.status).toBe(403);
    const approved = await call(admin2, APPROVE, path, { countyId: COUNTY, versionId });
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    expect(approved.body).toMatchObject({ status: "approved", approvedBy: { userId: "county-admin-2" } });

    const set = await new PolicyStore(
      DynamoDBDocumentClient.from(tables.client),
      tables.names.main,
    ).approvedSet(COUNTY);
    const version = set?.set.versions.find((v) => v.versionId === versionId);
    expect(version?.parameters).toMatchObject({ alertDedupWindowDays: 14, alertVerificationWorkingDays: 3 });
  });
});
