/**
 * The SMS opt-out (issue 24), on the real ASL and DynamoDB Local with the SMS simulator: a township
 * officer records an applicant's opt-out taken on the phone (audited, with what was said); the
 * dispatcher sends that number nothing from then on, the inbox still gets every message, and the
 * case shows each later message as 已退订. The applicant can opt out in 掌上办 too. A refused
 * opt-out — no note from an officer, another township, a case without a phone — writes nothing.
 */
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AuditStore } from "#adapters/audit-store.ts";
import { derivedLocalKey } from "#functions/runtime/field-encryption.ts";
import { type LocalSms, startLocalSms } from "#local/sms-simulator/service.ts";
import {
  type FlowAWorld,
  fileAndWait,
  filing,
  IDENTITY_HASH_KEY,
  key,
  startFlowAWorld,
} from "../flow-a/world.ts";

/** The world's payee hash secret: the local field key derives from it (services/deps.ts). */
const PAYEE_HASH_SECRET = "flow-a-payee-hash-secret-00000001";

let world: FlowAWorld;
let sms: LocalSms;

beforeAll(async () => {
  world = await startFlowAWorld({ label: "sms-opt-out" });
  sms = await startLocalSms({
    dynamo: world.runtime.dynamo,
    tables: { main: world.runtime.tables.main },
    clock: world.clock,
    hashKey: IDENTITY_HASH_KEY,
    fieldKey: { kind: "local", key: derivedLocalKey(PAYEE_HASH_SECRET) },
    pollMs: 0,
    knobs: { delayScale: 0 },
  });
});

afterAll(async () => {
  await sms?.stop();
  await world?.close();
});

interface CaseMessages {
  contact: {
    smsUnreachable: boolean;
    phoneMasked: string | null;
    optedOut: { at: string; via: string; viaZh: string } | null;
  };
  messages: {
    messageId: string;
    event: string;
    text: string;
    sms: { status: string; reason: string | null; statusZh: string };
  }[];
}

function textsTo(phone: string): string[] {
  return sms.simulator
    .messages()
    .filter((m) => m.request.phoneNumber.endsWith(phone))
    .map((m) => m.request.event)
    .sort();
}

function auditStore(): AuditStore {
  return new AuditStore({
    client: DynamoDBDocumentClient.from(world.runtime.dynamo),
    tableName: world.runtime.tables.main,
  });
}

