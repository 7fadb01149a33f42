/**
 * The paperwork (补齐手续, DOMAIN §3.4): the investigation by the case's township officers, the
 * economic check, the facts and the good-faith basis. Recorded by one officer, it is decided only
 * once the other named investigators confirmed it with their own sign-in (co-signature.ts).
 */
import * as z from "zod";
import type { Actor } from "#core/access/index.ts";
import { requireInvestigationTeam } from "#core/cases/index.ts";
import { authorizeOnCase } from "../../case-access.ts";
import type { FlowDeps } from "../../ports.ts";
import { policyOf, waitingTask } from "../../steps/decision.ts";
import { type PendingPaperwork, startCoSignature } from "../co-signature.ts";

export const PaperworkSchema = z
  .object({
    investigators: z
      .array(
        z
          .object({ userId: z.string().trim().min(1).max(100), visitedAt: z.iso.datetime({ offset: true }) })
          .strict(),
      )
      .min(1)
      .max(10),
    economicCheck: z.object({
      /** 家庭经济状况核对 result. */
      result: z.enum(["eligible", "not-eligible", "inconclusive"]),
      reference: z.string().trim().max(200).optional(),
    }),
    facts: z.string().trim().min(1).max(4000),
    /** 容错免责: why the officers acted in good faith (required even if the advance later proves unnecessary). */
    goodFaithBasis: z.string().trim().min(2).max(2000),
    /** The paperwork shows the aid was obtained by fraud (opens recovery and the fraud bar). */
    fraudFound: z.boolean().default(false),
  })
  .strict();
export type PaperworkRequest = z.output<typeof PaperworkSchema>;

/**
 * Records the paperwork as one officer; it is decided only once every other named investigator has
 * confirmed it with their own sign-in (co-signature.ts), so this answers a pending recording.
 */
export async function recordPaperwork(
  deps: FlowDeps,
  actor: Actor,
  caseId: string,
  request: PaperworkRequest,
  correlationId: string,
): Promise<PendingPaperwork> {
  const record = await deps.cases.get(caseId);
  authorizeOnCase(actor, "paperwork.record", record);
  const task = await waitingTask(deps, caseId, "paperwork");
  const policy = await policyOf(deps, record);
  const now = deps.now();
  const officers = await deps.users.activeOfficersOf(record.countyId, record.townshipId);
  requireInvestigationTeam(
    {
      investigators: request.investigators.map((i) => ({
        userId: i.userId,
        visitedAt: Date.parse(i.visitedAt),
      })),
      townshipOfficerIds: new Set(officers.map((o) => o.userId)),
      ...(record.applicant.userId ? { applicantUserId: record.applicant.userId } : {}),
      ...(typeof record.advance?.decidedBy === "string"
        ? { advanceDeciderUserId: record.advance.decidedBy }
        : {}),
      filedAt: Date.parse(record.filedAt),
      now,
    },
    policy,
  );
  const late = task.overdue || (task.dueAt !== undefined && now.toISOString() > task.dueAt);
  return startCoSignature(deps, {
    record,
    actor,
    decision: { ...request, late, dueAt: task.dueAt ?? null },
    output: { recorded: true, fraudFound: request.fraudFound, late },
    investigatorIds: request.investigators.map((i) => i.userId),
    ...(task.dueAt ? { dueAt: task.dueAt } : {}),
    correlationId,
  });
}
