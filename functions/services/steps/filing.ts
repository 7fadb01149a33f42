/**
 * Filing, shared by Flow A (`POST /cases`) and Flow B (`POST /plans`, DOMAIN §3.1, §4.1): the
 * request, who may file, the intake (intake.ts: documents, household, duplicates, repeat aid), the
 * new case with the fields both flows record, and the start of its execution, named by the case id
 * so a retry never starts it twice. A flow adds its own first status, fields and execution input.
 */
import { randomBytes } from "node:crypto";
import * as z from "zod";
import type { CaseRecord, PayoutRoute } from "#adapters/case-store.ts";
import { countyOfTownship } from "#adapters/directory-store.ts";
import { type Actor, requireAuthorized } from "#core/access/index.ts";
import { HARDSHIP_CAUSES, type HardshipCause, hardshipTypeOf } from "#core/cases/index.ts";
import { IdentityDocumentSchema } from "#core/identity/index.ts";
import { YuanText } from "#core/money/index.ts";
import type { ResolvedPolicy } from "#core/policy/index.ts";
import { firstExecutionName } from "../executions.ts";
import type { FlowDeps } from "../ports.ts";
import {
  existingCaseFor,
  filedOnBehalf,
  HouseholdMemberSchema,
  intake,
  recordFiling,
  recordTextingPhone,
} from "./intake.ts";

/** A household lists at most this many members besides the applicant (one filing transaction holds them). */
export const HOUSEHOLD_MEMBERS_MAX = 20;

/** The applicant's own account (社会化发放), as a filing names it. */
export const BankAccountSchema = z.object({
  holderName: z.string().trim().min(1).max(100),
  bankName: z.string().trim().min(1).max(100),
  account: z.string().trim().min(8).max(40),
});

export const FileCaseSchema = z
  .object({
    /** 9-digit township code of the place of emergency (急难发生地). */
    townshipId: z.string().regex(/^\d{9}$/, "a 9-digit township code"),
    hardship: z.object({ cause: z.enum(HARDSHIP_CAUSES as [HardshipCause, ...HardshipCause[]]) }),
    description: z.string().trim().min(1).max(2000),
    requestedAmountYuan: YuanText.optional(),
    /** The filer's judgement that waiting would cause irreversible harm (DOMAIN §3: what Flow A is for). */
    irreversibleHarmIfDelayed: z.boolean().default(true),
    applicant: z.object({
      name: z.string().trim().min(1).max(100),
      /** Any document of DOMAIN §2.1 — a resident ID (GB 11643 checked), a passport, a permit, or an officer's attestation. */
      document: IdentityDocumentSchema,
      phone: z
        .string()
        .trim()
        .regex(/^\+?[0-9 -]{5,20}$/)
        .optional(),
      /** Household registration (户籍): kept for notification and statistics only. */
      registration: z
        .object({
          countyCode: z
            .string()
            .regex(/^\d{6}$/)
            .optional(),
          province: z.string().trim().max(50).optional(),
          description: z.string().trim().max(200).optional(),
        })
        .default({}),
      residence: z
        .object({ address: z.string().trim().max(200).optional(), residencePermit: z.boolean().optional() })
        .optional(),
    }),
    /** The applicant's own account (社会化发放); without it an officer routes the payment later. */
    bankAccount: BankAccountSchema.optional(),
    /**
     * The others of the household (DOMAIN §7): one cause, one aid applies to anyone listed, matched
     * by the keyed hash of their document. Optional; a member without a document is listed only.
     */
    household: z.array(HouseholdMemberSchema).max(HOUSEHOLD_MEMBERS_MAX).optional(),
    /** Filed by an officer: why (代为申请 on request, 主动发现 found by staff). */
    onBehalf: z
      .object({ reason: z.enum(["on-request", "found-by-staff"]), note: z.string().max(500).optional() })
      .optional(),
  })
  .strict();

export type FileCaseRequest = z.output<typeof FileCaseSchema>;

/** What filing answers in either flow; each flow adds its own (Flow A the advance, Flow B why staged). */
export const FiledCaseSchema = z.object({
  caseId: z.string(),
  status: z.string(),
  existing: z.boolean().meta({
    description:
      "The same person (or someone of the household) + cause already had an open case the caller may read: that case is returned",
  }),
  policyVersionId: z.string(),
});

/** The part of a filing's answer both flows give, from the case as filed (or the open one found). */
export function filedCase(
  record: Pick<CaseRecord, "caseId" | "status" | "policyVersionId">,
  existing: boolean,
): z.output<typeof FiledCaseSchema> {
  return { caseId: record.caseId, status: record.status, existing, policyVersionId: record.policyVersionId };
}

export function newCaseId(now: Date): string {
  const day = now.toISOString().slice(0, 10).replaceAll("-", "");
  return `C${day}-${randomBytes(5).toString("hex")}`;
}

/** An own application (`case.file`) or one on someone's behalf (`case.fileOnBehalf`, township staff). */
export function authorizeFiling(
  actor: Actor,
  request: Pick<FileCaseRequest, "townshipId" | "onBehalf">,
): void {
  // The case belongs to the county of the township where the emergency happened (DOMAIN §2.1).
  const countyId = countyOfTownship(request.townshipId);
  if (filedOnBehalf(actor, request)) {
    requireAuthorized(actor, "case.fileOnBehalf", { countyId, townshipId: request.townshipId });
  } else {
    requireAuthorized(actor, "case.file", { countyId, ownerUserId: actor.userId });
  }
}

