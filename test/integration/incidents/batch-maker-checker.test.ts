/**
 * Batch approval keeps maker-checker (issue 25, DOMAIN §3.2) on DynamoDB Local and the real Flow A:
 * 河东乡's leader is both officer and approver; a household the leader registered is listed as
 * handled by the reader and, in a batch of the incident's households, refused as that case's own
 * 403 while the household another officer registered is approved in the same request.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { localDateOf } from "#core/calendar/localDate.ts";
import { HEDONG } from "#local/seed/demo-county.ts";
import { household } from "#test/e2e/incidents/support.ts";
import type { ApiClient } from "#test/e2e/support/api.ts";
import { type FlowBWorld, LEADER_HEDONG, startFlowBWorld } from "#test/integration/flow-b/world.ts";

interface BatchAnswer {
  approved: number;
  refused: number;
  results: Array<{ caseId: string; status: number; outcome: string; messageZh?: string }>;
}

let world: FlowBWorld;
let civil: ApiClient;
let leader: ApiClient;
let officer: ApiClient;

beforeAll(async () => {
  world = await startFlowBWorld({ label: "incident-maker-checker" });
  civil = await world.signIn("county-civil-1");
  leader = await world.signIn(LEADER_HEDONG.userId);
  officer = await world.signIn("officer-hedong-1");
}, 120_000);

afterAll(async () => {
  await world?.close();
});

describe("batch approval of an incident's households", () => {
  it("refuses the household the approver registered (403) and approves the other in the same batch", async () => {
    // Prepare: an incident over 河东乡; one household registered by the leader, one by another officer.
    const declared = await civil.post<{ incidentId: string }>(
      "/incidents",
      {
        name: "3·2 河东冰雹",
        cause: "other-disaster",
        townshipIds: [HEDONG.townshipId],
        startDate: localDateOf(world.clock.nowMs()),
        standardAdvanceYuan: "400.00",
      },
      { idempotencyKey: "maker-checker-incident" },
    );
    expect(declared.status, declared.text).toBe(201);
    const incidentId = declared.body.incidentId;
    const register = async (client: ApiClient, n: number) => {
      const h = household(HEDONG.townshipId, 900 + n);
      const registered = await client.post<{ caseId: string }>(
        `/incidents/${incidentId}/households`,
        {
          townshipId: HEDONG.townshipId,
          name: h.name,
          document: { type: "resident-id", number: h.idNumber },
        },
        { idempotencyKey: `maker-checker-register-${n}` },
      );
      expect(registered.status, registered.text).toBe(201);
      return registered.body.caseId;
    };
    const own = await register(leader, 0);
    const others = await register(officer, 1);
    await world.openTask(own, "advance-decision");
    await world.openTask(others, "advance-decision");

    // Act
    const listed = await leader.get<{ cases: Array<{ caseId: string; handledByReader: boolean }> }>(
      `/incidents/${incidentId}/cases`,
    );
    const batch = await leader.post<BatchAnswer>(
      `/incidents/${incidentId}/advance-decisions`,
      { caseIds: [own, others] },
      { idempotencyKey: "maker-checker-batch" },
    );
    const after = await civil.get<{ cases: Array<{ caseId: string; stage: string }> }>(
      `/incidents/${incidentId}/cases`,
    );

    // Assess
    expect(listed.status, listed.text).toBe(200);
    expect(Object.fromEntries(listed.body.cases.map((c) => [c.caseId, c.handledByReader]))).toEqual({
      [own]: true,
      [others]: false,
    });
    expect(batch.status, batch.text).toBe(200);
    expect(batch.body).toMatchObject({ approved: 1, refused: 1 });
    const byCase = Object.fromEntries(batch.body.results.map((r) => [r.caseId, r]));
    expect(byCase[own]).toMatchObject({ status: 403, outcome: "refused" });
    expect(byCase[own]?.messageZh).toBeTruthy();
    expect(byCase[others]).toMatchObject({ status: 200, outcome: "approved" });
    const stages = Object.fromEntries(after.body.cases.map((c) => [c.caseId, c.stage]));
    expect(stages[own]).toBe("awaiting-decision");
    expect(stages[others]).not.toBe("awaiting-decision");
  }, 180_000);
});
