/**
 * Filing straight into Flow B (DOMAIN §4.1): "file as in Flow A" — the same request, the
 * same identity, duplicate and repeat-aid rules (steps/filing.ts) — for hardship expected to last
 * longer than the policy's threshold or an amount above it (core `chooseFlow`). Anything shorter and
 * smaller is Flow A's (`POST /cases`). The execution is named by the case id, so a retry never starts it twice.
 */
import * as z from "zod";
import type { CaseRecord } from "#adapters/case-store.ts";
import type { Actor } from "#core/access/index.ts";
import { chooseFlow, filedState, ordinaryProcessingDeadline } from "#core/cases/index.ts";
import { BusinessRuleError } from "#core/errors.ts";
import { Yuan, YuanText } from "#core/money/index.ts";
import { notifyApplicationReceivedBy } from "../messages/notify.ts";
import type { FlowDeps } from "../ports.ts";
import { countyCalendar } from "../steps/automatic.ts";
import {
  authorizeFiling,
  FileCaseSchema,
  FiledCaseSchema,
  filedCase,
  fileInto,
  startFirstExecution,
} from "../steps/filing.ts";

export const FileStagedCaseSchema = FileCaseSchema.extend({
  /** How long the hardship is expected to last (DOMAIN §4: long hardship → staged assistance). */
  expectedDurationMonths: z.number().int().min(1).max(60),
  estimatedTotalYuan: YuanText,
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

/** What filing into Flow B answers: the filing's answer and why the case is staged. */
export const FlowBFilingResultSchema = FiledCaseSchema.extend({
  flowChoice: z.unknown().meta({ description: "Why the case is staged (core/cases chooseFlow)" }),
}).meta({ id: "FlowBFilingResult" });
export type FlowBFilingResult = z.output<typeof FlowBFilingResultSchema>;

export async function fileStagedCase(
  deps: FlowDeps,
  actor: Actor,
  request: FileStagedCaseRequest,
  correlationId: string,
): Promise<FlowBFilingResult> {
  authorizeFiling(actor, request);
  const policy = await deps.policy.resolve(actor.countyId, request.townshipId, deps.now());
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
  const why = `staged assistance (${choice.reason})`;
  const { record, existing } = await fileInto(deps, actor, request, policy, correlationId, {
    fields: () => ({
      status: filedState("B"),
      flow: "B",
      requestedAmountYuan: Yuan.parse(request.estimatedTotalYuan).toString(),
    }),
    why,
    whyOnRestart: () => why,
    unstarted: (found) =>
      found.flow === "B" &&
      found.status === "assessing" &&
      found.handOver === undefined &&
      !found.executionName,
    start: (found) => startFlowB(deps, found, choice),
  });
  // The applicant hears when the assessment is due: the ordinary processing limit (DOMAIN §7) from filing.
  const due = ordinaryProcessingDeadline(
    new Date(record.filedAt),
    policy,
    await countyCalendar(deps, record, policy),
  );
  await notifyApplicationReceivedBy(deps, record, due.deadline);
  return { ...filedCase(record, existing), flowChoice: choice };
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
  await startFirstExecution(deps, arn, record.caseId, input);
}
