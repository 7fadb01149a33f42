/**
 * Concurrent twins of one human decision, over HTTP on the local runtime (DOMAIN §3.2, §1):
 * exactly one decision takes effect, the case ends in the state that decision implies, the losers
 * get 409 (or, for the winner's own identical request, the recorded answer), nothing answers 5xx,
 * and the audit trail holds exactly one event for the decision.
 */

import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AuditStore } from "#adapters/audit-store.ts";
import { obligationIdFor } from "#adapters/payments/gateway.ts";
import { CHENGGUAN } from "#local/seed/demo-county.ts";
import { fileCase, filingFor, person } from "#test/e2e/queries/support.ts";
import type { ApiClient, ApiResponse } from "#test/e2e/support/api.ts";
import { type FlowAWorld, key, startFlowAWorld } from "#test/integration/flow-a/world.ts";

let world: FlowAWorld;
let officer: ApiClient;
let approver: ApiClient;
let audit: AuditStore;

beforeAll(async () => {
  world = await startFlowAWorld({ label: "decide-race" });
  officer = await world.signIn("officer-chengguan-1");
  approver = await world.signIn("approver-chengguan");
  audit = new AuditStore({
    client: DynamoDBDocumentClient.from(world.runtime.dynamo),
    tableName: world.runtime.tables.main,
  });
}, 120_000);

afterAll(async () => {
  await world?.close();
});

async function decideEvents(caseId: string): Promise<string[]> {
  const events = await audit.listForResource("case", caseId, 200);
  return events.filter((e) => e.action === "advance.decide").map((e) => e.reason ?? "");
}

function statuses(answers: ApiResponse[]): number[] {
  return answers.map((a) => a.status);
}

const APPROVE = { decision: "approve", amountYuan: "600.00", reason: "同意先行救助" };
const REJECT = { decision: "reject", reason: "经核实不符合条件" };

describe("concurrent twins of an advance decision", () => {
  it("five approvals and five rejections at once: one decision wins and the case ends in its state", async () => {
    for (let round = 0; round < 4; round += 1) {
      // Prepare
      const caseId = await fileCase(
        world,
        officer,
        filingFor(CHENGGUAN.townshipId, person(41 + round), "fire"),
      );

      // Act: interleaved, each without an idempotency key
      const answers = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          approver.post<{ decision?: { decision: string }; repeated?: boolean }>(
            `/cases/${caseId}/advance-decision`,
            i % 2 === 0 ? APPROVE : REJECT,
          ),
        ),
      );

      // Assess
      expect(
        statuses(answers).filter((s) => s >= 500),
        answers.map((a) => a.text).join("\n"),
      ).toEqual([]);
      const firsts = answers.filter((a) => a.status === 200 && a.body.repeated === false);
      expect(firsts).toHaveLength(1);
      const won = firsts[0]?.body.decision?.decision;
      for (const answer of answers) {
        if (answer.status === 200) expect(answer.body.decision?.decision).toBe(won);
        else expect(answer.status, answer.text).toBe(409);
      }
      const record = await world.deps.cases.get(caseId);
      expect(record.advance).toMatchObject({ decision: won });
      if (won === "reject") {
        // The flow closes a rejected case at once (ASL AwaitAdvanceDecision catches AdvanceRejected → CloseCase): the case is seen
        // either still advance-rejected or already closed with the rejection as its result.
        const settled = await world.eventually(async () => {
          const r = await world.deps.cases.get(caseId);
          return r.status === "advance-rejected" || r.status === "closed" ? r : undefined;
        }, "the rejected case");
        if (settled.status === "closed") expect(settled.outcome).toMatchObject({ result: "rejected" });
        else expect(settled.status).toBe("advance-rejected");
        expect(await world.deps.payments.getObligation(obligationIdFor(caseId, "advance"))).toBeUndefined();
      } else {
        expect(record.status).not.toBe("advance-rejected");
        expect(record.closedAt ?? null).toBeNull();
      }
      expect(await decideEvents(caseId)).toHaveLength(1);
    }
  });

  it("twenty identical approvals with no key, or each with its own key: no 5xx, one effect, one audit event", async () => {
    for (const [n, keyed] of [
      [45, false],
      [46, true],
    ] as const) {
      // Prepare
      const caseId = await fileCase(world, officer, filingFor(CHENGGUAN.townshipId, person(n), "flood"));

      // Act
      const answers = await Promise.all(
        Array.from({ length: 20 }, () =>
          approver.post<{ repeated?: boolean }>(
            `/cases/${caseId}/advance-decision`,
            APPROVE,
            keyed ? key("twin") : {},
          ),
        ),
      );

      // Assess
      expect(
        statuses(answers).filter((s) => s >= 500),
        answers.map((a) => a.text).join("\n"),
      ).toEqual([]);
      expect(answers.filter((a) => a.status === 200 && a.body.repeated === false)).toHaveLength(1);
      for (const answer of answers) expect([200, 409], answer.text).toContain(answer.status);
      expect(await decideEvents(caseId)).toEqual(["同意先行救助"]);
      await world.settleBank(caseId);
      await world.openTask(caseId, "paperwork");
      expect((await world.deps.payments.getObligation(obligationIdFor(caseId, "advance")))?.status).toBe(
        "paid",
      );
    }
  });

  it("a refused decision writes no audit event", async () => {
    // Prepare
    const caseId = await fileCase(world, officer, filingFor(CHENGGUAN.townshipId, person(47), "crime"));
    const first = await approver.post(`/cases/${caseId}/advance-decision`, APPROVE, key("first"));
    expect(first.status, first.text).toBe(200);

    // Act: a different decision after it, and an amount over the ceiling
    const late = await approver.post(`/cases/${caseId}/advance-decision`, REJECT, key("late"));

    // Assess
    expect(late.status, late.text).toBe(409);
    expect(await decideEvents(caseId)).toEqual(["同意先行救助"]);
  });
});
