/**
 * One function answers "may this actor do this action on this resource" (DOMAIN §1, ARCHITECTURE
 * §3.6): role × action from the permission table, then scope, then maker-checker. Deny by default.
 */
import { ForbiddenError } from "../errors.ts";
import { ACTIONS, type Action, type Grant, grantsFor } from "./permissions.ts";
import { type Actor, isRole, ROLE_DESCRIPTIONS } from "./roles.ts";

/** What an action touches: a case, a township fund, or a county-wide thing (export, audit trail). */
export interface AccessResource {
  countyId: string;
  /** Absent for county-wide resources; a township-scoped grant then never matches. */
  townshipId?: string;
  /** The applicant who owns a case. */
  ownerUserId?: string;
  /** Everyone who filed, investigated, proposed or recorded on the case (maker-checker). */
  handledBy?: readonly string[];
  /** Who proposed a replenishment or a policy version (its executor/approver must be someone else). */
  proposedBy?: string;
}

export type DenialCode = "unknown-action" | "no-role" | "out-of-scope" | "maker-checker";

export type Authorization =
  | { allowed: true; grant: Grant }
  | { allowed: false; code: DenialCode; reason: string; reasonZh: string };

/** How far a grant got before failing: a later stage is the more useful reason to report. */
const STAGE: Record<DenialCode, number> = {
  "unknown-action": 0,
  "no-role": 1,
  "out-of-scope": 2,
  "maker-checker": 3,
};

export function authorize(actor: Actor, action: Action, resource: AccessResource): Authorization {
  if (!(ACTIONS as readonly string[]).includes(action)) {
    return deny("unknown-action", `unknown action ${String(action)}`, "未知操作");
  }
  let best: Exclude<Authorization, { allowed: true }> = deny(
    "no-role",
    `none of the actor's roles may ${action}`,
    "当前角色无权执行此操作",
  );
  for (const grant of grantsFor(action)) {
    if (!actor.roles.some((r) => isRole(r) && r === grant.role)) continue;
    const failure = checkGrant(actor, grant, resource);
    if (failure === undefined) return { allowed: true, grant };
    if (STAGE[failure.code] > STAGE[best.code]) best = failure;
  }
  return best;
}

/** For handlers: throws a ForbiddenError carrying both messages when denied. */
export function requireAuthorized(actor: Actor, action: Action, resource: AccessResource): Grant {
  const result = authorize(actor, action, resource);
  if (!result.allowed) {
    throw new ForbiddenError(result.reason, result.reasonZh, { details: { action, code: result.code } });
  }
  return result.grant;
}

function checkGrant(
  actor: Actor,
  grant: Grant,
  resource: AccessResource,
): Exclude<Authorization, { allowed: true }> | undefined {
  const scopeFailure = checkScope(actor, grant, resource);
  if (scopeFailure) return scopeFailure;
  if (grant.makerChecker === "not-handler" && (resource.handledBy ?? []).includes(actor.userId)) {
    return deny(
      "maker-checker",
      "an approver never decides a case they handled themselves",
      "审批人不得审批本人经办的案件（经办与审批分离）",
    );
  }
  if (grant.makerChecker === "not-proposer") {
    if (resource.proposedBy === undefined) {
      return deny("maker-checker", "there is no proposal to execute", "没有待执行的补足申请");
    }
    if (resource.proposedBy === actor.userId) {
      return deny(
        "maker-checker",
        "a replenishment is executed by a second finance user, not its proposer",
        "补足须由提出人以外的另一名财务人员执行",
      );
    }
  }
  if (grant.makerChecker === "second-administrator") {
    if (resource.proposedBy === undefined) {
      return deny("maker-checker", "there is no proposal to approve", "没有待审批的政策版本");
    }
    if (resource.proposedBy === actor.userId) {
      return deny(
        "maker-checker",
        "a policy version is approved by an administrator other than its proposer",
        "政策版本须由提出人以外的另一名管理员审批",
      );
    }
  }
  return undefined;
}

/** A province code: 2 digits and four zeros (行政区划代码). */
const PROVINCE_CODE = /^(\d{2})0000$/;

function checkScope(
  actor: Actor,
  grant: Grant,
  resource: AccessResource,
): Exclude<Authorization, { allowed: true }> | undefined {
  switch (grant.scope) {
    case "own-case":
      if (resource.ownerUserId !== undefined && resource.ownerUserId === actor.userId) return undefined;
      return deny("out-of-scope", "applicants act only on their own cases", "申请人只能操作本人的案件");
    case "own-township": {
      const bound = ROLE_DESCRIPTIONS[grant.role].townshipBound;
      if (
        bound &&
        actor.townshipId !== undefined &&
        resource.countyId === actor.countyId &&
        resource.townshipId === actor.townshipId
      ) {
        return undefined;
      }
      return deny(
        "out-of-scope",
        "township staff act only for their own township",
        "乡镇工作人员只能办理本乡镇事务",
      );
    }
    case "own-county":
      if (resource.countyId === actor.countyId) return undefined;
      return deny(
        "out-of-scope",
        "county staff act only within their own county",
        "县级工作人员只能办理本县事务",
      );
    case "own-province": {
      const province = PROVINCE_CODE.exec(actor.countyId)?.[1];
      if (province !== undefined && resource.countyId.startsWith(province)) return undefined;
      return deny(
        "out-of-scope",
        "province staff act only within their own province",
        "省级用户只能查看或管理本省事务",
      );
    }
  }
}

function deny(code: DenialCode, reason: string, reasonZh: string): Exclude<Authorization, { allowed: true }> {
  return { allowed: false, code, reason, reasonZh };
}
