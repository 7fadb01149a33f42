/**
 * The one catalogue of what a code is called, in Chinese and English. Codes the API validates are
 * typed from its generated schema (api/schema.ts): a code the API adds without a label here, or a
 * label for a code it does not know, is a type error. Codes the API only returns (statuses, events,
 * payment states) are listed here and held to the server's lists by test/unit/web/labels.test.ts.
 * Pages show codes only through `label()` (i18n/index.ts), which reads this catalogue.
 */
import { ROLES as CORE_ROLES, ROLE_DESCRIPTIONS } from "../../core/access/roles.ts";
import { CAUSE_NAMES_ZH, HARDSHIP_TYPE_NAMES_ZH } from "../../core/cases/hardship.ts";
import { CASE_STATES } from "../../core/cases/lifecycle.ts";
import { CASE_STATUS_LABELS } from "../../core/labels/caseStatus.ts";
import { REFERRAL_LABELS } from "../../core/labels/referral.ts";
import type { components, paths } from "./api/schema.ts";

export interface Label {
  zh: string;
  en: string;
}

type JsonBody<Route> = Route extends {
  post: { requestBody?: { content: { "application/json": infer Body } } };
}
  ? Body
  : never;

type FileCaseBody = JsonBody<paths["/cases"]>;
export type HardshipCause = FileCaseBody["hardship"]["cause"];
export type IdDocumentType = FileCaseBody["applicant"]["document"]["type"];
export type Relation = NonNullable<FileCaseBody["household"]>[number]["relation"];
export type OnBehalfReason = NonNullable<FileCaseBody["onBehalf"]>["reason"];
export type HardshipType = NonNullable<
  NonNullable<paths["/cases"]["get"]["parameters"]["query"]>["hardshipType"]
>;
export type DocumentKind = components["schemas"]["DocumentUploadRequest"]["kind"];
export type ReferralTarget = NonNullable<
  JsonBody<paths["/cases/{caseId}/follow-up"]>["referrals"]
>[number]["to"];
export type HouseholdCheckResult = NonNullable<
  JsonBody<paths["/cases/{caseId}/paperwork"]>["economicCheck"]
>["result"];
export type PayeeKind = NonNullable<JsonBody<paths["/cases/{caseId}/reroute"]>["payee"]["kind"]>;
export type RecheckOutcome = JsonBody<paths["/plans/{caseId}/recheck"]>["outcome"];
export type Decision = JsonBody<paths["/cases/{caseId}/advance-decision"]>["decision"];
export type RatingLevel = JsonBody<paths["/cases/{caseId}/rating"]>["level"];

/** What a case's `status` can be: core's one list (core/cases/lifecycle.ts). */
export const CASE_STATUSES = CASE_STATES;
export type CaseStatus = (typeof CASE_STATUSES)[number];

/** The roles of core/access/roles.ts. */
export const ROLES = CORE_ROLES;
export type Role = (typeof ROLES)[number];

/**
 * A group whose Chinese names core already holds (the server's messages use them): core's Chinese,
 * the English here, in the order of the English list. Core's list must name every code of `en`.
 */
function withCoreZh<Code extends string>(zh: Readonly<Record<Code, string>>, en: Record<Code, string>) {
  return Object.fromEntries(
    (Object.keys(en) as Code[]).map((code) => [code, { zh: zh[code], en: en[code] }]),
  ) as Record<Code, Label>;
}

const hardshipType = withCoreZh<HardshipType>(HARDSHIP_TYPE_NAMES_ZH, {
  urgent: "Urgent",
  expenditure: "Expenditure",
});

const cause = withCoreZh<HardshipCause>(CAUSE_NAMES_ZH, {
  fire: "Fire",
  flood: "Flood",
  "other-disaster": "Other natural disaster",
  "traffic-accident": "Traffic accident",
  "sudden-illness": "Sudden serious illness",
  crime: "Crime",
  "other-sudden": "Other sudden event",
  medical: "Medical spending",
  education: "Education spending",
  "other-rigid": "Other rigid spending",
});

const idType = {
  "resident-id": { zh: "居民身份证", en: "Resident ID card" },
  passport: { zh: "护照", en: "Passport" },
  "hk-macao-permit": { zh: "港澳居民来往内地通行证", en: "HK/Macao travel permit" },
  "taiwan-permit": { zh: "台湾居民来往大陆通行证", en: "Taiwan travel permit" },
  "foreigner-permanent-residence": { zh: "外国人永久居留身份证", en: "Foreigner's permanent residence ID" },
  "residence-permit": { zh: "居住证", en: "Residence permit" },
  "none-officer-attests": { zh: "无证件（经办人核实）", en: "No document (officer attests)" },
} satisfies Record<IdDocumentType, Label>;

