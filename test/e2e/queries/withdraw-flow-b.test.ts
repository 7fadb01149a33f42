/**
 * Withdrawal of a staged-assistance case (DOMAIN §4) over HTTP on the local runtime: while the officer
 * still assesses, the applicant's withdrawal (here by the officer on their behalf) stops the Flow B
 * execution (ABORTED), closes the assessment task, and the case is listed as withdrawn.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { XINHUA } from "#local/seed/demo-county.ts";
import { type FlowBWorld, stagedFiling, startFlowBWorld } from "#test/integration/flow-b/world.ts";
import type { ListPage } from "./support.ts";
import { person } from "./support.ts";

let world: FlowBWorld;

beforeAll(async () => {
  world = await startFlowBWorld({ label: "q-withdraw-b" });
}, 120_000);

afterAll(async () => {
  await world?.close();
});

describe("withdrawing a staged-assistance case", () => {
  it("while it is assessed: Flow B ABORTED, the assessment task closed, listed as withdrawn", async () => {
    // Prepare
    const officer = await world.signIn("officer-xinhua-1");
    const who = person(15);
    const filed = await officer.post<{ caseId: string }>(
      "/plans",
      stagedFiling({
        applicant: {
          name: who.name,
          document: { type: "resident-id", number: who.idNumber },
          phone: who.phone,
          registration: { countyCode: "230123" },
        },
        bankAccount: { holderName: who.name, bankName: "农村信用社", account: who.account },
      }),
    );
    expect(filed.status).toBe(201);
    const caseId = filed.body.caseId;
    await world.openTask(caseId, "assessment");

    // Act
    const withdrawn = await officer.post<{ status: string; tasksClosed: number; execution: string }>(
      `/cases/${caseId}/withdraw`,
      { reason: "申请人已获大病保险赔付，申请撤回" },
      { idempotencyKey: `withdraw-b-${caseId}` },
    );
    const listed = await officer.get<ListPage<{ caseId: string; status: string }>>(
      `/cases?township=${XINHUA.townshipId}&status=withdrawn`,
    );

    // Assess
    expect(withdrawn.status).toBe(200);
    expect(withdrawn.body).toMatchObject({ status: "withdrawn", tasksClosed: 1, execution: "stopped" });
    expect(await world.executionStatus("flow-b", caseId)).toBe("ABORTED");
    expect(await world.deps.tasks.current(caseId, "assessment")).toBeUndefined();
    expect(listed.body.items).toEqual([expect.objectContaining({ caseId, status: "withdrawn" })]);
  });
});
