/**
 * Disaster mode (DOMAIN §8): county civil affairs declares an incident — its cause, the townships it
 * hit, its dates and the standard advance each affected household gets — and ends it. The standard
 * advance obeys the advance-aid ceiling of the policy in force (the rule `advanceCeiling`, applied
 * here to the field `standardAdvanceYuan`); the dates are Asia/Shanghai calendar dates. The
 * request schemas live at the boundary (functions/services/incidents/schemas.ts).
 */
import { type LocalDate, localDateOf } from "../calendar/localDate.ts";
import { PolicyRuleViolationError } from "../cases/errors.ts";
import type { UrgentCause } from "../cases/hardship.ts";
import { advanceCeiling } from "../cases/rules/advanceCeiling.ts";
import { ValidationError } from "../errors.ts";
import { Yuan } from "../money/index.ts";
import type { ResolvedPolicy } from "../policy/resolve.ts";

/** An incident names at most this many townships (a county has a few dozen). */
export const INCIDENT_TOWNSHIPS_MAX = 50;
/** An incident lasts at most this many days from its start (a year: then a new one is declared). */
export const INCIDENT_DAYS_MAX = 366;

/** What a declaration names (the request's shape is checked at the boundary). */
export interface IncidentDeclaration {
  name: string;
  cause: UrgentCause;
  townshipIds: string[];
  startDate: LocalDate;
  endDate?: LocalDate;
  standardAdvanceYuan: string;
  description?: string;
}

export type IncidentStatus = "active" | "ended";

export interface Incident extends IncidentDeclaration {
  incidentId: string;
  countyId: string;
  status: IncidentStatus;
  /** The county policy version in force at the declaration (its advance ceiling was checked). */
  policyVersionId: string;
  declaredBy: { userId: string; name: string };
  declaredAt: string;
  endedBy?: { userId: string; name: string };
  endedAt?: string;
  endReason?: string;
}

function fieldError(path: string, message: string, messageZh: string): ValidationError {
  return new ValidationError(message, messageZh, { fields: [{ path, message, messageZh }] });
}

/**
 * The checks of a declaration beyond its shape: the townships are the county's (`countyTownships`),
 * named once; the end is not before the start, within INCIDENT_DAYS_MAX; the start is not in the
 * future (`today`); the standard advance is within the advance ceiling of `policy` (when given: the
 * shape and townships are checked before a township's policy is looked up).
 */
export function checkDeclaration(
  request: IncidentDeclaration,
  countyTownships: ReadonlySet<string>,
  today: LocalDate,
  policy: ResolvedPolicy | undefined,
): void {
  request.townshipIds.forEach((townshipId, index) => {
    if (!countyTownships.has(townshipId)) {
      throw fieldError(
        `townshipIds.${index}`,
        `township ${townshipId} is not a township of this county`,
        "所选乡镇不属于本县",
      );
    }
    if (request.townshipIds.indexOf(townshipId) !== index) {
      throw fieldError(`townshipIds.${index}`, "a township is named twice", "受灾乡镇重复");
    }
  });
  if (request.startDate > today) {
    throw fieldError("startDate", "the start date is in the future", "开始日期不能晚于今天");
  }
  if (request.endDate !== undefined) checkEndDate(request.startDate, request.endDate);
  if (!policy) return;
  const outcome = advanceCeiling(Yuan.parse(request.standardAdvanceYuan, "standardAdvanceYuan"), policy);
  if (outcome.outcome === "noncompliant") {
    // The advance ceiling's own answer (422, as for an advance decision), on this request's field.
    const messageZh = `每户标准${outcome.messageZh}`;
    throw new PolicyRuleViolationError(outcome.message, messageZh, {
      fields: [{ path: "standardAdvanceYuan", message: outcome.message, messageZh }],
      details: { rule: outcome.rule, policyVersionId: outcome.policyVersionId },
    });
  }
}

export function checkEndDate(startDate: LocalDate, endDate: LocalDate): void {
  if (endDate < startDate) {
    throw fieldError("endDate", "the end date is before the start date", "结束日期不能早于开始日期");
  }
  const days = (Date.parse(`${endDate}T00:00:00Z`) - Date.parse(`${startDate}T00:00:00Z`)) / 86_400_000;
  if (days > INCIDENT_DAYS_MAX) {
    throw fieldError(
      "endDate",
      `an incident lasts at most ${INCIDENT_DAYS_MAX} days`,
      `灾情持续期不能超过 ${INCIDENT_DAYS_MAX} 天`,
    );
  }
}

/** Households are registered while the incident is active and `at` falls within its dates. */
export function registrationOpen(incident: Incident, at: Date): boolean {
  const day = localDateOf(at);
  if (incident.status !== "active" || day < incident.startDate) return false;
  return incident.endDate === undefined || day <= incident.endDate;
}
