/**
 * Who may give which role (DOMAIN §8): an administrator creates or disables staff users
 * only in roles they could hold themselves — a county administrator every role of a county, a
 * province administrator those and the province's own (administrator, statistics viewer) — and never administers their
 * own account. Scope (own county, counties of the province) is the permission table's
 * (`user.create`, `user.disable`); this is the rule on the role and the person.
 */
import { ForbiddenError } from "../errors.ts";
import type { Actor, Role } from "./roles.ts";

/** The roles held in one county (a township-bound one also names its township). */
export const COUNTY_STAFF_ROLES: readonly Role[] = [
  "township-officer",
  "township-approver",
  "county-civil-affairs",
  "county-finance",
  "auditor",
  "county-admin",
];

/** The roles held at a province (their users carry the province's code, e.g. 230000, as county). */
export const PROVINCE_ROLES: readonly Role[] = ["province-admin", "province-viewer"];

/** What each administrator role may give; applicants sign themselves in and are given no role here. */
const APPOINTABLE: Partial<Record<Role, readonly Role[]>> = {
  "county-admin": COUNTY_STAFF_ROLES,
  "province-admin": [...COUNTY_STAFF_ROLES, ...PROVINCE_ROLES],
};

/** Every role an administrator can give (the users API accepts these). */
export const STAFF_ROLES: readonly Role[] = APPOINTABLE["province-admin"] ?? [];

export interface Appointment {
  /** The role given (creating) or held (disabling). */
  role: Role;
  /** The user administered; absent while a new user has no id yet. */
  subjectUserId?: string;
  /** The new user's phone is the actor's own: creating oneself a second account is refused too. */
  samePersonAsActor?: boolean;
}

export type AppointmentDenial = { code: "self" | "role-above-own"; reason: string; reasonZh: string };

export function appointmentDenial(actor: Actor, appointment: Appointment): AppointmentDenial | undefined {
  if (appointment.samePersonAsActor === true || appointment.subjectUserId === actor.userId)
    return {
      code: "self",
      reason: "an administrator does not administer their own account",
      reasonZh: "管理员不能创建或停用本人的账号",
    };
  const may = actor.roles.some((held) => (APPOINTABLE[held] ?? []).includes(appointment.role));
  if (!may)
    return {
      code: "role-above-own",
      reason: `the role ${appointment.role} is above what the administrator may hold`,
      reasonZh: "不能授予高于本人可担任的角色",
    };
  return undefined;
}

/** For services: a ForbiddenError with both messages when the appointment is refused. */
export function requireAppointable(actor: Actor, appointment: Appointment): void {
  const denial = appointmentDenial(actor, appointment);
  if (denial)
    throw new ForbiddenError(denial.reason, denial.reasonZh, {
      details: { code: denial.code },
    });
}
