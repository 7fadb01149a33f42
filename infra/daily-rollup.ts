/**
 * The daily province roll-up's schedule: an EventBridge rule invokes the function whose catalog entry
 * asks for `rollupSchedule` (DailyRollup) every ROLLUP_SCHEDULE_MINUTES; the day's first run stores each
 * county's row of the Asia/Shanghai day, later runs only a county onboarded since
 * (functions/services/province/daily-rollup.ts).
 */
import type { Stack } from "aws-cdk-lib";
import type * as lambda from "aws-cdk-lib/aws-lambda";
import type { FunctionDefinition } from "#functions/catalog.ts";
import { ROLLUP_SCHEDULE_MINUTES } from "#functions/services/province/daily-rollup.ts";
import { everyMinutes } from "./schedule.ts";

export function wireRollupSchedule(scope: Stack, definition: FunctionDefinition, fn: lambda.Function): void {
  if (!definition.triggers?.rollupSchedule) return;
  everyMinutes(
    scope,
    `${definition.id}Schedule`,
    fn,
    ROLLUP_SCHEDULE_MINUTES,
    "AidFlow: store each county's province roll-up of the day",
  );
}
