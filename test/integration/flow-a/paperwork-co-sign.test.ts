/**
 * The paperwork's investigators (DOMAIN §3.4, §7) over HTTP on the local runtime: only active
 * officers of the case's township, distinct, never the applicant nor the approver who decided the
 * advance, visits between the filing and today — refused field by field, writing nothing. The second
 * officer confirms with their OWN sign-in, from their own work queue; only then is the paperwork
 * decided and the flow resumed.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AuditStore } from "#adapters/audit-store.ts";
import type { Actor } from "#core/access/index.ts";
import { coSignPaperwork, startCoSignature } from "#functions/services/flow-a/co-signature.ts";
import type { FlowDeps } from "#functions/services/ports.ts";
import { DEMO_USERS } from "#local/seed/users.ts";
import type { ApiClient } from "#test/e2e/support/api.ts";
import {
  approveAndPay,
  type FlowAWorld,
  fileAndWait,
  filing,
  key,
  paperworkBody,
  startFlowAWorld,
} from "./world.ts";

let world: FlowAWorld;
let applicant: ApiClient;
let approver: ApiClient;
let officer1: ApiClient;
let officer2: ApiClient;
let audit: AuditStore;

const RETIRED = "officer-chengguan-retired";

/** A township officer of the case's township as the API signs them in. */
function officerActor(userId: string): Actor {
  const user = DEMO_USERS.find((u) => u.userId === userId);
  return {
    userId,
    name: user?.name ?? userId,
    roles: ["township-officer"],
    countyId: "230123",
    townshipId: "230123100",
  };
}
const OFFICER_1_ACTOR = officerActor("officer-chengguan-1");
const OFFICER_2_ACTOR = officerActor("officer-chengguan-2");

beforeAll(async () => {
  world = await startFlowAWorld({ label: "fa-cosign" });
  // The county's staff as stored in the directory: the demo staff, and an officer who has left.
  await world.deps.users.putUsers("230123", [
    ...DEMO_USERS.filter((u) => !u.roles.includes("applicant")).map((u) => ({
      userId: u.userId,
      name: u.name,
      roles: [...u.roles],
      countyId: u.countyId,
      ...(u.townshipId ? { townshipId: u.townshipId } : {}),
      active: true,
    })),
    {
      userId: RETIRED,
      name: "孙立",
      roles: ["township-officer"],
      countyId: "230123",
      townshipId: "230123100",
      active: false,
    },
  ]);
  applicant = await world.signIn("applicant-zhang");
  approver = await world.signIn("approver-chengguan");
  officer1 = await world.signIn("officer-chengguan-1");
  officer2 = await world.signIn("officer-chengguan-2");
  audit = new AuditStore({ client: world.runtime.dynamo, tableName: world.runtime.tables.main });
});

afterAll(async () => {
  await world?.close();
});

const PEOPLE = [
  { name: "张伟", id: "230123198001011238", account: "6217000012345678" },
  { name: "李娜", id: "110105198502024563", account: "6217000002024563" },
  { name: "王芳", id: "230123199003036660", account: "6217000099990001" },
  { name: "赵强", id: "230123197512120001", account: "6217000011112222" },
] as const;

/** A case filed by the applicant herself, its advance approved and paid: waiting for its paperwork. */
async function caseAtPaperwork(person: (typeof PEOPLE)[number], cause: string): Promise<string> {
  const caseId = await fileAndWait(
    world,
    applicant,
    filing({
      hardship: { cause },
      applicant: {
        name: person.name,
        document: { type: "resident-id", number: person.id },
        registration: { countyCode: "230123" },
      },
      bankAccount: { holderName: person.name, bankName: "农村信用社", account: person.account },
    }),
  );
  await approveAndPay(world, approver, caseId, "600.00");
  // The task is stored before the case's status moves (same step, two writes): wait for both.
  await world.eventually(
    async () => (await world.deps.cases.get(caseId)).status === "awaiting-paperwork",
    "the case waiting for its paperwork",
  );
  return caseId;
}

const today = () => new Date(world.clock.nowMs()).toISOString();
const visit = (userId: string, visitedAt = today()) => ({ userId, visitedAt });

interface FieldErrors {
  messageZh: string;
  fields: { path: string; message: string; messageZh: string }[];
}

async function auditActions(caseId: string): Promise<string[]> {
  return (await audit.listForResource("case", caseId, 100)).map((e) => e.action);
}

async function queueOf(client: ApiClient) {
  const queue = await client.get<{ items: { caseId: string; taskType: string; category: string }[] }>(
    "/work-queue",
  );
  expect(queue.status, queue.text).toBe(200);
  return queue.body.items;
}

type Named = [userId: string, visitedAt?: string];
const OFFICER_1: Named = ["officer-chengguan-1"];
const OFFICER_2: Named = ["officer-chengguan-2"];

