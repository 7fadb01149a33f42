/**
 * Filing (DOMAIN §3.1): an applicant — or a township officer on their behalf (代为申请/主动发现) —
 * files at the township where the emergency happened. Household registration and residence are
 * recorded, never used to decide (DOMAIN §2.1). The case is created with the policy version in force
 * and its execution is started with the case id as its name, so a retry can never start it twice.
 * The intake (documents, household, duplicate and repeat-aid rules) is shared with Flow B's filing
 * (intake.ts).
 */
import { randomBytes } from "node:crypto";
import * as z from "zod";
import type { CaseRecord, PayoutRoute } from "#adapters/case-store.ts";
import type { Actor } from "#core/access/index.ts";
import { requireAuthorized } from "#core/access/index.ts";
import { assessAdvance, HARDSHIP_CAUSES, type HardshipCause, hardshipTypeOf } from "#core/cases/index.ts";
import { AidFlowError } from "#core/errors.ts";
import { IdentityDocumentSchema } from "#core/identity/index.ts";
import { Yuan } from "#core/money/index.ts";
import { firstExecutionName } from "../executions.ts";
import { type FlowSettings, flowSettingsFromEnv } from "../flow-settings.ts";
import type { FlowDeps } from "../ports.ts";
import {
  existingCaseFor,
  filedOnBehalf,
  HouseholdMemberSchema,
  intake,
  recordFiling,
} from "../steps/intake.ts";

/** A household lists at most this many members besides the applicant (one filing transaction holds them). */
export const HOUSEHOLD_MEMBERS_MAX = 20;

const YuanText = z
  .string()
  .refine((text) => Yuan.isValidText(text), { message: 'yuan with at most two decimals, e.g. "800.00"' });

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
    bankAccount: z
      .object({
        holderName: z.string().trim().min(1).max(100),
        bankName: z.string().trim().min(1).max(100),
        account: z.string().trim().min(8).max(40),
      })
      .optional(),
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

export interface FileCaseResult {
  caseId: string;
  status: string;
  /**
   * True when the same person (or someone of the household) + cause already had an open case that
   * the caller may read: that case is returned. A caller who may not read it gets 409 instead.
   */
  existing: boolean;
  policyVersionId: string;
  /** The advance the rules propose (same for any registration or document). */
  assessment?: CaseRecord["assessment"];
}

export interface FlowAExecutionInput {
  caseId: string;
  countyId: string;
  townshipId: string;
  correlationId: string;
  policyVersionId: string;
  advanceDecisionTimeoutSeconds: number;
  payout: { method: PayoutRoute["method"] };
  settings: FlowSettings;
  done: Record<string, never>;
}

/** The deployment has no Flow A state machine configured: a server problem, reported as such (503). */
export class WorkflowUnavailableError extends AidFlowError {
  readonly statusCode = 503;
  readonly code = "WORKFLOW_UNAVAILABLE";
  constructor() {
    super(
      "Applications cannot be accepted right now: the Flow A workflow is not configured",
      "暂时无法受理申请：先行救助流程未配置",
    );
  }
}

export function newCaseId(now: Date): string {
  const day = now.toISOString().slice(0, 10).replaceAll("-", "");
  return `C${day}-${randomBytes(5).toString("hex")}`;
}

export function flowAInput(
  record: CaseRecord,
  advanceResponseTimeHours: number,
  settings = flowSettingsFromEnv(),
): FlowAExecutionInput {
  return {
    caseId: record.caseId,
    countyId: record.countyId,
    townshipId: record.townshipId,
    correlationId: record.correlationId,
    policyVersionId: record.policyVersionId,
    // DOMAIN §3.2: the approver's response time is the wait's timeout (TimeoutSecondsPath).
    advanceDecisionTimeoutSeconds: advanceResponseTimeHours * 3600,
    payout: { method: record.payout.method },
    settings,
    done: {},
  };
}

