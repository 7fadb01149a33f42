/**
 * Who may sign in, as the identity provider sees it (DOMAIN §1, ARCHITECTURE §3.6): in the staff user
 * pool one Cognito group per staff role, and the township/county a user acts for as custom attributes;
 * applicants sign in at a pool of their own, with no group (infra/stacks/api-stack.ts). The local
 * provider issues tokens with the same claim names. Plain data, no aws-cdk-lib import.
 */

import { ROLE_DESCRIPTIONS as CORE_ROLES, ROLES, type Role } from "#core/access/roles.ts";

/** The roles are core's (`core/access/roles.ts`); the staff pool has one group per role but applicant. */
export { ROLES, type Role };

/** What each role may do, in one line (DOMAIN §1). */
const MAY: Record<Role, string> = {
  applicant: "files at the township where the emergency happened, sees own cases",
  "township-officer": "accepts, investigates and completes cases of their own township",
  "township-approver": "approves advance aid and amounts up to the township ceiling",
  "county-civil-affairs": "approves above the township ceiling and escalations, whole county",
  "county-finance": "allocates, reconciles (对账) and replenishes (补足) township funds",
  auditor: "reads everything in the county, personal data masked",
  "county-admin": "manages the county's townships, policy versions and local holidays",
  "province-admin": "creates counties, loads the national holiday schedule, approves policy versions",
  "province-viewer": "reads the province's roll-up of its counties and townships (no personal data)",
};

/** One line per group, shown in the Cognito console: the Chinese name from core, then what it may do. */
export function groupDescription(role: Role): string {
  return `${CORE_ROLES[role].nameZh}: ${MAY[role]}`;
}

/**
 * Scope attributes, without the `custom:` prefix Cognito adds in tokens; handlers read them as
 * `custom:township` / `custom:county` (`CLAIMS` of functions/http/actor.ts).
 */
export const SCOPE_ATTRIBUTES = { township: "township", county: "county" } as const;
