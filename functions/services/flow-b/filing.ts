/**
 * Filing straight into Flow B (DOMAIN §4.1): "file as in Flow A" — the same request, the
 * same identity, duplicate and repeat-aid rules — for hardship expected to last longer than the
 * policy's threshold or an amount above it (core `chooseFlow`). Anything shorter and smaller is Flow
 * A's (`POST /cases`). The execution is named by the case id, so a retry never starts it twice.
 */
import * as z from "zod";
import type { CaseRecord, PayoutRoute } from "#adapters/case-store.ts";
import { type Actor, requireAuthorized } from "#core/access/index.ts";
import { chooseFlow, hardshipTypeOf } from "#core/cases/index.ts";
import { BusinessRuleError } from "#core/errors.ts";
import { Yuan } from "#core/money/index.ts";
import { firstExecutionName } from "../executions.ts";
import { FileCaseSchema, newCaseId } from "../flow-a/filing.ts";
import type { FlowDeps } from "../ports.ts";
import { existingCaseFor, filedOnBehalf, intake, recordFiling } from "../steps/intake.ts";

export const FileStagedCaseSchema = FileCaseSchema.extend({
  /** How long the hardship is expected to last (DOMAIN §4: long hardship → staged assistance). */
  expectedDurationMonths: z.number().int().min(1).max(60),
  estimatedTotalYuan: z
    .string()
    .refine((text) => Yuan.isValidText(text), { message: 'yuan with at most two decimals, e.g. "800.00"' }),
}).strict();
export type FileStagedCaseRequest = z.output<typeof FileStagedCaseSchema>;

export interface FlowBExecutionInput {
  caseId: string;
  countyId: string;
  townshipId: string;
  correlationId: string;
  policyVersionId: string;
  handedOverFrom: "filing" | "flow-a";
  reason: string;
}

type FlowChoice = ReturnType<typeof chooseFlow>;

export interface FlowBFilingResult {
  caseId: string;
  status: string;
  existing: boolean;
  policyVersionId: string;
  flowChoice: unknown;
}

export async function fileStagedCase(
  deps: FlowDeps,
  actor: Actor,
  request: FileStagedCaseRequest,
  correlationId: string,
): Promise<FlowBFilingResult> {
  const now = deps.now();
  const onBehalf = filedOnBehalf(actor, request);
  const countyId = actor.countyId;
  if (onBehalf) requireAuthorized(actor, "case.fileOnBehalf", { countyId, townshipId: request.townshipId });
  else requireAuthorized(actor, "case.file", { countyId, ownerUserId: actor.userId });
  const policy = await deps.policy.resolve(countyId, request.townshipId, now);
  const choice = chooseFlow(
    {
      expectedDurationMonths: request.expectedDurationMonths,
      estimatedTotalYuan: Yuan.parse(request.estimatedTotalYuan),
    },
    policy,
  );
  if (choice.flow === "A") {
    throw new BusinessRuleError(
      "Short and small hardship is first aid (Flow A): file it at POST /cases",
      "困难持续时间短、金额小，请按先行救助申请（POST /cases）",
      {
        fields: [
          {
            path: "expectedDurationMonths",
            message: "at or under the staged-assistance threshold",
            messageZh: "未达到分阶段救助条件",
          },
        ],
      },
    );
  }
  const admitted = await intake(deps, actor, request, policy, now);
  if (admitted.kind === "existing")
    return existingCase(deps, actor, admitted.caseId, admitted.matchedKey, choice);
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
  const record: CaseRecord = {
    caseId: newCaseId(now),
    countyId,
    townshipId: request.townshipId,
    status: "assessing",
    flow: "B",
    hardship: { kind: hardshipTypeOf(request.hardship.cause), cause: request.hardship.cause },
    description: request.description,
    requestedAmountYuan: Yuan.parse(request.estimatedTotalYuan).toString(),
    applicant: admitted.applicant,
    ...admitted.household,
    payout,
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
    return existingCase(deps, actor, created.existingCaseId, matchedKey, choice);
  }
  await recordFiling(deps, record, `staged assistance (${choice.reason})`);
  await startFlowB(deps, record, choice);
  return {
    caseId: record.caseId,
    status: record.status,
    existing: false,
    policyVersionId: record.policyVersionId,
    flowChoice: choice,
  };
}

/**
 * The existing case (a repeated filing, or the retry of one whose answer was lost), for a caller who
 * may read it (else 409, intake.ts); its execution is started (and its filing audited, once) again if
 * a crash or a failed dependency left it unstarted — a no-op when it runs (the execution is named
 * after the case). Without this, a case filed but never started waits for nobody.
 */
async function existingCase(
  deps: FlowDeps,
  actor: Actor,
  caseId: string,
  matchedKey: string,
  choice: FlowChoice,
): Promise<FlowBFilingResult> {
  const existing = await existingCaseFor(deps, actor, caseId, matchedKey);
  if (
    existing.flow === "B" &&
    existing.status === "assessing" &&
    existing.handOver === undefined &&
    !existing.executionName
  ) {
    await recordFiling(deps, existing, `staged assistance (${choice.reason})`);
    await startFlowB(deps, existing, choice);
  }
  return {
    caseId,
    status: existing.status,
    existing: true,
    policyVersionId: existing.policyVersionId,
    flowChoice: choice,
  };
}

async function startFlowB(deps: FlowDeps, record: CaseRecord, choice: FlowChoice): Promise<void> {
  const arn = deps.stateMachines.flowB;
  if (!arn) throw new Error("The Flow B state machine ARN is not configured (AIDFLOW_STATE_MACHINE_FLOW_B)");
  const input: FlowBExecutionInput = {
    caseId: record.caseId,
    countyId: record.countyId,
    townshipId: record.townshipId,
    correlationId: record.correlationId,
    policyVersionId: record.policyVersionId,
    handedOverFrom: "filing",
    reason: choice.reason,
  };
  const name = firstExecutionName(record.caseId);
  await deps.workflow.startExecution({ stateMachineArn: arn, name, input });
  // Started now or before (the first execution's name is fixed): either way it runs.
  await deps.cases.markExecutionStarted(record.caseId, name);
}
