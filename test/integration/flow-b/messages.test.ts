/**
 * Messages of Flow B (issue 24), on the real ASL and DynamoDB Local: a staged filing tells the
 * applicant the application is received and by when the assessment answers (the date the
 * assessment task is due), once even when the filing is sent again; the 公示 tells them from when to
 * when, once per notice round even when the notice step runs again, and a second round after an
 * objection is a message of its own.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StoredMessage } from "#adapters/message-store.ts";
import { localDateOf } from "#core/calendar/localDate.ts";
import { FULL_ACCOUNT_PATTERN, ID_NUMBER_PATTERN, MOBILE_PATTERN, salutation } from "#core/messages/index.ts";
import { openFlowBTask } from "#functions/services/flow-b/tasks.ts";
import { assessmentBody, DAY_MS, type FlowBWorld, stagedFiling, startFlowBWorld } from "./world.ts";

let world: FlowBWorld;
const COUNTY = "230123";

beforeAll(async () => {
  world = await startFlowBWorld({ label: "fb-messages" });
});

afterAll(async () => {
  await world?.close();
});

async function messagesOf(caseId: string, kind: string): Promise<StoredMessage[]> {
  return (await world.deps.messages.forCase(COUNTY, caseId)).filter((m) => m.event.kind === kind);
}

/** 2026-03-12 → 3月12日, as the date variables render. */
function monthDay(date: string): string {
  const [, month, day] = date.split("-");
  return `${Number(month)}月${Number(day)}日`;
}

describe("Flow B messages", () => {
  it("tells the applicant the application is received (once) and each 公示 round (once each)", async () => {
    // Prepare
    const officer = await world.signIn("officer-xinhua-1");
    const body = stagedFiling({
      applicant: {
        name: "赵春梅",
        document: { type: "resident-id", number: "230123198203041224" },
        phone: "13912345601",
        registration: { countyCode: "230123" },
      },
      bankAccount: { holderName: "赵春梅", bankName: "农村信用社", account: "6217000055550001" },
    });

    // Act: filed, and the same filing sent again
    const filed = await officer.post<{ caseId: string }>("/plans", body, { idempotencyKey: "fb-msg-file" });
    expect(filed.status, filed.text).toBe(201);
    const caseId = filed.body.caseId;
    const again = await officer.post<{ caseId: string }>("/plans", body, { idempotencyKey: "fb-msg-file" });
    expect(again.body.caseId).toBe(caseId);
    const assessment = await world.openTask(caseId, "assessment");

    // Assess: one received message, answering by the day the assessment is due
    const received = await messagesOf(caseId, "application-received");
    expect(received).toHaveLength(1);
    expect(assessment.dueAt).toBeDefined();
    // The wait's timeout is whole seconds up to the end of the last working day: its due time is
    // that day's end, rounded up to the next midnight; the day the applicant is told is the day before it.
    const decideBy = localDateOf(Date.parse(assessment.dueAt as string) - 1000);
    expect(received[0]?.event.values).toMatchObject({ caseNumber: caseId, decideBy });
    expect(received[0]?.rendered.text).toContain(`${monthDay(decideBy)}前告知审核结果`);
    expect(received[0]?.rendered.text.startsWith(`${salutation("赵春梅")}，`)).toBe(true);

    // Act: assessed, the notice opens; the notice step runs again with the same token
    expect((await officer.post(`/plans/${caseId}/assessment`, assessmentBody())).status).toBe(200);
    const noticeTask = await world.openTask(caseId, "public-notice");
    const noticeStart = world.clock.nowMs();
    const token = await world.deps.tasks.tokenOf(caseId, noticeTask.taskId);
    expect(token).toBeDefined();
    await openFlowBTask(world.deps, {
      taskToken: token as string,
      caseId,
      correlationId: noticeTask.correlationId ?? "fb-msg-retry",
      taskType: "public-notice",
    });

    // Assess: one notice message, from today to the notice's end
    const plan = (await world.deps.cases.get(caseId)) as unknown as {
      plan: { notice: { round: number; endsAt: string } };
    };
    expect(plan.plan.notice.round).toBe(1);
    const noticed = await messagesOf(caseId, "public-notice");
    expect(noticed).toHaveLength(1);
    const noticeFrom = localDateOf(noticeStart);
    const noticeTo = localDateOf(Date.parse(plan.plan.notice.endsAt));
    expect(noticed[0]?.event.values).toMatchObject({ noticeFrom, noticeTo });
    expect(noticed[0]?.rendered.text).toContain(`于${monthDay(noticeFrom)}至${monthDay(noticeTo)}在`);
    expect(noticed[0]?.rendered.text).toContain("公示");

    // Act: an objection sends the plan back; re-assessed with the finding, noticed again
    await world.clock.advanceBy(2 * DAY_MS);
    const objection = await officer.post(`/plans/${caseId}/objections`, {
      receivedOn: localDateOf(world.clock.nowMs()),
      grounds: "群众反映其家庭收入未如实申报",
      objector: "村民（实名）",
    });
    expect(objection.status).toBe(200);
    await world.openTask(caseId, "assessment");
    const reassessed = await officer.post(
      `/plans/${caseId}/assessment`,
      assessmentBody({ objectionResponse: "核实：家庭收入已如实申报，异议不成立" }),
    );
    expect(reassessed.status, reassessed.text).toBe(200);
    await world.openTask(caseId, "public-notice");

    // Assess: a second notice message for round 2; the first unchanged; no personal data in any
    const rounds = await world.eventually(async () => {
      const all = await messagesOf(caseId, "public-notice");
      return all.length === 2 ? all : undefined;
    }, "the second notice message");
    expect(rounds.map((m) => m.messageId).sort()).toEqual([
      `${caseId}:public-notice:round-1`,
      `${caseId}:public-notice:round-2`,
    ]);
    for (const message of await world.deps.messages.forCase(COUNTY, caseId)) {
      expect(message.rendered.signedText).not.toMatch(ID_NUMBER_PATTERN);
      expect(message.rendered.signedText).not.toMatch(FULL_ACCOUNT_PATTERN);
      expect(message.rendered.signedText).not.toMatch(MOBILE_PATTERN);
      expect(message.rendered.signedText).not.toContain("赵春梅");
      expect(message.rendered.chars).toBeLessThanOrEqual(140);
    }
  });
});
