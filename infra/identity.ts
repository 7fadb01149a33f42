/**
 * Who may sign in, as the identity provider sees it (DOMAIN §1, ARCHITECTURE §3.6): one Cognito group
 * per role, and the township/county a user acts for as custom attributes. The local dev sign-in issues
 * tokens with the same claim names. Plain data, no aws-cdk-lib import.
 */

export const ROLES = [
  "applicant",
  "township-officer",
  "township-approver",
  "county-civil-affairs",
  "county-finance",
  "auditor",
] as const;

export type Role = (typeof ROLES)[number];

/** One line per group, shown in the Cognito console. */
export const ROLE_DESCRIPTIONS: Record<Role, string> = {
  applicant: "申请人: files at the township where the emergency happened, sees own cases",
  "township-officer": "经办人: accepts, investigates and completes cases of their own township",
  "township-approver": "审批人: approves advance aid and amounts up to the township ceiling",
  "county-civil-affairs": "县民政: approves above the township ceiling and escalations, whole county",
  "county-finance": "县财政: allocates, reconciles (对账) and replenishes (补足) township funds",
  auditor: "审计: reads everything in the county, personal data masked",
};

/** Scope attributes (without the `custom:` prefix Cognito adds in tokens). */
export const SCOPE_ATTRIBUTES = { township: "township", county: "county" } as const;

/** The claims the API reads from an ID token. */
export const CLAIMS = {
  groups: "cognito:groups",
  township: `custom:${SCOPE_ATTRIBUTES.township}`,
  county: `custom:${SCOPE_ATTRIBUTES.county}`,
} as const;
