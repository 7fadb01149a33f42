/**
 * The county directory and the county policy set in the `main` table: which townships a county has
 * (name, registered population, urban/rural), so a deployment serves any county, not only the one
 * bundled with the release.
 *
 * | pk | sk | item |
 * |---|---|---|
 * | `DIRECTORY#<countyId>` | `COUNTY` | the county: name, number of townships, when written; gsi1 `COUNTIES#PROVINCE#<2 digits>` / `<countyId>` lists a province's counties |
 * | `DIRECTORY#<countyId>` | `TOWNSHIP#<townshipId>` | one township: name, registered population, area; its administrator's revision and fund quota (备用金定额) |
 * | `DIRECTORY#<countyId>` | `CREATION` | the claim of the county's creation: the directory's digest |
 * | `POLICY#<countyId>` | `SET` | the county's policy set (`policySet`), read by reference-data's StoredPolicySource |
 *
 * One partition per county, so a county's townships are one Query, read whole (every page) within
 * TOWNSHIPS_PER_COUNTY_MAX: more than that is an error, never a shorter list.
 * Township codes are 9 digits whose first 6 are the county's (行政区划代码), so a township is found
 * from its code alone. A county exists only once an administrator stored it: an unknown county has
 * no townships and its townships are not found (never a fallback to demo data; the local runtime
 * stores its demo county through `putCounty` like any other).
 *
 * Found counties are cached per process for a short time (filing, the work queue and finance read
 * the directory on every request); an unknown county is never cached, and a write here drops the
 * county's entry, so a county written in this process is visible at once.
 */
