/**
 * The deadline reminders' schedule in AWS (issue 24): an EventBridge rule invokes DeadlineReminders
 * (its published version) every REMINDER_SCHEDULE_MINUTES, and no other function is on it.
 */
import { Template } from "aws-cdk-lib/assertions";
import { beforeAll, describe, expect, it } from "vitest";
import { FUNCTIONS } from "#functions/catalog.ts";
import { REMINDER_SCHEDULE_MINUTES } from "#functions/services/messages/reminders.ts";
import { buildFixtureApp } from "./support.ts";

describe("deadline reminders infrastructure", () => {
  let functions: Template;

  beforeAll(() => {
    // Prepare / Act: the real catalog, bundling skipped
    const { stacks } = buildFixtureApp({ functions: FUNCTIONS, workflows: [] });
    functions = Template.fromStack(stacks.functions!);
  });

  it("a schedule invokes DeadlineReminders hourly, and only it", () => {
    expect(REMINDER_SCHEDULE_MINUTES).toBe(60);
    const rules = Object.values(functions.findResources("AWS::Events::Rule")).filter((rule) =>
      String(rule.Properties.Description).includes("remind"),
    );
    expect(rules).toHaveLength(1);
    const rule = rules[0]?.Properties;
    expect(rule.ScheduleExpression).toBe("rate(1 hour)");
    expect(rule.State).toBe("ENABLED");
    expect(JSON.stringify(rule.Targets)).toContain("DeadlineReminders");
    expect(JSON.stringify(rule.Targets)).not.toContain("SmsDispatch");
  });
});
