/**
 * Flow B end to end over HTTP on the local runtime (issue 7 "must be shown"): a 6-stage plan —
 * filed, assessed, in public notice (masked), approved, committed; each month re-checked (dated) and
 * paid from the commitment; committed falls to 0, the balance fell by the total; closed. A suspicion
 * raised mid-plan opens a check and changes nothing by itself. Transitions per stage from history.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { localDateOf } from "#core/calendar/localDate.ts";
import { Yuan } from "#core/money/index.ts";
import {
  assessmentBody,
  DAY_MS,
  type FlowBWorld,
  START_MS,
  stagedFiling,
  startFlowBWorld,
  statesEntered,
  transitionsPerStage,
} from "./world.ts";

let world: FlowBWorld;
const XINHUA = "230123300";

beforeAll(async () => {
  world = await startFlowBWorld({ label: "fb-six" });
});

afterAll(async () => {
  await world?.close();
});

interface PlanView {
  case: { status: string; outcome?: Record<string, unknown> };
  plan: {
    totalYuan: string;
    stages: Array<{ index: number; dueDate: string; dueAt: string; amountYuan: string; payment: string }>;
    suspicions: Array<{ suspicionId: string; status: string }>;
    notice?: { status: string };
  };
}

describe("Flow B: a 6-stage plan", () => {
  it("commits on approval, re-checks and pays every month from the commitment, and closes with committed back to 0", async () => {
    // Prepare
    const officer = await world.signIn("officer-xinhua-1");
    const approver = await world.signIn("approver-xinhua");
    const before = await world.fund(XINHUA);

    // Act: file straight into staged assistance and assess
    const filed = await officer.post<{ caseId: string }>("/plans", stagedFiling(), {
      idempotencyKey: "six-file-1",
      headers: { "x-correlation-id": "corr-six-stages-1" },
    });
    expect(filed.status).toBe(201);
    const caseId = filed.body.caseId;
    await world.openTask(caseId, "assessment");
    const assessed = await officer.post<{ plan: { totalYuan: string; approvalLevel: string } }>(
      `/plans/${caseId}/assessment`,
      assessmentBody(),
      { idempotencyKey: "six-assess-1" },
    );
    expect(assessed.status).toBe(200);
    expect(assessed.body.plan).toMatchObject({ totalYuan: "2400.00", approvalLevel: "township" });

    // Assess: the public notice shows the plan with personal data masked
    await world.openTask(caseId, "public-notice");
    const notice = await world.eventually(async () => {
      const response = await fetch(`${world.api.url}/plans/${caseId}/notice`);
      return response.status === 200 ? response : undefined;
    }, "the published notice");
    const noticeBody = (await notice.json()) as Record<string, unknown>;
    expect(noticeBody.applicantNameMasked).toBe("王**");
    expect(noticeBody.documentMasked).toMatch(/^2301\*+1238$/);
    expect(JSON.stringify(noticeBody)).not.toContain("230123198001011238");
    expect(JSON.stringify(noticeBody)).not.toContain("王建国");
    expect(noticeBody.days).toBe(7);

    // Act: approval before the notice ended is not possible (nobody waits for it yet)
    const early = await approver.post(`/plans/${caseId}/approval`, { decision: "approve" });
    expect(early.status).toBe(409);

    // Act: the notice runs its 7 days without objection, then the approver approves
    await world.clock.advanceBy(7 * DAY_MS + 60_000);
    await world.openTask(caseId, "plan-approval");
    const approved = await approver.post(`/plans/${caseId}/approval`, {
      decision: "approve",
      reason: "公示无异议，同意",
    });
    expect(approved.status).toBe(200);

    // Assess: the whole total is committed (promised, not paid)
    const committed = await world.eventually(async () => {
      const fund = await world.fund(XINHUA);
      return fund.committed === "2400.00" ? fund : undefined;
    }, "the commitment");
    expect(committed.balance).toBe(before.balance);

    // Act: each month the stage falls due, an officer re-checks (dated) and the stage is paid
    const view = await officer.get<PlanView>(`/plans/${caseId}`);
    const stages = view.body.plan.stages;
    expect(stages.map((s) => s.dueDate)).toEqual([
      "2026-03-20",
      "2026-04-20",
      "2026-05-20",
      "2026-06-20",
      "2026-07-20",
      "2026-08-20",
    ]);
    const committedAfter: string[] = [];
    for (const stage of stages) {
      if (stage.index === 3) {
        // A data-sharing hit: it opens a check for the next re-check and stops nothing by itself (DOMAIN §2.5).
        const raised = await officer.post<{ suspicionId: string; planChanged: boolean }>(
          `/plans/${caseId}/suspicions`,
          {
            source: "低保名单比对",
            description: "比对发现同名人员出现在外县低保名单中，待核实",
          },
        );
        expect(raised.status).toBe(200);
        expect(raised.body.planChanged).toBe(false);
      }
      await world.clock.advanceTo(Math.max(Date.parse(stage.dueAt), world.clock.nowMs()));
      const task = await world.openTask(caseId, "stage-recheck");
      expect(task.details?.stage).toBe(stage.index);
      // Never paid blind: nothing is instructed for this stage before its re-check.
      expect(await world.deps.payments.getObligation(`${caseId}.stage-${stage.index}`)).toBeUndefined();
      const recheck = {
        stage: stage.index,
        checkedOn: localDateOf(world.clock.nowMs()),
        outcome: "still-in-hardship",
        findings: `第${stage.index}期入户复核：仍在治疗，家庭困难未缓解`,
        ...(stage.index === 3
          ? { suspicionsReviewed: [{ suspicionId: "suspicion-1", finding: "核实为同名不同人，不影响救助" }] }
          : {}),
      };
      if (stage.index === 3) {
        // Assess: the re-check after a suspicion must answer it
        const { suspicionsReviewed: _s, ...unanswered } = recheck;
        const refused = await officer.post(`/plans/${caseId}/recheck`, unanswered);
        expect(refused.status).toBe(400);
      }
      const rechecked = await officer.post(`/plans/${caseId}/recheck`, recheck, {
        idempotencyKey: `six-recheck-${stage.index}`,
      });
      expect(rechecked.status).toBe(200);
      await world.eventually(
        async () =>
          (await world.deps.payments.getObligation(`${caseId}.stage-${stage.index}`))?.status ===
          "instructed",
        `the bank instruction of stage ${stage.index}`,
      );
      await world.payOut(`${caseId}.stage-${stage.index}`);
      committedAfter.push(
        await world.eventually(async () => {
          const fund = await world.fund(XINHUA);
          const expected = Yuan.parse("2400").minus(Yuan.parse("400").times(stage.index)).toString();
          return fund.committed === expected ? fund.committed : undefined;
        }, `committed after stage ${stage.index}`),
      );
    }
    await world.eventually(
      async () => (await world.executionStatus("flow-b", caseId)) === "SUCCEEDED",
      "the execution to succeed",
    );

    // Assess: committed fell stage by stage to 0, the balance fell by the total, the case closed
    expect(committedAfter).toEqual(["2000.00", "1600.00", "1200.00", "800.00", "400.00", "0.00"]);
    const after = await world.fund(XINHUA);
    expect(after.committed).toBe("0.00");
    expect(Yuan.parse(before.balance).minus(Yuan.parse(after.balance)).toString()).toBe("2400.00");
    const closed = await officer.get<PlanView>(`/plans/${caseId}`);
    expect(closed.body.case.status).toBe("closed");
    expect(closed.body.case.outcome).toMatchObject({
      result: "completed",
      planTotalYuan: "2400.00",
      paidByPlanYuan: "2400.00",
      releasedYuan: "0.00",
      stagesPaid: [1, 2, 3, 4, 5, 6],
    });
    expect(closed.body.plan.suspicions).toEqual([
      expect.objectContaining({ suspicionId: "suspicion-1", status: "reviewed" }),
    ]);
    const entries = (await world.entries(XINHUA)).filter((e) => e.reference.caseId === caseId);
    expect(entries.map((e) => `${e.kind}${e.drawKind ? `:${e.drawKind}` : ""}`)).toEqual([
      "commit",
      ...Array(6).fill("draw:stage"),
    ]);
    expect(entries.every((e) => e.reference.correlationId === "corr-six-stages-1")).toBe(true);
    expect(world.clock.nowMs()).toBeGreaterThan(START_MS + 150 * DAY_MS);

    // Assess: personal data never appears unmasked in any log line of the whole run (DOMAIN §7)
    const logs = world.logs().join("\n");
    expect(logs.length).toBeGreaterThan(0);
    for (const personal of ["230123198001011238", "13812345678", "6217000012345678"])
      expect(logs).not.toContain(personal);

    // Assess: transitions per stage counted from the execution history
    const history = await world.history("flow-b", caseId);
    const perStage = transitionsPerStage(history);
    console.log(
      `Flow B 6-stage plan: ${statesEntered(history).length} state transitions in all, per stage ${perStage.join(", ")} — ${statesEntered(history).join(" → ")}`,
    );
    expect(perStage).toHaveLength(6);
    // Wait, re-check (a stop would be its caught error, not a Choice), draw (through the fund's draw
    // queue: one writer per fund, issue 23), pay, settled — no round counter: StageSettled itself
    // hands a long plan over once the next stage reaches the execution's stage limit.
    const stage = ["WaitForStage", "AwaitRecheck", "DrawStage", "PayStage", "StageSettled"];
    const entered = statesEntered(history);
    const firstStage = entered.indexOf("WaitForStage");
    // The stage loop begins with one counted round after the commitment.
    expect(entered.slice(entered.indexOf("CommitPlan"), firstStage)).toEqual([
      "CommitPlan",
      "RepeatWaitForStage",
      "NextRound",
    ]);
    expect(entered.slice(firstStage, entered.indexOf("ClosePlan"))).toEqual(
      Array.from({ length: 6 }, () => stage).flat(),
    );
    expect(perStage).toEqual([5, 5, 5, 5, 5, 5]);
    expect(history.length).toBeLessThan(25_000);
  });
});