import { createHash } from "node:crypto";
import {
  BatchWriteCommand,
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  TransactWriteCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import * as z from "zod";
import { type CountyPolicySet, parseCountyPolicySet, toValidationError } from "#core/policy/index.ts";
import { nowMs } from "#functions/runtime/clock.ts";
import { putNew } from "./put-new.ts";
import { queryAll } from "./query-all.ts";

/** A county has at most this many townships (a county is stored with at most this many; reads check it). */
export const TOWNSHIPS_PER_COUNTY_MAX = 64;

/** A province has at most this many counties (the province roll-up reads them all; more is an error). */
export const COUNTIES_PER_PROVINCE_MAX = 256;
/**
 * A provincial deployment has at most this many counties (the largest province has under 200): the
 * walks over every county (reminders, roll-ups, alert checks) read them all; more is an error.
 */
const COUNTIES_PER_DEPLOYMENT_MAX = 1_000;

/** How long a found county's directory is reused in this process. */
export const DIRECTORY_CACHE_MS = 60_000;

export type Area = "urban" | "rural";

export interface TownshipProfile {
  townshipId: string;
  countyId: string;
  name: string;
  registeredPopulation: number;
  area: Area;
}

/**
 * A township as its administrator edits it: the profile, the revision every change is written
 * over (0 before the first change after creation), and the fund quota (备用金定额) the administrator
 * set — a figure for county finance to allocate up to, not money (DOMAIN §5: money arrives only
 * with finance's allocation entry in the ledger).
 */
export interface TownshipRecord extends TownshipProfile {
  revision: number;
  fundQuotaYuan?: string;
}

/** What an administrator changes on a township: its profile, or its fund quota. */
export type TownshipChange =
  | { kind: "profile"; name: string; area: Area; registeredPopulation: number }
  | { kind: "fund-quota"; fundQuotaYuan: string };

export interface CountyDirectory {
  countyId: string;
  name: string;
  townships: Omit<TownshipProfile, "countyId">[];
}

const check = <T>(test: (value: T) => boolean, message: string, zh: string) =>
  [test, { message, params: { zh } }] as const;

const CountyCode = z
  .string()
  .refine(...check<string>((s) => /^\d{6}$/.test(s), "a 6-digit county code", "须为 6 位县级行政区划代码"));
const Name = z
  .string()
  .refine(...check<string>((s) => s.trim() !== "", "a name is required", "名称不能为空"))
  .refine(...check<string>((s) => s.length <= 100, "at most 100 characters", "不得超过 100 个字符"));

const TownshipSchema = z
  .object({
    townshipId: z
      .string()
      .refine(...check<string>((s) => /^\d{9}$/.test(s), "a 9-digit township code", "须为 9 位乡镇代码")),
    name: Name,
    registeredPopulation: z
      .number()
      .refine(
        ...check<number>(
          (n) => Number.isSafeInteger(n) && n > 0,
          "a positive whole number of people",
          "须为正整数（人）",
        ),
      ),
    area: z.enum(["urban", "rural"], {
      error: "urban or rural",
    }),
  })
  .strict();

const CountyDirectorySchema = z
  .object({
    countyId: CountyCode,
    name: Name,
    townships: z
      .array(TownshipSchema)
      .min(1, { error: "at least one township" })
      .max(TOWNSHIPS_PER_COUNTY_MAX, { error: `at most ${TOWNSHIPS_PER_COUNTY_MAX} townships` }),
  })
  .strict()
  .superRefine(
    (county, ctx) => {
      const seen = new Set<string>();
      county.townships.forEach((t, i) => {
        if (typeof t?.townshipId !== "string" || !/^\d{9}$/.test(t.townshipId)) return;
        if (!t.townshipId.startsWith(county.countyId))
          ctx.addIssue({
            code: "custom",
            path: ["townships", i, "townshipId"],
            message: `a township of county ${county.countyId} starts with its code`,
            params: { zh: `须以本县代码 ${county.countyId} 开头` },
          });
        if (seen.has(t.townshipId))
          ctx.addIssue({
            code: "custom",
            path: ["townships", i, "townshipId"],
            message: "the township is listed twice",
            params: { zh: "乡镇代码重复" },
          });
        seen.add(t.townshipId);
      });
    },
    {
      // Also when other fields failed, so every problem is reported at once (the shape is checked here).
      when: (payload) => {
        const v = payload.value as { countyId?: unknown; townships?: unknown } | undefined;
        return typeof v?.countyId === "string" && /^\d{6}$/.test(v.countyId) && Array.isArray(v.townships);
      },
    },
  );

/** Validates a county directory; a ValidationError with one field error per problem. */
export function parseCountyDirectory(input: unknown): CountyDirectory {
  const result = CountyDirectorySchema.safeParse(input);
  if (!result.success) throw toValidationError(result.error, "county directory", "县级行政区划目录");
  return result.data;
}

export function countyOfTownship(townshipId: string): string {
  return townshipId.slice(0, 6);
}

const countyKey = (countyId: string) => `DIRECTORY#${countyId}`;
const townshipSk = (townshipId: string) => `TOWNSHIP#${townshipId}`;
/** Counties are listed by the first two digits of their code: the province (行政区划代码). */
const DEPLOYMENT_COUNTIES_KEY = "COUNTIES#DEPLOYMENT";
/** And all together, whatever their province (an applicant may have no county to start from). */
const provinceKey = (code: string) => `COUNTIES#PROVINCE#${code.slice(0, 2)}`;

function profileOf(item: Record<string, unknown>): TownshipProfile {
  return {
    townshipId: String(item.townshipId),
    countyId: String(item.countyId),
    name: String(item.name),
    registeredPopulation: Number(item.registeredPopulation),
    area: item.area === "urban" ? "urban" : "rural",
  };
}

/** Found counties by `<table>|<countyId>`, process-wide (every DirectoryStore of a table shares it). */
const cache = new Map<string, { townships: TownshipProfile[]; atMs: number }>();

/** BatchWrite takes at most 25 requests; the unprocessed ones are sent again. */
const BATCH_MAX = 25;
const BATCH_ATTEMPTS_MAX = 8;

export class DirectoryStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /**
   * Writes the county and its townships (validated first: a rejected directory writes nothing).
   * Idempotent: the same directory twice leaves the same items; a township no longer listed is removed.
   */
  async putCounty(input: CountyDirectory): Promise<void> {
    await this.write(parseCountyDirectory(input), false);
  }

  /**
   * Creates a county that does not exist yet; false (nothing new written) when it exists. A claim on
   * the county, holding the directory's digest, is taken first: a creation with another directory at
   * the same time is refused (false) before it writes a township, the same directory (a retry, or
   * identical requests at once) writes the same items, and only one of them writes the county item.
   */
  async createCounty(input: CountyDirectory): Promise<boolean> {
    const county = parseCountyDirectory(input);
    const digest = createHash("sha256").update(JSON.stringify(county)).digest("hex");
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { pk: countyKey(county.countyId), sk: "CREATION", type: "county-creation", digest },
          ConditionExpression: "attribute_not_exists(pk) OR digest = :digest",
          ExpressionAttributeValues: { ":digest": digest },
        }),
      );
    } catch (error) {
      if ((error as { name?: string }).name !== "ConditionalCheckFailedException") throw error;
      return false;
    }
    return this.write(county, true);
  }

  private async write(county: CountyDirectory, create: boolean): Promise<boolean> {
    const pk = countyKey(county.countyId);
    const listed = new Set(county.townships.map((t) => t.townshipId));
    const stale = (await this.stored(county.countyId)).filter((t) => !listed.has(t.townshipId));
    const requests: Record<string, unknown>[] = [
      ...county.townships.map((t) => ({
        PutRequest: {
          Item: {
            pk,
            sk: townshipSk(t.townshipId),
            type: "township",
            townshipId: t.townshipId,
            countyId: county.countyId,
            name: t.name,
            registeredPopulation: t.registeredPopulation,
            area: t.area,
          },
        },
      })),
      ...stale.map((t) => ({ DeleteRequest: { Key: { pk, sk: townshipSk(t.townshipId) } } })),
    ];
    try {
      for (let i = 0; i < requests.length; i += BATCH_MAX) await this.batch(requests.slice(i, i + BATCH_MAX));
      // The county item last: it says the directory is complete.
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            pk,
            sk: "COUNTY",
            type: "county",
            countyId: county.countyId,
            name: county.name,
            townshipCount: county.townships.length,
            writtenAt: new Date(nowMs()).toISOString(),
            gsi1pk: provinceKey(county.countyId),
            gsi1sk: county.countyId,
            gsi2pk: DEPLOYMENT_COUNTIES_KEY,
            gsi2sk: county.countyId,
          },
          ...(create ? { ConditionExpression: "attribute_not_exists(pk)" } : {}),
        }),
      );
      return true;
    } catch (error) {
      if (create && (error as { name?: string }).name === "ConditionalCheckFailedException") return false;
      throw error;
    } finally {
      cache.delete(`${this.tableName}|${county.countyId}`);
    }
  }

  /** The county item (name, when written); undefined for a county no administrator created. */
  /**
   * One import of a county's workbook at a time: a claim with a lease (a crashed import frees it when
   * the lease ends). False when another import of the county holds it.
   */
  async claimImport(countyId: string, atMs: number, leaseMs: number): Promise<boolean> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            pk: countyKey(countyId),
            sk: "IMPORT",
            type: "county-import-claim",
            leaseUntil: atMs + leaseMs,
          },
          ConditionExpression: "attribute_not_exists(pk) OR leaseUntil < :now",
          ExpressionAttributeValues: { ":now": atMs },
        }),
      );
      return true;
    } catch (error) {
      if ((error as { name?: string }).name === "ConditionalCheckFailedException") return false;
      throw error;
    }
  }

  async releaseImport(countyId: string): Promise<void> {
    await this.db.send(
      new DeleteCommand({ TableName: this.tableName, Key: { pk: countyKey(countyId), sk: "IMPORT" } }),
    );
  }

  async county(countyId: string): Promise<{ countyId: string; name: string } | undefined> {
    if (!/^\d{6}$/.test(countyId)) return undefined;
    const out = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: countyKey(countyId), sk: "COUNTY" },
        ConsistentRead: true,
      }),
    );
    return out.Item ? { countyId, name: String(out.Item.name) } : undefined;
  }

  /**
   * Every county created in this deployment, by code. An applicant of a Cognito deployment signs in
   * with no county at all (their place is where the emergency happened), so the list cannot start
   * from the reader's own code.
   */
  async countiesOfDeployment(): Promise<Array<{ countyId: string; name: string }>> {
    const items = await queryAll(
      this.db,
      {
        TableName: this.tableName,
        IndexName: "gsi2",
        KeyConditionExpression: "gsi2pk = :pk",
        ExpressionAttributeValues: { ":pk": DEPLOYMENT_COUNTIES_KEY },
      },
      { itemsMax: COUNTIES_PER_DEPLOYMENT_MAX, what: "counties in the deployment" },
    );
    return items.map((item) => ({ countyId: String(item.countyId), name: String(item.name) }));
  }

  /** The counties created under a province (its code `230000`, or any code in it), by code. */
  async countiesOfProvince(provinceCode: string): Promise<Array<{ countyId: string; name: string }>> {
    return (await this.countyList(provinceCode)).map(({ countyId, name }) => ({ countyId, name }));
  }

  /**
   * The counties created under a province (its code, or any code in it), by code, with how many townships each has (the county
   * item's count: no township is read).
   */
  async countyList(
    provinceCode: string,
  ): Promise<Array<{ countyId: string; name: string; townships: number }>> {
    if (!/^\d{6}$/.test(provinceCode)) return [];
    const items = await queryAll(
      this.db,
      {
        TableName: this.tableName,
        IndexName: "gsi1",
        KeyConditionExpression: "gsi1pk = :pk",
        ExpressionAttributeValues: { ":pk": provinceKey(provinceCode) },
      },
      { itemsMax: COUNTIES_PER_PROVINCE_MAX, what: `counties in province ${provinceCode.slice(0, 2)}` },
    );
    return items.map((item) => ({
      countyId: String(item.countyId),
      name: String(item.name),
      townships: Number(item.townshipCount ?? 0),
    }));
  }

  /** The county's townships by code; empty for a county no administrator created. */
  async townshipsOf(countyId: string): Promise<TownshipProfile[]> {
    const key = `${this.tableName}|${countyId}`;
    const hit = cache.get(key);
    if (hit && Date.now() - hit.atMs < DIRECTORY_CACHE_MS) return hit.townships;
    const townships = await this.stored(countyId);
    // Only a found county is cached: one written a moment later must be seen at once.
    if (townships.length > 0) cache.set(key, { townships, atMs: Date.now() });
    else cache.delete(key);
    return townships;
  }

  async township(townshipId: string): Promise<TownshipProfile | undefined> {
    if (!/^\d{9}$/.test(townshipId)) return undefined;
    const townships = await this.townshipsOf(countyOfTownship(townshipId));
    return townships.find((t) => t.townshipId === townshipId);
  }

  /** The county's townships with their revisions and fund quotas, read now (not from the cache). */
  async townshipRecords(countyId: string): Promise<TownshipRecord[]> {
    const items = await this.storedItems(countyId);
    return items.map((item) => ({
      ...profileOf(item),
      revision: Number(item.revision ?? 0),
      ...(typeof item.fundQuotaYuan === "string" ? { fundQuotaYuan: item.fundQuotaYuan } : {}),
    }));
  }

  /**
   * Adds a township to a created county, with the county item's count, in one transaction:
   * `exists` when the code is taken, `full` at TOWNSHIPS_PER_COUNTY_MAX (or no county item).
   */
  async addTownship(township: TownshipProfile): Promise<"added" | "exists" | "full"> {
    const pk = countyKey(township.countyId);
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            putNew(this.tableName, {
              pk,
              sk: townshipSk(township.townshipId),
              type: "township",
              ...township,
              revision: 0,
            }),
            {
              Update: {
                TableName: this.tableName,
                Key: { pk, sk: "COUNTY" },
                UpdateExpression: "SET townshipCount = townshipCount + :one, writtenAt = :at",
                ConditionExpression: "attribute_exists(pk) AND townshipCount < :max",
                ExpressionAttributeValues: {
                  ":one": 1,
                  ":max": TOWNSHIPS_PER_COUNTY_MAX,
                  ":at": new Date(nowMs()).toISOString(),
                },
              },
            },
          ],
        }),
      );
      return "added";
    } catch (error) {
      const reasons = (error as { CancellationReasons?: Array<{ Code?: string }> }).CancellationReasons;
      if ((error as { name?: string }).name !== "TransactionCanceledException" || !reasons) throw error;
      return reasons[0]?.Code === "ConditionalCheckFailed" ? "exists" : "full";
    } finally {
      cache.delete(`${this.tableName}|${township.countyId}`);
    }
  }

  /**
   * Writes a change over the revision it was read at (the code, its identity, never changes):
   * the record after it, or undefined when the township moved on meanwhile (or is gone).
   */
  async changeTownship(
    countyId: string,
    townshipId: string,
    change: TownshipChange,
    expectedRevision: number,
  ): Promise<TownshipRecord | undefined> {
    const values: Record<string, unknown> = { ":next": expectedRevision + 1, ":expected": expectedRevision };
    const names: Record<string, string> = {};
    let set: string;
    if (change.kind === "profile") {
      set = "#name = :name, area = :area, registeredPopulation = :population";
      names["#name"] = "name";
      Object.assign(values, {
        ":name": change.name,
        ":area": change.area,
        ":population": change.registeredPopulation,
      });
    } else {
      set = "fundQuotaYuan = :quota";
      values[":quota"] = change.fundQuotaYuan;
    }
    const revisionHeld =
      expectedRevision === 0
        ? "(attribute_not_exists(revision) OR revision = :expected)"
        : "revision = :expected";
    try {
      const out = await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: countyKey(countyId), sk: townshipSk(townshipId) },
          UpdateExpression: `SET ${set}, revision = :next`,
          ConditionExpression: `attribute_exists(pk) AND ${revisionHeld}`,
          ...(Object.keys(names).length > 0 ? { ExpressionAttributeNames: names } : {}),
          ExpressionAttributeValues: values,
          ReturnValues: "ALL_NEW",
        }),
      );
      const item = out.Attributes ?? {};
      return {
        ...profileOf(item),
        revision: Number(item.revision ?? 0),
        ...(typeof item.fundQuotaYuan === "string" ? { fundQuotaYuan: item.fundQuotaYuan } : {}),
      };
    } catch (error) {
      if ((error as { name?: string }).name === "ConditionalCheckFailedException") return undefined;
      throw error;
    } finally {
      cache.delete(`${this.tableName}|${countyId}`);
    }
  }

  private async stored(countyId: string): Promise<TownshipProfile[]> {
    return (await this.storedItems(countyId)).map(profileOf);
  }

  private async storedItems(countyId: string): Promise<Record<string, unknown>[]> {
    return queryAll(
      this.db,
      {
        TableName: this.tableName,
        KeyConditionExpression: "pk = :pk AND begins_with(sk, :township)",
        ExpressionAttributeValues: { ":pk": countyKey(countyId), ":township": "TOWNSHIP#" },
        ConsistentRead: true,
      },
      { itemsMax: TOWNSHIPS_PER_COUNTY_MAX, what: `townships in county ${countyId}` },
    );
  }

  private async batch(requests: Record<string, unknown>[]): Promise<void> {
    let pending = requests;
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt >= BATCH_ATTEMPTS_MAX)
        throw new Error(
          `directory write: ${pending.length} items still unprocessed after ${attempt} attempts`,
        );
      if (attempt > 0) await new Promise((r) => setTimeout(r, 2 ** attempt * 20));
      const out = await this.db.send(
        new BatchWriteCommand({ RequestItems: { [this.tableName]: pending as never } }),
      );
      pending = (out.UnprocessedItems?.[this.tableName] ?? []) as Record<string, unknown>[];
    }
  }
}

