/**
 * The county directory and policy store (functions/adapters/directory-store.ts) on DynamoDB Local:
 * a second county is stored and read back in one Query, bad directories are refused field by field
 * and write nothing, the demo county is served from the bundle until one is stored, and a county
 * written in this process is visible at once despite the per-process cache.
 */
import { DynamoDBDocumentClient, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { beforeAll, describe, expect, it } from "vitest";
import {
  type CountyDirectory,
  DirectoryStore,
  putCountyPolicySet,
  TOWNSHIPS_PER_COUNTY_MAX,
} from "#adapters/directory-store.ts";
import { ValidationError } from "#core/errors.ts";
import type { CountyPolicySet } from "#core/policy/index.ts";
import { StoredPolicySource } from "#functions/services/reference-data.ts";
import { demoCountyPolicy } from "#local/seed/policy-demo-county.ts";
import { createTestTables } from "#test/support/dynamo.ts";

const SECOND: CountyDirectory = {
  countyId: "990001",
  name: "测试二县",
  townships: [
    { townshipId: "990001101", name: "东城街道", registeredPopulation: 12_000, area: "urban" },
    { townshipId: "990001202", name: "西山乡", registeredPopulation: 8_500, area: "rural" },
  ],
};

function policyOf(countyId: string, countyName: string, versionId: string): CountyPolicySet {
  return {
    countyId,
    countyName,
    versions: demoCountyPolicy.versions.map((v, i) => ({ ...v, countyId, versionId: `${versionId}-${i}` })),
  };
}

let db: DynamoDBDocumentClient;
let table: string;

beforeAll(async () => {
  const tables = await createTestTables("directory");
  db = DynamoDBDocumentClient.from(tables.client);
  table = tables.names.main;
});

async function itemsOf(pk: string): Promise<Record<string, unknown>[]> {
  const out = await db.send(
    new QueryCommand({
      TableName: table,
      KeyConditionExpression: "pk = :pk",
      ExpressionAttributeValues: { ":pk": pk },
    }),
  );
  return out.Items ?? [];
}

function fieldsOf(error: unknown): string[] {
  expect(error).toBeInstanceOf(ValidationError);
  return (error as ValidationError).fields.map((f) => f.path);
}

describe("county directory", () => {
  it("a stored county lists its townships with name, population and area; each is found by its code", async () => {
    // Prepare
    const store = new DirectoryStore(db, table);
    // Act
    await store.putCounty(SECOND);
    const townships = await store.townshipsOf("990001");
    const west = await store.township("990001202");
    // Assess
    expect(townships).toEqual([
      {
        townshipId: "990001101",
        countyId: "990001",
        name: "东城街道",
        registeredPopulation: 12_000,
        area: "urban",
      },
      {
        townshipId: "990001202",
        countyId: "990001",
        name: "西山乡",
        registeredPopulation: 8_500,
        area: "rural",
      },
    ]);
    expect(west?.name).toBe("西山乡");
    expect(await store.township("990001303")).toBeUndefined();
    expect(await store.townshipsOf("990002")).toEqual([]);
  });

  it("writing the same county twice leaves the same items; a township dropped from the list is removed", async () => {
    // Prepare
    const store = new DirectoryStore(db, table);
    const county: CountyDirectory = {
      ...SECOND,
      countyId: "990003",
      townships: [
        { townshipId: "990003101", name: "甲镇", registeredPopulation: 1_000, area: "rural" },
        { townshipId: "990003102", name: "乙镇", registeredPopulation: 2_000, area: "rural" },
      ],
    };
    // Act
    await store.putCounty(county);
    await store.putCounty(county);
    const twice = await itemsOf("DIRECTORY#990003");
    await store.putCounty({
      ...county,
      townships: [county.townships[1] as CountyDirectory["townships"][number]],
    });
    // Assess
    expect(twice).toHaveLength(3);
    expect((await store.townshipsOf("990003")).map((t) => t.name)).toEqual(["乙镇"]);
    expect(await itemsOf("DIRECTORY#990003")).toHaveLength(2);
  });

  it("the demo county is served from the bundle until it is stored: 街道 urban, 乡/镇 rural", async () => {
    // Prepare
    const store = new DirectoryStore(db, table);
    // Act
    const demo = await store.townshipsOf("230123");
    // Assess
    expect(demo.map((t) => [t.name, t.area, t.registeredPopulation])).toEqual([
      ["城关镇", "rural", 58_000],
      ["河东乡", "rural", 21_000],
      ["新华街道", "urban", 43_000],
    ]);
  });

  it("an unknown county is not cached: written a moment later, it is visible at once in the same process", async () => {
    // Prepare
    const store = new DirectoryStore(db, table);
    const other = new DirectoryStore(db, table);
    expect(await store.townshipsOf("990004")).toEqual([]);
    // Act
    await other.putCounty({
      ...SECOND,
      countyId: "990004",
      townships: [{ townshipId: "990004100", name: "新镇", registeredPopulation: 500, area: "rural" }],
    });
    // Assess
    expect((await store.townshipsOf("990004")).map((t) => t.townshipId)).toEqual(["990004100"]);
  });

  it("a county rewritten in this process is read again, not served from the cache", async () => {
    // Prepare
    const store = new DirectoryStore(db, table);
    const county: CountyDirectory = {
      ...SECOND,
      countyId: "990005",
      townships: [{ townshipId: "990005100", name: "旧名镇", registeredPopulation: 500, area: "rural" }],
    };
    await store.putCounty(county);
    expect((await store.township("990005100"))?.name).toBe("旧名镇");
    // Act
    await new DirectoryStore(db, table).putCounty({
      ...county,
      townships: [{ townshipId: "990005100", name: "新名镇", registeredPopulation: 600, area: "rural" }],
    });
    // Assess
    expect(await store.township("990005100")).toMatchObject({ name: "新名镇", registeredPopulation: 600 });
  });

  it("bad input is refused with one field error per problem, in English and Chinese, and writes nothing", async () => {
    // Prepare
    const store = new DirectoryStore(db, table);
    const bad = {
      countyId: "990006",
      name: " ",
      townships: [
        { townshipId: "99000610", name: "短码镇", registeredPopulation: 10, area: "rural" },
        { townshipId: "123456789", name: "外县乡", registeredPopulation: 10, area: "rural" },
        { townshipId: "990006100", name: "", registeredPopulation: 0, area: "suburban" },
        { townshipId: "990006200", name: "小数镇", registeredPopulation: 2.5, area: "urban" },
      ],
    } as unknown as CountyDirectory;
    // Act
    const error = await store.putCounty(bad).catch((e: unknown) => e);
    // Assess
    expect(fieldsOf(error).sort()).toEqual(
      [
        "name",
        "townships.0.townshipId",
        "townships.1.townshipId",
        "townships.2.name",
        "townships.2.registeredPopulation",
        "townships.2.area",
        "townships.3.registeredPopulation",
      ].sort(),
    );
    const fields = (error as ValidationError).fields;
    expect(fields.find((f) => f.path === "townships.1.townshipId")?.messageZh).toBe(
      "须以本县代码 990006 开头",
    );
    expect(fields.every((f) => f.message !== "" && f.messageZh !== "")).toBe(true);
    expect(await itemsOf("DIRECTORY#990006")).toEqual([]);
  });

  it("a county without townships, or with more than the bound, or a township twice, is refused", async () => {
    // Prepare
    const store = new DirectoryStore(db, table);
    const many = Array.from({ length: TOWNSHIPS_PER_COUNTY_MAX + 1 }, (_, i) => ({
      townshipId: `990007${String(i).padStart(3, "0")}`,
      name: `镇${i}`,
      registeredPopulation: 100,
      area: "rural" as const,
    }));
    const one = { townshipId: "990007001", name: "一镇", registeredPopulation: 100, area: "rural" as const };
    // Act
    const empty = await store
      .putCounty({ ...SECOND, countyId: "990007", townships: [] })
      .catch((e: unknown) => e);
    const tooMany = await store
      .putCounty({ ...SECOND, countyId: "990007", townships: many })
      .catch((e: unknown) => e);
    const twice = await store
      .putCounty({ ...SECOND, countyId: "990007", townships: [one, one] })
      .catch((e: unknown) => e);
    // Assess
    expect(fieldsOf(empty)).toEqual(["townships"]);
    expect(fieldsOf(tooMany)).toEqual(["townships"]);
    expect(fieldsOf(twice)).toEqual(["townships.1.townshipId"]);
    expect(await itemsOf("DIRECTORY#990007")).toEqual([]);
  });
});

describe("county policy set", () => {
  it("a stored policy set is what the policy source resolves for the county's townships, by area", async () => {
    // Prepare
    await new DirectoryStore(db, table).putCounty(SECOND);
    const set = policyOf("990001", "测试二县", "p990001");
    const policies = new StoredPolicySource(db, table);
    const at = new Date("2026-06-01T00:00:00+08:00");
    // Act
    await putCountyPolicySet(db, table, set);
    const urban = await policies.resolve("990001", "990001101", at);
    const rural = await policies.resolve("990001", "990001202", at);
    // Assess
    expect(urban.policyVersionId).toMatch(/^p990001-/);
    expect(urban.area).toBe("urban");
    expect(rural.area).toBe("rural");
  });

  it("a policy set rewritten in this process replaces the cached one at once", async () => {
    // Prepare
    await new DirectoryStore(db, table).putCounty({
      ...SECOND,
      countyId: "990008",
      townships: [{ townshipId: "990008100", name: "八镇", registeredPopulation: 100, area: "rural" }],
    });
    const policies = new StoredPolicySource(db, table);
    const at = new Date("2026-06-01T00:00:00+08:00");
    await putCountyPolicySet(db, table, policyOf("990008", "测试八县", "first"));
    expect((await policies.resolve("990008", "990008100", at)).policyVersionId).toMatch(/^first-/);
    // Act
    await putCountyPolicySet(db, table, policyOf("990008", "测试八县", "second"));
    // Assess
    expect((await policies.resolve("990008", "990008100", at)).policyVersionId).toMatch(/^second-/);
  });

  it("a policy set that fails the policy schema is refused and writes nothing", async () => {
    // Prepare
    const set = policyOf("990009", "测试九县", "bad");
    const broken = { ...set, versions: set.versions.map((v) => ({ ...v, countyId: "990010" })) };
    // Act
    const error = await putCountyPolicySet(db, table, broken).catch((e: unknown) => e);
    // Assess
    expect(fieldsOf(error)).toContain("versions.0.countyId");
    expect(await itemsOf("POLICY#990009")).toEqual([]);
  });
});
