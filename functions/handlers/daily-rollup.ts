/**
 * The daily province roll-up Lambda: an EventBridge schedule invokes it every ROLLUP_SCHEDULE_MINUTES
 * (infra/daily-rollup.ts, `rollupSchedule`; locally the runtime's scheduled scan) and it stores each
 * county's figures of the Asia/Shanghai day once (services/province/daily-rollup.ts). A county whose row
 * of the day is there is skipped, so a retried or repeated invocation writes nothing more.
 */
import { storeDailyRollups } from "#functions/services/province/daily-rollup.ts";
import { rollupDeps } from "#functions/services/province/deps.ts";

export async function handler(event: unknown): Promise<{ day: string; counties: number; stored: number }> {
  if ((event as { source?: unknown })?.source !== "aws.events") {
    throw new TypeError("DailyRollup takes a scheduled event");
  }
  return storeDailyRollups(rollupDeps());
}
