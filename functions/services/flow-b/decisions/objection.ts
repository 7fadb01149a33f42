/**
 * An objection during the public notice (DOMAIN §4.3): recorded while the notice runs, it sends the
 * case back to the officer to assess again, then to be noticed again.
 */
import { randomUUID } from "node:crypto";
import * as z from "zod";
import type { Actor } from "#core/access/index.ts";
import { ConflictError } from "#core/errors.ts";
import { zhDateTime } from "#core/labels/index.ts";
import { authorizeOnCase } from "../../case-access.ts";
import type { FlowDeps } from "../../ports.ts";
import { type DecisionResponse, recordDecision, waitingTask } from "../../steps/decision.ts";
import type { FlowBCase, Objection, PlanRecord } from "../plan-record.ts";
import { planOf } from "../plan-record.ts";
import { LocalDateText, onCurrentPlan, Text } from "./common.ts";

export const ObjectionSchema = z
  .object({
    receivedOn: LocalDateText,
    grounds: Text,
    /** Who objected, as they gave it (may be anonymous: 匿名). */
    objector: z.string().trim().min(1).max(100).default("匿名"),
  })
  .strict();
export type ObjectionRequest = z.output<typeof ObjectionSchema>;

export async function recordObjection(
  deps: FlowDeps,
  actor: Actor,
  caseId: string,
  request: ObjectionRequest,
  correlationId: string,
): Promise<DecisionResponse> {
  const record = (await deps.cases.get(caseId)) as FlowBCase;
  authorizeOnCase(actor, "notice.objection.record", record);
  const task = await waitingTask(deps, caseId, "public-notice");
  const plan = planOf(record);
  if (plan.notice && deps.now().getTime() >= Date.parse(plan.notice.endsAt)) {
    // The notice ran out: its wait is timing out into the approval. A late objection is no objection
    // to this notice (an officer may still raise it with the approver, who can reject).
    throw new ConflictError(
      `The public notice ended at ${plan.notice.endsAt}; the objection is too late for it`,
      `公示期已于 ${zhDateTime(plan.notice.endsAt)} 结束，异议已超出公示期`,
      { details: { endsAt: plan.notice.endsAt } },
    );
  }
  const objectionId = `objection-${task.taskId.split("#")[1] ?? randomUUID()}`;
  return recordDecision(deps, {
    actor,
    action: "notice.objection.record",
    record,
    taskType: "public-notice",
    decision: { objectionId, noticeRound: plan.notice?.round ?? 1, ...request },
    output: { objected: true, objectionId },
    change: onCurrentPlan(deps, caseId, (recorded, current) => {
      const objection: Objection = {
        objectionId,
        noticeRound: current.notice?.round ?? 1,
        receivedOn: request.receivedOn,
        grounds: request.grounds,
        objector: request.objector,
        recordedBy: recorded.decidedBy,
        recordedAt: recorded.decidedAt,
      };
      return {
        // Back to the officer (DOMAIN §4.3): the case is assessed again, then noticed again.
        event: { type: "notice.objection" },
        set: {
          plan: {
            ...current,
            ...(current.notice ? { notice: { ...current.notice, status: "objected" } } : {}),
            objections: [...current.objections.filter((o) => o.objectionId !== objectionId), objection],
          } satisfies PlanRecord,
        },
      };
    }),
    why: `objection in public notice: ${request.grounds}`,
    correlationId,
  });
}
