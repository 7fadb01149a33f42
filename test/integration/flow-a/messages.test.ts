/**
 * Messages at each step of Flow A (issue 24), on the real ASL and DynamoDB Local: an applicant files,
 * is approved and paid while the payment step is retried (the bank holds its answer past the
 * client's timeout, the state machine runs the step again) and the bank's callback is delivered
 * twice. The applicant's inbox then has application-received, advance-approved and money-sent
 * exactly once each (and paperwork-due once the paperwork wait opens), and the SMS simulator got the
 * same four texts once each on the phone given at filing; running the steps again —
 * the poll of the payment status, the paperwork plan, the repeated decision — writes nothing new.
 * Staff hear of their new tasks in their role's box; the inbox API keeps applicants, roles and
 * counties apart and answers 404 for a message not addressed to the caller.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StoredMessage } from "#adapters/message-store.ts";
import { FULL_ACCOUNT_PATTERN, ID_NUMBER_PATTERN, MOBILE_PATTERN } from "#core/messages/index.ts";
import { pollPaymentStatus } from "#functions/handlers/bank-callback.ts";
import { derivedLocalKey } from "#functions/runtime/field-encryption.ts";
import { planPaperwork } from "#functions/services/flow-a/steps.ts";
import { sendDeadlineReminders } from "#functions/services/messages/reminders.ts";
import { startLocalSms } from "#local/sms-simulator/service.ts";
import { type FlowAWorld, filing, IDENTITY_HASH_KEY, key, startFlowAWorld } from "./world.ts";

const ACCOUNT = "6217000012345678";
const COUNTY = "230123";
/** The world's payee hash secret: the local field key derives from it (services/deps.ts). */
const PAYEE_HASH_SECRET = "flow-a-payee-hash-secret-00000001";

let world: FlowAWorld;

beforeAll(async () => {
  world = await startFlowAWorld({
    label: "fa-messages",
    // The bank answers an instruction after 1.5 s; the client gives up after 0.3 s (BankTimeoutError).
    env: { AIDFLOW_BANK_TIMEOUT_MS: "300" },
    knobs: { duplicateCallbackAccounts: [ACCOUNT] },
  });
});

afterAll(async () => {
  await world?.close();
});

function kindsOf(messages: StoredMessage[]): string[] {
  return messages.map((m) => m.event.kind).sort();
}

interface InboxBody {
  items: { messageId: string; caseId?: string; event: string; text: string; read: boolean }[];
  nextCursor?: string;
  unread: number;
}

