/**
 * The permission table (DOMAIN §1) as data: role × action × scope × maker-checker. Anything not
 * listed is denied. Exported so the authorization-matrix test (and the docs) are generated from it.
 */
import type { Role } from "./roles.ts";

export const ACTIONS = [
  "case.file",
  "case.fileOnBehalf",
  "case.read",
  "case.readOwn",
  "case.withdraw",
  "case.rate",
  "case.addDocument",
  "case.close",
  "advance.decide",
  "paperwork.record",
  "paperwork.coSign",
  "investigation.record",
  "notice.objection.record",
  "followUp.propose",
  "referral.record",
  "recovery.record",
  "amount.approveWithinCeiling",
  "amount.approveAboveCeiling",
  "case.escalation.decide",
  "case.coordination.decide",
  "plan.assess",
  "plan.approve",
  "stage.recheck",
  "payment.reroute",
  "payment.cash",
  "fund.read",
  "fund.allocate",
  "fund.replenish.propose",
  "fund.replenish.execute",
  "reconciliation.run",
  "reconciliation.close",
  "export.run",
  "audit.read",
  "satisfaction.read",
  "rollup.read",
  "county.create",
  "county.administer",
  "township.administer",
  "policy.propose",
  "policy.approve",
  "calendar.national.load",
  "calendar.local.write",
  "user.list",
  "user.create",
  "user.disable",
  "message.read",
  "sms.optOut",
  "sms.optIn",
  "messageTemplate.administer",
  "alert.import",
  "alert.read",
  "alert.visit",
  "incident.declare",
  "incident.read",
  "registrationNotice.read",
] as const;

export type Action = (typeof ACTIONS)[number];

/**
 * - `own-case`: the resource belongs to the actor (applicants: `ownerUserId === userId`).
 * - `own-township`: same county and same township as the actor.
 * - `own-county`: same county as the actor.
 * - `own-province`: the actor carries a province code (`230000`); any county under it (`2301xx`), or
 *   the province itself for province-wide data (the national holiday schedule).
 */
export type Scope = "own-case" | "own-township" | "own-county" | "own-province";

/**
 * - `not-handler`: an approver never decides a case they handled (maker-checker, DOMAIN §1).
 * - `not-proposer`: replenishment is executed by a second finance user (DOMAIN §6).
 * - `second-administrator`: a policy version is approved by an administrator other than its proposer
 *   (DOMAIN §8).
 */
export type MakerChecker = "not-handler" | "not-proposer" | "second-administrator";

export interface Grant {
  role: Role;
  action: Action;
  scope: Scope;
  makerChecker?: MakerChecker;
}

const officer = (action: Action): Grant => ({ role: "township-officer", action, scope: "own-township" });

