import { describe, expect, it } from "vitest";
import { ValidationError } from "../../../../core/errors.ts";
import { alertLevel } from "../../../../core/ledger/alert.ts";
import { Yuan } from "../../../../core/money/yuan.ts";
import {
  fundQuotaYuan,
  NoPolicyInForceError,
  type PolicyParameters,
  PolicyParametersBaseSchema,
  parseCountyPolicySet,
  parsePolicyParameters,
  policyInForce,
  resolvePolicy,
} from "../../../../core/policy/index.ts";
import { demoCountyParameters2026, demoCountyPolicy } from "../../../../local/seed/policy-demo-county.ts";

const typical = demoCountyParameters2026;

function fieldErrorsOf(input: unknown): { path: string; messageZh: string }[] {
  try {
    parsePolicyParameters(input);
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as ValidationError).fields;
  }
  throw new Error("expected the parameters to be refused");
}

describe("policy parameters (DOMAIN §7)", () => {
  it("the demo county's typical values are a valid parameter set", () => {
    expect(parsePolicyParameters(typical)).toEqual(typical);
  });

  it("every DOMAIN §7 parameter is in the schema by name, with its unit", () => {
    const names = Object.keys(PolicyParametersBaseSchema.shape);
    expect(names).toEqual(
      expect.arrayContaining([
        "dibaoMonthlyStandardUrbanYuan",
        "dibaoMonthlyStandardRuralYuan",
        "townshipApprovalCeiling",
        "perCaseCap",
        "advanceCeilingYuan",
        "advanceResponseTimeHours",
        "paperworkDeadlineWorkingDays",
        "ordinaryProcessingWorkingDays",
        "publicNoticeDays",
        "investigatorsPerCase",
        "stagedPlanMaxStages",
        "stagedPlanWithinCalendarYear",
        "cashCeilingYuan",
        "aidPerCausePerHousehold",
        "aidPerCauseWindowMonths",
        "fraudBarMonths",
        "fundQuotaPerCapitaYuan",
        "lowBalanceAlertPercent",
        "holidayCalendarRef",
      ]),
    );
  });

  it.each([
    ["advanceCeilingYuan", "799.99"],
    ["advanceCeilingYuan", "1000.01"],
    ["paperworkDeadlineWorkingDays", 4],
    ["paperworkDeadlineWorkingDays", 21],
    ["ordinaryProcessingWorkingDays", 2],
    ["ordinaryProcessingWorkingDays", 16],
    ["publicNoticeDays", 2],
    ["publicNoticeDays", 8],
    ["investigatorsPerCase", 1],
    ["investigatorsPerCase", 4],
    ["aidPerCausePerHousehold", 0],
    ["aidPerCausePerHousehold", 4],
    ["townshipApprovalCeiling", { yuan: "499.99" }],
    ["townshipApprovalCeiling", { yuan: "5000.01" }],
    ["townshipApprovalCeiling", { dibaoMonths: 1.5 }],
    ["townshipApprovalCeiling", { dibaoMonths: 6.5 }],
    ["perCaseCap", { dibaoMonths: 12.5 }],
    ["perCaseCap", { dibaoMonths: 1 }],
    ["cashCeilingYuan", "1e3"],
    ["paperworkDeadlineWorkingDays", 5.5],
  ] as const)("Noncompliance: %s = %j is outside the range of DOMAIN §7", (field, value) => {
    const fields = fieldErrorsOf({ ...typical, [field]: value });
    expect(fields.some((f) => f.path.startsWith(field))).toBe(true);
    expect(fields.every((f) => f.messageZh.length > 0)).toBe(true);
  });

  it.each([
    ["paperworkDeadlineWorkingDays", 5],
    ["paperworkDeadlineWorkingDays", 20],
    ["publicNoticeDays", 3],
    ["investigatorsPerCase", 3],
    ["townshipApprovalCeiling", { dibaoMonths: 4 }],
    ["perCaseCap", { yuan: "9000" }],
  ] as const)("Compliance: %s = %j is inside the range", (field, value) => {
    expect(() => parsePolicyParameters({ ...typical, [field]: value })).not.toThrow();
  });

  it("a missing parameter is refused by name", () => {
    const { publicNoticeDays: _omitted, ...rest } = typical;
    expect(fieldErrorsOf(rest).map((f) => f.path)).toContain("publicNoticeDays");
  });

  it("an unknown parameter is refused rather than silently ignored", () => {
    expect(fieldErrorsOf({ ...typical, advanceCeiling: "900" }).length).toBeGreaterThan(0);
  });
});

describe("cross-field checks", () => {
  it("Noncompliance: the township ceiling may not exceed the per-case cap (rural 低保 resolves lower)", () => {
    // urban: 6 × 800 = 4,800 ≥ 4,000 passes; rural: 6 × 520 = 3,120 < 4,000 fails.
    const params = { ...typical, townshipApprovalCeiling: { yuan: "4000" }, perCaseCap: { dibaoMonths: 6 } };
    const fields = fieldErrorsOf(params);
    expect(fields).toEqual([expect.objectContaining({ path: "townshipApprovalCeiling" })]);
    expect(fields[0]?.messageZh).toMatch(/农村/);
  });

  it("Noncompliance: the advance ceiling may not exceed the township ceiling", () => {
    const params = {
      ...typical,
      dibaoMonthlyStandardRuralYuan: "200",
      townshipApprovalCeiling: { dibaoMonths: 4 },
    };
    // rural: 4 × 200 = 800 < advance 1,000
    expect(fieldErrorsOf(params).map((f) => f.path)).toContain("advanceCeilingYuan");
  });

  it("Noncompliance: a cash ceiling above the advance ceiling is refused unless explicitly allowed", () => {
    const params = { ...typical, advanceCeilingYuan: "800", cashCeilingYuan: "1000" };
    expect(fieldErrorsOf(params).map((f) => f.path)).toEqual(["cashCeilingYuan"]);
    expect(() => parsePolicyParameters({ ...params, cashCeilingExceedsAdvanceAllowed: true })).not.toThrow();
  });

  it("cross-field checks do not run on malformed input (field errors only)", () => {
    const fields = fieldErrorsOf({ ...typical, advanceCeilingYuan: "abc" });
    expect(fields.map((f) => f.path)).toEqual(["advanceCeilingYuan"]);
  });
});

