/**
 * Operating intervals of Flow B (how often a machine looks again — not DOMAIN §7 policy). Flow A's
 * settings plus the deadline of a stage re-check; read from the environment once per execution and
 * carried in the execution state (`$.settings`), so the ASL holds no literal.
 */
import * as z from "zod";
import { type FlowSettings, flowSettingsFromEnv } from "../flow-settings.ts";

const Seconds = z.coerce.number().int().positive();

const SettingsSchema = z.object({
  /** An officer has this long after a stage falls due to record its re-check before it escalates. */
  AIDFLOW_STAGE_RECHECK_DEADLINE_SECONDS: Seconds.default(3 * 24 * 60 * 60),
});

export interface FlowBSettings extends FlowSettings {
  stageRecheckDeadlineSeconds: number;
}

export function flowBSettingsFromEnv(env: Record<string, string | undefined> = process.env): FlowBSettings {
  const raw = SettingsSchema.parse(env);
  return {
    ...flowSettingsFromEnv(env),
    stageRecheckDeadlineSeconds: raw.AIDFLOW_STAGE_RECHECK_DEADLINE_SECONDS,
  };
}
