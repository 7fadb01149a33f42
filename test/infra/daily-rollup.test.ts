/**
 * The daily province roll-up's schedule in AWS (issue 22 §4): an EventBridge rule invokes DailyRollup
 * (its published version) every ROLLUP_SCHEDULE_MINUTES, and no other function is on it; DailyRollup
 * reads the main table and the ledger and writes only the main table (its roll-up rows).
 */
import { Template } from "aws-cdk-lib/assertions";
import { beforeAll, describe, expect, it } from "vitest";
import { FUNCTIONS } from "#functions/catalog.ts";
import { ROLLUP_SCHEDULE_MINUTES } from "#functions/services/province/daily-rollup.ts";
import { buildFixtureApp } from "./support.ts";

describe("daily roll-up infrastructure", () => {
  let functions: Template;

  beforeAll(() => {
    // Prepare / Act: the real catalog, bundling skipped
    const { stacks } = buildFixtureApp({ functions: FUNCTIONS, workflows: [] });
    functions = Template.fromStack(stacks.functions!);
  });

  it("a schedule invokes DailyRollup's published version hourly, and only it", () => {
    expect(ROLLUP_SCHEDULE_MINUTES).toBe(60);
    const rules = Object.values(functions.findResources("AWS::Events::Rule")).filter((rule) =>
      String(rule.Properties.Description).includes("roll-up"),
    );
    expect(rules).toHaveLength(1);
    const rule = rules[0]?.Properties;
    expect(rule.ScheduleExpression).toBe("rate(1 hour)");
    expect(rule.State).toBe("ENABLED");
    const targets = JSON.stringify(rule.Targets);
    expect(targets).toContain("DailyRollup");
    expect(targets).toContain("CurrentVersion");
    for (const other of ["DeadlineReminders", "SmsDispatch", "ProvinceRollup"]) {
      expect(targets).not.toContain(other);
    }
  });

  it("the events service may invoke DailyRollup's version, nothing else may through that rule", () => {
    const permissions = Object.values(functions.findResources("AWS::Lambda::Permission")).filter(
      (permission) =>
        permission.Properties.Principal === "events.amazonaws.com" &&
        JSON.stringify(permission.Properties.FunctionName).includes("DailyRollup"),
    );
    expect(permissions).toHaveLength(1);
    expect(JSON.stringify(permissions[0]?.Properties.SourceArn)).toContain("DailyRollupSchedule");
  });
});
