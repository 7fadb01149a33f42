import { describe, expect, it } from "vitest";
import { PolicyRuleViolationError } from "#core/cases/index.ts";
import { ValidationError } from "#core/errors.ts";
import {
  checkDeclaration,
  type Incident,
  type IncidentDeclaration,
  type IncidentHouseholdRow,
  incidentFigures,
  registrationOpen,
} from "#core/incidents/index.ts";
import { demoPolicy } from "../support/policy.ts";

const CHENGGUAN = "230123100";
const HEDONG = "230123200";
const COUNTY = new Set([CHENGGUAN, HEDONG]);
const urban = demoPolicy("urban"); // advance ceiling 1,000

const declaration = (overrides: Partial<IncidentDeclaration> = {}): IncidentDeclaration => ({
  name: "7·20 暴雨洪涝",
  cause: "flood",
  townshipIds: [CHENGGUAN, HEDONG],
  startDate: "2026-07-20",
  standardAdvanceYuan: "500.00",
  ...overrides,
});

function refusal(run: () => void): { error: unknown } {
  try {
    run();
  } catch (error) {
    return { error };
  }
  return { error: undefined };
}

describe("declaring an incident (DOMAIN §8 disaster mode)", () => {
  it("Compliance: a standard advance at the advance ceiling, townships of the county, started today", () => {
    expect(
      refusal(() =>
        checkDeclaration(declaration({ standardAdvanceYuan: "1000.00" }), COUNTY, "2026-07-20", urban),
      ),
    ).toEqual({ error: undefined });
  });

  it("Noncompliance 1: a standard advance one fen above the ceiling is the advance ceiling's 422, on its own field", () => {
    const { error } = refusal(() =>
      checkDeclaration(declaration({ standardAdvanceYuan: "1000.01" }), COUNTY, "2026-07-20", urban),
    );
    expect(error).toBeInstanceOf(PolicyRuleViolationError);
    expect((error as PolicyRuleViolationError).statusCode).toBe(422);
    expect((error as PolicyRuleViolationError).fields).toMatchObject([
      { path: "standardAdvanceYuan", messageZh: expect.stringContaining("每户标准") },
    ]);
  });

  it("Noncompliance 2: a township of another county, a township named twice, a start in the future, an end before the start", () => {
    const cases: Array<[IncidentDeclaration, string]> = [
      [declaration({ townshipIds: [CHENGGUAN, "230191100"] }), "townshipIds.1"],
      [declaration({ townshipIds: [HEDONG, HEDONG] }), "townshipIds.1"],
      [declaration({ startDate: "2026-07-21" }), "startDate"],
      [declaration({ endDate: "2026-07-19" }), "endDate"],
      [declaration({ endDate: "2027-07-22" }), "endDate"],
    ];
    for (const [request, path] of cases) {
      const { error } = refusal(() => checkDeclaration(request, COUNTY, "2026-07-20", urban));
      expect(error, path).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).fields[0]?.path).toBe(path);
    }
  });

  it("registration is open while the incident is active, from its start through its end date (Asia/Shanghai)", () => {
    const incident = { ...declaration({ endDate: "2026-07-25" }), status: "active" } as Incident;
    expect(registrationOpen(incident, new Date("2026-07-19T15:59:59Z"))).toBe(false); // 07-19 23:59 Shanghai
    expect(registrationOpen(incident, new Date("2026-07-19T16:00:00Z"))).toBe(true); // 07-20 00:00
    expect(registrationOpen(incident, new Date("2026-07-25T15:59:59Z"))).toBe(true);
    expect(registrationOpen(incident, new Date("2026-07-25T16:00:00Z"))).toBe(false);
    expect(registrationOpen({ ...incident, status: "ended" }, new Date("2026-07-21T00:00:00Z"))).toBe(false);
  });
});

describe("the incident dashboard's figures", () => {
  const row = (
    townshipId: string,
    stage: IncidentHouseholdRow["stage"],
    extra: Partial<IncidentHouseholdRow> = {},
  ) => ({
    caseId: `C-${Math.random()}`,
    townshipId,
    registeredAt: "2026-07-20T02:00:00.000Z",
    stage,
    ...extra,
  });

  it("counts each household once per stage, sums money per township and measures registration → payment", () => {
    const figures = incidentFigures(
      [CHENGGUAN, HEDONG, "230123300"],
      [
        row(CHENGGUAN, "paid", {
          approvedYuan: "500.00",
          paid: { amountYuan: "500.00", paidAt: "2026-07-20T02:30:00.000Z" },
        }),
        row(CHENGGUAN, "paid", {
          approvedYuan: "500.00",
          paid: { amountYuan: "500.00", paidAt: "2026-07-20T04:00:00.000Z" },
        }),
        row(HEDONG, "waiting-for-funds", { approvedYuan: "500.00" }),
        row(HEDONG, "awaiting-decision"),
        row(HEDONG, "rejected"),
      ],
    );
    expect(figures.totals).toMatchObject({
      registered: 5,
      awaitingDecision: 1,
      approved: 3,
      rejected: 1,
      waitingForFunds: 1,
      paid: 2,
    });
    expect(figures.totals.paidYuan.toString()).toBe("1000.00");
    expect(figures.totals.approvedYuan.toString()).toBe("1500.00");
    expect(figures.townships.map((t) => [t.townshipId, t.registered, t.paidYuan.toString()])).toEqual([
      [CHENGGUAN, 2, "1000.00"],
      [HEDONG, 3, "0.00"],
      ["230123300", 0, "0.00"],
    ]);
    expect(figures.registrationToPayment).toEqual({
      count: 2,
      medianMinutes: 30,
      p90Minutes: 120,
      maxMinutes: 120,
    });
  });

  it("no payment yet: no durations", () => {
    expect(incidentFigures([CHENGGUAN], []).registrationToPayment).toEqual({ count: 0 });
  });
});
