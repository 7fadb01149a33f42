import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  allowedEvents,
  CASE_STATES,
  type CaseEvent,
  type CaseLifecycle,
  type CaseState,
  canTransition,
  type Flow,
  filedState,
  flowOf,
  IllegalTransitionError,
  isOpen,
  nextState,
  TERMINAL_STATES,
  TRANSITIONS,
  transition,
  WAIT_STATES,
  type WaitOf,
} from "../../../../core/cases/index.ts";

function run(
  events: CaseEvent[],
  start: CaseLifecycle = { state: filedState("A"), flow: "A" },
): CaseLifecycle {
  return events.reduce((c, e) => transition(c, e), start);
}

const waitA = (wait: WaitOf<"A">): CaseEvent => ({ type: "wait.opened", flow: "A", wait });
const waitB = (wait: WaitOf<"B">): CaseEvent => ({ type: "wait.opened", flow: "B", wait });

const ALL_EVENTS: CaseEvent[] = [
  ...(Object.keys(WAIT_STATES.A) as WaitOf<"A">[]).map(waitA),
  ...(Object.keys(WAIT_STATES.B) as WaitOf<"B">[]).map(waitB),
  { type: "advance.approved" },
  { type: "advance.rejected" },
  { type: "payment.started" },
  { type: "payment.started", staged: true },
  { type: "paperwork.completed" },
  { type: "followUp.stagedHandover" },
  { type: "assessment.completed", noticeRequired: true },
  { type: "assessment.completed", noticeRequired: false },
  { type: "notice.objection" },
  { type: "plan.rejected" },
  { type: "stages.scheduled" },
  { type: "recheck.passed" },
  { type: "recheck.failed" },
  { type: "step.failed" },
  { type: "case.closed" },
  { type: "case.withdrawn" },
];

describe("Flow A lifecycle — first aid, then follow-up (DOMAIN §3)", () => {
  it("an urgent case goes from filing through advance, paperwork and follow-up to closed", () => {
    const c = run([
      { type: "advance.approved" },
      { type: "payment.started" },
      waitA("paperwork"),
      { type: "paperwork.completed" },
      waitA("follow-up"),
      { type: "case.closed" },
    ]);
    expect(c).toEqual({ state: "closed", flow: "A" });
  });

  it("an undecided advance escalates to the county and can still be approved there", () => {
    // The escalated wait opens again for the county; the case keeps waiting for the decision.
    const c = run([waitA("advance-decision"), waitA("advance-decision")]);
    expect(c.state).toBe("awaiting-advance-decision");
    expect(transition(c, { type: "advance.approved" }).state).toBe("paying");
  });

  it("overdue paperwork is flagged, never dropped: it can still be completed", () => {
    const c = run([
      { type: "advance.approved" },
      { type: "payment.started" },
      waitA("paperwork"),
      // Past the deadline the wait opens again, escalated.
      waitA("paperwork"),
    ]);
    expect(c.state).toBe("awaiting-paperwork");
    expect(allowedEvents("awaiting-paperwork")).toContain("paperwork.completed");
    expect(transition(c, { type: "paperwork.completed" }).state).toBe("awaiting-follow-up");
  });

  it("a failed transfer is re-routed and the case is paying again", () => {
    const rerouting = run([
      { type: "advance.approved" },
      { type: "payment.started" },
      waitA("payment-route"),
    ]);
    expect(rerouting.state).toBe("awaiting-payment-route");
    expect(transition(rerouting, { type: "payment.started" }).state).toBe("paying");
  });

  it("a rejected case cannot be paid", () => {
    const rejected = run([{ type: "advance.rejected" }]);
    expect(rejected.state).toBe("advance-rejected");
    expect(() => transition(rejected, { type: "payment.started" })).toThrow(IllegalTransitionError);
    expect(() => transition(rejected, waitA("payment-route"))).toThrow(IllegalTransitionError);
    expect(() => transition(rejected, { type: "advance.approved" })).toThrow(IllegalTransitionError);
  });

  it("follow-up hands over to staged assistance (Flow B)", () => {
    const c = run([
      { type: "advance.approved" },
      { type: "payment.started" },
      waitA("paperwork"),
      { type: "paperwork.completed" },
      { type: "followUp.stagedHandover" },
    ]);
    expect(c).toEqual({ state: "handed-over-to-flow-b", flow: "A" });
    expect(transition(c, waitB("assessment"))).toEqual({ state: "assessing", flow: "B" });
  });
});

