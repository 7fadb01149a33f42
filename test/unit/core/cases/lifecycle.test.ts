import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  allowedEvents,
  CASE_STATES,
  type CaseEvent,
  type CaseLifecycle,
  type CaseState,
  IllegalTransitionError,
  isOpen,
  nextState,
  TERMINAL_STATES,
  TRANSITIONS,
  transition,
} from "../../../../core/cases/index.ts";

function run(events: CaseEvent[], start: CaseLifecycle = { state: "filed" }): CaseLifecycle {
  return events.reduce((c, e) => transition(c, e), start);
}

const ALL_EVENTS: CaseEvent[] = [
  { type: "route.advance" },
  { type: "route.staged" },
  { type: "advance.responseTimeElapsed" },
  { type: "advance.approved" },
  { type: "advance.rejected" },
  { type: "payment.started" },
  { type: "payment.rerouted" },
  { type: "payment.confirmed" },
  { type: "paperwork.opened" },
  { type: "paperwork.deadlinePassed" },
  { type: "paperwork.completed" },
  { type: "followUp.started" },
  { type: "followUp.stagedHandover" },
  { type: "assessment.completed", noticeRequired: true },
  { type: "assessment.completed", noticeRequired: false },
  { type: "notice.objection" },
  { type: "notice.ended" },
  { type: "plan.approved", fundsAvailable: true },
  { type: "plan.approved", fundsAvailable: false },
  { type: "plan.rejected" },
  { type: "funds.replenished" },
  { type: "stages.scheduled" },
  { type: "stage.due" },
  { type: "recheck.passed" },
  { type: "recheck.failed" },
  { type: "stage.paid", lastStage: false },
  { type: "stage.paid", lastStage: true },
  { type: "plan.stopped" },
  { type: "case.closed" },
  { type: "case.withdrawn" },
];

describe("Flow A lifecycle — first aid, then follow-up (DOMAIN §3)", () => {
  it("an urgent case goes from filing through advance, paperwork and follow-up to closed", () => {
    const c = run([
      { type: "route.advance" },
      { type: "advance.approved" },
      { type: "payment.started" },
      { type: "payment.confirmed" },
      { type: "paperwork.opened" },
      { type: "paperwork.completed" },
      { type: "followUp.started" },
      { type: "case.closed" },
    ]);
    expect(c).toEqual({ state: "closed", flow: "A" });
  });

  it("an undecided advance escalates to the county and can still be approved there", () => {
    const c = run([{ type: "route.advance" }, { type: "advance.responseTimeElapsed" }]);
    expect(c.state).toBe("escalated");
    expect(transition(c, { type: "advance.approved" }).state).toBe("advance-approved");
  });

  it("overdue paperwork is flagged, never dropped: it can still be completed", () => {
    const c = run([
      { type: "route.advance" },
      { type: "advance.approved" },
      { type: "payment.started" },
      { type: "payment.confirmed" },
      { type: "paperwork.opened" },
      { type: "paperwork.deadlinePassed" },
    ]);
    expect(c.state).toBe("paperwork-overdue");
    expect(allowedEvents("paperwork-overdue")).toEqual(["paperwork.completed"]);
    expect(transition(c, { type: "paperwork.completed" }).state).toBe("paperwork-complete");
  });

  it("a failed transfer is re-routed and the case stays in paying", () => {
    const paying = run([
      { type: "route.advance" },
      { type: "advance.approved" },
      { type: "payment.started" },
    ]);
    expect(transition(paying, { type: "payment.rerouted" }).state).toBe("paying");
  });

  it("a rejected case cannot be paid", () => {
    const rejected = run([{ type: "route.advance" }, { type: "advance.rejected" }]);
    expect(() => transition(rejected, { type: "payment.started" })).toThrow(IllegalTransitionError);
    expect(() => transition(rejected, { type: "payment.confirmed" })).toThrow(IllegalTransitionError);
  });

  it("follow-up hands over to staged assistance (Flow B)", () => {
    const c = run([
      { type: "route.advance" },
      { type: "advance.approved" },
      { type: "payment.started" },
      { type: "payment.confirmed" },
      { type: "paperwork.opened" },
      { type: "paperwork.completed" },
      { type: "followUp.started" },
      { type: "followUp.stagedHandover" },
    ]);
    expect(c).toEqual({ state: "assessing", flow: "B" });
  });
});

