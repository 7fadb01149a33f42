/** Flow B's operating settings as an execution carries them (`$.settings`, functions/runtime/flow-settings.ts). */
import { config } from "#functions/runtime/config.ts";
import type { FlowBSettings } from "#functions/runtime/flow-settings.ts";

/**
 * The settings a continued or redriven execution goes on with (its `AdoptExecution`): the ones it was
 * started with, and this deployment's value of any setting added since — an execution started before
 * `stagesBeforeHandOver` existed would otherwise fail (States.Runtime) where the stage loop fixes its
 * stage limit. Nothing it carries is changed: a months-long plan keeps its intervals.
 */
export function settingsCarriedOver(
  settings: Record<string, unknown>,
  defaults: FlowBSettings = config().flow,
): Record<string, unknown> {
  return { ...defaults, ...settings };
}