/**
 * The filer as the filing sees them: an applicant files at the township of the emergency whatever
 * county their account names (DOMAIN §2.1), so they act in that township's county — its policy, its
 * case list, its staff. Staff are bound to their own county by the authorization.
 */
export function filingActor(actor: Actor, townshipId: string): Actor {
  if (!actor.roles.includes("applicant")) return actor;
  return { ...actor, countyId: countyOfTownship(townshipId) };
}

/** What a flow records on its new case beyond the common fields. */
export type FlowFields = Pick<CaseRecord, "status" | "flow"> &
  Partial<Pick<CaseRecord, "requestedAmountYuan" | "assessment">>;

export interface FlowEntry {
  /** The flow's own fields, computed once the intake found no open case. */
  fields: () => FlowFields;
  /** The filing's audit reason for a new case. */
  why: string;
  /** The filing's audit reason when an unstarted existing case is started again. */
  whyOnRestart: (record: CaseRecord) => string;
  /** The case was filed into this flow and its execution was never noted as started. */
  unstarted: (record: CaseRecord) => boolean;
  /** Starts the flow's first execution (`startFirstExecution`). */
  start: (record: CaseRecord) => Promise<void>;
}

/**
 * The intake, then the case written once per person + cause and its execution started: the new
 * case, or the open one of the household (`existing`) for a caller who may read it (else 409).
 */
export async function fileInto(
  deps: FlowDeps,
  actor: Actor,
  request: FileCaseRequest,
  policy: ResolvedPolicy,
  correlationId: string,
  flow: FlowEntry,
): Promise<{ record: CaseRecord; existing: boolean }> {
  const now = deps.now();
  const admitted = await intake(deps, actor, request, policy, now);
  if (admitted.kind === "existing") {
    return {
      record: await restartExisting(deps, actor, admitted.caseId, admitted.matchedKey, flow, request),
      existing: true,
    };
  }
  const onBehalf = filedOnBehalf(actor, request);
  const record: CaseRecord = {
    caseId: newCaseId(now),
    countyId: actor.countyId,
    townshipId: request.townshipId,
    ...flow.fields(),
    hardship: { kind: hardshipTypeOf(request.hardship.cause), cause: request.hardship.cause },
    description: request.description,
    applicant: admitted.applicant,
    ...admitted.household,
    payout: await sealedPayout(deps, request.bankAccount),
    filedBy: { userId: actor.userId, onBehalf, name: actor.name, roles: actor.roles },
    filedAt: now.toISOString(),
    policyVersionId: policy.policyVersionId,
    correlationId,
    handledBy: onBehalf ? [actor.userId] : [],
    flags: admitted.flags,
    version: 1,
  };
  const created = await deps.cases.create(record);
  if (!created.created) {
    const matchedKey = created.matchedKey ?? record.applicant.personKey;
    return {
      record: await restartExisting(deps, actor, created.existingCaseId, matchedKey, flow, request),
      existing: true,
    };
  }
  await recordTextingPhone(deps, record, request.applicant.phone);
  await recordFiling(deps, record, flow.why);
  await flow.start(record);
  return { record, existing: false };
}

/** The applicant's own account, stored sealed with its keyed hash and masked tail: never the number itself. */
async function sealedPayout(deps: FlowDeps, account: FileCaseRequest["bankAccount"]): Promise<PayoutRoute> {
  if (!account) return { method: "none" };
  return {
    method: "bank",
    bank: {
      holderName: account.holderName,
      bankName: account.bankName,
      ...(await deps.accounts.seal(account.account)),
    },
  };
}

/**
 * The existing case (a repeated filing, or the retry of one whose answer was lost), for a caller who
 * may read it (else 409, intake.ts). Its filing is audited (once) and its execution started again if
 * a crash or a failed dependency left it unstarted — a no-op when it runs (the execution is named
 * after the case). Without this, a case filed but never started waits for nobody.
 */
async function restartExisting(
  deps: FlowDeps,
  actor: Actor,
  caseId: string,
  matchedKey: string,
  flow: FlowEntry,
  request: FileCaseRequest,
): Promise<CaseRecord> {
  const record = await existingCaseFor(deps, actor, caseId, matchedKey);
  if (flow.unstarted(record)) {
    // The retry of a filing cut short after its case was written: its phone, if the case carries it.
    const phone = request.applicant.phone;
    if (phone && record.applicant.phoneMasked === deps.identity.maskPhone(phone)) {
      await recordTextingPhone(deps, record, phone);
    }
    await recordFiling(deps, record, flow.whyOnRestart(record));
    await flow.start(record);
  }
  return record;
}

/** Starts a case's first execution and notes it on the case: started now or before (its name is fixed), it runs. */
export async function startFirstExecution(
  deps: FlowDeps,
  stateMachineArn: string,
  caseId: string,
  input: unknown,
): Promise<void> {
  const name = firstExecutionName(caseId);
  await deps.workflow.startExecution({ stateMachineArn, name, input });
  await deps.cases.markExecutionStarted(caseId, name);
}
