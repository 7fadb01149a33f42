/**
 * DynamoDB faults of one simulation run, injected through the SDK request handler
 * (`test/support/faults.ts`), so the SDK's own retries and the adapters' own recovery run as in AWS.
 *
 * Which request fails is decided by hashing (seed, fault kind, the request's keys, how often this
 * request was seen) — not by a shared random stream — so concurrent callers cannot shift the faults
 * between them and a seed replays the same storm.
 */
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { type FaultInjector, type FaultKind, type FaultRule, injectFaults } from "#test/support/faults.ts";
import { requestKeys } from "../request-keys.ts";
import { hashedUnit } from "./prng.ts";

export interface FaultProfile {
  name: "calm" | "mild" | "stormy";
  /** Probability per request and kind. */
  rates: Partial<Record<FaultKind, number>>;
}

export const FAULT_PROFILES: readonly FaultProfile[] = [
  { name: "calm", rates: {} },
  {
    name: "mild",
    rates: {
      throttle: 0.02,
      "transaction-conflict": 0.03,
      timeout: 0.01,
      "ambiguous-timeout": 0.02,
      "ambiguous-throttle": 0.01,
    },
  },
  {
    name: "stormy",
    rates: {
      throttle: 0.06,
      "transaction-conflict": 0.08,
      timeout: 0.03,
      "ambiguous-timeout": 0.06,
      "ambiguous-throttle": 0.04,
    },
  },
];

/** The request's keys (request-keys.ts) without the run's table prefix: what identifies it on a replay. */
export function requestKey(input: Record<string, unknown>, runTag: string): string {
  // The run's own prefix must not change the answer: a replay on fresh tables asks the same question.
  return requestKeys(input).join("|").split(runTag).join("");
}

export interface RunFaults {
  injector: FaultInjector;
  disable(): void;
}

export function injectRunFaults(
  client: DynamoDBClient,
  seed: number,
  profile: FaultProfile,
  runTag: string,
): RunFaults {
  const seen = new Map<string, number>();
  const rules: FaultRule[] = [];
  for (const [kind, rate] of Object.entries(profile.rates) as [FaultKind, number][]) {
    rules.push({
      kind,
      probability: 1,
      when: (input) => {
        const key = `${kind}#${requestKey(input, runTag)}`;
        const nth = (seen.get(key) ?? 0) + 1;
        seen.set(key, nth);
        return hashedUnit(seed, key, nth) < rate;
      },
    });
  }
  const injector = injectFaults(client, rules, { seed });
  return { injector, disable: () => injector.disable() };
}
