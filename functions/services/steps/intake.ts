/**
 * The intake of a filing, shared by Flow A (`POST /cases`) and Flow B (`POST /plans`): the identity
 * documents (DOMAIN §7), the household and its keys, the duplicate checks and the repeat-aid rules
 * (DOMAIN §2.4). The rules are core's (core/cases/rules); this module gathers their inputs from the
 * stores, words their refusals for the caller, and decides what a duplicate may disclose.
 */
import * as z from "zod";
import type { CaseRecord, HouseholdMemberRecord, PersonHistoryEntry } from "#adapters/case-store.ts";
import { obligationIdFor } from "#adapters/payments/gateway.ts";
import { type Actor, authorize } from "#core/access/index.ts";
import { localDateOf } from "#core/calendar/localDate.ts";
import {
  ATTESTATION_FIELDS,
  fraudBar,
  officerAttestation,
  oneAidPerCausePerHousehold,
  type RuleOutcome,
  registrationFollowUp,
  registrationOf,
  residentIdBirthDate,
} from "#core/cases/index.ts";
import {
  BusinessRuleError,
  ConflictError,
  type FieldError,
  ForbiddenError,
  ValidationError,
} from "#core/errors.ts";
import { type IdentityDocument, IdentityDocumentSchema } from "#core/identity/index.ts";
import type { ResolvedPolicy } from "#core/policy/index.ts";
import { caseResource } from "../case-access.ts";
import { stagePurpose } from "../flow-b/plan-record.ts";
import { toE164 } from "../messages/sms-channel.ts";
import type { FlowDeps } from "../ports.ts";
import type { FileCaseRequest } from "./filing.ts";

/** Relations to the applicant the consoles offer (web/src/reference.ts RELATIONS). */
export const RELATIONS = [
  "self",
  "spouse",
  "child",
  "parent",
  "sibling",
  "grandparent",
  "grandchild",
  "other",
] as const;

export const HouseholdMemberSchema = z
  .object({
    name: z.string().trim().min(1).max(100),
    relation: z.enum(RELATIONS),
    /** The member's own document, when they have one: what the household's checks match on. */
    document: IdentityDocumentSchema.optional(),
  })
  .strict()
  .superRefine((member, ctx) => {
    if (member.document?.type === "none-officer-attests") {
      ctx.addIssue({
        code: "custom",
        path: ["document", "type"],
        message: "a member without a document is listed without one",
        params: { zh: "无证件的家庭成员无需填写证件" },
      });
    }
  });

/** Stage purposes of Flow B payments looked at for the date aid was first paid (stages are paid in order). */
const STAGES_LOOKED_AT_MAX = 24;

/** A filing by staff, or one that says it is on someone's behalf. */
export function filedOnBehalf(actor: Actor, request: Pick<FileCaseRequest, "onBehalf">): boolean {
  return !actor.roles.includes("applicant") || request.onBehalf !== undefined;
}

/** The same household + cause has an open case the caller may not read (DOMAIN §7: no disclosure). */
export class DuplicateApplicationError extends ConflictError {
  override readonly code = "DUPLICATE_APPLICATION";
}

export type IntakeResult =
  | {
      kind: "new";
      applicant: CaseRecord["applicant"];
      household: Pick<CaseRecord, "household" | "householdKeys">;
      flags: CaseRecord["flags"];
    }
  | { kind: "existing"; caseId: string; matchedKey: string };

export async function intake(
  deps: FlowDeps,
  actor: Actor,
  request: FileCaseRequest,
  policy: ResolvedPolicy,
  now: Date,
): Promise<IntakeResult> {
  checkDocuments(actor, request, policy, now);
  const doc = request.applicant.document;
  const attested = doc.type === "none-officer-attests";
  const identity = attested
    ? { numberMasked: "", personKey: deps.identity.attestedKey(request.townshipId, request.applicant.name) }
    : deps.identity.check(doc as never);
  const members = (request.household ?? []).map((member) => ({
    member,
    identity: member.document ? deps.identity.check(member.document as never) : undefined,
  }));
  const keys = [
    ...new Set([identity.personKey, ...members.flatMap((m) => (m.identity ? [m.identity.personKey] : []))]),
  ];
  const cause = request.hardship.cause;

  // The same person + cause while a case is open: that case (DOMAIN §3.1). Then aid already paid to
  // anyone of the household refuses (§2.4) before another member's open case is offered instead.
  const own = await deps.cases.openCaseAsApplicant(identity.personKey, cause);
  if (own) return { kind: "existing", caseId: own, matchedKey: identity.personKey };
  await checkRepeatAid(deps, actor, keys, cause, policy, now);
  const open = await deps.cases.openCaseForHousehold(keys, cause);
  if (open) return { kind: "existing", caseId: open.caseId, matchedKey: open.personKey };

  const onBehalf = filedOnBehalf(actor, request);
  const household: HouseholdMemberRecord[] = members.map(({ member, identity: id }) => ({
    name: member.name,
    relation: member.relation,
    ...(member.document && id
      ? { document: { type: member.document.type, numberMasked: id.numberMasked } }
      : {}),
  }));
  return {
    kind: "new",
    applicant: {
      ...(onBehalf ? {} : { userId: actor.userId }),
      name: request.applicant.name,
      document: {
        type: doc.type,
        numberMasked: identity.numberMasked,
        ...(attested ? { attestedBy: actor.userId } : {}),
      },
      personKey: identity.personKey,
      ...(request.applicant.phone ? { phoneMasked: deps.identity.maskPhone(request.applicant.phone) } : {}),
      registration: request.applicant.registration,
      ...(request.applicant.residence ? { residence: request.applicant.residence } : {}),
      // Statistics only (DOMAIN §2.1, core's registrationFollowUp) — no rule reads this.
      local:
        registrationFollowUp(registrationOf(request.applicant.registration), actor.countyId).category ===
        "local",
    },
    household: household.length > 0 ? { household, householdKeys: keys } : {},
    flags: attested ? { noDocument: true } : {},
  };
}

