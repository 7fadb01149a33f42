/**
 * Duplicate and repeat-aid rules (DOMAIN §3.1, §2.4):
 * 1. the same idempotency key returns the existing case (a different body under it is a conflict);
 * 2. the same person + cause while a case is open returns that case;
 * 3. one aid per cause per household per window (rules/oneAidPerCausePerHousehold.ts);
 * 4. a fraud finding bars the household / person for `fraudBarMonths` (rules/fraudBar.ts).
 * People and households are compared through keyed hashes (core/identity), never raw numbers.
 */
import { type Instant, toMs } from "../calendar/localDate.ts";
import { windowStartMonthsBefore } from "../calendar/workingDays.ts";
import type { ResolvedPolicy } from "../policy/resolve.ts";
import type { HardshipCause } from "./hardship.ts";
import { type CaseState, isOpen } from "./lifecycle.ts";
import { fraudBar } from "./rules/fraudBar.ts";
import { oneAidPerCausePerHousehold } from "./rules/oneAidPerCausePerHousehold.ts";

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

  const bar = fraudBar(
    {
      findings: fraudFindings
        .filter((f) => f.householdKey === application.householdKey || samePerson(f))
        .map((f) => ({ caseId: f.householdKey, foundAt: f.foundAt })),
      at: now,
    },
    policy,
  );
  if (bar.outcome === "noncompliant" && bar.barredBy) {
    return {
      verdict: "refused",
      reason: "fraud-bar",
      until: bar.barredBy.until,
      caseIds: [],
      message: bar.message,
      messageZh: bar.messageZh,
      policyVersionId: policy.policyVersionId,
    };
  }

  const household = priorCases.filter((c) => c.householdKey === application.householdKey);
  const aid = oneAidPerCausePerHousehold(
    {
      cause: application.cause,
      aids: household.map((c) => ({
        caseId: c.caseId,
        cause: c.cause,
        ...(c.aidedAt !== undefined ? { paidAt: c.aidedAt } : {}),
      })),
      at: now,
    },
    policy,
  );
  if (aid.outcome === "noncompliant" && aid.until) {
    const windowStart = windowStartMonthsBefore(now, policy.aidPerCauseWindowMonths).getTime();
    return {
      verdict: "refused",
      reason: "aid-limit-per-cause",
      until: aid.until,
      caseIds: household
        .filter((c) => c.cause === application.cause && c.aidedAt !== undefined)
        .filter((c) => (c.aidedAt as number) >= windowStart && (c.aidedAt as number) <= now)
        .sort((a, b) => (a.aidedAt as number) - (b.aidedAt as number))
        .map((c) => c.caseId),
      message: aid.message,
      messageZh: aid.messageZh,
      policyVersionId: policy.policyVersionId,
    };
  }
  return { verdict: "new", policyVersionId: policy.policyVersionId };
}
