import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ScanCommand } from "@aws-sdk/client-dynamodb";
import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { IdempotencyStore } from "#adapters/idempotency-store.ts";
import { BusinessRuleError } from "#core/errors.ts";
import { created, httpHandler } from "#functions/http/index.ts";
import { dynamo, resetConfig } from "#functions/runtime/config.ts";
import { captureLogs } from "#functions/runtime/logger.ts";
import { handlerEnv } from "#test/e2e/support/api.ts";
import { createTestTables, type TestTables } from "#test/support/dynamo.ts";
import { APPLICANT, httpEvent, lambdaContext, OFFICER, parse } from "./support.ts";

let tables: TestTables;
let stop: () => string[];
let calls = 0;

beforeAll(async () => {
  tables = await createTestTables("idem");
  Object.assign(process.env, handlerEnv(tables, await mkdtemp(join(tmpdir(), "idem-"))));
  resetConfig();
  stop = captureLogs().stop;
});

afterAll(() => {
  stop();
  tables.client.destroy();
});

const fileCase = httpHandler({
  route: "POST /unit/idem/cases",
  body: z.object({ cause: z.string(), amountYuan: z.string() }),
  handler: async ({ body }) => {
    calls++;
    if (body.cause === "refused") throw new BusinessRuleError("Refused", "不予受理");
    if (body.cause === "slow") await new Promise((r) => setTimeout(r, 400));
    return created({ caseId: `case-${calls}`, ...body });
  },
});

const post = (body: unknown, key: string, claims = APPLICANT) =>
  fileCase(
    httpEvent("POST /unit/idem/cases", { body, claims, headers: { "idempotency-key": key } }),
    lambdaContext,
  );

async function itemCount(): Promise<number> {
  const result = await tables.client.send(new ScanCommand({ TableName: tables.names.main, Select: "COUNT" }));
  return result.Count ?? 0;
}

describe("Idempotency-Key on POST", () => {
  it("a replay returns the first response and does not run the handler again", async () => {
    const before = calls;
    const first = await post({ cause: "fire", amountYuan: "800.00" }, "k-replay");
    const replay = await post({ amountYuan: "800.00", cause: "fire" }, "k-replay");
    expect(first.statusCode).toBe(201);
    expect(replay.statusCode).toBe(201);
    expect(replay.body).toBe(first.body);
    expect(replay.headers["idempotent-replayed"]).toBe("true");
    expect(calls - before).toBe(1);
  });

  it("the same key with a different body is a 409", async () => {
    await post({ cause: "flood", amountYuan: "500.00" }, "k-diff");
    const second = await post({ cause: "flood", amountYuan: "900.00" }, "k-diff");
    expect(second.statusCode).toBe(409);
    expect(parse(second).code).toBe("IDEMPOTENCY_KEY_REUSED");
  });

  it("keys belong to one user: another user's identical key is a new request", async () => {
    const mine = await post({ cause: "fire", amountYuan: "100.00" }, "k-shared");
    const theirs = await post({ cause: "fire", amountYuan: "100.00" }, "k-shared", OFFICER);
    expect(parse(theirs).caseId).not.toBe(parse(mine).caseId);
  });

  it("a concurrent duplicate while the first is still running is a 409 IN_PROGRESS", async () => {
    const slow = post({ cause: "slow", amountYuan: "1.00" }, "k-slow");
    await new Promise((r) => setTimeout(r, 100));
    const twin = await post({ cause: "slow", amountYuan: "1.00" }, "k-slow");
    expect(twin.statusCode).toBe(409);
    expect(parse(twin).code).toBe("IN_PROGRESS");
    expect((await slow).statusCode).toBe(201);
    expect((await post({ cause: "slow", amountYuan: "1.00" }, "k-slow")).statusCode).toBe(201);
  });

  it("a rejected request leaves nothing behind: the key can be used again", async () => {
    const before = await itemCount();
    const refused = await post({ cause: "refused", amountYuan: "1.00" }, "k-refused");
    expect(refused.statusCode).toBe(422);
    expect(await itemCount()).toBe(before);
    const invalid = await post({ cause: 1 }, "k-invalid");
    expect(invalid.statusCode).toBe(400);
    expect(await itemCount()).toBe(before);
    const retry = await post({ cause: "fire", amountYuan: "1.00" }, "k-refused");
    expect(retry.statusCode).toBe(201);
  });

  it("a malformed key is a field error", async () => {
    const result = await post({ cause: "fire", amountYuan: "1.00" }, "bad key with spaces");
    expect(result.statusCode).toBe(400);
    expect(parse(result).fields).toEqual([expect.objectContaining({ path: "headers.idempotency-key" })]);
  });

  it("records carry an expiry for the table's TTL, and an expired record no longer answers", async () => {
    const store = new IdempotencyStore({ client: dynamo(), tableName: tables.names.main, ttlHours: 1 });
    await store.begin("u-ttl", "k", "hash-1");
    await store.complete("u-ttl", "k", { statusCode: 201, headers: {}, body: "{}" });
    expect((await store.begin("u-ttl", "k", "hash-1")).kind).toBe("replay");
    const expired = new IdempotencyStore({ client: dynamo(), tableName: tables.names.main, ttlHours: -2 });
    await expired.begin("u-ttl2", "k", "hash-1");
    await expired.complete("u-ttl2", "k", { statusCode: 201, headers: {}, body: "{}" });
    expect((await store.begin("u-ttl2", "k", "hash-2")).kind).toBe("new");
  });

  it("an answer above one write unit is stored deflated and replayed byte for byte; a small one as it is", async () => {
    // Prepare
    const store = new IdempotencyStore({ client: dynamo(), tableName: tables.names.main, ttlHours: 1 });
    const signatures = Array.from({ length: 16 }, (_, i) => ({
      userId: `officer-${i}`,
      name: "王芳",
      at: "2026-12-08",
    }));
    const large = {
      statusCode: 200,
      headers: { "content-type": "application/json; charset=utf-8", "x-correlation-id": "c-1" },
      body: JSON.stringify({ caseId: "C1", status: "completed", coSignature: { signatures } }),
    };
    const small = { statusCode: 201, headers: {}, body: '{"caseId":"C2"}' };
    const record = async (actor: string) =>
      (
        await dynamo().send(
          new GetCommand({
            TableName: tables.names.main,
            Key: { pk: IdempotencyStore.key(actor, "k"), sk: "IDEM" },
          }),
        )
      ).Item ?? {};
    // Act
    await store.begin("u-large", "k", "h");
    await store.complete("u-large", "k", large);
    await store.begin("u-small", "k", "h");
    await store.complete("u-small", "k", small);
    // Assess
    expect(Buffer.byteLength(JSON.stringify(large))).toBeGreaterThan(1024);
    expect((await record("u-large")).response).toBeUndefined();
    expect((await record("u-large")).responseZ).toBeInstanceOf(Uint8Array);
    expect((await record("u-small")).response).toEqual(small);
    expect(await store.begin("u-large", "k", "h")).toEqual({ kind: "replay", response: large });
    expect(await store.begin("u-small", "k", "h")).toEqual({ kind: "replay", response: small });
  });
});