/** Birth dates of every ID number on the filing (400), then who may attest an identity (403 / 400). */
function checkDocuments(actor: Actor, request: FileCaseRequest, policy: ResolvedPolicy, now: Date): void {
  const today = localDateOf(now);
  const documents: Array<{ document: IdentityDocument; field: string }> = [
    { document: request.applicant.document, field: "applicant.document.number" },
    ...(request.household ?? []).flatMap((m, i) =>
      m.document ? [{ document: m.document, field: `household.${i}.document.number` }] : [],
    ),
  ];
  const refusals = documents
    .map((d) => residentIdBirthDate({ ...d, today }, policy))
    .flatMap((o) => fieldErrorOf(o));
  if (refusals.length > 0) {
    throw new ValidationError("An ID number's birth date is not possible", "身份证号码中的出生日期有误", {
      fields: refusals,
    });
  }
  const attestation = officerAttestation(
    { document: request.applicant.document, filer: actor, townshipId: request.townshipId },
    policy,
  );
  if (attestation.outcome !== "noncompliant") return;
  const fields = fieldErrorOf(attestation);
  if (attestation.field === ATTESTATION_FIELDS.filer) {
    throw new ForbiddenError(attestation.message, attestation.messageZh, { fields });
  }
  throw new ValidationError(attestation.message, attestation.messageZh, { fields });
}

function fieldErrorOf(outcome: RuleOutcome): FieldError[] {
  return outcome.outcome === "noncompliant"
    ? [{ path: outcome.field, message: outcome.message, messageZh: outcome.messageZh }]
    : [];
}

const isStaff = (actor: Actor) => !actor.roles.includes("applicant");

/** "2026年3月2日": a date a person reads (never an ISO timestamp in Chinese text). */
function zhDate(instant: Date): string {
  const [year, month, day] = localDateOf(instant).split("-").map(Number);
  return `${year}年${month}月${day}日`;
}

/**
 * DOMAIN §2.4, §2.5: proven fraud of anyone of the household bars it for the bar period; one aid per
 * cause per household within the window counted from the date the aid was paid. Staff are told the
 * date of the earlier aid; the applicant a plain sentence (no case of someone else is ever named).
 */
async function checkRepeatAid(
  deps: FlowDeps,
  actor: Actor,
  keys: readonly string[],
  cause: string,
  policy: ResolvedPolicy,
  now: Date,
): Promise<void> {
  const history = await deps.cases.householdHistory(keys);
  const bar = fraudBar(
    {
      findings: history
        .filter((h) => h.fraud && h.closedAt)
        .map((h) => ({ caseId: h.caseId, foundAt: Date.parse(h.closedAt as string) })),
      at: now,
    },
    policy,
  );
  if (bar.outcome === "noncompliant" && bar.barredBy) {
    const staff = isStaff(actor) ? `（限制期至${zhDate(bar.barredBy.until)}）` : "";
    throw new BusinessRuleError(bar.message, `${bar.messageZh}${staff}`, {
      fields: [{ path: bar.field, message: bar.message, messageZh: bar.messageZh }],
      details: {
        rule: bar.rule,
        ...(isStaff(actor) ? { barredUntil: localDateOf(bar.barredBy.until) } : {}),
      },
    });
  }
  const aids = await Promise.all(
    history
      .filter((h) => h.cause === cause && mayHaveBeenPaid(h))
      .map(async (h) => {
        const paidAt = await firstPaidAt(deps, h.caseId);
        return { caseId: h.caseId, cause: h.cause, ...(paidAt ? { paidAt } : {}) };
      }),
  );
  const aid = oneAidPerCausePerHousehold({ cause, aids, at: now }, policy);
  if (aid.outcome !== "noncompliant" || !aid.earlier) return;
  const field = { path: aid.field, message: aid.message, messageZh: aid.messageZh };
  if (!isStaff(actor)) {
    throw new BusinessRuleError(aid.message, aid.messageZh, { fields: [field], details: { rule: aid.rule } });
  }
  throw new BusinessRuleError(
    `${aid.message}; the earlier aid was paid on ${localDateOf(aid.earlier.paidAt)}`,
    `${aid.messageZh}（前次救助于${zhDate(aid.earlier.paidAt)}发放）`,
    { fields: [field], details: { rule: aid.rule, earlierPaidOn: localDateOf(aid.earlier.paidAt) } },
  );
}