describe("Flow B lifecycle — one approval, staged assistance (DOMAIN §4)", () => {
  it("an expenditure case goes through notice, approval, stages and closes after the last stage", () => {
    const c = run([
      { type: "route.staged" },
      { type: "assessment.completed", noticeRequired: true },
      { type: "notice.ended" },
      { type: "plan.approved", fundsAvailable: true },
      { type: "stages.scheduled" },
      { type: "stage.due" },
      { type: "recheck.passed" },
      { type: "stage.paid", lastStage: false },
      { type: "stage.due" },
      { type: "recheck.passed" },
      { type: "stage.paid", lastStage: true },
    ]);
    expect(c).toEqual({ state: "closed", flow: "B" });
  });

  it("an urgent case skips the public notice", () => {
    expect(nextState("assessing", { type: "assessment.completed", noticeRequired: false })).toBe(
      "awaiting-approval",
    );
  });

  it("an objection during the notice sends the case back to the officer", () => {
    expect(nextState("in-notice", { type: "notice.objection" })).toBe("assessing");
  });

  it("without money the approved plan waits for replenishment instead of failing", () => {
    const waiting = nextState("awaiting-approval", { type: "plan.approved", fundsAvailable: false });
    expect(waiting).toBe("awaiting-funds");
    expect(allowedEvents("awaiting-funds")).toEqual(["funds.replenished"]);
    expect(nextState(waiting, { type: "funds.replenished" })).toBe("committed");
  });

  it("a failed re-check stops the plan; a stopped plan closes and pays nothing more", () => {
    expect(nextState("stage-recheck", { type: "recheck.failed" })).toBe("stopped");
    expect(() => nextState("stopped", { type: "recheck.passed" })).toThrow(IllegalTransitionError);
    expect(nextState("stopped", { type: "case.closed" })).toBe("closed");
  });
});

describe("the transition table itself", () => {
  it.each(ALL_EVENTS.map((e) => [e.type, e] as const))(
    "a closed case accepts nothing: %s",
    (_name, event) => {
      expect(() => nextState("closed", event)).toThrow(IllegalTransitionError);
      expect(() => nextState("withdrawn", event)).toThrow(IllegalTransitionError);
    },
  );

  it("exactly closed and withdrawn are terminal", () => {
    expect([...TERMINAL_STATES].sort()).toEqual(["closed", "withdrawn"]);
  });

  it("the refusal names the state, the event and what was allowed, in both languages", () => {
    try {
      nextState("advance-rejected", { type: "payment.started" });
      expect.unreachable();
    } catch (error) {
      const e = error as IllegalTransitionError;
      expect(e.statusCode).toBe(422);
      expect(e.code).toBe("ILLEGAL_TRANSITION");
      expect(e.details).toMatchObject({
        state: "advance-rejected",
        event: "payment.started",
        allowed: ["case.closed"],
      });
      expect(e.messageZh).toMatch(/不允许/);
    }
  });

  it("every state is reachable from filed", () => {
    const seen = new Set<CaseState>(["filed"]);
    const queue: CaseState[] = ["filed"];
    while (queue.length > 0) {
      const s = queue.shift() as CaseState;
      for (const e of ALL_EVENTS) {
        if (TRANSITIONS[s]?.[e.type] === undefined) continue;
        const next = nextState(s, e);
        if (!seen.has(next)) {
          seen.add(next);
          queue.push(next);
        }
      }
    }
    expect([...seen].sort()).toEqual([...CASE_STATES].sort());
  });

  it("open cases are the ones still in progress", () => {
    expect(isOpen("awaiting-paperwork")).toBe(true);
    expect(isOpen("stage-waiting")).toBe(true);
    expect(isOpen("closed")).toBe(false);
    expect(isOpen("advance-rejected")).toBe(false);
  });

  it("property: any event sequence either moves along the table or is refused without changing the case", () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...ALL_EVENTS), { maxLength: 40 }), (events) => {
        let c: CaseLifecycle = { state: "filed" };
        let paidAfterRejection = false;
        let rejected = false;
        for (const e of events) {
          const before = c;
          try {
            c = transition(c, e);
          } catch (error) {
            expect(error).toBeInstanceOf(IllegalTransitionError);
            expect(c).toBe(before);
            continue;
          }
          expect(CASE_STATES).toContain(c.state);
          if (c.state === "advance-rejected" || c.state === "rejected") rejected = true;
          if (rejected && (c.state === "paying" || c.state === "stage-paying")) paidAfterRejection = true;
          if (TERMINAL_STATES.includes(before.state)) expect.unreachable("a terminal case moved");
        }
        expect(paidAfterRejection).toBe(false);
      }),
    );
  });
});
