import { deflateRawSync } from "node:zlib";
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AuditStore, auditPk, maskAuditEvent, storedAuditEvent } from "#adapters/audit-store.ts";
import { createTestTables, type TestTables } from "#test/support/dynamo.ts";

let tables: TestTables;
let db: DynamoDBDocumentClient;
let store: AuditStore;

const officer = { userId: "officer-chengguan-1", name: "王芳", roles: ["township-officer" as const] };

beforeAll(async () => {
  tables = await createTestTables("audit");
  db = DynamoDBDocumentClient.from(tables.client);
  store = new AuditStore({ client: db, tableName: tables.names.main });
});

afterAll(() => tables.client.destroy());

const event = (countyId: string, n: number) => ({
  countyId,
  townshipId: "230123100",
  actor: officer,
  action: "investigation.record",
  resourceType: "case",
  resourceId: `case-${n}`,
  reason: "入户调查",
  before: { status: "awaiting-paperwork" },
  after: {
    status: "awaiting-follow-up",
    applicant: { idNumber: "230102199001011234", phone: "13812345678" },
  },
});

describe("audit trail: append-only, hash-chained per county", () => {
  it("each event links to the previous one and the chain verifies", async () => {
    const first = await store.append(event("100001", 1));
    const second = await store.append(event("100001", 2));
    expect(first.seq).toBe(1);
    expect(second.prevHash).toBe(first.hash);
    expect(await store.verify("100001")).toEqual({ ok: true, count: 2, headHash: second.hash });
  });

  it("concurrent appends never share a slot and the chain stays intact", async () => {
    const appended = await Promise.all(
      Array.from({ length: 12 }, (_, i) => store.append(event("100002", i))),
    );
    expect(new Set(appended.map((e) => e.seq)).size).toBe(12);
    expect(await store.verify("100002")).toMatchObject({ ok: true, count: 12 });
  });

  it("verify detects an edited event", async () => {
    // Prepare
    await store.append(event("100003", 1));
    const target = await store.append(event("100003", 2));
    await store.append(event("100003", 3));
    const tampered = { ...target, reason: "改过的理由" };
    // Act
    await db.send(
      new UpdateCommand({
        TableName: tables.names.main,
        Key: { pk: auditPk("100003"), sk: "EVT#000000000002" },
        UpdateExpression: "SET #event = :event",
        ExpressionAttributeNames: { "#event": "event" },
        ExpressionAttributeValues: { ":event": JSON.stringify(tampered) },
      }),
    );
    // Assess
    expect(await store.verify("100003")).toMatchObject({ ok: false, brokenAtSeq: 2 });
  });

  it("verify detects an edit that also recomputed the event's own hash (the next link breaks)", async () => {
    await store.append(event("100004", 1));
    const target = await store.append(event("100004", 2));
    await store.append(event("100004", 3));
    const { hashAuditEvent } = await import("#adapters/audit-store.ts");
    const { hash: _old, ...unsigned } = { ...target, reason: "伪造" };
    const rehashed = { ...unsigned, hash: hashAuditEvent(unsigned) };
    await db.send(
      new UpdateCommand({
        TableName: tables.names.main,
        Key: { pk: auditPk("100004"), sk: "EVT#000000000002" },
        UpdateExpression: "SET #event = :event",
        ExpressionAttributeNames: { "#event": "event" },
        ExpressionAttributeValues: { ":event": JSON.stringify(rehashed) },
      }),
    );
    expect(await store.verify("100004")).toMatchObject({ ok: false, brokenAtSeq: 3 });
  });

  it("auditors read events with personal data masked; the stored event keeps its hash", async () => {
    const stored = await store.append(event("100005", 1));
    const masked = maskAuditEvent(stored);
    expect(JSON.stringify(masked)).not.toContain("230102199001011234");
    expect(JSON.stringify(masked)).toContain("2301**********1234");
    expect(masked.hash).toBe(stored.hash);
    const page = await store.list("100005", { limit: 10 });
    expect(page.events[0]?.hash).toBe(stored.hash);
  });

  it("one resource's history comes back through the resource index", async () => {
    await store.append({ ...event("100006", 1), resourceId: "case-history" });
    await store.append({ ...event("100006", 2), resourceId: "case-history", action: "advance.decide" });
    const history = await store.listForResource("case", "case-history", 10);
    expect(history.map((e) => e.action)).toEqual(["investigation.record", "advance.decide"]);
  });
});

/** The store's DynamoDB client, with every command it sends named (`Get AUDITDEDUP#…`) for the test to count. */
function watchedClient(sent: string[], replay?: (command: { input: Record<string, unknown> }) => boolean) {
  return {
    async send(command: { constructor: { name: string }; input: Record<string, unknown> }) {
      const input = command.input as { Key?: { pk?: string }; Item?: { pk?: string } };
      sent.push(
        `${command.constructor.name.replace(/Command$/, "")} ${input.Key?.pk ?? input.Item?.pk ?? ""}`,
      );
      if (!replay?.(command)) return db.send(command as never);
      // The answer of the first try is lost: the SDK sends the same request again and returns that answer.
      await db.send(command as never);
      return db.send(command as never);
    },
  } as unknown as DynamoDBDocumentClient;
}