const relation = {
  self: { zh: "本人", en: "Self" },
  spouse: { zh: "配偶", en: "Spouse" },
  child: { zh: "子女", en: "Child" },
  parent: { zh: "父母", en: "Parent" },
  sibling: { zh: "兄弟姐妹", en: "Sibling" },
  grandparent: { zh: "祖父母/外祖父母", en: "Grandparent" },
  grandchild: { zh: "孙子女", en: "Grandchild" },
  other: { zh: "其他", en: "Other" },
} satisfies Record<Relation, Label>;

const documentKind = {
  "incident-proof": { zh: "事故/灾害证明或现场照片", en: "Proof or photo of the incident" },
  "medical-record": { zh: "病历、诊断证明", en: "Medical record" },
  "expense-receipt": { zh: "支出票据", en: "Expense receipt" },
  "identity-document": { zh: "身份证明", en: "Identity document" },
  "bank-account-proof": { zh: "银行账户证明", en: "Bank account proof" },
  signature: { zh: "签字", en: "Signature" },
  other: { zh: "其他材料", en: "Other" },
} satisfies Record<DocumentKind, Label>;

/** Referral targets are named by core's catalogue (core/labels/referral.ts), the server's referral messages too. */
const referral = REFERRAL_LABELS satisfies Record<ReferralTarget, Label>;

const householdCheck = {
  eligible: { zh: "符合", en: "Eligible" },
  "not-eligible": { zh: "不符合", en: "Not eligible" },
  inconclusive: { zh: "无法确定", en: "Inconclusive" },
} satisfies Record<HouseholdCheckResult, Label>;

const payeeKind = {
  applicant: { zh: "申请人本人", en: "The applicant" },
  guardian: { zh: "监护人", en: "Guardian" },
  agent: { zh: "代理人", en: "Agent" },
} satisfies Record<PayeeKind, Label>;

const recheckOutcome = {
  "still-in-hardship": { zh: "仍然困难，继续发放", en: "Still in hardship — pay" },
  "covered-by-dibao": { zh: "已纳入低保", en: "Now covered by dibao" },
  "covered-by-tekun": { zh: "已纳入特困供养", en: "Now covered by tekun" },
  moved: { zh: "已迁出", en: "Moved away" },
  died: { zh: "已死亡", en: "Died" },
  recovered: { zh: "已恢复", en: "Recovered" },
} satisfies Record<RecheckOutcome, Label>;

const onBehalf = {
  "on-request": { zh: "应本人或家属请求代为申请", en: "At the person's or family's request" },
  "found-by-staff": { zh: "工作人员主动发现", en: "Found by staff" },
} satisfies Record<OnBehalfReason, Label>;

const decision = {
  approve: { zh: "同意", en: "Approve" },
  reject: { zh: "不同意", en: "Reject" },
} satisfies Record<Decision, Label>;

/** 好差评: the national five levels of 政务服务 rating (DOMAIN §8). */
const ratingLevel = {
  "very-satisfied": { zh: "非常满意", en: "Very satisfied" },
  satisfied: { zh: "满意", en: "Satisfied" },
  "basically-satisfied": { zh: "基本满意", en: "Basically satisfied" },
  dissatisfied: { zh: "不满意", en: "Dissatisfied" },
  "very-dissatisfied": { zh: "非常不满意", en: "Very dissatisfied" },
} satisfies Record<RatingLevel, Label>;

/** The five levels in the national order, best first. */
export const RATING_LEVELS = Object.keys(ratingLevel) as RatingLevel[];

/** What a payment is for: its purpose is `advance`, `follow-up` or `stage-<n>` (see `paymentKindOf`). */
const paymentKind = {
  advance: { zh: "先行救助", en: "Advance aid" },
  "follow-up": { zh: "追加救助", en: "Additional aid" },
  stage: { zh: "分阶段救助", en: "Staged assistance" },
} satisfies Record<string, Label>;

/** The kind of a payment purpose (`stage-3` → `stage`) and the stage's number, if any. */
export function paymentKindOf(purpose: string | undefined): { kind?: string; stage?: number } {
  if (!purpose) return {};
  const stage = /^stage-(\d+)$/.exec(purpose);
  if (stage) return { kind: "stage", stage: Number(stage[1]) };
  return { kind: purpose };
}

/** Case statuses are named by core's catalogue (core/labels/caseStatus.ts), the server's messages too. */
const status = CASE_STATUS_LABELS satisfies Record<CaseStatus, Label>;