/** A case settled without aid (withdrawn, rejected, closed unpaid) never paid anything. */
function mayHaveBeenPaid(entry: PersonHistoryEntry): boolean {
  return !(entry.closedAt !== undefined && !entry.aided);
}

/** When money first reached the household on the case: the earliest confirmed payment. */
async function firstPaidAt(deps: FlowDeps, caseId: string): Promise<Date | undefined> {
  const settled: number[] = [];
  const look = async (purpose: string): Promise<boolean> => {
    const payment = await deps.payments.getPayment(obligationIdFor(caseId, purpose));
    if (!payment) return false;
    for (const attempt of payment.attempts) {
      if (attempt.status === "confirmed" && attempt.settledAt) settled.push(Date.parse(attempt.settledAt));
    }
    return true;
  };
  await Promise.all([look("advance"), look("follow-up")]);
  for (let stage = 1; stage <= STAGES_LOOKED_AT_MAX; stage++) {
    if (!(await look(stagePurpose(stage)))) break;
  }
  return settled.length > 0 ? new Date(Math.min(...settled)) : undefined;
}

function mayRead(actor: Actor, record: CaseRecord): boolean {
  const resource = caseResource(record);
  return (
    authorize(actor, "case.read", resource).allowed || authorize(actor, "case.readOwn", resource).allowed
  );
}

/**
 * The existing open case of the household + cause, for a caller who may read it (the applicant's
 * own, or staff of its township). Anyone else gets 409 with a neutral message and no case id or
 * figures; the match is recorded on the case, where its township sees it.
 */
export async function existingCaseFor(
  deps: FlowDeps,
  actor: Actor,
  caseId: string,
  matchedKey: string,
): Promise<CaseRecord> {
  const record = await deps.cases.get(caseId);
  if (mayRead(actor, record)) return record;
  await deps.cases.recordDuplicateFiling(caseId, deps.now().toISOString());
  const sameApplicant = matchedKey === record.applicant.personKey;
  throw sameApplicant
    ? new DuplicateApplicationError(
        "This applicant already has an application in progress for the same cause; please contact the township that accepted it",
        "该申请人就同一事由已有在办申请，请联系受理乡镇",
      )
    : new DuplicateApplicationError(
        "A member of this household already has an application in progress for the same cause; please contact the township that accepted it",
        "该家庭成员就同一事由已有在办申请，请联系受理乡镇",
      );
}

/**
 * The applicant's phone their case is texted on (the SMS dispatcher reads it), recorded once per case
 * and sealed at rest. A filing without a mobile number records nothing: its SMS are suppressed
 * (no phone) and the inbox still carries every message.
 */
export async function recordTextingPhone(
  deps: FlowDeps,
  record: CaseRecord,
  phone: string | undefined,
): Promise<void> {
  const e164 = phone ? toE164(phone) : undefined;
  if (!e164) return;
  await deps.smsContacts.putApplicantPhone(record.countyId, record.caseId, e164, deps.now());
}

/** The filing's audit event, once per case whoever records it (a healing retry may too). */
export async function recordFiling(deps: FlowDeps, record: CaseRecord, why: string): Promise<void> {
  const filer = record.filedBy;
  await deps.audit.append({
    actorUserId: filer.userId,
    actorName: filer.name ?? filer.userId,
    actorRoles: filer.roles ?? [],
    action: filer.onBehalf ? "case.fileOnBehalf" : "case.file",
    caseId: record.caseId,
    countyId: record.countyId,
    townshipId: record.townshipId,
    why,
    after: {
      status: record.status,
      cause: record.hardship.cause,
      policyVersionId: record.policyVersionId,
      ...(record.flow === "B" ? { flow: "B" } : {}),
      ...(record.flags.noDocument ? { noDocument: true } : {}),
    },
    correlationId: record.correlationId,
    dedupKey: `case.file:${record.caseId}`,
  });
}
