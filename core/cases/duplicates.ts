/**
 * Duplicate and repeat-aid rules (DOMAIN §3.1, §2.4):
 * 1. the same idempotency key returns the existing case (a different body under it is a conflict);
 * 2. the same person + cause while a case is open returns that case;
 * 3. one aid per cause per household per window (`aidPerCausePerHousehold` per `aidPerCauseWindowMonths`);
 * 4. a fraud finding bars the household / person for `fraudBarMonths`.
 * People and households are compared through keyed hashes (core/identity), never raw numbers.
 */
import { addMonthsToInstant, type Instant, toMs } from "../calendar/localDate.ts";
import { windowStartMonthsBefore } from "../calendar/workingDays.ts";
import type { ResolvedPolicy } from "../policy/resolve.ts";
import type { HardshipCause } from "./hardship.ts";
import { type CaseState, isOpen } from "./lifecycle.ts";

export interface PriorCase {
  caseId: string;
  idempotencyKey: string;
  /** Keyed hash of the canonical request body, to tell a retry from a reused key. */
  requestHash: string;
  /** Undefined when identity was attested by an officer (no document number). */
  personKey?: string;
  householdKey: string;
  cause: HardshipCause;
  state: CaseState;
  /** When aid was first paid (epoch ms); undefined while nothing has been paid. */
  aidedAt?: number;
}

export interface FraudFinding {
  householdKey: string;
  personKey?: string;
  /** When the fraud was established (epoch ms). */
  foundAt: number;
}

export interface NewApplication {
  idempotencyKey: string;
  requestHash: string;
  personKey?: string;
  householdKey: string;
  cause: HardshipCause;
}

export type DuplicateVerdict =
  | { verdict: "new"; policyVersionId: string }
  | { verdict: "existing"; reason: "same-idempotency-key" | "same-person-same-cause-open"; caseId: string }
  | { verdict: "conflict"; reason: "idempotency-key-reused"; caseId: string }
  | {
      verdict: "refused";
      reason: "aid-limit-per-cause" | "fraud-bar";
      until: Date;
      caseIds: string[];
      message: string;
      messageZh: string;
      policyVersionId: string;
    };

export function checkDuplicate(
  application: NewApplication,
  priorCases: readonly PriorCase[],
  fraudFindings: readonly FraudFinding[],
  at: Instant,
  policy: ResolvedPolicy,
): DuplicateVerdict {
  const now = toMs(at);
  const sameKey = priorCases.find((c) => c.idempotencyKey === application.idempotencyKey);
  if (sameKey) {
    return sameKey.requestHash === application.requestHash
      ? { verdict: "existing", reason: "same-idempotency-key", caseId: sameKey.caseId }
      : { verdict: "conflict", reason: "idempotency-key-reused", caseId: sameKey.caseId };
  }

  const samePerson = (c: { personKey?: string; householdKey: string }) =>
    application.personKey !== undefined && c.personKey === application.personKey;
  const openSame = priorCases.find((c) => samePerson(c) && c.cause === application.cause && isOpen(c.state));
  if (openSame)
    return { verdict: "existing", reason: "same-person-same-cause-open", caseId: openSame.caseId };

  const bars = fraudFindings
    .filter((f) => f.householdKey === application.householdKey || samePerson(f))
    .map((f) => ({ f, until: addMonthsToInstant(f.foundAt, policy.fraudBarMonths) }))
    .filter(({ f, until }) => f.foundAt <= now && now < until.getTime())
    .sort((a, b) => b.until.getTime() - a.until.getTime());
  const longestBar = bars[0];
  if (longestBar) {
    return {
      verdict: "refused",
      reason: "fraud-bar",
      until: longestBar.until,
      caseIds: [],
      message: `the household is barred after fraud until ${longestBar.until.toISOString()}`,
      messageZh: "该家庭因骗取救助被限制申请，限制期未满",
      policyVersionId: policy.policyVersionId,
    };
  }

  const windowStart = windowStartMonthsBefore(now, policy.aidPerCauseWindowMonths).getTime();
  const aided = priorCases
    .filter(
      (c) =>
        c.householdKey === application.householdKey &&
        c.cause === application.cause &&
        c.aidedAt !== undefined &&
        c.aidedAt >= windowStart &&
        c.aidedAt <= now,
    )
    .sort((a, b) => (a.aidedAt as number) - (b.aidedAt as number));
  if (aided.length >= policy.aidPerCausePerHousehold) {
    // A slot frees when the oldest counted aid leaves the window.
    const oldest = aided[aided.length - policy.aidPerCausePerHousehold] as PriorCase;
    const until = addMonthsToInstant(oldest.aidedAt as number, policy.aidPerCauseWindowMonths);
    return {
      verdict: "refused",
      reason: "aid-limit-per-cause",
      until,
      caseIds: aided.map((c) => c.caseId),
      message: `the household was already aided for this cause ${aided.length} time(s) in the last ${policy.aidPerCauseWindowMonths} months`,
      messageZh: `该家庭近 ${policy.aidPerCauseWindowMonths} 个月内已因同一事由获得救助 ${aided.length} 次（一事一救）`,
      policyVersionId: policy.policyVersionId,
    };
  }
  return { verdict: "new", policyVersionId: policy.policyVersionId };
}
