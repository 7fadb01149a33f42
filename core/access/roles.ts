/**
 * The roles of DOMAIN §1 as data. Roles and scope come from the identity token (ARCHITECTURE §3.6);
 * this module only says what they mean.
 */

export const ROLES = [
  "applicant",
  "township-officer",
  "township-approver",
  "county-civil-affairs",
  "county-finance",
  "auditor",
  "county-admin",
  "province-admin",
  "province-viewer",
] as const;

export type Role = (typeof ROLES)[number];

export interface RoleDescription {
  role: Role;
  nameZh: string;
  /** Whether the role is bound to one township (its actors must carry `townshipId`). */
  townshipBound: boolean;
}

export const ROLE_DESCRIPTIONS: Readonly<Record<Role, RoleDescription>> = {
  applicant: { role: "applicant", nameZh: "申请人", townshipBound: false },
  "township-officer": { role: "township-officer", nameZh: "经办人", townshipBound: true },
  "township-approver": { role: "township-approver", nameZh: "审批人", townshipBound: true },
  "county-civil-affairs": { role: "county-civil-affairs", nameZh: "县民政", townshipBound: false },
  "county-finance": { role: "county-finance", nameZh: "县财政/民政财务", townshipBound: false },
  auditor: { role: "auditor", nameZh: "审计/监督", townshipBound: false },
  "county-admin": { role: "county-admin", nameZh: "县级管理员", townshipBound: false },
  // Carries the province's code (e.g. 230000) as its county: it acts on the counties under it.
  "province-admin": { role: "province-admin", nameZh: "省级管理员", townshipBound: false },
  // Read-only: the province's roll-up of its counties and townships, nothing else (permissions.ts).
  "province-viewer": { role: "province-viewer", nameZh: "省级统计查看", townshipBound: false },
};

/** Who is acting: built from verified token claims, never from a request body. */
export interface Actor {
  userId: string;
  roles: Role[];
  countyId: string;
  /** Present for township-bound roles (DOMAIN §1: "only for their own township"). */
  townshipId?: string;
  name: string;
}

export function isRole(value: unknown): value is Role {
  return typeof value === "string" && (ROLES as readonly string[]).includes(value);
}