describe("Flow B lifecycle — one approval, staged assistance (DOMAIN §4)", () => {
  it("an expenditure case goes through notice, approval, stages and closes after the last stage", () => {
    const c = run(
      [
        { type: "assessment.completed", noticeRequired: true },
        waitB("public-notice"),
        waitB("plan-approval"),
        { type: "stages.scheduled" },
        waitB("stage-recheck"),
        { type: "recheck.passed" },
        { type: "payment.started", staged: true },
        waitB("stage-recheck"),
        { type: "recheck.passed" },
        { type: "payment.started", staged: true },
        { type: "case.closed" },
      ],
      { state: filedState("B"), flow: "B" },
    );
    expect(c).toEqual({ state: "closed", flow: "B" });
  });

  it("an urgent case skips the public notice", () => {
    expect(nextState("assessing", { type: "assessment.completed", noticeRequired: false })).toBe(
      "awaiting-plan-approval",
    );
    expect(nextState("assessing", { type: "assessment.completed", noticeRequired: true })).toBe("in-notice");
  });

  it("an objection during the notice sends the case back to the officer", () => {
    expect(nextState("in-notice", { type: "notice.objection" })).toBe("assessing");
  });

  it("without money the approved plan waits for replenishment instead of failing", () => {
    const waiting = nextState("awaiting-plan-approval", waitB("plan-funds"));
    expect(waiting).toBe("awaiting-plan-funds");
    expect(() => nextState(waiting, { type: "payment.started", staged: true })).toThrow(
      IllegalTransitionError,
    );
    expect(() => nextState(waiting, { type: "plan.rejected" })).toThrow(IllegalTransitionError);
    expect(nextState(waiting, { type: "stages.scheduled" })).toBe("stage-waiting");
  });

  it("a failed re-check stops the plan; a stopped plan closes and pays nothing more", () => {
    expect(nextState("stage-recheck", { type: "recheck.failed" })).toBe("plan-stopped");
    expect(() => nextState("plan-stopped", { type: "recheck.passed" })).toThrow(IllegalTransitionError);
    expect(() => nextState("plan-stopped", { type: "payment.started", staged: true })).toThrow(
      IllegalTransitionError,
    );
    expect(nextState("plan-stopped", { type: "case.closed" })).toBe("closed");
  });

  it("a stage payment stays in its stage, whatever route it takes", () => {
    expect(nextState("stage-recheck", { type: "recheck.passed" })).toBe("stage-paying");
    expect(nextState("stage-paying", waitB("payment-route"))).toBe("stage-paying");
    expect(nextState("stage-paying", { type: "payment.started", staged: true })).toBe("stage-paying");
  });
});

describe("withdrawal (DOMAIN §1): before any aid is approved", () => {
  it("is accepted while the advance or the plan is still undecided, and nowhere else", () => {
    const accepting = CASE_STATES.filter((s) => canTransition(s, { type: "case.withdrawn" }));
    expect(accepting.sort()).toEqual(
      ["assessing", "awaiting-advance-decision", "awaiting-plan-approval", "in-notice"].sort(),
    );
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
      // A zh-CN reader never sees an internal status or event code.
      expect(e.messageZh).not.toMatch(/[a-z]/);
    }
  });

  it("every state is reachable from the states a case is filed in", () => {
    const filed: CaseState[] = [filedState("A"), filedState("B")];
    const seen = new Set<CaseState>(filed);
    const queue: CaseState[] = [...filed];
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
    expect(isOpen("plan-rejected")).toBe(false);
    expect(isOpen("handed-over-to-flow-b")).toBe(false);
    expect(isOpen("withdrawn")).toBe(false);
  });

  it("each wait of a flow keeps the case in a status of that flow", () => {
    for (const status of Object.values(WAIT_STATES.A)) expect(flowOf(status)).toBe("A");
    for (const status of Object.values(WAIT_STATES.B)) expect(flowOf(status)).toBe("B");
  });

  it("property: any event sequence either moves along the table or is refused without changing the case", () => {
    fc.assert(
      fc.property(
        fc.constantFrom<Flow>("A", "B"),
        fc.array(fc.constantFrom(...ALL_EVENTS), { maxLength: 40 }),
        (flow, events) => {
          let c: CaseLifecycle = { state: filedState(flow), flow };
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
            if (c.state === "advance-rejected" || c.state === "plan-rejected") rejected = true;
            if (rejected && (c.state === "paying" || c.state === "stage-paying")) paidAfterRejection = true;
            if (TERMINAL_STATES.includes(before.state)) expect.unreachable("a terminal case moved");
          }
          expect(paidAfterRejection).toBe(false);
        },
      ),
    );
  });
});