describe("investigators are checked (DOMAIN §3.4, §7)", () => {
  // Refused requests write nothing, so one case waiting for its paperwork serves every row.
  let caseId: string;
  beforeAll(async () => {
    caseId = await caseAtPaperwork(PEOPLE[0], "fire");
  });

  it.each<[string, Named[], string]>([
    ["a name that is nobody", [OFFICER_1, ["ghost-officer-999"]], "investigators.1.userId"],
    ["the applicant herself", [OFFICER_1, ["applicant-zhang"]], "investigators.1.userId"],
    ["the approver who decided the advance", [["approver-chengguan"], OFFICER_1], "investigators.0.userId"],
    ["an officer of another township", [OFFICER_1, ["officer-hedong-1"]], "investigators.1.userId"],
    ["an officer who has left", [OFFICER_1, [RETIRED]], "investigators.1.userId"],
    ["the same officer twice", [OFFICER_1, OFFICER_1], "investigators.1.userId"],
    [
      "a visit in 2030",
      [["officer-chengguan-1", "2030-01-15T10:00:00+08:00"], OFFICER_2],
      "investigators.0.visitedAt",
    ],
    [
      "a visit in 1999",
      [OFFICER_1, ["officer-chengguan-2", "1999-06-01T10:00:00+08:00"]],
      "investigators.1.visitedAt",
    ],
    [
      "a visit the day before the filing",
      [OFFICER_1, ["officer-chengguan-2", "2026-03-01T18:00:00+08:00"]],
      "investigators.1.visitedAt",
    ],
  ])(
    "paperwork naming %s is refused on its field (zh + en) and writes nothing",
    async (_what, named, path) => {
      // Prepare
      const auditBefore = await auditActions(caseId);
      const caseBefore = await world.deps.cases.get(caseId);

      // Act
      const refused = await officer1.post<FieldErrors>(
        `/cases/${caseId}/paperwork`,
        paperworkBody({ investigators: named.map(([userId, visitedAt]) => visit(userId, visitedAt)) }),
        key("bad-investigators"),
      );

      // Assess
      expect(refused.status, refused.text).toBe(422);
      const field = refused.body.fields.find((f) => f.path === path);
      expect(field, refused.text).toBeDefined();
      expect(field?.message).not.toBe("");
      expect(field?.messageZh).toMatch(/[\u4e00-\u9fff]/);
      // The Chinese text shown to staff carries no user id
      for (const f of refused.body.fields)
        expect(f.messageZh).not.toMatch(/officer-|applicant-|approver-|ghost/);
      expect(refused.body.messageZh).not.toMatch(/officer-|applicant-|approver-|ghost/);
      expect(await world.deps.coSignatures.get(caseId)).toBeUndefined();
      expect(await auditActions(caseId)).toEqual(auditBefore);
      expect((await world.deps.cases.get(caseId)).version).toBe(caseBefore.version);
      expect((await world.deps.tasks.current(caseId, "paperwork"))?.status).toBe("open");
      expect(await queueOf(officer2)).not.toContainEqual(
        expect.objectContaining({ caseId, taskType: "paperwork-co-sign" }),
      );
    },
  );
});

