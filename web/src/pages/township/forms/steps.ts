/**
 * The forms of every human step of Flow A (DOMAIN §3), as data: the open task it answers, the
 * endpoint, who may use it and its fields (dotted paths = the paths of the API's field errors).
 * One renderer (`StepForm.vue`) draws them all. Bodies follow functions/services/flow-a/decisions/ and flow-b/decisions/.
 */
import type { PolicyFacts } from "../../../api/cases.ts";
import type { CaseView } from "../../../api/types.ts";
import { caseFacts } from "../../../components/caseFacts.ts";
import { localDate, localDateTime, yuan } from "../../../format.ts";
import { REFERRAL_TARGETS } from "../../../reference.ts";
import type { Role } from "../../../session.ts";

/** What a form knows besides its own values: the case and the policy limits it was filed under. */
export interface StepContext {
  caseView: CaseView;
  policy: PolicyFacts;
}

/** A confirmation before a step that moves money or cannot be undone: an i18n key and its values. */
export interface StepMessage {
  key: string;
  named?: Record<string, string>;
}

export type FieldKind =
  | "text"
  | "textarea"
  | "money"
  | "radio"
  | "lines"
  | "datetime"
  | "date"
  | "number"
  | "checkbox"
  /** A multiple choice among the active officers of the case's township (from the user directory). */
  | "officers";
type Values = Record<string, unknown>;

export interface StepField {
  path: string;
  kind: FieldKind;
  /** i18n key of the label. */
  label: string;
  /** For `radio`: the codes, labelled through the i18n group `optionGroup`. */
  options?: readonly string[];
  optionGroup?: string;
  required?: boolean;
  initial?: string | boolean | ((context: StepContext) => string);
  /** The most this money field may hold, shown before submit (a 2-decimal yuan string). */
  limit?: (context: StepContext) => string | undefined;
  /** Shown only when this returns true for the current values. */
  when?: (values: Values) => boolean;
  hint?: string;
  /** The API error paths shown under this field (default: the path and anything under it). */
  errorPaths?: RegExp;
}

export interface StepDefinition {
  /** Id of the form (also its test hook). */
  id: string;
  /** The open human task this form answers (`tasks[].taskType` of the case's progress). */
  taskType: string;
  /** Endpoint segment: `POST /<base>/{caseId}/<endpoint>` (base `cases` for Flow A, `plans` for Flow B). */
  endpoint: (roles: readonly Role[]) => string;
  base?: "cases" | "plans";
  title: string;
  roles: Role[];
  /** Maker-checker: the actor must not have handled the case (DOMAIN §1). */
  checker?: boolean;
  fields: StepField[];
  /** The request body from the visible values. */
  build: (values: Values) => unknown;
  /** Asked before sending when the step moves money or cannot be undone (amount and consequence). */
  confirm?: (values: Values) => StepMessage | undefined;
  /** Said after the step was recorded. */
  success?: (values: Values) => StepMessage;
}

const text = (v: unknown) => (typeof v === "string" ? v.trim() : "");
const optional = (key: string, v: unknown) => (text(v) ? { [key]: text(v) } : {});
const approves = (v: Values) => v.decision === "approve";
const rejects = (v: Values) => v.decision === "reject";
// Defaults on the business calendar (Asia/Shanghai), not UTC and not the browser's zone.
const today = () => localDate();
const nowLocal = () => localDateTime();

/** Approve with an amount, or reject with a reason (advance and additional-aid decisions). */
function decisionBody(v: Values) {
  return approves(v)
    ? { decision: "approve", amountYuan: text(v.amountYuan), ...optional("reason", v.reason) }
    : { decision: "reject", reason: text(v.reason) };
}

