/**
 * What the county chases (DOMAIN §3): a step is late when its deadline passed or the flow escalated
 * it; an escalated step's time is its next reminder, not a deadline ahead; township steps name the
 * township staff who must do them, county steps nobody to chase.
 */
import { describe, expect, it } from "vitest";
import { chasedRole, isLate, nextReminder } from "../../../web/src/components/queue.ts";

const NOW = Date.parse("2026-11-10T09:00:00+08:00");
const LATER = "2026-11-11T01:00:00.000Z";
const EARLIER = "2026-11-09T01:00:00.000Z";

describe("late work", () => {
  it("is late when flagged overdue, escalated, or past its deadline; not before", () => {
    expect(isLate({ dueAt: LATER, overdue: true }, NOW)).toBe(true);
    expect(isLate({ dueAt: LATER, escalated: true }, NOW)).toBe(true);
    expect(isLate({ dueAt: EARLIER }, NOW)).toBe(true);
    expect(isLate({ dueAt: LATER }, NOW)).toBe(false);
    expect(isLate({ dueAt: null }, NOW)).toBe(false);
  });

  it("an escalated step's future time is its next reminder; a step not escalated has none", () => {
    expect(nextReminder({ dueAt: LATER, escalated: true }, NOW)).toBe(LATER);
    expect(nextReminder({ dueAt: LATER, overdue: true }, NOW)).toBeUndefined();
    expect(nextReminder({ dueAt: EARLIER, escalated: true }, NOW)).toBeUndefined();
  });

  it("names the township staff to chase, and nobody for the county's own steps", () => {
    expect(chasedRole(["township-officer", "county-civil-affairs"])).toBe("township-officer");
    expect(chasedRole(["county-civil-affairs"])).toBeUndefined();
    expect(chasedRole(["county-finance"])).toBeUndefined();
  });
});
