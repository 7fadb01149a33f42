/**
 * Turning SMS back on (恢复短信), on the real ASL and DynamoDB Local with the SMS simulator: the
 * applicant who opted out in 掌上办 turns SMS back on — twins lift the opt-out once and write one audit
 * event, a repeat writes nothing — and the next message is texted again while the one sent during the
 * opt-out stays unsent; a township officer does it for an applicant after a phone call, with what the
 * applicant said. Refusals (no note from an officer, another township, a role that never may, another
 * applicant) write nothing.
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
  world = await startFlowAWorld({ label: "sms-opt-in" });
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

interface Contact {
  phoneMasked: string | null;
  optedOut: { at: string; via: string; viaZh: string } | null;
  optedIn: { at: string; via: string; viaZh: string } | null;
}

interface CaseMessages {
  contact: Contact;
  messages: { event: string; sms: { status: string; reason: string | null; statusZh: string } }[];
}

function textsTo(phone: string): string[] {
  return sms.simulator
    .messages()
    .filter((m) => m.request.phoneNumber.endsWith(phone))
    .map((m) => m.request.event)
    .sort();
}

async function trail(caseId: string, action: string) {
  const store = new AuditStore({
    client: DynamoDBDocumentClient.from(world.runtime.dynamo),
    tableName: world.runtime.tables.main,
  });
  return (await store.listForResource("case", caseId, 100)).filter((e) => e.action === action);
}

describe("SMS turned back on", () => {
  it("the applicant turns SMS back on in 掌上办: twins lift the opt-out once, later messages are texted", async () => {
    // Prepare: the applicant files and opts out before any SMS went
    const applicant = await world.signIn("applicant-zhang");
    const approver = await world.signIn("approver-chengguan");
    const phone = "13812340011";
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
      key("opt-in-self"),
    );
    expect(filed.status, filed.text).toBe(201);
    const caseId = filed.body.caseId;
    const out = await applicant.post<Contact>(`/cases/${caseId}/sms-opt-out`, {});
    expect(out.status, out.text).toBe(200);
    await sms.poll();
    expect(textsTo(phone)).toEqual([]);

    // Act: three identical requests to turn SMS back on at once, then a repeat
    await world.clock.advanceBy(60_000);
    const twins = await Promise.all(
      [1, 2, 3].map(() => applicant.post<Contact>(`/cases/${caseId}/sms-opt-in`, {})),
    );
    const repeat = await applicant.post<Contact>(`/cases/${caseId}/sms-opt-in`, {});

    // Assess: every answer shows the number texted again; one audit event
    for (const answer of [...twins, repeat]) {
      expect(answer.status, answer.text).toBe(200);
      expect(answer.body).toMatchObject({
        phoneMasked: "138****0011",
        optedOut: null,
        optedIn: { via: "applicant", viaZh: "本人在掌上办恢复" },
      });
    }
    expect(new Set([...twins, repeat].map((a) => a.body.optedIn?.at)).size).toBe(1);
    const events = await trail(caseId, "sms.optIn");
    expect(events).toHaveLength(1);
    expect(events[0]?.reason).toBe("applicant turned SMS back on in 掌上办");
    expect(events[0]?.actor.userId).toBe("applicant-zhang");

    // Act: the case goes on — the advance is approved
    const approved = await approver.post(
      `/cases/${caseId}/advance-decision`,
      { decision: "approve", amountYuan: "800.00" },
      key("opt-in-approve"),
    );
    expect(approved.status, approved.text).toBe(200);
    await world.eventually(
      async () =>
        (await world.deps.messages.forCase("230123", caseId)).some(
          (m) => m.event.kind === "advance-approved",
        ),
      "the advance-approved message",
    );
    await sms.poll();

    // Assess: the approval is texted; the message of the opt-out stays unsent
    expect(textsTo(phone)).toEqual(["advance-approved"]);
    const view = await applicant.get<CaseMessages>(`/cases/${caseId}/messages`);
    expect(view.status, view.text).toBe(200);
    const byEvent = new Map(view.body.messages.map((m) => [m.event, m.sms]));
    expect(byEvent.get("application-received")?.reason).toBe("opted-out");
    expect(byEvent.get("advance-approved")?.status).toMatch(/^(sent|delivered)$/);
    expect(JSON.stringify(view.body)).not.toContain(phone);
  });

  it("an officer turns SMS back on after a phone call; refusals write nothing", async () => {
    // Prepare: a case filed on the applicant's behalf, opted out by the officer
    const officer = await world.signIn("officer-chengguan-1");
    const phone = "13812340012";
    const caseId = await fileAndWait(
      world,
      officer,
      filing({
        onBehalf: { reason: "found-by-staff" },
        applicant: {
          name: "王秀英",
          document: { type: "resident-id", number: "230123196203154027" },
          phone,
          registration: { countyCode: "230123" },
        },
        bankAccount: { holderName: "王秀英", bankName: "农村信用社", account: "6217000012340012" },
      }),
    );
    const out = await officer.post(`/cases/${caseId}/sms-opt-out`, { note: "电话中本人要求不再发短信" });
    expect(out.status, out.text).toBe(200);

    // Act: refused — no note, another township's officer, a role that never may, another applicant
    const noNote = await officer.post(`/cases/${caseId}/sms-opt-in`, {});
    const elsewhere = await (await world.signIn("officer-hedong-1")).post(`/cases/${caseId}/sms-opt-in`, {
      note: "本人来电要求恢复短信",
    });
    const county = await (await world.signIn("county-civil-1")).post(`/cases/${caseId}/sms-opt-in`, {
      note: "本人来电要求恢复短信",
    });
    const other = await (await world.signIn("applicant-li")).post(`/cases/${caseId}/sms-opt-in`, {});

    // Assess: 400 with the field, 403s, still opted out, nothing audited
    expect(noNote.status).toBe(400);
    expect(JSON.stringify(noNote.body)).toContain("代为恢复短信须填写申请人的意见");
    expect([elsewhere.status, county.status, other.status]).toEqual([403, 403, 403]);
    const still = await officer.get<CaseMessages>(`/cases/${caseId}/messages`);
    expect(still.body.contact.optedOut?.via).toBe("township");
    expect(await trail(caseId, "sms.optIn")).toEqual([]);

    // Act: recorded with the applicant's words
    await world.clock.advanceBy(60_000);
    const back = await officer.post<Contact>(`/cases/${caseId}/sms-opt-in`, { note: "本人来电要求恢复短信" });

    // Assess
    expect(back.status, back.text).toBe(200);
    expect(back.body).toMatchObject({
      optedOut: null,
      optedIn: { via: "township", viaZh: "乡镇经办人代为恢复（电话）" },
    });
    const events = await trail(caseId, "sms.optIn");
    expect(events.map((e) => [e.reason, e.actor.userId])).toEqual([
      ["本人来电要求恢复短信", "officer-chengguan-1"],
    ]);
    // Opting out again records a new opt-out, audited as the first.
    const again = await officer.post<Contact>(`/cases/${caseId}/sms-opt-out`, { note: "再次要求停发" });
    expect(again.body.optedOut?.via).toBe("township");
    expect(again.body.optedIn).toBeNull();
    expect(await trail(caseId, "sms.optOut")).toHaveLength(2);
  });
});