describe("SMS opt-out", () => {
  it("an officer records an opt-out taken on the phone: no more SMS, the inbox and the case say so", async () => {
    // Prepare: a case texted on 13812340001; its first message is sent
    const officer = await world.signIn("officer-chengguan-1");
    const approver = await world.signIn("approver-chengguan");
    const phone = "13812340001";
    const caseId = await fileAndWait(
      world,
      officer,
      filing({
        onBehalf: { reason: "found-by-staff" },
        applicant: {
          name: "刘建华",
          document: { type: "resident-id", number: "230123197905123019" },
          phone,
          registration: { countyCode: "230123" },
        },
        bankAccount: { holderName: "刘建华", bankName: "农村信用社", account: "6217000012340001" },
      }),
    );
    await sms.poll();
    expect(textsTo(phone)).toEqual(["application-received"]);

    // Act: refused first — no note, another township's officer — then recorded
    const noNote = await officer.post(`/cases/${caseId}/sms-opt-out`, {});
    expect(noNote.status).toBe(400);
    expect(JSON.stringify(noNote.body)).toContain("note");
    const elsewhere = await world.signIn("officer-hedong-1");
    expect(
      (await elsewhere.post(`/cases/${caseId}/sms-opt-out`, { note: "电话中本人要求不再发短信" })).status,
    ).toBe(403);
    expect(
      (await auditStore().listForResource("case", caseId, 100)).filter((e) => e.action === "sms.optOut"),
    ).toEqual([]);
    const recorded = await officer.post<CaseMessages["contact"]>(`/cases/${caseId}/sms-opt-out`, {
      note: "电话中本人要求不再发短信",
    });
    expect(recorded.status, recorded.text).toBe(200);
    expect(recorded.body).toMatchObject({
      phoneMasked: "138****0001",
      optedOut: { via: "township", viaZh: "乡镇经办人代为登记（电话）" },
    });
    const repeat = await officer.post<CaseMessages["contact"]>(`/cases/${caseId}/sms-opt-out`, {
      note: "再次来电",
    });
    expect(repeat.body.optedOut?.at).toBe(recorded.body.optedOut?.at);

    // Act: the case goes on — approved and paid
    await world.clock.advanceBy(60_000);
    const approved = await approver.post(
      `/cases/${caseId}/advance-decision`,
      { decision: "approve", amountYuan: "800.00" },
      key("opt-out-approve"),
    );
    expect(approved.status, approved.text).toBe(200);
    await world.settleBank(caseId);
    await world.eventually(
      async () =>
        (await world.deps.messages.forCase("230123", caseId)).some((m) => m.event.kind === "money-sent"),
      "the money-sent message",
    );
    await sms.poll();
    await world.clock.advanceBy(3_600_000);
    await sms.poll();

    // Assess: no SMS after the opt-out; the case lists every message, the later ones as opted out
    expect(textsTo(phone)).toEqual(["application-received"]);
    const view = await officer.get<CaseMessages>(`/cases/${caseId}/messages`);
    expect(view.status, view.text).toBe(200);
    const byEvent = new Map(view.body.messages.map((m) => [m.event, m.sms]));
    expect(byEvent.get("application-received")?.status).toMatch(/^(sent|delivered)$/);
    for (const event of ["advance-approved", "money-sent"]) {
      expect(byEvent.get(event)).toEqual({
        status: "suppressed",
        reason: "opted-out",
        statusZh: "已退订短信，仅站内消息",
      });
    }
    expect(view.body.contact.optedOut?.via).toBe("township");
    expect(JSON.stringify(view.body)).not.toContain(phone);
    // Audited once, with the applicant's words
    const trail = (await auditStore().listForResource("case", caseId, 100)).filter(
      (e) => e.action === "sms.optOut",
    );
    expect(trail).toHaveLength(1);
    expect(trail[0]?.reason).toBe("电话中本人要求不再发短信");
    expect(trail[0]?.actor.userId).toBe("officer-chengguan-1");
  });

  it("the applicant opts out in 掌上办; the inbox still gets the messages", async () => {
    // Prepare
    const applicant = await world.signIn("applicant-zhang");
    const phone = "13812340002";
    const filed = await applicant.post<{ caseId: string }>(
      "/cases",
      filing({
        applicant: {
          name: "张伟",
          document: { type: "resident-id", number: "230123198001011238" },
          phone,
          registration: { countyCode: "230123" },
        },
      }),
      key("opt-out-self"),
    );
    expect(filed.status, filed.text).toBe(201);
    const caseId = filed.body.caseId;

    // Act: opted out before any SMS went
    const out = await applicant.post<CaseMessages["contact"]>(`/cases/${caseId}/sms-opt-out`, {});
    expect(out.status, out.text).toBe(200);
    expect(out.body.optedOut).toMatchObject({ via: "applicant", viaZh: "本人在掌上办退订" });
    await sms.poll();

    // Assess: no SMS; the message is in the inbox and shown opted out on the case
    expect(textsTo(phone)).toEqual([]);
    const inbox = await applicant.get<{ items: { caseId?: string; event: string }[] }>("/inbox");
    expect(inbox.body.items.filter((m) => m.caseId === caseId).map((m) => m.event)).toEqual([
      "application-received",
    ]);
    const view = await applicant.get<CaseMessages>(`/cases/${caseId}/messages`);
    expect(view.body.messages.map((m) => [m.event, m.sms.reason])).toEqual([
      ["application-received", "opted-out"],
    ]);
    const trail = (await auditStore().listForResource("case", caseId, 100)).filter(
      (e) => e.action === "sms.optOut",
    );
    expect(trail.map((e) => e.reason)).toEqual(["applicant opted out in 掌上办"]);
    // Another applicant may neither opt out nor read this case's messages.
    const other = await world.signIn("applicant-li");
    expect((await other.post(`/cases/${caseId}/sms-opt-out`, {})).status).toBe(403);
    expect((await other.get(`/cases/${caseId}/messages`)).status).toBe(403);
  });

  it("refuses a case without a phone (422) and writes nothing", async () => {
    const officer = await world.signIn("officer-chengguan-1");
    const caseId = await fileAndWait(
      world,
      officer,
      filing({
        onBehalf: { reason: "found-by-staff" },
        applicant: {
          name: "陈玉兰",
          document: { type: "resident-id", number: "230123198508174028" },
          registration: { countyCode: "230123" },
        },
        bankAccount: { holderName: "陈玉兰", bankName: "农村信用社", account: "6217000012340003" },
      }),
    );
    const refused = await officer.post(`/cases/${caseId}/sms-opt-out`, { note: "本人要求不发短信" });
    expect(refused.status, refused.text).toBe(422);
    expect((refused.body as { messageZh?: string }).messageZh).toBe("本案件未登记手机号，无需退订短信");
    expect(
      (await auditStore().listForResource("case", caseId, 100)).filter((e) => e.action === "sms.optOut"),
    ).toEqual([]);
  });
});