export const PERMISSIONS: readonly Grant[] = [
  // Applicant: file, add documents, see own cases and payments, withdraw.
  { role: "applicant", action: "case.file", scope: "own-case" },
  { role: "applicant", action: "case.readOwn", scope: "own-case" },
  { role: "applicant", action: "case.withdraw", scope: "own-case" },
  { role: "applicant", action: "case.addDocument", scope: "own-case" },
  // 好差评 (DOMAIN §8): the applicant rates the service of their own case once it has ended.
  { role: "applicant", action: "case.rate", scope: "own-case" },

  // Township officer (经办人): everything operational, own township only.
  officer("case.fileOnBehalf"),
  officer("case.read"),
  officer("case.addDocument"),
  officer("case.close"),
  officer("paperwork.record"),
  // The second investigator confirms the paperwork with their own sign-in (DOMAIN §3.4).
  officer("paperwork.coSign"),
  officer("investigation.record"),
  officer("notice.objection.record"),
  officer("followUp.propose"),
  officer("referral.record"),
  officer("recovery.record"),
  officer("plan.assess"),
  officer("stage.recheck"),
  officer("payment.reroute"),
  officer("payment.cash"),
  officer("fund.read"),
  // Early warnings (主动发现): the township of residence verifies each alert with a visit.
  officer("alert.read"),
  officer("alert.visit"),

  // Township approver (审批人): decides within the township ceiling, never on a case they handled.
  { role: "township-approver", action: "case.read", scope: "own-township" },
  { role: "township-approver", action: "fund.read", scope: "own-township" },
  { role: "township-approver", action: "advance.decide", scope: "own-township", makerChecker: "not-handler" },
  {
    role: "township-approver",
    action: "amount.approveWithinCeiling",
    scope: "own-township",
    makerChecker: "not-handler",
  },
  { role: "township-approver", action: "plan.approve", scope: "own-township", makerChecker: "not-handler" },

  // County civil affairs (县民政): above the ceiling, 一事一议, escalations; the whole county.
  { role: "county-civil-affairs", action: "case.read", scope: "own-county" },
  { role: "county-civil-affairs", action: "fund.read", scope: "own-county" },
  { role: "county-civil-affairs", action: "audit.read", scope: "own-county" },
  { role: "county-civil-affairs", action: "satisfaction.read", scope: "own-county" },
  // Early warnings: the county imports departments' lists and sees every township's verification.
  { role: "county-civil-affairs", action: "alert.import", scope: "own-county" },
  { role: "county-civil-affairs", action: "alert.read", scope: "own-county" },
  {
    role: "county-civil-affairs",
    action: "amount.approveWithinCeiling",
    scope: "own-county",
    makerChecker: "not-handler",
  },
  {
    role: "county-civil-affairs",
    action: "amount.approveAboveCeiling",
    scope: "own-county",
    makerChecker: "not-handler",
  },
  {
    role: "county-civil-affairs",
    action: "case.escalation.decide",
    scope: "own-county",
    makerChecker: "not-handler",
  },
  {
    role: "county-civil-affairs",
    action: "case.coordination.decide",
    scope: "own-county",
    makerChecker: "not-handler",
  },
  { role: "county-civil-affairs", action: "plan.approve", scope: "own-county", makerChecker: "not-handler" },

  // County finance: funds, reconciliation, exports — money, not case narratives.
  { role: "county-finance", action: "fund.read", scope: "own-county" },
  { role: "county-finance", action: "fund.allocate", scope: "own-county" },
  { role: "county-finance", action: "fund.replenish.propose", scope: "own-county" },
  {
    role: "county-finance",
    action: "fund.replenish.execute",
    scope: "own-county",
    makerChecker: "not-proposer",
  },
  { role: "county-finance", action: "reconciliation.run", scope: "own-county" },
  { role: "county-finance", action: "reconciliation.close", scope: "own-county" },
  { role: "county-finance", action: "export.run", scope: "own-county" },

  // Auditor: reads everything in the county, personal data masked (see masking.ts).
  { role: "auditor", action: "case.read", scope: "own-county" },
  { role: "auditor", action: "fund.read", scope: "own-county" },
  { role: "auditor", action: "audit.read", scope: "own-county" },
  { role: "auditor", action: "satisfaction.read", scope: "own-county" },
  { role: "auditor", action: "alert.read", scope: "own-county" },
  { role: "auditor", action: "export.run", scope: "own-county" },

  // Administrators (DOMAIN §8): reference data only — no case, fund or audit grant.
  { role: "county-admin", action: "county.administer", scope: "own-county" },
  { role: "county-admin", action: "policy.propose", scope: "own-county" },
  {
    role: "county-admin",
    action: "policy.approve",
    scope: "own-county",
    makerChecker: "second-administrator",
  },
  { role: "county-admin", action: "calendar.local.write", scope: "own-county" },
  // Townships after the county's creation: add one, edit its profile, set its fund quota (a figure for
  // finance to allocate up to: no money moves, fund.allocate stays county finance's).
  { role: "county-admin", action: "township.administer", scope: "own-county" },
  // Staff users of the county; which roles an administrator may give is core/access/appointment.ts.
  { role: "county-admin", action: "user.list", scope: "own-county" },
  { role: "county-admin", action: "user.create", scope: "own-county" },
  { role: "county-admin", action: "user.disable", scope: "own-county" },
  { role: "province-admin", action: "county.create", scope: "own-province" },
  { role: "province-admin", action: "county.administer", scope: "own-province" },
  { role: "province-admin", action: "township.administer", scope: "own-province" },
  { role: "province-admin", action: "policy.propose", scope: "own-province" },
  {
    role: "province-admin",
    action: "policy.approve",
    scope: "own-province",
    makerChecker: "second-administrator",
  },
  { role: "province-admin", action: "calendar.national.load", scope: "own-province" },
  { role: "province-admin", action: "user.list", scope: "own-province" },
  { role: "province-admin", action: "user.create", scope: "own-province" },
  { role: "province-admin", action: "user.disable", scope: "own-province" },

  // Province roll-up (DOMAIN §8): figures per county and township, no personal data. A role of its own,
  // `province-viewer`, reads it and nothing else: the province's statisticians and supervisors need
  // the figures, not the power to create counties, users or policy versions, so the read-only role is
  // kept apart from `province-admin`; the administrator reads the roll-ups too.
  { role: "province-viewer", action: "rollup.read", scope: "own-province" },
  { role: "province-admin", action: "rollup.read", scope: "own-province" },

  // The in-app inbox (掌上办 消息, the consoles' bell): every role reads the messages addressed to it,
  // within its own place; which messages those are is the message store's addressing.
  { role: "applicant", action: "message.read", scope: "own-case" },
  { role: "township-officer", action: "message.read", scope: "own-township" },
  { role: "township-approver", action: "message.read", scope: "own-township" },
  { role: "county-civil-affairs", action: "message.read", scope: "own-county" },
  { role: "county-finance", action: "message.read", scope: "own-county" },
  { role: "auditor", action: "message.read", scope: "own-county" },
  { role: "county-admin", action: "message.read", scope: "own-county" },
  { role: "province-admin", action: "message.read", scope: "own-province" },
  { role: "province-viewer", action: "message.read", scope: "own-province" },

  // SMS to the applicant (docs/messages.md): the applicant stops it and turns it back on for their own
  // case's number in 掌上办; a township officer records either for them after a phone call (with what
  // the applicant said). Nobody else: county staff, finance, auditors and administrators never change
  // whether a person is texted.
  { role: "applicant", action: "sms.optOut", scope: "own-case" },
  { role: "applicant", action: "sms.optIn", scope: "own-case" },
  officer("sms.optOut"),
  officer("sms.optIn"),
  // The county's message texts and 好差评 link: its administrator, and the province administrator who
  // administers every county under the province (as for the county's other reference data).
  { role: "county-admin", action: "messageTemplate.administer", scope: "own-county" },
  { role: "province-admin", action: "messageTemplate.administer", scope: "own-province" },

  // Disaster mode (DOMAIN §8): county civil affairs declares and ends an incident; the staff of the
  // county read it (the township staff its own township's households), finance and auditors too.
  { role: "county-civil-affairs", action: "incident.declare", scope: "own-county" },
  { role: "county-civil-affairs", action: "incident.read", scope: "own-county" },
  { role: "county-finance", action: "incident.read", scope: "own-county" },
  { role: "auditor", action: "incident.read", scope: "own-county" },
  officer("incident.read"),
  { role: "township-approver", action: "incident.read", scope: "own-township" },

  // 外地受助 (DOMAIN §3.6): the registration county of a non-local applicant aided in another county
  // reads the masked notices about its residents — county civil affairs (long-term follow-up) and
  // its auditor, within their own county; no case of the other county opens to them.
  { role: "county-civil-affairs", action: "registrationNotice.read", scope: "own-county" },
  { role: "auditor", action: "registrationNotice.read", scope: "own-county" },
];

export function grantsFor(action: Action): Grant[] {
  return PERMISSIONS.filter((g) => g.action === action);
}
