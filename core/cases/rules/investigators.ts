/**
 * DOMAIN §3.4, §7: the investigation (入户调查) is done by at least `investigatorsPerCase` distinct
 * officers — active officers of the case's township, never the applicant nor the approver who decided
 * the advance — on a visit dated between the filing and today (Asia/Shanghai calendar dates).
 */
import { type Instant, localDateOf, toMs } from "../../calendar/localDate.ts";
import type { ResolvedPolicy } from "../../policy/resolve.ts";
import { PolicyRuleViolationError } from "../errors.ts";
import { compliant, noncompliant, type RuleOutcome } from "./outcome.ts";

export function investigatorsPerCase(officerIds: readonly string[], policy: ResolvedPolicy): RuleOutcome {
  const distinct = new Set(officerIds.map((id) => id.trim()).filter((id) => id !== "")).size;
  if (distinct < policy.investigatorsPerCase) {
    return noncompliant(
      "investigators-per-case",
      policy.policyVersionId,
      "investigators",
      `the investigation needs ${policy.investigatorsPerCase} distinct officers, got ${distinct}`,
      `入户调查须由 ${policy.investigatorsPerCase} 名不同的工作人员进行，现有 ${distinct} 名`,
    );
  }
  return compliant("investigators-per-case", policy.policyVersionId);
}

export interface InvestigationInput {
  investigators: readonly { userId: string; visitedAt: Instant }[];
  /** Active township officers of the case's township, from the user directory. */
  townshipOfficerIds: ReadonlySet<string>;
  applicantUserId?: string;
  /** Who decided the advance (township approver, or the county after escalation). */
  advanceDeciderUserId?: string;
  filedAt: Instant;
  now: Instant;
}

type Refusal = Extract<RuleOutcome, { outcome: "noncompliant" }>;

/**
 * Every reason the investigation team or its visit dates are refused, each on its own field path
 * (`investigators.<i>.userId`, `investigators.<i>.visitedAt`, `investigators`); `[compliant]` when
 * none. Positions, not user ids, name an investigator in the messages (they are shown to staff).
 */
export function investigationTeam(input: InvestigationInput, policy: ResolvedPolicy): RuleOutcome[] {
  const v = policy.policyVersionId;
  const refusals: Refusal[] = [];
  const refuse = (field: string, message: string, messageZh: string) =>
    refusals.push(noncompliant("investigators-per-case", v, field, message, messageZh) as Refusal);
  const firstDay = localDateOf(input.filedAt);
  const today = localDateOf(input.now);
  const seen = new Set<string>();
  input.investigators.forEach((investigator, i) => {
    const id = investigator.userId.trim();
    const at = `investigators.${i}`;
    const nth = `第 ${i + 1} 名调查人员`;
    if (seen.has(id)) {
      refuse(`${at}.userId`, "the same officer is listed twice", `${nth}重复`);
    } else if (id === input.applicantUserId) {
      refuse(
        `${at}.userId`,
        "the applicant cannot investigate her own case",
        `${nth}是申请人本人，不能参与调查`,
      );
    } else if (id === input.advanceDeciderUserId) {
      refuse(
        `${at}.userId`,
        "the approver who decided the advance cannot investigate the case",
        `${nth}是审批先行救助的人员，不能参与调查`,
      );
    } else if (!input.townshipOfficerIds.has(id)) {
      refuse(`${at}.userId`, "not an active officer of the case's township", `${nth}不是本乡镇在职经办人`);
    }
    seen.add(id);
    const day = localDateOf(toMs(investigator.visitedAt));
    if (day < firstDay) {
      refuse(`${at}.visitedAt`, "the visit cannot be before the filing date", "入户调查日期不能早于申请日期");
    } else if (day > today) {
      refuse(`${at}.visitedAt`, "the visit cannot be in the future", "入户调查日期不能晚于今天");
    }
  });
  const count = investigatorsPerCase(
    input.investigators.map((i) => i.userId),
    policy,
  );
  if (count.outcome === "noncompliant") refusals.push(count);
  return refusals.length > 0 ? refusals : [compliant("investigators-per-case", v)];
}

/**
 * The one check of an investigation before the paperwork is recorded: every refusal of
 * `investigationTeam` at once, as a 422 with a field message per refusal (zh + en).
 */
export function requireInvestigationTeam(input: InvestigationInput, policy: ResolvedPolicy): void {
  const refusals = investigationTeam(input, policy).filter((o): o is Refusal => o.outcome === "noncompliant");
  const first = refusals[0];
  if (!first) return;
  throw new PolicyRuleViolationError(
    `The investigation is not valid: ${first.message}`,
    `入户调查信息有误：${first.messageZh}`,
    {
      fields: refusals.map((r) => ({ path: r.field, message: r.message, messageZh: r.messageZh })),
      details: { rule: first.rule, policyVersionId: first.policyVersionId },
    },
  );
}
