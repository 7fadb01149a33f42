/**
 * The pure parts of Flow A: its case rules over the demo county's policy (DOMAIN §2–§3) and the
 * shape of `workflows/flow-a.asl.json` (named errors, bounded retries, every timed wait escalates,
 * every placeholder a catalog function). No runtime needed.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  advanceCeiling,
  enforce,
  fraudBar,
  type HouseholdAid,
  oneAidPerCausePerHousehold,
  requireCashHandOver,
  requiredApprovalLevel,
  requireInvestigationTeam,
} from "#core/cases/index.ts";
import { Yuan } from "#core/money/index.ts";
import { policyInForce, resolvePolicy } from "#core/policy/index.ts";
import { FUNCTIONS } from "#functions/catalog.ts";
import { WIRE_LEVEL } from "#functions/services/flow-a/approval-levels.ts";
import { ADVANCE_REJECTED } from "#functions/services/flow-a/decisions/advance.ts";
import { FOLLOW_UP_CLOSED } from "#functions/services/flow-a/decisions/follow-up.ts";
import { canonicalJson, requestDigest } from "#functions/services/steps/human-tasks.ts";
import { demoCountyPolicy } from "#local/seed/policy-demo-county.ts";

const at = new Date("2026-03-02T01:00:00Z");
const rural = resolvePolicy(policyInForce(demoCountyPolicy, at), "rural");
const urban = resolvePolicy(policyInForce(demoCountyPolicy, at), "urban");
const checkAdvanceAmount = (amount: Yuan, policy: typeof rural) => enforce(advanceCeiling(amount, policy));
const approvalLevelFor = (total: Yuan, policy: typeof rural) =>
  WIRE_LEVEL[requiredApprovalLevel(total, policy)];

describe("Flow A case rules", () => {
  it("advance within the ceiling is compliant; above it is refused on the amount field", () => {
    expect(() => checkAdvanceAmount(rural.advanceCeilingYuan, rural)).not.toThrow();
    const above = rural.advanceCeilingYuan.plus(Yuan.parse("0.01"));
    expect(() => checkAdvanceAmount(above, rural)).toThrow(/above the advance ceiling/);
    expect(() => checkAdvanceAmount(Yuan.zero, rural)).toThrow(/more than zero/);
  });

  it("approval level: township up to its ceiling, county up to the per-case cap, 一事一议 above", () => {
    const cents = Yuan.parse("0.01");
    expect(approvalLevelFor(rural.townshipApprovalCeilingYuan, rural)).toBe("township");
    expect(approvalLevelFor(rural.townshipApprovalCeilingYuan.plus(cents), rural)).toBe("county");
    expect(approvalLevelFor(rural.perCaseCapYuan, rural)).toBe("county");
    expect(approvalLevelFor(rural.perCaseCapYuan.plus(cents), rural)).toBe("coordination");
    // The cap is a multiple of the area's 低保 standard: the township's area, not the applicant's.
    expect(urban.perCaseCapYuan.greaterThan(rural.perCaseCapYuan)).toBe(true);
  });

  it("one aid per cause within the window (from payment); another cause is fine; proven fraud bars for the bar period", () => {
    const aided = { caseId: "c1", cause: "fire", paidAt: Date.parse("2026-01-10T00:00:00.000Z") };
    const judge = (cause: string, aids: HouseholdAid[]) =>
      oneAidPerCausePerHousehold({ cause, aids, at }, rural).outcome;
    expect(judge("fire", [aided])).toBe("noncompliant");
    expect(judge("flood", [aided])).toBe("not-applicable");
    expect(judge("fire", [{ caseId: "c1", cause: "fire" }])).toBe("not-applicable");
    expect(judge("fire", [{ ...aided, paidAt: Date.parse("2024-01-10T00:00:00.000Z") }])).toBe("compliant");
    const fraud = { caseId: "c2", foundAt: Date.parse("2026-02-10T00:00:00.000Z") };
    expect(fraudBar({ findings: [fraud], at }, rural).outcome).toBe("noncompliant");
  });

  it("cash only for urgent cases within the cash ceiling, with both signatures (core's one check)", () => {
    const signed = { receiverSignatureRef: "sig-r", officerSignatureRef: "sig-o" };
    const cash =
      (hardshipType: "urgent" | "expenditure", amountYuan: Yuan, signatures = signed) =>
      () =>
        requireCashHandOver({ stageOfPlan: false, hardshipType, amountYuan, ...signatures }, rural);
    expect(cash("urgent", rural.cashCeilingYuan)).not.toThrow();
    expect(cash("expenditure", Yuan.parse("100.00"))).toThrow(/urgent/);
    expect(cash("urgent", rural.cashCeilingYuan.plus(Yuan.parse("0.01")))).toThrow(
      /exceeds the cash ceiling/,
    );
    expect(cash("urgent", Yuan.parse("100.00"), { ...signed, officerSignatureRef: " " })).toThrow(
      /officer's signature/,
    );
  });

  it("investigation needs the policy's number of DISTINCT officers", () => {
    const enough = Array.from({ length: rural.investigatorsPerCase }, (_, i) => `officer-${i}`);
    const team = (ids: string[]) => ({
      investigators: ids.map((userId) => ({ userId, visitedAt: at })),
      townshipOfficerIds: new Set(enough),
      filedAt: at,
      now: at,
    });
    expect(() => requireInvestigationTeam(team(enough), rural)).not.toThrow();
    expect(() => requireInvestigationTeam(team(enough.map(() => "officer-0")), rural)).toThrow(
      expect.objectContaining({
        fields: expect.arrayContaining([
          expect.objectContaining({
            path: "investigators",
            message: expect.stringMatching(/distinct officers/),
          }),
        ]),
      }),
    );
  });

  it("a repeated decision request has the same digest whatever the key order; another actor's does not", () => {
    expect(canonicalJson({ b: 1, a: { d: [1, 2], c: "x" } })).toBe('{"a":{"c":"x","d":[1,2]},"b":1}');
    expect(requestDigest("u1", { a: 1, b: 2 })).toBe(requestDigest("u1", { b: 2, a: 1 }));
    expect(requestDigest("u1", { a: 1 })).not.toBe(requestDigest("u2", { a: 1 }));
  });
});

interface State {
  Type: string;
  Resource?: string;
  Next?: string;
  Default?: string;
  End?: boolean;
  TimeoutSecondsPath?: string;
  TimeoutSeconds?: number;
  Retry?: Array<{
    ErrorEquals: string[];
    IntervalSeconds: number;
    MaxAttempts: number;
    BackoffRate: number;
    MaxDelaySeconds?: number;
    JitterStrategy?: string;
  }>;
  Catch?: Array<{ ErrorEquals: string[]; Next: string }>;
  Choices?: Array<{ Next: string }>;
  Parameters?: Record<string, unknown>;
}

const asl = JSON.parse(
  readFileSync(new URL("../../../workflows/flow-a.asl.json", import.meta.url), "utf8"),
) as {
  StartAt: string;
  States: Record<string, State>;
};

/** Total pause of a retrier without jitter: IntervalSeconds × BackoffRate^n, each capped at MaxDelaySeconds. */
function backoffSeconds(retry: {
  IntervalSeconds: number;
  MaxAttempts: number;
  BackoffRate: number;
  MaxDelaySeconds?: number;
}) {
  let total = 0;
  for (let attempt = 0; attempt < retry.MaxAttempts; attempt++) {
    total += Math.min(
      retry.IntervalSeconds * retry.BackoffRate ** attempt,
      retry.MaxDelaySeconds ?? Number.POSITIVE_INFINITY,
    );
  }
  return total;
}

