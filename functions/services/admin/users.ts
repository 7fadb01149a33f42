/**
 * Staff users (DOMAIN §8): an administrator creates a user with name, mainland phone, role
 * and — for a township-bound role — township, lists a county's users, and disables a user (never
 * deletes: the records name them). County administrators act on their county, province
 * administrators on the counties of their province; nobody gives a role above what they could hold
 * or administers their own account (core/access/appointment.ts).
 *
 * The account people sign in with is made through the identity port (the local provider signs in
 * the directory's users; in AWS the Cognito pool); AidFlow's directory holds the role and scope.
 * Every check runs before anything is written; a phone is claimed once in the deployment, so of
 * identical creations at once one creates and the others are refused (409); every change is audited.
 */
import { createHash, randomUUID } from "node:crypto";
import { DirectoryStore } from "#adapters/directory-store.ts";
import type { IdentityAccounts } from "#adapters/identity/accounts.ts";
import { type NewStaffUser, type StaffUser, UserDirectory } from "#adapters/user-directory.ts";
import {
  type Actor,
  isRole,
  PROVINCE_ROLES,
  ROLE_DESCRIPTIONS,
  type Role,
  requireAppointable,
  requireAuthorized,
  STAFF_ROLES,
} from "#core/access/index.ts";
import { ConflictError, NotFoundError, ValidationError } from "#core/errors.ts";
import { maskPhone } from "#core/identity/masking.ts";
import type { AdminDeps } from "./administration.ts";

export interface UserDeps extends AdminDeps {
  identity: IdentityAccounts;
}

export interface NewUserInput {
  name: string;
  phone: string;
  role: Role;
  townshipId?: string;
}

/** What an administrator sees of a user: the phone masked (core/identity masking), no sign-in name. */
export interface UserView {
  userId: string;
  name: string;
  roles: Role[];
  roleNamesZh: string[];
  countyId: string;
  townshipId?: string;
  townshipName?: string;
  phoneMasked?: string;
  active: boolean;
}

/** Mainland mobile numbers: 11 digits from 13… to 19…. */
export const MAINLAND_MOBILE = /^1[3-9]\d{9}$/;
const PROVINCE_CODE = /^\d{2}0000$/;

function invalid(path: string, message: string, messageZh: string): ValidationError {
  return new ValidationError(message, messageZh, { fields: [{ path, message, messageZh }] });
}

/** The county (or, for a province administrator, the province) and township the user is created in. */
async function checkPlacement(
  deps: AdminDeps,
  countyId: string,
  input: NewUserInput,
): Promise<{ townshipName?: string }> {
  if (!MAINLAND_MOBILE.test(input.phone))
    throw invalid("phone", "an 11-digit mainland mobile number", "须为 11 位大陆手机号码");
  if (!isRole(input.role) || !STAFF_ROLES.includes(input.role))
    throw invalid("role", "a staff role", "须为工作人员角色");
  const province = PROVINCE_CODE.test(countyId);
  const provinceRole = PROVINCE_ROLES.includes(input.role);
  if (provinceRole && !province)
    throw invalid(
      "role",
      "a province's role (administrator, statistics viewer) is created in a province (e.g. 230000)",
      "省级角色（省级管理员、省级统计查看）须在省级代码（如 230000）下创建",
    );
  if (!provinceRole && province)
    throw invalid("role", "a county's role is created in a county", "县级角色须在县下创建");
  const bound = ROLE_DESCRIPTIONS[input.role].townshipBound;
  if (!bound && input.townshipId !== undefined)
    throw invalid("townshipId", "this role is not bound to a township", "该角色不属于某个乡镇，请勿填写乡镇");
  if (province) return {};
  const directory = new DirectoryStore(deps.db, deps.table);
  if (!(await directory.county(countyId)))
    throw new NotFoundError(`County ${countyId} has not been created`, "该县尚未在本系统开通", {
      details: { countyId },
    });
  if (!bound) return {};
  if (input.townshipId === undefined)
    throw invalid("townshipId", "a township is required for this role", "该角色须填写所属乡镇");
  const township = (await directory.townshipsOf(countyId)).find((t) => t.townshipId === input.townshipId);
  if (!township) throw invalid("townshipId", "a township of this county", "须为本县已开通的乡镇");
  return { townshipName: township.name };
}

const digestOf = (countyId: string, input: NewUserInput) =>
  createHash("sha256")
    .update(JSON.stringify([countyId, input.name, input.phone, input.role, input.townshipId ?? null]))
    .digest("hex");

function phoneTaken(): ConflictError {
  return new ConflictError("The phone number already has an account", "该手机号已有账号，不能重复创建", {
    details: { field: "phone" },
  });
}

/**
 * Creates a staff user and their sign-in account. 409 when the phone has an account (or is being
 * given one with other details); 403 for a role above the administrator's or their own phone.
 */