const decisionFields = (
  amountLabel: string,
  hint: string | undefined,
  initialAmount: (context: StepContext) => string,
  limit: (context: StepContext) => string | undefined,
): StepField[] => [
  {
    path: "decision",
    kind: "radio",
    label: "form.decision",
    options: ["approve", "reject"],
    optionGroup: "decision",
    initial: "approve",
    required: true,
  },
  {
    path: "amountYuan",
    kind: "money",
    label: amountLabel,
    when: approves,
    required: true,
    initial: initialAmount,
    limit,
    ...(hint ? { hint } : {}),
  },
  { path: "reason", kind: "textarea", label: "form.reason", required: true, when: rejects },
  { path: "reason", kind: "textarea", label: "form.note", when: approves },
];

export const STEPS: StepDefinition[] = [
  {
    id: "advance-decision",
    taskType: "advance-decision",
    // After escalation the county decides through its own route (DOMAIN §3.2).
    endpoint: (roles) => (roles.includes("township-approver") ? "advance-decision" : "escalation-decision"),
    title: "steps.advanceDecision",
    roles: ["township-approver", "county-civil-affairs"],
    checker: true,
    // The rules' suggestion (never above the ceiling) is the starting point; the approver may change it.
    fields: decisionFields(
      "form.advanceAmount",
      "form.advanceAmountHint",
      ({ policy, caseView }) => policy.suggestedAdvanceYuan ?? caseFacts(caseView).suggestedAdvanceYuan ?? "",
      ({ policy }) => policy.advanceCeilingYuan,
    ),
    build: decisionBody,
    confirm: (v) =>
      approves(v)
        ? { key: "console.confirm.advanceApprove", named: { amount: yuan(text(v.amountYuan)) } }
        : { key: "console.confirm.advanceReject" },
    success: (v) =>
      approves(v)
        ? { key: "console.confirm.advanceApproved", named: { amount: yuan(text(v.amountYuan)) } }
        : { key: "console.confirm.submitted" },
  },
  {
    id: "reroute",
    taskType: "payment-route",
    endpoint: () => "reroute",
    title: "steps.reroute",
    roles: ["township-officer"],
    fields: [
      {
        path: "payee.kind",
        kind: "radio",
        label: "form.payeeKind",
        options: ["applicant", "guardian", "agent"],
        optionGroup: "payeeKind",
        initial: "applicant",
        required: true,
      },
      { path: "payee.name", kind: "text", label: "apply.accountName", required: true },
      { path: "payee.bankName", kind: "text", label: "apply.bankName", required: true },
      { path: "payee.bankAccount", kind: "text", label: "apply.accountNumber", required: true },
      {
        path: "payee.exceptionReason",
        kind: "textarea",
        label: "form.exceptionReason",
        when: (v) => v["payee.kind"] !== "applicant",
        required: true,
      },
      { path: "reason", kind: "textarea", label: "form.reason" },
    ],
    build: (v) => ({
      payee: {
        kind: v["payee.kind"],
        name: text(v["payee.name"]),
        bankName: text(v["payee.bankName"]),
        bankAccount: text(v["payee.bankAccount"]),
        ...(v["payee.kind"] !== "applicant" ? optional("exceptionReason", v["payee.exceptionReason"]) : {}),
      },
      ...optional("reason", v.reason),
    }),
  },
  {
    id: "cash-payment",
    taskType: "payment-route",
    endpoint: () => "cash-payment",
    title: "steps.cash",
    roles: ["township-officer"],
    fields: [
      { path: "receiverName", kind: "text", label: "form.receiverName", required: true },
      {
        path: "receiverSignatureRef",
        kind: "text",
        label: "form.receiverSignature",
        required: true,
        hint: "form.signatureHint",
      },
      { path: "officerSignatureRef", kind: "text", label: "form.officerSignature", required: true },
      { path: "reason", kind: "textarea", label: "form.reason" },
    ],
    build: (v) => ({
      receiverName: text(v.receiverName),
      receiverSignatureRef: text(v.receiverSignatureRef),
      officerSignatureRef: text(v.officerSignatureRef),
      ...optional("reason", v.reason),
    }),
  },
  {
    id: "paperwork",
    taskType: "paperwork",
    endpoint: () => "paperwork",
    title: "steps.paperwork",
    // The investigating officers' own record (DOMAIN §3.4): overdue, the county chases it, never records it.
    roles: ["township-officer"],
    fields: [
      {
        path: "investigators",
        kind: "officers",
        label: "form.investigators",
        required: true,
        hint: "form.investigatorsHint",
        errorPaths: /^investigators(\.\d+\.userId)?$/,
      },
      {
        path: "visitedAt",
        kind: "datetime",
        label: "form.visitedAt",
        required: true,
        initial: nowLocal,
        errorPaths: /^investigators\.\d+\.visitedAt$/,
      },
      {
        path: "economicCheck.result",
        kind: "radio",
        label: "form.householdCheck",
        options: ["eligible", "not-eligible", "inconclusive"],
        optionGroup: "householdCheck",
        initial: "eligible",
        required: true,
      },
      { path: "economicCheck.reference", kind: "text", label: "form.householdCheckReference" },
      { path: "facts", kind: "textarea", label: "form.facts", required: true },
      {
        path: "goodFaithBasis",
        kind: "textarea",
        label: "form.goodFaithBasis",
        required: true,
        hint: "form.goodFaithHint",
      },
      { path: "fraudFound", kind: "checkbox", label: "form.fraudSuspected", initial: false },
    ],
    build: (v) => {
      const visitedAt = text(v.visitedAt) ? new Date(text(v.visitedAt)).toISOString() : "";
      const ids = Array.isArray(v.investigators) ? v.investigators.map(String) : [];
      return {
        investigators: ids.map((userId) => ({ userId, visitedAt })),
        economicCheck: {
          result: v["economicCheck.result"],
          ...optional("reference", v["economicCheck.reference"]),
        },
        facts: text(v.facts),
        goodFaithBasis: text(v.goodFaithBasis),
        fraudFound: v.fraudFound === true,
      };
    },
  },
  {
    id: "follow-up",
    taskType: "follow-up",
    endpoint: () => "follow-up",
    title: "steps.followUp",
    roles: ["township-officer"],
    fields: [
      {
        path: "kind",
        kind: "radio",
        label: "form.followUpKind",
        options: ["close", "additional-aid", "referral", "staged-assistance", "recovery"],
        optionGroup: "followUp",
        // No default: the officer chooses the outcome (closing is never one click away).
        initial: "",
        required: true,
      },
      {
        path: "additionalAid.amountYuan",
        kind: "money",
        label: "form.amount",
        when: (v) => v.kind === "additional-aid",
        required: true,
      },
      {
        path: "recovery.amountYuan",
        kind: "money",
        label: "form.amount",
        when: (v) => v.kind === "recovery",
        required: true,
      },
      {
        path: "referrals.0.to",
        kind: "radio",
        label: "form.referralTarget",
        options: REFERRAL_TARGETS,
        optionGroup: "referral",
        initial: "dibao",
        when: (v) => v.kind === "referral",
        required: true,
      },
      {
        path: "referrals.0.receivingBody",
        kind: "text",
        label: "form.receivingBody",
        when: (v) => v.kind === "referral",
        required: true,
      },
      {
        path: "reason",
        kind: "textarea",
        label: "form.reason",
        when: (v) => !!v.kind && v.kind !== "close" && v.kind !== "referral",
        required: true,
      },
      {
        path: "close.summary",
        kind: "textarea",
        label: "form.outcome",
        when: (v) => v.kind === "close" || v.closeToo === true,
        required: true,
      },
      {
        path: "closeToo",
        kind: "checkbox",
        label: "form.closeToo",
        when: (v) => v.kind === "referral",
        initial: false,
      },
    ],
    build: (v) => {
      const close = v.kind === "close" || (v.kind === "referral" && v.closeToo === true);
      const reason = text(v.reason);
      return {
        ...(v.kind === "additional-aid"
          ? { additionalAid: { amountYuan: text(v["additionalAid.amountYuan"]), reason } }
          : {}),
        ...(v.kind === "recovery"
          ? { recovery: { amountYuan: text(v["recovery.amountYuan"]), reason } }
          : {}),
        ...(v.kind === "staged-assistance" ? { staged: { reason } } : {}),
        ...(v.kind === "referral"
          ? { referrals: [{ to: v["referrals.0.to"], receivingBody: text(v["referrals.0.receivingBody"]) }] }
          : {}),
        ...(close ? { close: { summary: text(v["close.summary"]) } } : {}),
      };
    },
    confirm: (v) => {
      if (v.kind === "close" || v.closeToo === true) return { key: "console.confirm.close" };
      if (v.kind === "additional-aid")
        return {
          key: "console.confirm.followUpAdditional",
          named: { amount: yuan(text(v["additionalAid.amountYuan"])) },
        };
      return undefined;
    },
    success: () => ({ key: "console.confirm.submitted" }),
  },
  {
    id: "additional-aid-decision",
    taskType: "additional-aid-approval",
    endpoint: () => "additional-aid-decision",
    title: "steps.amountDecision",
    roles: ["township-approver", "county-civil-affairs"],
    checker: true,
    // The officer's proposal is the starting point and the most that may be approved.
    fields: decisionFields(
      "form.amount",
      undefined,
      ({ caseView }) => caseFacts(caseView).proposal?.amountYuan ?? "",
      ({ caseView }) => caseFacts(caseView).proposal?.amountYuan,
    ),
    build: decisionBody,
    confirm: (v) =>
      approves(v)
        ? { key: "console.confirm.additionalApprove", named: { amount: yuan(text(v.amountYuan)) } }
        : { key: "console.confirm.additionalReject" },
    success: () => ({ key: "console.confirm.submitted" }),
  },
  {
    id: "recovery",
    taskType: "recovery",
    endpoint: () => "recovery",
    title: "steps.recovery",
    roles: ["township-officer"],
    fields: [
      { path: "amountYuan", kind: "money", label: "form.amount", required: true },
      { path: "reference", kind: "text", label: "form.recoveryReference", required: true },
      { path: "note", kind: "textarea", label: "form.note" },
    ],
    build: (v) => ({
      amountYuan: text(v.amountYuan),
      reference: text(v.reference),
      ...optional("note", v.note),
    }),
  },
  // ── Flow B (DOMAIN §4): assessment, public notice objection, one approval, stage re-checks ─────
  {
    id: "plan-assessment",
    taskType: "assessment",
    base: "plans",
    endpoint: () => "assessment",
    title: "steps.assessment",
    roles: ["township-officer"],
    fields: [
      {
        path: "household.members",
        kind: "lines",
        label: "form.members",
        required: true,
        hint: "form.membersHint",
      },
      { path: "monthlyIncomeYuan", kind: "money", label: "form.monthlyIncome", required: true },
      {
        path: "rigidExpenditure.medicalMonthlyYuan",
        kind: "money",
        label: "form.medicalMonthly",
        required: true,
        initial: "0.00",
      },
      {
        path: "rigidExpenditure.educationMonthlyYuan",
        kind: "money",
        label: "form.educationMonthly",
        required: true,
        initial: "0.00",
      },
      {
        path: "rigidExpenditure.otherMonthlyYuan",
        kind: "money",
        label: "form.otherMonthly",
        required: true,
        initial: "0.00",
      },
      {
        path: "expectedDurationMonths",
        kind: "number",
        label: "form.durationMonths",
        required: true,
        initial: "6",
      },
      { path: "firstStageDate", kind: "date", label: "form.firstStageDate", required: true, initial: today },
      { path: "facts", kind: "textarea", label: "form.facts", required: true },
      { path: "objectionResponse", kind: "textarea", label: "form.objectionResponse" },
    ],
    build: (v) => ({
      household: {
        members: text(v["household.members"])
          .split(/\n+/)
          .map((line) => line.trim())
          .filter(Boolean)
          .map((line) => {
            const [relation = "", age] = line.split(/[,，\s]+/);
            return { relation, ...(age && /^\d+$/.test(age) ? { age: Number(age) } : {}) };
          }),
      },
      monthlyIncomeYuan: text(v.monthlyIncomeYuan),
      rigidExpenditure: {
        medicalMonthlyYuan: text(v["rigidExpenditure.medicalMonthlyYuan"]),
        educationMonthlyYuan: text(v["rigidExpenditure.educationMonthlyYuan"]),
        otherMonthlyYuan: text(v["rigidExpenditure.otherMonthlyYuan"]),
      },
      expectedDurationMonths: Number(text(v.expectedDurationMonths)),
      firstStageDate: text(v.firstStageDate),
      facts: text(v.facts),
      ...optional("objectionResponse", v.objectionResponse),
    }),
  },
  {
    id: "plan-objection",
    taskType: "public-notice",
    base: "plans",
    endpoint: () => "objections",
    title: "steps.objection",
    roles: ["township-officer"],
    fields: [
      { path: "receivedOn", kind: "date", label: "form.receivedOn", required: true, initial: today },
      { path: "objector", kind: "text", label: "form.objector", initial: "匿名" },
      { path: "grounds", kind: "textarea", label: "form.grounds", required: true },
    ],
    build: (v) => ({
      receivedOn: text(v.receivedOn),
      grounds: text(v.grounds),
      ...optional("objector", v.objector),
    }),
  },
  {
    id: "plan-approval",
    taskType: "plan-approval",
    base: "plans",
    endpoint: () => "approval",
    title: "steps.planApproval",
    roles: ["township-approver", "county-civil-affairs"],
    checker: true,
    fields: [
      {
        path: "decision",
        kind: "radio",
        label: "form.decision",
        options: ["approve", "reject"],
        optionGroup: "decision",
        initial: "approve",
        required: true,
      },
      { path: "reason", kind: "textarea", label: "form.reason", when: rejects, required: true },
      { path: "reason", kind: "textarea", label: "form.note", when: approves },
    ],
    build: (v) =>
      approves(v)
        ? { decision: "approve", ...optional("reason", v.reason) }
        : { decision: "reject", reason: text(v.reason) },
  },
  {
    id: "stage-recheck",
    taskType: "stage-recheck",
    base: "plans",
    endpoint: () => "recheck",
    title: "steps.recheck",
    roles: ["township-officer"],
    fields: [
      { path: "stage", kind: "number", label: "form.stage", required: true, initial: "1" },
      { path: "checkedOn", kind: "date", label: "form.checkedOn", required: true, initial: today },
      {
        path: "outcome",
        kind: "radio",
        label: "form.recheckOutcome",
        options: ["still-in-hardship", "covered-by-dibao", "covered-by-tekun", "moved", "died", "recovered"],
        optionGroup: "recheckOutcome",
        initial: "still-in-hardship",
        required: true,
      },
      { path: "findings", kind: "textarea", label: "form.findings", required: true },
    ],
    build: (v) => ({
      stage: Number(text(v.stage)),
      checkedOn: text(v.checkedOn),
      outcome: v.outcome,
      findings: text(v.findings),
    }),
  },
];

/**
 * The forms this user could submit now: one per open task whose assignee roles include one of the
 * user's roles (the API authorizes again, with scope and maker-checker).
 */
export function stepsFor(c: CaseView, roles: readonly Role[]): StepDefinition[] {
  const open = (c.tasks ?? []).filter((t) => t.status === "open");
  return STEPS.filter((s) =>
    open.some(
      (t) =>
        t.taskType === s.taskType && s.roles.some((r) => roles.includes(r) && t.assigneeRoles.includes(r)),
    ),
  );
}