describe("flow-a.asl.json", () => {
  it("every task retries only named transient errors for hours, bounded, with jittered backoff, and catches the rest", () => {
    // The hand-over to a fresh execution calls Step Functions, not a Lambda: its own retrier.
    const tasks = Object.entries(asl.States).filter(([n, s]) => s.Type === "Task" && n !== "ContinueAsNew");
    expect(tasks.length).toBeGreaterThan(10);
    for (const [name, state] of tasks) {
      for (const retry of state.Retry ?? []) {
        expect(retry.ErrorEquals, name).not.toContain("States.ALL");
        // A bank maintenance window or a throttled table is waited out, not turned into an incident.
        expect(retry.MaxAttempts, name).toBeLessThanOrEqual(20);
        expect(retry.BackoffRate, name).toBeGreaterThan(1);
        expect(retry.JitterStrategy, name).toBe("FULL");
        expect(retry.MaxDelaySeconds, name).toBeLessThanOrEqual(3600);
        expect(backoffSeconds(retry), name).toBeGreaterThanOrEqual(3 * 3600);
      }
      if (name !== "RecordIncident") {
        expect(
          state.Catch?.some((c) => c.ErrorEquals.includes("States.ALL") && c.Next === "RecordIncident"),
          name,
        ).toBe(true);
      }
    }
  });

  it("every wait with a deadline catches States.Timeout and escalates or looks again — never ends the case", () => {
    const timed = Object.entries(asl.States).filter(
      ([, s]) => s.TimeoutSecondsPath !== undefined || s.TimeoutSeconds !== undefined,
    );
    expect(timed.map(([name]) => name)).toEqual(
      expect.arrayContaining(["AwaitAdvanceDecision", "PayAid", "AwaitPaperwork", "AwaitFundReplenishment"]),
    );
    for (const [name, state] of timed) {
      const onTimeout = state.Catch?.find((c) => c.ErrorEquals.includes("States.Timeout"));
      expect(onTimeout, name).toBeDefined();
      expect(asl.States[onTimeout?.Next as string]?.Type, name).not.toBe("Fail");
    }
  });

  it("every human step is a waitForTaskToken task that hands its token only to the server-side handler", () => {
    const waits = Object.entries(asl.States).filter(
      ([, s]) => s.Resource === ["arn:$", "{Partition}:states:::lambda:invoke.waitForTaskToken"].join(""),
    );
    expect(waits.length).toBeGreaterThanOrEqual(8);
    for (const [name, state] of waits) {
      const payload = (state.Parameters?.Payload ?? {}) as Record<string, unknown>;
      expect(payload["taskToken.$"], name).toBe("$$.Task.Token");
    }
  });

  it("names only functions of the catalog, and every state is reachable from the start", () => {
    const text = readFileSync(new URL("../../../workflows/flow-a.asl.json", import.meta.url), "utf8");
    const placeholders = [...text.matchAll(/\$\{([A-Za-z0-9]+)FunctionArn\}/g)].map((m) => m[1]);
    const ids = new Set(FUNCTIONS.map((f) => f.id));
    for (const id of placeholders) expect(ids.has(id as string), id).toBe(true);
    const seen = new Set<string>();
    const visit = (name: string) => {
      if (seen.has(name)) return;
      seen.add(name);
      const s = asl.States[name] as State;
      for (const next of [
        s.Next,
        s.Default,
        ...(s.Choices ?? []).map((c) => c.Next),
        ...(s.Catch ?? []).map((c) => c.Next),
      ]) {
        if (next) visit(next);
      }
    };
    visit(asl.StartAt);
    expect([...seen].sort()).toEqual(Object.keys(asl.States).sort());
    expect(text).not.toContain("JSONata");
  });

  it("a rejected advance is caught from both advance waits, before anything else; an approval goes to the draw", () => {
    for (const name of ["AwaitAdvanceDecision", "AwaitEscalatedAdvanceDecision"]) {
      const first = asl.States[name]?.Catch?.[0];
      expect(first, name).toMatchObject({ ErrorEquals: [ADVANCE_REJECTED], Next: "CloseCase" });
      expect(asl.States[name]?.Next, name).toBe("DrawAid");
    }
  });

  it("a close alone is caught from both follow-up waits, before anything else, and the case ends on CloseCase", () => {
    for (const name of ["AwaitFollowUp", "AwaitEscalatedFollowUp"]) {
      const first = asl.States[name]?.Catch?.[0];
      expect(first, name).toMatchObject({ ErrorEquals: [FOLLOW_UP_CLOSED], Next: "CloseCase" });
    }
    expect(asl.States.CloseCase).toMatchObject({ End: true });
    expect(asl.States.CloseCase?.Next).toBeUndefined();
  });

  it("never tests IsPresent: false (the local interpreter reads it as never true; Not IsPresent: true instead)", () => {
    const text = readFileSync(new URL("../../../workflows/flow-a.asl.json", import.meta.url), "utf8");
    expect(text).not.toMatch(/"IsPresent":\s*false/);
  });
});