export async function fileCase(
  deps: FlowDeps,
  actor: Actor,
  request: FileCaseRequest,
  correlationId: string,
): Promise<FileCaseResult> {
  const now = deps.now();
  const onBehalf = filedOnBehalf(actor, request);
  const countyId = actor.countyId;
  if (onBehalf) {
    requireAuthorized(actor, "case.fileOnBehalf", { countyId, townshipId: request.townshipId });
  } else {
    requireAuthorized(actor, "case.file", { countyId, ownerUserId: actor.userId });
  }
  // Fail before anything is written when the deployment has no Flow A to start (a rejected request writes nothing).
  const stateMachineArn = deps.stateMachines.flowA;
  if (!stateMachineArn) throw new WorkflowUnavailableError();
  const policy = await deps.policy.resolve(countyId, request.townshipId, now);
  const admitted = await intake(deps, actor, request, policy, now);
  if (admitted.kind === "existing") {
    return existingCase(deps, actor, admitted.caseId, admitted.matchedKey, policy.advanceResponseTimeHours);
  }

  // Stored sealed, with its keyed hash and masked tail: never the number itself.
  const payout: PayoutRoute = request.bankAccount
    ? {
        method: "bank",
        bank: {
          holderName: request.bankAccount.holderName,
          bankName: request.bankAccount.bankName,
          ...(await deps.accounts.seal(request.bankAccount.account)),
        },
      }
    : { method: "none" };
  const registrationCounty = request.applicant.registration.countyCode;
  // The advance the rules propose to the approver: cause, amount and policy only — the core never
  // reads the registration or the document kind it is given (DOMAIN §2.1, core/cases eligibility).
  const assessment = assessAdvance(
    {
      countyId,
      townshipId: request.townshipId,
      cause: request.hardship.cause,
      requestedAmountYuan: request.requestedAmountYuan ? Yuan.parse(request.requestedAmountYuan) : Yuan.zero,
      irreversibleHarmIfDelayed: request.irreversibleHarmIfDelayed,
      identityDocument: request.applicant.document,
      householdRegistration: registrationCounty
        ? { kind: "mainland", countyId: registrationCounty }
        : { kind: "none" },
    },
    policy,
  );
  const record: CaseRecord = {
    caseId: newCaseId(now),
    countyId,
    townshipId: request.townshipId,
    status: "awaiting-advance-decision",
    flow: "A",
    hardship: { kind: hardshipTypeOf(request.hardship.cause), cause: request.hardship.cause },
    description: request.description,
    ...(request.requestedAmountYuan
      ? { requestedAmountYuan: Yuan.parse(request.requestedAmountYuan).toString() }
      : {}),
    applicant: admitted.applicant,
    ...admitted.household,
    payout,
    assessment: {
      eligible: assessment.eligible,
      amountYuan: assessment.amountYuan.toString(),
      approvalLevel: assessment.approvalLevel,
      paymentMethods: assessment.paymentMethods,
      reasons: assessment.reasons,
    },
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
    return existingCase(
      deps,
      actor,
      created.existingCaseId,
      created.matchedKey ?? record.applicant.personKey,
      policy.advanceResponseTimeHours,
    );
  }
  await recordFiling(
    deps,
    record,
    request.onBehalf ? `on behalf: ${request.onBehalf.reason}` : "application",
  );
  await startFlowA(deps, record, policy.advanceResponseTimeHours);
  return {
    caseId: record.caseId,
    status: record.status,
    existing: false,
    policyVersionId: record.policyVersionId,
    ...(record.assessment ? { assessment: record.assessment } : {}),
  };
}

/**
 * The existing case, for a caller who may read it (else 409, intake.ts). Its execution is started
 * (and its filing audited, once) again if a crash left it unstarted — a no-op otherwise.
 */
async function existingCase(
  deps: FlowDeps,
  actor: Actor,
  caseId: string,
  matchedKey: string,
  responseTimeHours: number,
): Promise<FileCaseResult> {
  const record = await existingCaseFor(deps, actor, caseId, matchedKey);
  if (record.flow === "A" && record.status === "awaiting-advance-decision" && !record.executionName) {
    await recordFiling(deps, record, record.filedBy.onBehalf ? "on behalf" : "application");
    await startFlowA(deps, record, responseTimeHours);
  }
  return {
    caseId,
    status: record.status,
    existing: true,
    policyVersionId: record.policyVersionId,
    ...(record.assessment ? { assessment: record.assessment } : {}),
  };
}

async function startFlowA(deps: FlowDeps, record: CaseRecord, responseTimeHours: number): Promise<void> {
  const arn = deps.stateMachines.flowA;
  if (!arn) throw new WorkflowUnavailableError();
  await deps.workflow.startExecution({
    stateMachineArn: arn,
    name: firstExecutionName(record.caseId),
    input: flowAInput(record, responseTimeHours),
  });
  // Started now or before (the first execution's name is fixed): either way it runs.
  await deps.cases.markExecutionStarted(record.caseId, firstExecutionName(record.caseId));
}
