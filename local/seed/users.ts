/**
 * Demo users of every role of DOMAIN §1, for the local dev sign-in. Each carries exactly the claims a
 * Cognito ID token would (functions/http/actor.ts): sub, name, cognito:groups, custom:county and,
 * for township-bound roles, custom:township.
 */

import type { StaffUser } from "#adapters/user-directory.ts";
import type { Role } from "#core/access/index.ts";
import { CHENGGUAN, DEMO_COUNTY, HEDONG, XINHUA } from "./demo-county.ts";

export interface DemoUser {
  userId: string;
  name: string;
  roles: Role[];
  countyId: string;
  townshipId?: string;
  /** What the user is for, shown on the dev sign-in list. */
  descriptionZh: string;
}

const county = DEMO_COUNTY.countyId;
/** The province of the demo county (its code's first two digits). */
export const DEMO_PROVINCE_ID = `${county.slice(0, 2)}0000`;

export const DEMO_USERS: readonly DemoUser[] = [
  {
    userId: "applicant-zhang",
    name: "张伟",
    roles: ["applicant"],
    countyId: county,
    descriptionZh: "申请人（本县户籍）",
  },
  {
    userId: "applicant-li",
    name: "李娜",
    roles: ["applicant"],
    countyId: county,
    descriptionZh: "申请人（外地户籍）",
  },
  {
    userId: "officer-chengguan-1",
    name: "王芳",
    roles: ["township-officer"],
    countyId: county,
    townshipId: CHENGGUAN.townshipId,
    descriptionZh: "城关镇经办人",
  },
  {
    userId: "officer-chengguan-2",
    name: "刘洋",
    roles: ["township-officer"],
    countyId: county,
    townshipId: CHENGGUAN.townshipId,
    descriptionZh: "城关镇经办人",
  },
  {
    userId: "approver-chengguan",
    name: "陈静",
    roles: ["township-approver"],
    countyId: county,
    townshipId: CHENGGUAN.townshipId,
    descriptionZh: "城关镇审批人",
  },
  {
    userId: "officer-hedong-1",
    name: "杨磊",
    roles: ["township-officer"],
    countyId: county,
    townshipId: HEDONG.townshipId,
    descriptionZh: "河东乡经办人",
  },
  {
    userId: "officer-hedong-2",
    name: "赵敏",
    roles: ["township-officer"],
    countyId: county,
    townshipId: HEDONG.townshipId,
    descriptionZh: "河东乡经办人",
  },
  {
    userId: "approver-hedong",
    name: "黄强",
    roles: ["township-approver"],
    countyId: county,
    townshipId: HEDONG.townshipId,
    descriptionZh: "河东乡审批人",
  },
  {
    userId: "officer-xinhua-1",
    name: "周丽",
    roles: ["township-officer"],
    countyId: county,
    townshipId: XINHUA.townshipId,
    descriptionZh: "新华街道经办人",
  },
  {
    userId: "approver-xinhua",
    name: "吴刚",
    roles: ["township-approver"],
    countyId: county,
    townshipId: XINHUA.townshipId,
    descriptionZh: "新华街道审批人",
  },
  {
    userId: "county-civil-1",
    name: "徐慧",
    roles: ["county-civil-affairs"],
    countyId: county,
    descriptionZh: "县民政局审批",
  },
  {
    userId: "finance-1",
    name: "孙涛",
    roles: ["county-finance"],
    countyId: county,
    descriptionZh: "县财政（拨付、对账）",
  },
  {
    userId: "finance-2",
    name: "马琳",
    roles: ["county-finance"],
    countyId: county,
    descriptionZh: "县财政（复核、补足执行）",
  },
  {
    userId: "auditor-1",
    name: "朱明",
    roles: ["auditor"],
    countyId: county,
    descriptionZh: "审计监督（只读，个人信息脱敏）",
  },
  {
    userId: "county-admin-1",
    name: "孙丽",
    roles: ["county-admin"],
    countyId: county,
    descriptionZh: "县级管理员（乡镇、政策版本、本地节假日）",
  },
  {
    userId: "county-admin-2",
    name: "钱进",
    roles: ["county-admin"],
    countyId: county,
    descriptionZh: "县级管理员（复核政策版本）",
  },
  {
    userId: "province-admin-1",
    name: "郑国华",
    roles: ["province-admin"],
    // A province administrator carries the province's code (黑龙江省 230000), not a county's.
    countyId: DEMO_PROVINCE_ID,
    descriptionZh: "省级管理员（开通县、全国节假日安排）",
  },
  {
    userId: "province-viewer-1",
    name: "冯晓",
    roles: ["province-viewer"],
    countyId: DEMO_PROVINCE_ID,
    descriptionZh: "省级统计查看（各县、乡镇汇总，只读，无个人信息）",
  },
];

export function demoUser(userId: string): DemoUser | undefined {
  return DEMO_USERS.find((user) => user.userId === userId);
}

/** The demo county's staff, for the user directory of a county that stored none (local only). */
export function demoStaffOf(countyId: string): StaffUser[] {
  return DEMO_USERS.filter((u) => u.countyId === countyId && !u.roles.includes("applicant")).map((u) => ({
    userId: u.userId,
    name: u.name,
    roles: [...u.roles],
    countyId: u.countyId,
    ...(u.townshipId ? { townshipId: u.townshipId } : {}),
    active: true,
  }));
}
