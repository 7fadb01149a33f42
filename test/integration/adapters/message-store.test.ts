/**
 * The message store (functions/adapters/message-store.ts) on DynamoDB Local: a message is written
 * once per id (a second record is a no-op that changes nothing), the same id in two counties is two
 * messages that never see each other, each applicant's box holds only their messages, staff boxes
 * are per role and township, an applicant's read mark is idempotent and a staff read mark belongs
 * to one user.
 */
import { DynamoDBDocumentClient, PutCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { beforeAll, describe, expect, it } from "vitest";
import { applicantBoxOf, MessageStore, type StoredMessage, staffBoxOf } from "#adapters/message-store.ts";
import { DEFAULT_TEMPLATES, type MessageEvent, renderMessage } from "#core/messages/index.ts";
import { createTestTables } from "#test/support/dynamo.ts";

let db: DynamoDBDocumentClient;
let table: string;
let store: MessageStore;

beforeAll(async () => {
  const tables = await createTestTables("messages", { demoCounty: false });
  db = DynamoDBDocumentClient.from(tables.client, { marshallOptions: { removeUndefinedValues: true } });
  table = tables.names.main;
  store = new MessageStore(db, table);
});

function received(caseId: string): MessageEvent {
  return {
    kind: "application-received",
    values: { salutation: "张女士", caseNumber: caseId, township: "东城街道", decideBy: "2026-12-09" },
  };
}

function applicantMessage(
  countyId: string,
  caseId: string,
  userId: string,
  createdAt: string,
  event: MessageEvent = received(caseId),
): StoredMessage {
  return {
    messageId: `${caseId}:${event.kind}:1`,
    countyId,
    caseId,
    recipient: { kind: "applicant", caseId },
    applicantUserId: userId,
    event,
    rendered: renderMessage(event, { templates: DEFAULT_TEMPLATES, signName: "临时救助" }),
    createdAt,
  };
}

function staffMessage(
  countyId: string,
  caseId: string,
  townshipId: string,
  createdAt: string,
): StoredMessage {
  const event: MessageEvent = {
    kind: "task-assigned",
    values: {
      township: "东城街道",
      task: "审批先行救助",
      caseNumber: caseId,
      deadline: "2026-12-08T15:00:00+08:00",
    },
  };
  return {
    messageId: `${caseId}:task-assigned:approve`,
    countyId,
    caseId,
    recipient: { kind: "staff", countyId, townshipId, role: "township-approver" },
    event,
    rendered: renderMessage(event, { templates: DEFAULT_TEMPLATES, signName: "临时救助" }),
    createdAt,
  };
}

async function itemCount(pk: string): Promise<number> {
  const out = await db.send(
    new QueryCommand({
      TableName: table,
      KeyConditionExpression: "pk = :pk",
      ExpressionAttributeValues: { ":pk": pk },
    }),
  );
  return out.Count ?? 0;
}

describe("message store", () => {
  it("writes a message once: a retried record with the same id changes nothing", async () => {
    const first = applicantMessage("990001", "C20261207-0000000001", "user-a", "2026-12-07T01:00:00.000Z");
    expect(await store.record(first)).toBe(true);
    const retried = { ...first, createdAt: "2026-12-07T01:05:00.000Z" };
    expect(await store.record(retried)).toBe(false);
    expect(await itemCount(`MSG#990001#${first.messageId}`)).toBe(1);
    const stored = await store.get("990001", first.messageId);
    expect(stored?.createdAt).toBe("2026-12-07T01:00:00.000Z");
    expect(stored?.rendered.text).toContain("C20261207-0000000001");
    expect(await store.forCase("990001", "C20261207-0000000001")).toHaveLength(1);
  });

  it("refuses an event that breaks the message rules and writes nothing", async () => {
    const bad = applicantMessage("990001", "C20261207-0000000002", "user-a", "2026-12-07T01:00:00.000Z");
    const event = { kind: "application-received", values: { ...bad.event.values, salutation: "张三丰" } };
    await expect(store.record({ ...bad, event: event as MessageEvent })).rejects.toThrow(/invalid values/);
    expect(await itemCount(`MSG#990001#${bad.messageId}`)).toBe(0);
  });

  it("keeps counties apart: the same id in two counties is two messages, each read in its own", async () => {
    const caseId = "C20261207-0000000003";
    const a = applicantMessage("990011", caseId, "user-b", "2026-12-07T02:00:00.000Z");
    const b = applicantMessage("990012", caseId, "user-c", "2026-12-07T02:00:00.000Z");
    expect(await store.record(a)).toBe(true);
    expect(await store.record(b)).toBe(true);
    expect((await store.forCase("990011", caseId)).map((m) => m.countyId)).toEqual(["990011"]);
    expect((await store.forCase("990012", caseId)).map((m) => m.countyId)).toEqual(["990012"]);
    expect(await store.get("990013", a.messageId)).toBeUndefined();
    await store.markApplicantRead("990011", a.messageId, new Date("2026-12-07T03:00:00.000Z"));
    expect((await store.get("990012", b.messageId))?.readAt).toBeUndefined();
  });

  it("lists an applicant's box newest first, in pages, with no one else's messages, and counts unread", async () => {
    const user = "user-d";
    for (let i = 1; i <= 3; i++) {
      const caseId = `C20261207-000000010${i}`;
      await store.record(applicantMessage("990021", caseId, user, `2026-12-07T0${i}:00:00.000Z`));
    }
    await store.record(
      applicantMessage("990021", "C20261207-0000000199", "user-e", "2026-12-07T09:00:00.000Z"),
    );

    const first = await store.box(applicantBoxOf(user), 2);
    expect(first.messages.map((m) => m.caseId)).toEqual(["C20261207-0000000103", "C20261207-0000000102"]);
    expect(first.next).toBeDefined();
    const second = await store.box(applicantBoxOf(user), 2, first.next);
    expect(second.messages.map((m) => m.caseId)).toEqual(["C20261207-0000000101"]);
    expect(second.next).toBeUndefined();
    expect(await store.applicantUnread(user)).toBe(3);
    expect(await store.applicantUnread("user-e")).toBe(1);

    const target = first.messages[0] as StoredMessage;
    const read = await store.markApplicantRead(
      "990021",
      target.messageId,
      new Date("2026-12-07T10:00:00.000Z"),
    );
    expect(read?.readAt).toBe("2026-12-07T10:00:00.000Z");
    const again = await store.markApplicantRead(
      "990021",
      target.messageId,
      new Date("2026-12-07T11:00:00.000Z"),
    );
    expect(again?.readAt).toBe("2026-12-07T10:00:00.000Z");
    expect(await store.applicantUnread(user)).toBe(2);
    expect(
      await store.markApplicantRead("990021", "C20261207-0000000404:money-sent:1", new Date()),
    ).toBeUndefined();
    expect(await itemCount("MSG#990021#C20261207-0000000404:money-sent:1")).toBe(0);
  });

  it("lists staff messages by role and township; a staff read mark is one user's", async () => {
    const inTownship = staffMessage(
      "990031",
      "C20261207-0000000301",
      "990031101",
      "2026-12-07T04:00:00.000Z",
    );
    const otherTownship = staffMessage(
      "990031",
      "C20261207-0000000302",
      "990031202",
      "2026-12-07T04:30:00.000Z",
    );
    await store.record(inTownship);
    await store.record(otherTownship);
    const box = await store.box(staffBoxOf("990031", "township-approver", "990031101"), 20);
    expect(box.messages.map((m) => m.messageId)).toEqual([inTownship.messageId]);
    expect((await store.box(staffBoxOf("990031", "township-officer", "990031101"), 20)).messages).toEqual([]);
    expect((await store.box(staffBoxOf("990032", "township-approver", "990031101"), 20)).messages).toEqual(
      [],
    );

    await store.markStaffRead("approver-1", inTownship, new Date("2026-12-07T05:00:00.000Z"));
    await store.markStaffRead("approver-1", inTownship, new Date("2026-12-07T06:00:00.000Z"));
    const mine = await store.staffReadMarks("990031", "approver-1", box.messages);
    expect([...mine.entries()]).toEqual([[inTownship.messageId, "2026-12-07T05:00:00.000Z"]]);
    expect((await store.staffReadMarks("990031", "approver-2", box.messages)).size).toBe(0);
    // The message itself carries no read mark: the role's other users still see it unread.
    expect((await store.get("990031", inTownship.messageId))?.readAt).toBeUndefined();
  });

  it("stores and reads a county's message settings", async () => {
    expect(await store.countySettings("990041")).toBeUndefined();
    await store.putCountySettings(
      {
        countyId: "990041",
        templates: { templates: { "withdrawal-confirmed": "{salutation}，申请{caseNumber}已撤回。" } },
        updatedAt: "2026-12-07T00:00:00.000Z",
        updatedBy: "admin-1",
      },
      undefined,
    );
    const settings = await store.countySettings("990041");
    expect(settings?.templates?.templates["withdrawal-confirmed"]).toBe(
      "{salutation}，申请{caseNumber}已撤回。",
    );
    expect(await store.countySettings("990042")).toBeUndefined();
  });
});

describe("a message's rendering as stored", () => {
  it("Compliance: the item keeps the text, signature and placeholder order; the message read back is the whole rendering, as renderMessage made it", async () => {
    const own = {
      ...DEFAULT_TEMPLATES,
      "task-assigned": "{township}{task}待办：案件{caseNumber}，{deadline}前处理。",
    };
    const messages = [
      applicantMessage("990051", "C20261207-0000000501", "user-r", "2026-12-07T01:00:00.000Z"),
      staffMessage("990051", "C20261207-0000000502", "230123100", "2026-12-07T01:01:00.000Z"),
      {
        ...staffMessage("990051", "C20261207-0000000503", "230123100", "2026-12-07T01:02:00.000Z"),
        // A county's own text with its own placeholder order, and its own signature.
        rendered: renderMessage(staffMessage("990051", "C20261207-0000000503", "230123100", "").event, {
          templates: own,
          signName: "某县民政",
        }),
      },
    ];
    for (const message of messages) {
      expect(await store.record(message)).toBe(true);
      const item = (
        await db.send(
          new QueryCommand({
            TableName: table,
            KeyConditionExpression: "pk = :pk",
            ExpressionAttributeValues: { ":pk": `MSG#990051#${message.messageId}` },
          }),
        )
      ).Items?.[0];
      expect(Object.keys(item?.rendered ?? {}).sort()).toEqual(["paramOrder", "signName", "text"]);
      expect((await store.get("990051", message.messageId))?.rendered).toEqual(message.rendered);
    }
  });

  it("reads a message stored with its whole rendering (before the compact form) as it was stored", async () => {
    const message = applicantMessage("990052", "C20261207-0000000504", "user-s", "2026-12-07T01:00:00.000Z");
    await db.send(
      new PutCommand({
        TableName: table,
        Item: { pk: `MSG#990052#${message.messageId}`, sk: "MSG", type: "message", ...message },
      }),
    );
    expect((await store.get("990052", message.messageId))?.rendered).toEqual(message.rendered);
  });
});
