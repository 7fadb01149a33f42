/**
 * Suspicious data about a running plan (DOMAIN §2.5): it opens a check for the next re-check and
 * never stops the plan; the township is told and the audit trail records it, once per suspicion.
 */
import * as z from "zod";
import type { Actor } from "#core/access/index.ts";
import { ConflictError } from "#core/errors.ts";
import { authorizeAnyOnCase } from "../../case-access.ts";
import type { FlowDeps } from "../../ports.ts";
import { type FlowBCase, type PlanRecord, planOf } from "../plan-record.ts";
import { Text } from "./common.ts";

export const SuspicionSchema = z
  .object({
    /** Where the signal came from, e.g. 低保 roll match, 大数据比对, a tip-off. */
    source: z.string().trim().min(2).max(100),
    description: Text,
  })
  .strict();
export type SuspicionRequest = z.output<typeof SuspicionSchema>;

/** Tries to add a suspicion against a case changed meanwhile before answering 409 (a limit on everything). */
const SUSPICION_ATTEMPTS_MAX = 10;

class CaseChangedMeanwhile extends Error {}

/** What recording a suspicion answers: it never changes the plan by itself. */
export const SuspicionResultSchema = z.object({
  caseId: z.string(),
  suspicionId: z.string(),
  planChanged: z.literal(false),
  status: z.string(),
  repeated: z.boolean(),
});

export async function raiseSuspicion(
  deps: FlowDeps,
  actor: Actor,
  caseId: string,
  request: SuspicionRequest,
  correlationId: string,
): Promise<z.output<typeof SuspicionResultSchema>> {
  for (let attempt = 1; attempt <= SUSPICION_ATTEMPTS_MAX; attempt += 1) {
    const record = (await deps.cases.get(caseId)) as FlowBCase;
    authorizeAnyOnCase(actor, ["stage.recheck", "case.escalation.decide"], record);
    const plan = planOf(record);
    if (!plan.stages || record.status === "closed") {
      throw new ConflictError("The case has no running plan", "案件没有执行中的救助方案");
    }
    // The same signal while its check is still open is that suspicion, not a second one.
    const open = plan.suspicions.find(
      (s) => s.status === "open" && s.source === request.source && s.description === request.description,
    );
    if (open) {
      return {
        caseId,
        suspicionId: open.suspicionId,
        planChanged: false,
        status: record.status,
        repeated: true,
      };
    }
    const now = deps.now();
    const suspicionId = `suspicion-${plan.suspicions.length + 1}`;
    try {
      await deps.cases.update(caseId, {
        // The list is written whole: only onto the case it was read from, else read again.
        guard: (current) => (current.version === record.version ? undefined : new CaseChangedMeanwhile()),
        // Only the plan's list of checks changes: status, stages and amounts stay as they are.
        set: {
          plan: {
            ...plan,
            suspicions: [
              ...plan.suspicions,
              {
                suspicionId,
                ...request,
                raisedBy: actor.userId,
                raisedAt: now.toISOString(),
                status: "open",
              },
            ],
          } satisfies PlanRecord,
        },
      });
    } catch (error) {
      if (error instanceof CaseChangedMeanwhile) continue;
      throw error;
    }
    await announceSuspicion(deps, actor, record, suspicionId, request, correlationId, now);
    return { caseId, suspicionId, planChanged: false, status: record.status, repeated: false };
  }
  throw new ConflictError(
    "The case kept changing while the suspicion was recorded; nothing was recorded, please try again",
    "案件正在被其他操作更新，疑点未登记，请稍后重试",
  );
}

/** The township is told and the audit trail records it, once per suspicion (healed retries included). */
async function announceSuspicion(
  deps: FlowDeps,
  actor: Actor,
  record: FlowBCase,
  suspicionId: string,
  request: SuspicionRequest,
  correlationId: string,
  now: Date,
): Promise<void> {
  const caseId = record.caseId;
  await deps.outbox.put(
    {
      messageId: `${caseId}:${suspicionId}`,
      caseId,
      kind: "plan.suspicion",
      recipient: { kind: "township", id: record.townshipId, role: "township-officer" },
      subject: "A suspicion about a staged plan needs checking at the next re-check",
      subjectZh: "分阶段救助出现疑点，请在下次复核时核实（疑点本身不停发）",
      details: { suspicionId, source: request.source },
      correlationId,
    },
    now,
  );
  await deps.audit.append({
    actorUserId: actor.userId,
    actorName: actor.name,
    actorRoles: actor.roles,
    action: "plan.suspicion.raise",
    caseId,
    countyId: record.countyId,
    townshipId: record.townshipId,
    why: `${request.source}: ${request.description}`,
    after: { suspicionId },
    correlationId,
    dedupKey: `plan.suspicion.raise:${caseId}:${suspicionId}`,
  });
}