describe("limits given as a multiple of the monthly 低保 standard resolve to yuan", () => {
  const version = policyInForce(demoCountyPolicy, Date.parse("2026-03-01T00:00:00+08:00"));

  it("per-case cap 10 × 低保 is 8,000 urban and 5,200 rural in the demo county", () => {
    expect(resolvePolicy(version, "urban").perCaseCapYuan.toString()).toBe("8000.00");
    expect(resolvePolicy(version, "rural").perCaseCapYuan.toString()).toBe("5200.00");
  });

  it("a half-month multiple resolves to the fen, rounding half-up", () => {
    const params = parsePolicyParameters({
      ...typical,
      dibaoMonthlyStandardUrbanYuan: "733.33",
      townshipApprovalCeiling: { dibaoMonths: 4.5 },
    });
    const resolved = resolvePolicy({ ...version, parameters: params }, "urban");
    // 733.33 × 4.5 = 3,299.985 → half-up to the fen
    expect(resolved.townshipApprovalCeilingYuan.toString()).toBe("3299.99");
  });

  it("resolved policy carries the version id every decision records", () => {
    expect(resolvePolicy(version, "urban").policyVersionId).toBe("230123-2026-01");
  });
});

describe("versioned by effective date", () => {
  const base = {
    countyId: "230123",
    countyName: "示例县",
    versions: [
      {
        versionId: "v1",
        countyId: "230123",
        effectiveFrom: "2026-01-01T00:00:00+08:00",
        effectiveUntil: "2026-07-01T00:00:00+08:00",
        parameters: typical,
      },
      {
        versionId: "v2",
        countyId: "230123",
        effectiveFrom: "2026-07-01T00:00:00+08:00",
        parameters: {
          ...typical,
          advanceCeilingYuan: "800",
          cashCeilingYuan: "800",
        } satisfies PolicyParameters,
      },
    ],
  };

  it("the version in force changes exactly at the effective instant", () => {
    const set = parseCountyPolicySet(base);
    expect(policyInForce(set, Date.parse("2026-06-30T23:59:59.999+08:00")).versionId).toBe("v1");
    expect(policyInForce(set, Date.parse("2026-07-01T00:00:00+08:00")).versionId).toBe("v2");
    expect(policyInForce(set, new Date("2030-01-01T00:00:00Z")).versionId).toBe("v2");
  });

  it("before the first version no policy is in force (a typed 422)", () => {
    const set = parseCountyPolicySet(base);
    expect(() => policyInForce(set, Date.parse("2025-12-31T15:59:59Z"))).toThrow(NoPolicyInForceError);
  });

  it("Noncompliance: a gap between versions is refused", () => {
    const gap = structuredClone(base);
    gap.versions[0]!.effectiveUntil = "2026-06-01T00:00:00+08:00";
    expect(() => parseCountyPolicySet(gap)).toThrow(/gap/);
  });

  it("Noncompliance: overlapping versions are refused", () => {
    const overlap = structuredClone(base);
    overlap.versions[0]!.effectiveUntil = "2026-08-01T00:00:00+08:00";
    expect(() => parseCountyPolicySet(overlap)).toThrow(/overlap/);
    const sameStart = structuredClone(base);
    sameStart.versions[1]!.effectiveFrom = "2026-01-01T00:00:00+08:00";
    expect(() => parseCountyPolicySet(sameStart)).toThrow(/overlap/);
  });

  it("Noncompliance: duplicate version ids and foreign counties are refused", () => {
    const dup = structuredClone(base);
    dup.versions[1]!.versionId = "v1";
    expect(() => parseCountyPolicySet(dup)).toThrow(/duplicate/);
    const foreign = structuredClone(base);
    foreign.versions[1]!.countyId = "230124";
    expect(() => parseCountyPolicySet(foreign)).toThrow(/another county/);
  });

  it("a closed last version leaves no policy in force after it ends", () => {
    const closed = structuredClone(base);
    (closed.versions[1] as { effectiveUntil?: string }).effectiveUntil = "2027-01-01T00:00:00+08:00";
    const set = parseCountyPolicySet(closed);
    expect(() => policyInForce(set, Date.parse("2027-01-01T00:00:00+08:00"))).toThrow(NoPolicyInForceError);
  });
});

describe("fund sizing and low-balance alert (DOMAIN §2.3, §5)", () => {
  const policy = resolvePolicy(demoCountyPolicy.versions[0]!, "rural");

  it("quota is the per-capita amount times the registered population", () => {
    expect(fundQuotaYuan(38_217, policy).toString()).toBe("38217.00");
  });

  it("the alert level is the configured percent of the quota (core/ledger's alertLevel)", () => {
    const quota = Yuan.parse("50000");
    expect(alertLevel(quota, String(policy.lowBalanceAlertPercent)).toString()).toBe("10000.00");
  });
});