/** Bumped on every policy write here, so a cached policy set of this process is read again. */
const policyWrites = new Map<string, number>();

/** How many times this process wrote the county's policy set to the table (for cache invalidation). */
export function policyWriteCount(tableName: string, countyId: string): number {
  return policyWrites.get(`${tableName}|${countyId}`) ?? 0;
}

/**
 * Stores a county's policy set (`POLICY#<countyId>` / `SET`), validated first by the same schema
 * the reader applies: a rejected set writes nothing (DOMAIN §7: versioned, no gaps, no overlaps).
 */
export async function putCountyPolicySet(
  db: DynamoDBDocumentClient,
  tableName: string,
  set: CountyPolicySet,
): Promise<void> {
  const valid = parseCountyPolicySet(set);
  try {
    await db.send(
      new PutCommand({
        TableName: tableName,
        Item: {
          pk: `POLICY#${valid.countyId}`,
          sk: "SET",
          type: "policy-set",
          countyId: valid.countyId,
          // JSON-ready copy: no undefined members, amounts stay the 2-decimal strings they are.
          policySet: JSON.parse(JSON.stringify(valid)),
          versionIds: valid.versions.map((v) => v.versionId),
          writtenAt: new Date(nowMs()).toISOString(),
        },
      }),
    );
  } finally {
    notePolicyWrite(tableName, valid.countyId);
  }
}

/** Records a write of the county's policy items by this process (cached sets are read again). */
export function notePolicyWrite(tableName: string, countyId: string): void {
  const key = `${tableName}|${countyId}`;
  policyWrites.set(key, (policyWrites.get(key) ?? 0) + 1);
}