export async function createUser(
  deps: UserDeps,
  actor: Actor,
  countyId: string,
  input: NewUserInput,
): Promise<UserView> {
  requireAuthorized(actor, "user.create", { countyId });
  requireAppointable(actor, { role: input.role });
  const { townshipName } = await checkPlacement(deps, countyId, input);
  const users = new UserDirectory(deps.db, deps.table);
  const digest = digestOf(countyId, input);
  const claim = await users.claimPhone({
    phone: input.phone,
    countyId,
    username: `u-${randomUUID()}`,
    digest,
  });
  if ("held" in claim) {
    requireAppointable(actor, { role: input.role, samePersonAsActor: claim.held.userId === actor.userId });
    throw phoneTaken();
  }
  const { username } = claim.granted;
  let subject: string;
  try {
    ({ subject } = await deps.identity.create({ username, countyId, ...input }));
  } catch (error) {
    await users.releasePhone(input.phone, digest);
    throw error;
  }
  const user: NewStaffUser = {
    userId: subject,
    username,
    name: input.name,
    phone: input.phone,
    roles: [input.role],
    countyId,
    ...(input.townshipId ? { townshipId: input.townshipId } : {}),
    active: true,
    createdBy: actor.userId,
    createdAt: deps.now().toISOString(),
  };
  // Of identical creations at once, one stores the user; the others found the claim pending.
  if (!(await users.createUser(user, digest))) throw phoneTaken();
  await deps.audit.append({
    countyId,
    ...(input.townshipId ? { townshipId: input.townshipId } : {}),
    action: "user.create",
    resourceType: "user",
    resourceId: subject,
    actor: { userId: actor.userId, name: actor.name, roles: actor.roles },
    after: {
      name: input.name,
      phoneMasked: maskPhone(input.phone),
      role: input.role,
      ...(input.townshipId ? { townshipId: input.townshipId } : {}),
      identity: deps.identity.kind,
    },
  });
  return viewOf(user, townshipName);
}

/** A county's users (active and disabled), names clear, phones masked. */
export async function listUsers(deps: AdminDeps, actor: Actor, countyId: string): Promise<UserView[]> {
  requireAuthorized(actor, "user.list", { countyId });
  const users = await new UserDirectory(deps.db, deps.table).usersOf(countyId);
  const townships = PROVINCE_CODE.test(countyId)
    ? []
    : await new DirectoryStore(deps.db, deps.table).townshipsOf(countyId);
  const names = new Map(townships.map((t) => [t.townshipId, t.name]));
  return users
    .filter((u) => !u.roles.includes("applicant"))
    .sort((a, b) => a.name.localeCompare(b.name, "zh-CN") || a.userId.localeCompare(b.userId))
    .map((u) => viewOf(u, u.townshipId ? names.get(u.townshipId) : undefined));
}

/**
 * Disables a user: their account no longer signs in and the directory marks them inactive; nothing
 * is deleted. 409 when the user is disabled already (of disablings at once, one takes effect).
 */
export async function disableUser(
  deps: UserDeps,
  actor: Actor,
  countyId: string,
  userId: string,
): Promise<UserView> {
  requireAuthorized(actor, "user.disable", { countyId });
  const users = new UserDirectory(deps.db, deps.table);
  const user = await users.user(countyId, userId);
  if (!user || user.roles.includes("applicant"))
    throw new NotFoundError(`User ${userId} not found`, "该用户不存在", { details: { countyId } });
  for (const role of user.roles) requireAppointable(actor, { role, subjectUserId: user.userId });
  const already = () =>
    new ConflictError("The user is disabled already", "该用户已停用", { details: { countyId } });
  if (!user.active) throw already();
  // The account first: once the directory says inactive, the sign-in must be stopped too.
  await deps.identity.disable(user.username ?? user.userId);
  if (!(await users.disableUser(user, actor.userId, deps.now().toISOString()))) throw already();
  await deps.audit.append({
    countyId,
    ...(user.townshipId ? { townshipId: user.townshipId } : {}),
    action: "user.disable",
    resourceType: "user",
    resourceId: user.userId,
    actor: { userId: actor.userId, name: actor.name, roles: actor.roles },
    before: { active: true },
    after: { active: false },
  });
  return viewOf({ ...user, active: false });
}

function viewOf(user: StaffUser, townshipName?: string): UserView {
  return {
    userId: user.userId,
    name: user.name,
    roles: user.roles,
    roleNamesZh: user.roles.map((r) => ROLE_DESCRIPTIONS[r].nameZh),
    countyId: user.countyId,
    ...(user.townshipId ? { townshipId: user.townshipId } : {}),
    ...(townshipName ? { townshipName } : {}),
    ...(user.phone ? { phoneMasked: maskPhone(user.phone) } : {}),
    active: user.active,
  };
}
