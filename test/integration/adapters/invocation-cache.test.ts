/**
 * The invocation-scoped stores (CaseStore.forInvocation, MessageStore.forInvocation,
 * functions/services/deps.ts `forInvocation`) on DynamoDB Local: within one invocation a case and a
 * county's message settings are read once; a write of someone else in between is never hidden from a
 * write (the update stays conditional on the version it started from, fails, and is judged again on a
 * fresh read); and nothing read by one invocation is seen by another.
 */
import { DynamoDBDocumentClient, GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { CaseStore } from "#adapters/case-store.ts";
import { MESSAGE_SETTINGS_CACHE_MS, MessageStore } from "#adapters/message-store.ts";
import type { CaseState } from "#core/cases/index.ts";
import { createTestTables } from "#test/support/dynamo.ts";

let doc: DynamoDBDocumentClient;
let table: string;
/** The process-wide store: reads DynamoDB every time (another writer, here). */
let shared: CaseStore;
let counter = 0;

/** Counts the commands `store` sends, by command name. */
function counted(): { client: DynamoDBDocumentClient; sent: Map<string, number> } {
  const sent = new Map<string, number>();
  const client = {
    send: (command: { constructor: { name: string } }) => {
      const name = command.constructor.name;
      sent.set(name, (sent.get(name) ?? 0) + 1);
      return doc.send(command as GetCommand);
    },
  } as unknown as DynamoDBDocumentClient;
  return { client, sent };
}

async function storedIn(status: CaseState): Promise<string> {
  counter += 1;
  const caseId = `C20260302-${String(counter).padStart(10, "0")}`;
  await doc.send(
    new PutCommand({
      TableName: table,
      Item: {
        pk: `CASE#${caseId}`,
        sk: "CASE",
        caseId,
        flow: "A",
        countyId: "230123",
        townshipId: "230123100",
        status,
        filedAt: "2026-03-02T01:00:00.000Z",
        applicant: { name: "张三", personKey: `person-key-cache-${counter}` },
        hardship: { cause: "fire" },
        handledBy: [],
        version: 1,
      },
    }),
  );
  return caseId;
}

async function storedItem(caseId: string): Promise<Record<string, unknown>> {
  const out = await doc.send(
    new GetCommand({ TableName: table, Key: { pk: `CASE#${caseId}`, sk: "CASE" }, ConsistentRead: true }),
  );
  return out.Item ?? {};
}

beforeAll(async () => {
  const tables = await createTestTables("invocation-cache", { demoCounty: false });
  table = tables.names.main;
  doc = DynamoDBDocumentClient.from(tables.client, { marshallOptions: { removeUndefinedValues: true } });
  shared = new CaseStore(doc, table);
});

describe("a case read once per invocation", () => {
  it("Compliance: the second read, the access check and an update in the same invocation send no further Get", async () => {
    const caseId = await storedIn("awaiting-follow-up");
    const { client, sent } = counted();
    const invocation = new CaseStore(client, table).forInvocation();
    const first = await invocation.get(caseId);
    await invocation.get(caseId);
    const access = await invocation.accessResource(caseId);
    expect(access).toEqual({ countyId: "230123", townshipId: "230123100", handledBy: [] });
    const updated = await invocation.update(caseId, { set: { closedAt: "2026-03-03T01:00:00.000Z" } });
    const after = await invocation.get(caseId);
    expect(sent.get("GetCommand")).toBe(1);
    expect(sent.get("UpdateCommand")).toBe(1);
    expect(updated.version).toBe(first.version + 1);
    // What the invocation wrote is what it answers afterwards, and what is stored.
    expect(after).toEqual(updated);
    expect((await storedItem(caseId)).version).toBe(2);
  });

  it("Compliance: a copy is answered, so a caller changing it changes neither the store's memory nor the case", async () => {
    const caseId = await storedIn("awaiting-follow-up");
    const invocation = shared.forInvocation();
    const read = await invocation.get(caseId);
    read.handledBy.push("someone");
    read.status = "closed";
    const again = await invocation.get(caseId);
    expect(again.handledBy).toEqual([]);
    expect(again.status).toBe("awaiting-follow-up");
  });

  it("Compliance: a write of someone else after the invocation's read is kept — the update fails its condition, reads again and applies on top", async () => {
    const caseId = await storedIn("awaiting-follow-up");
    const { client, sent } = counted();
    const invocation = new CaseStore(client, table).forInvocation();
    await invocation.get(caseId);
    // Another invocation (another Lambda) writes the case in between.
    await shared.update(caseId, { set: { closedAt: "2026-03-04T01:00:00.000Z" }, handledBy: ["officer-2"] });
    const updated = await invocation.update(caseId, { handledBy: ["officer-1"] });
    expect(updated.version).toBe(3);
    expect(updated.closedAt).toBe("2026-03-04T01:00:00.000Z");
    expect(updated.handledBy).toEqual(["officer-2", "officer-1"]);
    const stored = await storedItem(caseId);
    expect(stored.version).toBe(3);
    expect(stored.handledBy).toEqual(["officer-2", "officer-1"]);
    expect(stored.closedAt).toBe("2026-03-04T01:00:00.000Z");
    // The snapshot's update was refused by the condition, then one fresh read and one update.
    expect(sent.get("GetCommand")).toBe(2);
    expect(sent.get("UpdateCommand")).toBe(2);
  });

  it("Compliance: a refusal judged on an old snapshot is judged again on the case as stored", async () => {
    const caseId = await storedIn("awaiting-paperwork");
    const invocation = shared.forInvocation();
    await invocation.get(caseId);
    await shared.update(caseId, { event: { type: "paperwork.completed" } });
    const movedOn = (await shared.get(caseId)).status;
    expect(movedOn).not.toBe("awaiting-paperwork");
    // Expecting the status the case has now: the snapshot says otherwise, the stored case passes.
    const updated = await invocation.update(caseId, {
      expectStatus: [movedOn],
      set: { closedAt: "2026-03-05T01:00:00.000Z" },
    });
    expect(updated.status).toBe(movedOn);
    expect(updated.version).toBe(3);
    expect((await storedItem(caseId)).closedAt).toBe("2026-03-05T01:00:00.000Z");
  });

  it("Noncompliance: a step the stored case no longer allows is refused though the snapshot allowed it, and nothing is written", async () => {
    const caseId = await storedIn("awaiting-paperwork");
    const invocation = shared.forInvocation();
    await invocation.get(caseId);
    await shared.update(caseId, { event: { type: "paperwork.completed" } });
    const write = invocation.update(caseId, {
      expectStatus: ["awaiting-paperwork"],
      set: { closedAt: "2026-03-06T01:00:00.000Z" },
    });
    await expect(write).rejects.toMatchObject({ statusCode: 409 });
    const stored = await storedItem(caseId);
    expect(stored.version).toBe(2);
    expect(stored.closedAt).toBeUndefined();
  });

  it("Compliance: invocations share nothing — a new one reads the case as stored, the process-wide store remembers nothing", async () => {
    const caseId = await storedIn("awaiting-follow-up");
    const first = shared.forInvocation();
    expect((await first.get(caseId)).version).toBe(1);
    await shared.update(caseId, { handledBy: ["officer-3"] });
    const second = shared.forInvocation();
    expect((await second.get(caseId)).version).toBe(2);
    expect((await shared.get(caseId)).handledBy).toEqual(["officer-3"]);
    const { client, sent } = counted();
    const plain = new CaseStore(client, table);
    await plain.get(caseId);
    await plain.get(caseId);
    expect(sent.get("GetCommand")).toBe(2);
  });
});

describe("a county's message settings read once per invocation", () => {
  it("Compliance: read once however many messages the step sends; a save in the invocation is read again; another invocation reads its own", async () => {
    const { client, sent } = counted();
    const base = new MessageStore(client, table);
    const countyId = "239901";
    const saved = await base.putCountySettings(
      {
        countyId,
        ratingUrl: "https://r.example/a",
        updatedAt: "2026-03-02T01:00:00.000Z",
        updatedBy: "admin-1",
      },
      undefined,
    );
    expect(saved).toBe(true);
    const invocation = base.forInvocation();
    sent.clear();
    const reads = await Promise.all([1, 2, 3].map(() => invocation.countySettings(countyId)));
    expect(reads.map((s) => s?.ratingUrl)).toEqual([
      "https://r.example/a",
      "https://r.example/a",
      "https://r.example/a",
    ]);
    expect(sent.get("GetCommand")).toBe(1);
    const replaced = await invocation.putCountySettings(
      {
        countyId,
        ratingUrl: "https://r.example/b",
        updatedAt: "2026-03-02T02:00:00.000Z",
        updatedBy: "admin-1",
      },
      "2026-03-02T01:00:00.000Z",
    );
    expect(replaced).toBe(true);
    expect((await invocation.countySettings(countyId))?.ratingUrl).toBe("https://r.example/b");
    expect(sent.get("GetCommand")).toBe(2);
    // Another county is its own read; another invocation its own memory.
    expect(await invocation.countySettings("239902")).toBeUndefined();
    expect(sent.get("GetCommand")).toBe(3);
    await base.forInvocation().countySettings(countyId);
    expect(sent.get("GetCommand")).toBe(4);
  });
});

describe("the settings messages are rendered with, reused by the process for MESSAGE_SETTINGS_CACHE_MS", () => {
  it("Compliance: read once across invocations; a save in this process shows at once; another process's save within the cache time; a read a save overtook is not kept", async () => {
    const { client, sent } = counted();
    const base = new MessageStore(client, table);
    const countyId = "239911";
    const settings = (ratingUrl: string, updatedAt: string) => ({
      countyId,
      ratingUrl,
      updatedAt,
      updatedBy: "admin-1",
    });
    expect(
      await base.putCountySettings(settings("https://r.example/a", "2026-03-02T01:00:00.000Z"), undefined),
    ).toBe(true);
    sent.clear();
    const first = await base.forInvocation().settingsForMessages(countyId);
    const second = await base.forInvocation().settingsForMessages(countyId);
    expect([first?.ratingUrl, second?.ratingUrl]).toEqual(["https://r.example/a", "https://r.example/a"]);
    expect(sent.get("GetCommand")).toBe(1);
    // A county without settings is remembered too (the defaults), as long.
    expect(await base.settingsForMessages("239912")).toBeUndefined();
    expect(await base.forInvocation().settingsForMessages("239912")).toBeUndefined();
    expect(sent.get("GetCommand")).toBe(2);

    // A save in this process: the next message reads it.
    expect(
      await base.putCountySettings(
        settings("https://r.example/b", "2026-03-02T02:00:00.000Z"),
        "2026-03-02T01:00:00.000Z",
      ),
    ).toBe(true);
    expect((await base.forInvocation().settingsForMessages(countyId))?.ratingUrl).toBe("https://r.example/b");

    // Another process's save (written past this store): seen once the cache time is over.
    await doc.send(
      new PutCommand({
        TableName: table,
        Item: {
          pk: `MSGCONF#${countyId}`,
          sk: "SETTINGS",
          ...settings("https://r.example/c", "2026-03-02T03:00:00.000Z"),
        },
      }),
    );
    expect((await base.settingsForMessages(countyId))?.ratingUrl).toBe("https://r.example/b");
    const now = Date.now();
    const clock = vi.spyOn(Date, "now").mockReturnValue(now + MESSAGE_SETTINGS_CACHE_MS + 1);
    try {
      expect((await base.settingsForMessages(countyId))?.ratingUrl).toBe("https://r.example/c");
    } finally {
      clock.mockRestore();
    }

    // A read answered after a save of this process began is not kept: the next message reads again.
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const slow = new MessageStore(
      {
        // The read is answered by DynamoDB at once, and handed back only after the save.
        send: async (command: GetCommand) => {
          const out = await client.send(command);
          if (command.constructor.name === "GetCommand") await gate;
          return out;
        },
      } as unknown as DynamoDBDocumentClient,
      table,
    );
    const later = Date.now() + 2 * (MESSAGE_SETTINGS_CACHE_MS + 1);
    const expired = vi.spyOn(Date, "now").mockReturnValue(later);
    try {
      const overtaken = slow.settingsForMessages(countyId);
      expect(
        await base.putCountySettings(
          settings("https://r.example/d", "2026-03-02T04:00:00.000Z"),
          "2026-03-02T03:00:00.000Z",
        ),
      ).toBe(true);
      release();
      expect((await overtaken)?.ratingUrl).toBe("https://r.example/c");
      expect((await base.settingsForMessages(countyId))?.ratingUrl).toBe("https://r.example/d");
    } finally {
      expired.mockRestore();
    }
  });
});