describe("Flow A messages", () => {
  let caseId = "";

  it("tells the applicant each step once, even with the payment step retried and the callback delivered twice", async () => {
    const applicant = await world.signIn("applicant-zhang");
    const approver = await world.signIn("approver-chengguan");
    const filed = await applicant.post<{ caseId: string }>("/cases", filing(), key("msg-file"));
    expect(filed.status, filed.text).toBe(201);
    caseId = filed.body.caseId;
    await world.openTask(caseId, "advance-decision");
    // A minute between the steps, so the inbox's order (newest first) is the steps' order.
    await world.clock.advanceBy(60_000);

    world.bank.simulator.setKnobs({ responseDelayMs: 1_500 });
    const approved = await approver.post(
      `/cases/${caseId}/advance-decision`,
      { decision: "approve", amountYuan: "800.00" },
      key("msg-approve"),
    );
    expect(approved.status, approved.text).toBe(200);
    // The first run of the payment step times out at the client and fails; the state machine retries it.
    await world.eventually(
      async () =>
        (await world.history(caseId)).some(
          (e) => e.type === "LambdaFunctionFailed" || e.type === "TaskFailed",
        ),
      "the payment step failing on the bank's slow answer",
    );
    world.bank.simulator.setKnobs({ responseDelayMs: 0 });
    // On the manual clock a retry follows at once: the step runs again (a third task scheduled).
    await world.eventually(
      async () => (await world.history(caseId)).filter((e) => e.type === "TaskScheduled").length >= 3,
      "the payment step run again",
    );
    await world.clock.advanceBy(60_000);
    await world.settleBank(caseId);
    await world.openTask(caseId, "paperwork");

    // Steps run again: the decision repeated, the poll of the settled payment, the paperwork plan.
    const repeated = await approver.post(
      `/cases/${caseId}/advance-decision`,
      { decision: "approve", amountYuan: "800.00" },
      key("msg-approve"),
    );
    // The wait is over: the repeat is refused (409) and changes nothing.
    expect(repeated.status, repeated.text).toBe(409);
    await pollPaymentStatus({ obligationId: `${caseId}.advance` });
    await planPaperwork(world.deps, caseId);

    const applicantMessages = (await world.deps.messages.forCase(COUNTY, caseId)).filter(
      (m) => m.recipient.kind === "applicant",
    );
    expect(kindsOf(applicantMessages)).toEqual([
      "advance-approved",
      "application-received",
      "money-sent",
      "paperwork-due",
    ]);
    const moneySent = applicantMessages.find((m) => m.event.kind === "money-sent");
    expect(moneySent?.rendered.text).toContain("800.00元");
    expect(moneySent?.rendered.text).toContain("尾号5678");
    for (const message of applicantMessages) {
      expect(message.rendered.text).not.toMatch(ID_NUMBER_PATTERN);
      expect(message.rendered.text).not.toMatch(FULL_ACCOUNT_PATTERN);
      expect(message.rendered.text).not.toMatch(MOBILE_PATTERN);
      expect(message.rendered.text).not.toContain("张伟");
    }

    // The same messages reach the applicant's phone, recorded at filing, through the SMS simulator: once each.
    const sms = await startLocalSms({
      dynamo: world.runtime.dynamo,
      tables: { main: world.runtime.tables.main },
      clock: world.clock,
      hashKey: IDENTITY_HASH_KEY,
      fieldKey: { kind: "local", key: derivedLocalKey(PAYEE_HASH_SECRET) },
      pollMs: 0,
      knobs: { delayScale: 0 },
    });
    try {
      await sms.poll();
      // Four texts to one number: the fourth waits an hour (at most 3 an hour, core/messages/delivery.ts).
      await world.clock.advanceBy(3_600_000);
      await sms.poll();
      await sms.poll();
      const texts = sms.simulator
        .messages()
        .filter((m) => m.request.phoneNumber.endsWith("13812345678"))
        .map((m) => m.request.event)
        .sort();
      expect(texts).toEqual(["advance-approved", "application-received", "money-sent", "paperwork-due"]);
    } finally {
      await sms.stop();
    }
  });

  it("lists the applicant's messages newest first, counts and marks them read, idempotently", async () => {
    const applicant = await world.signIn("applicant-zhang");
    const inbox = await applicant.get<InboxBody>("/inbox");
    expect(inbox.status, inbox.text).toBe(200);
    expect(inbox.body.items.map((m) => m.event)).toEqual([
      "paperwork-due",
      "money-sent",
      "advance-approved",
      "application-received",
    ]);
    expect(inbox.body.unread).toBe(4);
    expect(JSON.stringify(inbox.body)).not.toContain("applicant-zhang");

    const first = inbox.body.items[0]?.messageId as string;
    const read = await applicant.post<{ read: boolean }>(`/inbox/${encodeURIComponent(first)}/read`, {});
    expect(read.status, read.text).toBe(200);
    expect(read.body.read).toBe(true);
    const again = await applicant.post<{ read: boolean }>(`/inbox/${encodeURIComponent(first)}/read`, {});
    expect(again.status).toBe(200);
    expect((await applicant.get<{ unread: number }>("/inbox/unread")).body.unread).toBe(3);

    const page = await applicant.get<InboxBody>("/inbox?limit=3");
    expect(page.body.items).toHaveLength(3);
    const rest = await applicant.get<InboxBody>(`/inbox?limit=3&cursor=${page.body.nextCursor}`);
    expect(rest.body.items.map((m) => m.event)).toEqual(["application-received"]);
  });

  it("keeps other applicants, other roles and other counties out: 404, never 403", async () => {
    const other = await world.signIn("applicant-li");
    const officer = await world.signIn("officer-chengguan-1");
    const approver = await world.signIn("approver-chengguan");
    const otherTownship = await world.signIn("approver-hedong");
    const applicantMessage = `${caseId}:money-sent:${caseId}.advance-a1`;

    const othersInbox = await other.get<InboxBody>("/inbox");
    expect(othersInbox.body.items.filter((m) => m.caseId === caseId)).toEqual([]);
    expect((await other.post(`/inbox/${encodeURIComponent(applicantMessage)}/read`, {})).status).toBe(404);
    expect((await officer.post(`/inbox/${encodeURIComponent(applicantMessage)}/read`, {})).status).toBe(404);
    expect((await approver.post("/inbox/C20260302-0000000000:money-sent:x/read", {})).status).toBe(404);
    const stored = await world.deps.messages.get(COUNTY, applicantMessage);
    expect(stored?.readAt).toBeUndefined();

    // Staff: the approver's box has the advance decision task; the officer's the paperwork; 河东 none of them.
    const approverInbox = await approver.get<InboxBody>("/inbox");
    const mine = approverInbox.body.items.filter((m) => m.caseId === caseId);
    expect(mine.map((m) => m.event)).toEqual(["task-assigned"]);
    expect(mine[0]?.text).toContain("先行救助审批");
    const officerInbox = await officer.get<InboxBody>("/inbox");
    expect(officerInbox.body.items.filter((m) => m.caseId === caseId).map((m) => m.text)).toEqual([
      expect.stringContaining("补齐手续"),
    ]);
    expect(
      (await otherTownship.get<InboxBody>("/inbox")).body.items.filter((m) => m.caseId === caseId),
    ).toEqual([]);
    const staffMessage = mine[0]?.messageId as string;
    expect((await otherTownship.post(`/inbox/${encodeURIComponent(staffMessage)}/read`, {})).status).toBe(
      404,
    );
    expect((await other.post(`/inbox/${encodeURIComponent(staffMessage)}/read`, {})).status).toBe(404);

    // A staff read mark is the user's own.
    const before = (await approver.get<{ unread: number }>("/inbox/unread")).body.unread;
    expect((await approver.post(`/inbox/${encodeURIComponent(staffMessage)}/read`, {})).status).toBe(200);
    expect((await approver.get<{ unread: number }>("/inbox/unread")).body.unread).toBe(before - 1);
    expect((await world.deps.messages.get(COUNTY, staffMessage))?.readAt).toBeUndefined();
  });

  it("reminds one working day before the paperwork deadline, the applicant and the officers, once however often the scan runs", async () => {
    const paperwork = await world.deps.tasks.current(caseId, "paperwork");
    const dueAt = Date.parse(paperwork?.dueAt ?? "");
    expect(Number.isFinite(dueAt)).toBe(true);
    const reminders = async () =>
      (await world.deps.messages.forCase(COUNTY, caseId)).filter(
        (m) => m.event.kind === "paperwork-reminder" || m.event.kind === "task-near-deadline",
      );

    // Days before the deadline: nothing is due yet.
    expect((await sendDeadlineReminders(world.deps, COUNTY)).due).toBe(0);
    expect(await reminders()).toEqual([]);

    // Within one working day of it: the reminders, once each, also when the scan runs again.
    await world.clock.advanceBy(dueAt - world.clock.nowMs() - 20 * 3_600_000);
    expect((await sendDeadlineReminders(world.deps, COUNTY)).due).toBeGreaterThanOrEqual(1);
    await sendDeadlineReminders(world.deps, COUNTY);
    const sent = await reminders();
    expect(kindsOf(sent)).toEqual(["paperwork-reminder", "task-near-deadline"]);
    const toApplicant = sent.find((m) => m.event.kind === "paperwork-reminder");
    expect(toApplicant?.recipient).toEqual({ kind: "applicant", caseId });
    expect(toApplicant?.rendered.text).toContain("补齐材料的最后一天");
    const toOfficers = sent.find((m) => m.event.kind === "task-near-deadline");
    expect(toOfficers?.recipient).toEqual({
      kind: "staff",
      countyId: COUNTY,
      townshipId: "230123100",
      role: "township-officer",
    });
  });
});