describe("the second officer confirms with their own sign-in", () => {
  it("recorded paperwork waits in the second officer's queue; a stranger's or the recorder's co-sign is 403, a second one 409; the flow resumes only after the confirmation", async () => {
    // Prepare
    const caseId = await caseAtPaperwork(PEOPLE[1], "flood");

    // Act: officer 1 records, naming officer 2
    const recorded = await officer1.post<{ delivery: string; coSignature: { awaiting: string[] } }>(
      `/cases/${caseId}/paperwork`,
      paperworkBody({ investigators: [visit("officer-chengguan-1"), visit("officer-chengguan-2")] }),
      key("record"),
    );
    const queue2 = await queueOf(officer2);
    const queue1 = await queueOf(officer1);
    const pendingTask = await world.deps.tasks.current(caseId, "paperwork");
    const pendingCase = await world.deps.cases.get(caseId);
    const auditAfterRecording = await auditActions(caseId);
    const stranger = await (await world.signIn("officer-hedong-1")).post(
      `/cases/${caseId}/paperwork/co-sign`,
      { decision: "confirm" },
      key("stranger"),
    );
    const byRecorder = await officer1.post(
      `/cases/${caseId}/paperwork/co-sign`,
      { decision: "confirm" },
      key("self"),
    );
    const auditAfterRefusals = await auditActions(caseId);
    const confirmed = await officer2.post<{ status: string }>(
      `/cases/${caseId}/paperwork/co-sign`,
      { decision: "confirm" },
      key("confirm"),
    );
    const followUp = await world.openTask(caseId, "follow-up");
    const twice = await officer2.post(
      `/cases/${caseId}/paperwork/co-sign`,
      { decision: "confirm" },
      key("twice"),
    );

    // Assess
    expect(recorded.status, recorded.text).toBe(202);
    expect(recorded.body).toMatchObject({
      delivery: "awaiting-co-signature",
      coSignature: { awaiting: ["officer-chengguan-2"] },
    });
    expect(queue2).toContainEqual(
      expect.objectContaining({ caseId, taskType: "paperwork-co-sign", category: "paperwork" }),
    );
    expect(queue1).not.toContainEqual(expect.objectContaining({ caseId, taskType: "paperwork-co-sign" }));
    // Nothing decided on the recorder's word alone
    expect(pendingTask?.status).toBe("open");
    expect(pendingCase.status).toBe("awaiting-paperwork");
    expect(pendingCase.paperwork).toBeUndefined();
    expect(auditAfterRecording.filter((a) => a.startsWith("paperwork."))).toEqual(["paperwork.record"]);
    expect(stranger.status, stranger.text).toBe(403);
    expect(byRecorder.status, byRecorder.text).toBe(403);
    expect(auditAfterRefusals).toEqual(auditAfterRecording);
    expect(confirmed.status, confirmed.text).toBe(200);
    expect(confirmed.body.status).toBe("completed");
    expect(followUp.status).toBe("open");
    expect(twice.status, twice.text).toBe(409);
    const record = await world.deps.cases.get(caseId);
    expect(record.status).toBe("awaiting-follow-up");
    expect(record.paperwork).toMatchObject({
      recordedBy: "officer-chengguan-1",
      coSignedBy: ["officer-chengguan-2"],
      coSignatures: [expect.objectContaining({ userId: "officer-chengguan-2" })],
    });
    expect(record.handledBy).toEqual(expect.arrayContaining(["officer-chengguan-1", "officer-chengguan-2"]));
    expect((await auditActions(caseId)).filter((a) => a.startsWith("paperwork."))).toEqual([
      "paperwork.record",
      "paperwork.coSign",
    ]);
    expect(await queueOf(officer2)).not.toContainEqual(
      expect.objectContaining({ caseId, taskType: "paperwork-co-sign" }),
    );
  });

  it("a second officer who refuses sends the paperwork back; recorded again and confirmed, the flow resumes", async () => {
    // Prepare
    const caseId = await caseAtPaperwork(PEOPLE[2], "sudden-illness");
    const body = paperworkBody({
      investigators: [visit("officer-chengguan-1"), visit("officer-chengguan-2")],
    });
    const first = await officer1.post(`/cases/${caseId}/paperwork`, body, key("first"));
    const again = await officer1.post(
      `/cases/${caseId}/paperwork`,
      paperworkBody({ investigators: body.investigators, facts: "另一份" }),
      key("again"),
    );

    // Act
    const refused = await officer2.post<{ status: string }>(
      `/cases/${caseId}/paperwork/co-sign`,
      { decision: "reject", reason: "入户时间记录有误" },
      key("reject"),
    );
    const afterRefusal = await world.deps.tasks.current(caseId, "paperwork");
    const queueAfterRefusal = await queueOf(officer2);
    const second = await officer1.post(
      `/cases/${caseId}/paperwork`,
      paperworkBody({ investigators: body.investigators, facts: "入户核实：病情属实（更正入户时间）" }),
      key("second"),
    );
    const confirmed = await officer2.post(
      `/cases/${caseId}/paperwork/co-sign`,
      { decision: "confirm" },
      key("ok"),
    );
    await world.openTask(caseId, "follow-up");

    // Assess
    expect(first.status, first.text).toBe(202);
    expect(again.status, again.text).toBe(409);
    expect(refused.status, refused.text).toBe(200);
    expect(refused.body.status).toBe("rejected");
    expect(afterRefusal?.status).toBe("open");
    expect(queueAfterRefusal).not.toContainEqual(
      expect.objectContaining({ caseId, taskType: "paperwork-co-sign" }),
    );
    expect(second.status, second.text).toBe(202);
    expect(confirmed.status, confirmed.text).toBe(200);
    expect((await world.deps.cases.get(caseId)).paperwork).toMatchObject({
      facts: "入户核实：病情属实（更正入户时间）",
    });
  });

  it("ten identical recordings and ten confirmations at once: one recording, one confirmation, one decision, never a 5xx", async () => {
    // Prepare
    const caseId = await caseAtPaperwork(PEOPLE[3], "crime");
    const body = paperworkBody({
      investigators: [visit("officer-chengguan-1"), visit("officer-chengguan-2")],
    });

    // Act
    const recordings = await Promise.all(
      Array.from({ length: 10 }, () => officer1.post(`/cases/${caseId}/paperwork`, body)),
    );
    const confirmations = await Promise.all(
      Array.from({ length: 10 }, () =>
        officer2.post(`/cases/${caseId}/paperwork/co-sign`, { decision: "confirm" }),
      ),
    );
    await world.openTask(caseId, "follow-up");

    // Assess
    expect(recordings.map((r) => r.status).filter((s) => s !== 202 && s !== 409)).toEqual([]);
    expect(recordings.some((r) => r.status === 202)).toBe(true);
    expect(confirmations.map((r) => r.status).sort()).toEqual([200, ...Array(9).fill(409)]);
    expect((await auditActions(caseId)).filter((a) => a.startsWith("paperwork."))).toEqual([
      "paperwork.record",
      "paperwork.coSign",
    ]);
    const paperworkTasks = (await world.deps.tasks.forCase(caseId)).filter((t) => t.taskType === "paperwork");
    expect(paperworkTasks.map((t) => t.status)).toEqual(["completed"]);
  });

  it("a twin confirmation that finishes the decision before the signing request does: the signer answers completed, the twin 409", async () => {
    // Prepare: recorded by officer 1; officer 2's confirmation signs, then its twin runs in full
    const caseId = await caseAtPaperwork(PEOPLE[2], "traffic-accident");
    const body = paperworkBody({
      investigators: [visit("officer-chengguan-1"), visit("officer-chengguan-2")],
    });
    expect((await officer1.post(`/cases/${caseId}/paperwork`, body)).status).toBe(202);
    let twin: Promise<unknown> | undefined;
    const twinFirst: FlowDeps = {
      ...world.deps,
      coSignatures: new Proxy(world.deps.coSignatures, {
        get(target, property) {
          if (property === "sign") {
            return async (...args: Parameters<typeof target.sign>) => {
              const signed = await target.sign(...args);
              twin = coSignPaperwork(
                world.deps,
                OFFICER_2_ACTOR,
                caseId,
                { decision: "confirm" },
                "corr-twin",
              );
              await twin.catch(() => undefined);
              return signed;
            };
          }
          const value = Reflect.get(target, property, target);
          return typeof value === "function" ? value.bind(target) : value;
        },
      }),
    };

    // Act
    const signer = await coSignPaperwork(
      twinFirst,
      OFFICER_2_ACTOR,
      caseId,
      { decision: "confirm" },
      "corr-signer",
    );

    // Assess
    expect(signer.status).toBe("completed");
    await expect(twin).rejects.toMatchObject({ statusCode: 409, details: { code: "already-co-signed" } });
    await world.openTask(caseId, "follow-up");
    expect((await auditActions(caseId)).filter((a) => a.startsWith("paperwork."))).toEqual([
      "paperwork.record",
      "paperwork.coSign",
    ]);
  });

  it("a recording whose audit event was lost (the request failed after storing it) is audited by its repeat, once", async () => {
    // Prepare: the first request stores the recording, then its audit append fails
    const caseId = await caseAtPaperwork(PEOPLE[1], "fire");
    const body = paperworkBody({
      investigators: [visit("officer-chengguan-1"), visit("officer-chengguan-2")],
    });
    const record = await world.deps.cases.get(caseId);
    const recording = {
      record,
      actor: OFFICER_1_ACTOR,
      decision: { ...body, fraudFound: false, late: false },
      output: { outcome: "completed" },
      investigatorIds: ["officer-chengguan-1", "officer-chengguan-2"],
      correlationId: "corr-lost-audit",
    };
    const auditFails: FlowDeps = {
      ...world.deps,
      audit: {
        ...world.deps.audit,
        append: async () => {
          throw new Error("connection reset after the recording was stored");
        },
      },
    };
    await expect(startCoSignature(auditFails, recording)).rejects.toThrow("connection reset");

    // Act: the officer sends the same recording again, twice
    const repeated = await startCoSignature(world.deps, recording);
    const again = await startCoSignature(world.deps, recording);

    // Assess
    expect([repeated.repeated, again.repeated]).toEqual([true, true]);
    expect((await auditActions(caseId)).filter((a) => a.startsWith("paperwork."))).toEqual([
      "paperwork.record",
    ]);
  });

  it("the paperwork form's officer list is the township's active officers, for its own officers only", async () => {
    // Act
    const list = await officer1.get<{ officers: { userId: string; name: string }[] }>(
      "/townships/230123100/officers",
    );
    const otherTownship = await officer1.get("/townships/230123200/officers");
    const byApplicant = await applicant.get("/townships/230123100/officers");

    // Assess
    expect(list.status, list.text).toBe(200);
    expect(list.body.officers.map((o) => o.userId)).toEqual(["officer-chengguan-1", "officer-chengguan-2"]);
    expect(otherTownship.status).toBe(403);
    expect(byApplicant.status).toBe(403);
  });
});
