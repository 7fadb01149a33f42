/**
 * The forms of every human step (DOMAIN §3 Flow A, §4 Flow B), as data: the endpoint, who may use it,
 * in which case states it is offered, and its fields (dotted paths = the API body = the paths of the
 * API's field errors). One renderer (`StepForm.vue`) draws them all.
 */
import type { CaseView } from "../../../api/types.ts";
import type { Role } from "../../../session.ts";

export type FieldKind = "text" | "textarea" | "money" | "radio" | "lines" | "date" | "checkbox";

export interface StepField {
  path: string;
  kind: FieldKind;
  /** i18n key of the label. */
  label: string;
  /** For `radio`: the codes, labelled through the i18n group `optionGroup`. */
  options?: readonly string[];
  optionGroup?: string;
  required?: boolean;
  initial?: string | boolean;
  /** Shown only when this returns true for the current values. */
  when?: (values: Record<string, unknown>) => boolean;
  hint?: string;
}

export interface StepDefinition {
  /** Endpoint segment: `POST /cases/{caseId}/<step>`. */
  step: string;
  title: string;
  roles: Role[];
  /** Offered when the case is in one of these states (or its `nextStep.action` is this step). */
  statuses: readonly string[];
  /** Maker-checker: the actor must not have handled the case (DOMAIN §1). */
  checker?: boolean;
  fields: StepField[];
}

const approves = (v: Record<string, unknown>) => v.decision === "approve";
const rejects = (v: Record<string, unknown>) => v.decision === "reject";

export const STEPS: StepDefinition[] = [
  {
    step: "advance-decision",
    title: "steps.advanceDecision",
    roles: ["township-approver", "county-civil-affairs"],
    statuses: ["awaiting-advance-decision", "advance-decision-escalated"],
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
      {
        path: "amountYuan",
        kind: "money",
        label: "form.advanceAmount",
        when: approves,
        required: true,
        hint: "form.advanceAmountHint",
      },
      { path: "reason", kind: "textarea", label: "form.reason", required: true, when: rejects },
      { path: "note", kind: "textarea", label: "form.note", when: approves },
    ],
  },
  {
    step: "paperwork",
    title: "steps.paperwork",
    roles: ["township-officer"],
    statuses: ["awaiting-paperwork", "paperwork-overdue"],
    fields: [
      {
        path: "investigatorIds",
        kind: "lines",
        label: "form.investigators",
        required: true,
        hint: "form.investigatorsHint",
      },
      { path: "investigationFindings", kind: "textarea", label: "form.findings", required: true },
      {
        path: "householdCheck.result",
        kind: "radio",
        label: "form.householdCheck",
        options: ["eligible", "ineligible", "not-required"],
        optionGroup: "householdCheck",
        initial: "eligible",
        required: true,
      },
      { path: "householdCheck.reference", kind: "text", label: "form.householdCheckReference" },
      { path: "facts", kind: "textarea", label: "form.facts", required: true },
      {
        path: "goodFaithBasis",
        kind: "textarea",
        label: "form.goodFaithBasis",
        required: true,
        hint: "form.goodFaithHint",
      },
      { path: "fraudSuspected", kind: "checkbox", label: "form.fraudSuspected", initial: false },
    ],
  },
  {
    step: "follow-up",
    title: "steps.followUp",
    roles: ["township-officer"],
    statuses: ["awaiting-follow-up"],
    fields: [
      {
        path: "kind",
        kind: "radio",
        label: "form.followUpKind",
        options: ["additional-aid", "staged-assistance", "referral", "recovery", "close"],
        optionGroup: "followUp",
        initial: "close",
        required: true,
      },
      {
        path: "amountYuan",
        kind: "money",
        label: "form.amount",
        when: (v) => v.kind === "additional-aid" || v.kind === "recovery",
        required: true,
      },
      {
        path: "referral.target",
        kind: "radio",
        label: "form.referralTarget",
        options: [
          "dibao",
          "tekun",
          "medical",
          "education",
          "housing",
          "employment",
          "charity",
          "social-work",
        ],
        optionGroup: "referral",
        when: (v) => v.kind === "referral",
        required: true,
      },
      {
        path: "referral.receivingBody",
        kind: "text",
        label: "form.receivingBody",
        when: (v) => v.kind === "referral",
        required: true,
      },
      {
        path: "outcome",
        kind: "textarea",
        label: "form.outcome",
        when: (v) => v.kind === "close",
        required: true,
      },
      { path: "reason", kind: "textarea", label: "form.reason", required: true },
    ],
  },
  {
    step: "amount-decision",
    title: "steps.amountDecision",
    roles: ["township-approver", "county-civil-affairs"],
    statuses: ["awaiting-amount-decision", "awaiting-county-approval", "awaiting-coordination"],
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
      { path: "amountYuan", kind: "money", label: "form.amount", when: approves, required: true },
      { path: "reason", kind: "textarea", label: "form.reason", required: true },
    ],
  },
  {
    step: "reroute-payment",
    title: "steps.reroute",
    roles: ["township-officer"],
    statuses: ["awaiting-reroute", "payment-failed"],
    fields: [
      {
        path: "method",
        kind: "radio",
        label: "form.method",
        options: ["bank-transfer", "cash"],
        optionGroup: "paymentMethod",
        initial: "bank-transfer",
        required: true,
      },
      {
        path: "bankAccount.bankName",
        kind: "text",
        label: "apply.bankName",
        when: (v) => v.method === "bank-transfer",
        required: true,
      },
      {
        path: "bankAccount.accountName",
        kind: "text",
        label: "apply.accountName",
        when: (v) => v.method === "bank-transfer",
        required: true,
      },
      {
        path: "bankAccount.accountNumber",
        kind: "text",
        label: "apply.accountNumber",
        when: (v) => v.method === "bank-transfer",
        required: true,
      },
      {
        path: "receiverSignature",
        kind: "text",
        label: "form.receiverSignature",
        when: (v) => v.method === "cash",
        required: true,
      },
      {
        path: "officerSignature",
        kind: "text",
        label: "form.officerSignature",
        when: (v) => v.method === "cash",
        required: true,
      },
      { path: "reason", kind: "textarea", label: "form.reason", required: true },
    ],
  },
];

/** The steps this user could take on this case now. */
export function stepsFor(c: CaseView, roles: readonly Role[]): StepDefinition[] {
  return STEPS.filter(
    (s) =>
      s.roles.some((r) => roles.includes(r)) &&
      (s.statuses.includes(c.status) || c.nextStep?.action === s.step),
  );
}