describe("audit trail: each effect recorded once, at the cost of one write", () => {
  it("a dedup key's second event is refused by the transaction itself: no read of the key, nothing written", async () => {
    // Prepare
    const sent: string[] = [];
    const watched = new AuditStore({ client: watchedClient(sent), tableName: tables.names.main });
    const filing = {
      ...event("100007", 1),
      resourceId: "case-filed-once",
      dedupKey: "case.file:case-filed-once",
    };
    const first = await watched.append(filing);
    // Act
    const again = await watched.append(filing);
    const next = await watched.append(event("100007", 2));
    // Assess
    expect(first?.seq).toBe(1);
    expect(again).toBeUndefined();
    expect(next.seq).toBe(2);
    expect(next.prevHash).toBe(first?.hash);
    expect(sent.filter((s) => s.startsWith("Get"))).toEqual([]);
    expect(await store.verify("100007")).toMatchObject({ ok: true, count: 2 });
    expect((await store.listForResource("case", "case-filed-once", 10)).map((e) => e.seq)).toEqual([1]);
  });

  it("a caller expecting repeats reads the key first: the repeat costs one read and no write", async () => {
    const sent: string[] = [];
    const watched = new AuditStore({ client: watchedClient(sent), tableName: tables.names.main });
    await watched.append({ ...event("100008", 1), dedupKey: "view:w1", dedupReadFirst: true });
    sent.length = 0;
    const repeat = await watched.append({ ...event("100008", 1), dedupKey: "view:w1", dedupReadFirst: true });
    expect(repeat).toBeUndefined();
    expect(sent).toEqual(["Get AUDITDEDUP#100008"]);
    expect(await store.verify("100008")).toMatchObject({ ok: true, count: 1 });
  });

  it("a put whose answer was lost and whose SDK retry met its own event is recorded once", async () => {
    // Prepare: the first put of the chain lands, its answer is lost, the retry finds the slot taken.
    const sent: string[] = [];
    let lost = false;
    const flaky = new AuditStore({
      client: watchedClient(sent, (command) => {
        if (lost || command.constructor.name !== "PutCommand") return false;
        lost = true;
        return true;
      }),
      tableName: tables.names.main,
    });
    // Act
    const appended = await flaky.append(event("100009", 1));
    const next = await flaky.append(event("100009", 2));
    // Assess
    expect(lost).toBe(true);
    expect(appended.seq).toBe(1);
    expect(next.seq).toBe(2);
    expect(await store.verify("100009")).toMatchObject({ ok: true, count: 2, headHash: next.hash });
    expect((await store.list("100009", { limit: 10 })).events.map((e) => e.resourceId)).toEqual([
      "case-1",
      "case-2",
    ]);
  });
});

describe("audit trail: an event above one write unit is stored deflated", () => {
  const findings = Array.from(
    { length: 12 },
    (_, i) => `第${i + 1}次入户：家中无劳动力，医疗支出较大，存款不足以支付`,
  );
  const big = (countyId: string, n: number) => ({
    ...event(countyId, n),
    after: { status: "paperwork", findings },
  });
  const rawItem = async (countyId: string, seq: number) =>
    (
      await db.send(
        new GetCommand({
          TableName: tables.names.main,
          Key: { pk: auditPk(countyId), sk: `EVT#${String(seq).padStart(12, "0")}` },
        }),
      )
    ).Item ?? {};

  it("a large event is stored deflated, a small one as JSON; both read back and verify alike", async () => {
    // Act
    const small = await store.append(event("100010", 1));
    const large = await store.append({ ...big("100010", 2), resourceId: "case-large" });
    // Assess
    const smallItem = await rawItem("100010", 1);
    const largeItem = await rawItem("100010", 2);
    expect(typeof smallItem.event).toBe("string");
    expect(largeItem.event).toBeUndefined();
    expect(largeItem.eventZ).toBeInstanceOf(Uint8Array);
    expect((largeItem.eventZ as Uint8Array).length).toBeLessThan(
      Buffer.byteLength(JSON.stringify(large)) / 2,
    );
    expect(storedAuditEvent(largeItem)).toEqual(large);
    expect((await store.list("100010", { limit: 10 })).events).toEqual([small, large]);
    expect(await store.listForResource("case", "case-large", 10)).toEqual([large]);
    expect(await store.verify("100010")).toEqual({ ok: true, count: 2, headHash: large.hash });
  });

  it("verify detects an edited deflated event, and one whose bytes no longer inflate", async () => {
    await store.append(event("100011", 1));
    const target = await store.append(big("100011", 2));
    await store.append(event("100011", 3));
    const edit = (eventZ: Uint8Array) =>
      db.send(
        new UpdateCommand({
          TableName: tables.names.main,
          Key: { pk: auditPk("100011"), sk: "EVT#000000000002" },
          UpdateExpression: "SET eventZ = :z",
          ExpressionAttributeValues: { ":z": eventZ },
        }),
      );
    await edit(deflateRawSync(JSON.stringify({ ...target, reason: "改过的理由" })));
    expect(await store.verify("100011")).toMatchObject({
      ok: false,
      brokenAtSeq: 2,
      reason: "event content does not match its hash",
    });
    await edit(Buffer.from("not deflated at all"));
    expect(await store.verify("100011")).toMatchObject({
      ok: false,
      brokenAtSeq: 2,
      reason: "event cannot be read",
    });
  });
});