const statusNext = {
  "awaiting-advance-decision": {
    zh: "乡镇审批人将决定是否先行救助。",
    en: "A township approver decides on advance aid.",
  },
  paying: { zh: "救助金已发出，等待银行到账确认。", en: "Paid out; waiting for the bank's confirmation." },
  "awaiting-payment-route": {
    zh: "银行发放未成功，经办人将联系您重新发放。",
    en: "The bank transfer failed; an officer will contact you to pay again.",
  },
  "awaiting-fund-replenishment": {
    zh: "备用金正在补足，补足后立即发放。",
    en: "The reserve fund is being topped up; payment follows at once.",
  },
  "awaiting-paperwork": {
    zh: "经办人将入户调查并补齐手续。",
    en: "Officers visit and complete the paperwork.",
  },
  "awaiting-follow-up": {
    zh: "经办人将根据调查结果安排跟进救助。",
    en: "An officer arranges the follow-up.",
  },
  "awaiting-additional-aid-approval": { zh: "追加救助正在审批。", en: "Additional aid is being approved." },
  "awaiting-recovery": { zh: "经办人正在追回款项。", en: "An officer is recovering the aid." },
  "handed-over-to-flow-b": {
    zh: "已转为分阶段救助，按计划分期发放。",
    en: "Handed over to staged assistance, paid by plan.",
  },
  closed: { zh: "本次救助已办结。", en: "This assistance is closed." },
  withdrawn: {
    zh: "申请已撤回。如仍有困难，可重新申请。",
    en: "Withdrawn. You may apply again if in hardship.",
  },
  "advance-rejected": {
    zh: "先行救助未获批准，可查看原因。",
    en: "The advance was not approved; see the reason.",
  },
  incident: { zh: "办理中出现异常，工作人员正在处理。", en: "Something went wrong; staff are handling it." },
  assessing: { zh: "经办人将入户调查并制定救助计划。", en: "Officers visit and draft the stage plan." },
  "in-notice": { zh: "救助计划正在公示。", en: "The plan is in public notice." },
  "awaiting-plan-approval": { zh: "救助计划正在审批。", en: "The plan is being approved." },
  "awaiting-plan-funds": { zh: "备用金补足后开始发放。", en: "Payment starts once the fund is topped up." },
  "stage-waiting": { zh: "按计划等待下一期发放。", en: "The next stage is paid as planned." },
  "stage-recheck": { zh: "经办人正在复核您的困难情况。", en: "An officer re-checks your hardship." },
  "stage-paying": { zh: "本期救助金正在发放。", en: "This stage is being paid." },
  "plan-rejected": { zh: "救助计划未获批准，可查看原因。", en: "The plan was not approved; see the reason." },
  "plan-stopped": { zh: "分阶段救助已停止。", en: "Staged assistance has stopped." },
} satisfies Record<CaseStatus, Label>;

/** A role's Chinese name is core's (core/access/roles.ts), the one the API names roles with. */
const role = withCoreZh<Role>(
  Object.fromEntries(ROLES.map((r) => [r, ROLE_DESCRIPTIONS[r].nameZh])) as Record<Role, string>,
  {
    applicant: "Applicant",
    "township-officer": "Township officer",
    "township-approver": "Township approver",
    "county-civil-affairs": "County civil affairs",
    "county-finance": "County finance",
    auditor: "Auditor",
    "county-admin": "County administrator",
    "province-admin": "Province administrator",
    "province-viewer": "Province viewer",
  },
);

type StatusGroup =
  keyof paths["/province/rollup"]["get"]["responses"][200]["content"]["application/json"]["figures"]["cases"]["byStatusGroup"];

/** How the province roll-up groups case statuses (functions/services/province/figures.ts). */
const statusGroup = {
  "in-progress": { zh: "办理中", en: "In progress" },
  closed: { zh: "已办结", en: "Closed" },
  refused: { zh: "不予救助", en: "Refused" },
  withdrawn: { zh: "已撤回", en: "Withdrawn" },
} satisfies Record<StatusGroup, Label>;

/** The catalogue, by group: `label("cause", "fire")` → 火灾. */
export const LABELS = {
  hardshipType,
  cause,
  idType,
  relation,
  documentKind,
  referral,
  householdCheck,
  payeeKind,
  recheckOutcome,
  onBehalf,
  decision,
  ratingLevel,
  paymentKind,
  status,
  statusNext,
  role,
  statusGroup,
} as const;

export type LabelGroup = keyof typeof LABELS;

/** The codes of a group in the catalogue's order (a picker's options). */
export function codesOf<G extends LabelGroup>(group: G): Array<keyof (typeof LABELS)[G] & string> {
  return Object.keys(LABELS[group]) as Array<keyof (typeof LABELS)[G] & string>;
}

/** The label of `code` in `group`, or undefined when the catalogue has none. */
export function catalogueLabel(group: string, code: string, locale: string): string | undefined {
  const entries = (LABELS as Record<string, Record<string, Label> | undefined>)[group];
  const entry = entries && Object.hasOwn(entries, code) ? entries[code] : undefined;
  if (!entry) return undefined;
  return locale === "en" ? entry.en : entry.zh;
}
