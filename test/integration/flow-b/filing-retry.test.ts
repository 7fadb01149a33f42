/**
 * Flow B's filing and payment routes under the failures the county simulation found (DOMAIN §5:
 * nothing lost): a staged filing stored but whose execution never started is started by the
 * filer's retry (seed 34), and a stage is never paid in cash — an officer gives an own account
 * (seed 39: the cash route looped, then ended the case in an incident).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { WorkflowPort } from "#adapters/step-functions.ts";
import type { Actor } from "#core/access/index.ts";
import { flowDeps } from "#functions/services/deps.ts";
import { FileStagedCaseSchema, fileStagedCase } from "#functions/services/flow-b/filing.ts";
import { type FlowBWorld, stagedFiling, startFlowBWorld } from "./world.ts";

let world: FlowBWorld;
const XINHUA = "230123300";
const officerActor: Actor = {
  userId: "officer-xinhua-1",
  name: "经办人",
  roles: ["township-officer"],
  countyId: "230123",
  townshipId: XINHUA,
};

beforeAll(async () => {
  world = await startFlowBWorld({ label: "fb-retry" });
});

afterAll(async () => {
  await world?.close();
});

describe("a staged filing and its payment routes", () => {
  it("a filing stored but never started (Step Functions failed) is started by the filer's retry", async () => {
    // Prepare: the first attempt stores the case, then cannot start the execution
    const body = stagedFiling({
      applicant: {
        name: "周敏",
        document: { type: "passport", number: "753110321", nationality: "RUS" },
      },
      bankAccount: { holderName: "周敏", bankName: "农村信用社", account: "6217000099887766" },
    });
    // The API's own deps (state machine ARNs from the runtime's environment), Step Functions failing.
    const deps = flowDeps();
    const unavailable: WorkflowPort = Object.assign(Object.create(deps.workflow), {
      startExecution: async () => {
        throw new Error("injected: Step Functions unavailable");
      },
    });
    const first = fileStagedCase(
      { ...deps, workflow: unavailable },
      officerActor,
      FileStagedCaseSchema.parse(body),
      "corr-first-attempt",
    );
    await expect(first).rejects.toThrow("Step Functions unavailable");
    const officer = await world.signIn("officer-xinhua-1");

    // Act: the officer sends the filing again
    const retry = await officer.post<{ caseId: string; existing: boolean }>("/plans", body);

    // Assess: the same case, now with its execution waiting for the assessment
    expect(retry.status, retry.text).toBe(200);
    expect(retry.body.existing).toBe(true);
    const task = await world.openTask(retry.body.caseId, "assessment");
    expect(task.status).toBe("open");
    expect(await world.executionStatus("flow-b", retry.body.caseId)).toBe("RUNNING");
  });

  it("a stage is paid by transfer only: cash for a stage's route is refused with 422, in Chinese", async () => {
    // Prepare: a staged case waiting for a stage's route
    const officer = await world.signIn("officer-xinhua-1");
    const filed = await officer.post<{ caseId: string }>(
      "/plans",
      stagedFiling({
        applicant: {
          name: "吴刚",
          document: { type: "passport", number: "753110654", nationality: "RUS" },
        },
        bankAccount: { holderName: "吴刚", bankName: "农村信用社", account: "6217000099881234" },
      }),
    );
    const caseId = filed.body.caseId;
    await world.openTask(caseId, "assessment");
    await world.deps.tasks.open(
      {
        caseId,
        taskType: "payment-route",
        countyId: "230123",
        townshipId: XINHUA,
        assigneeRoles: ["township-officer"],
        escalated: false,
        overdue: false,
        openedAt: new Date(world.clock.nowMs()).toISOString(),
        details: { purpose: "stage-1" },
      },
      "token-of-a-stage-route",
    );

    // Act
    const cash = await officer.post<{ messageZh: string }>(`/cases/${caseId}/cash-payment`, {
      receiverName: "吴刚",
      receiverSignatureRef: "doc-sig-r-9",
      officerSignatureRef: "doc-sig-o-9",
    });

    // Assess
    expect(filed.status).toBe(201);
    expect(cash.status, cash.text).toBe(422);
    expect(cash.body.messageZh).toContain("不能现金发放");
    expect((await world.deps.cases.get(caseId)).payout).toMatchObject({ method: "bank" });
  });
});
