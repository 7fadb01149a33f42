/**
 * The paperwork's second signature (DOMAIN §3.4): the officer who records the paperwork names the
 * investigators; each of the others confirms it with their OWN sign-in, from their own work queue.
 * Only when every named investigator other than the recorder has confirmed is the paperwork task
 * decided (`decideHumanTask`) and the flow resumed. A co-signer may refuse: the recording ends and
 * the paperwork is recorded again. Who may co-sign is who was named — never a name typed for them.
 */
import * as z from "zod";
import type { CaseRecord } from "#adapters/case-store.ts";
import type { CoSignature, PaperworkDraft } from "#adapters/co-signature-store.ts";
import { countyOfTownship } from "#adapters/directory-store.ts";
import type { Actor } from "#core/access/index.ts";
import { ConflictError, ForbiddenError } from "#core/errors.ts";
import { authorizeOnCase } from "../case-access.ts";
import type { FlowDeps } from "../ports.ts";
import { decideHumanTask, decisionWriteId, requestDigest } from "../steps/human-tasks.ts";

const Reason = z.string().trim().min(2).max(1000);

export const CoSignSchema = z.discriminatedUnion("decision", [
  z.object({ decision: z.literal("confirm"), note: z.string().trim().max(1000).optional() }).strict(),
  z.object({ decision: z.literal("reject"), reason: Reason }).strict(),
]);
export type CoSignRequest = z.output<typeof CoSignSchema>;

const Signature = z.object({ userId: z.string(), name: z.string(), at: z.string() });

/** What the paperwork recorded, read back from the stored recording (the request as validated). */
const RecordedPaperwork = z.object({
  investigators: z.array(z.object({ userId: z.string(), visitedAt: z.string() })),
  economicCheck: z.object({ result: z.string(), reference: z.string().optional() }),
  facts: z.string(),
  goodFaithBasis: z.string(),
  fraudFound: z.boolean(),
  /** Recorded after the paperwork deadline. */
  late: z.boolean().default(false),
});

/** What the case page and the recorder see of a recording waiting for co-signatures. */
export const CoSignatureViewSchema = z
  .object({
    caseId: z.string(),
    round: z.number().int(),
    status: z.enum(["pending", "rejected", "completed"]),
    recordedBy: z.object({ userId: z.string(), name: z.string() }),
    recordedAt: z.string(),
    ...RecordedPaperwork.shape,
    late: z.boolean().meta({ description: "Recorded after the paperwork deadline" }),
    awaiting: z
      .array(z.string())
      .meta({ description: "Named investigators (other than the recorder) who have not confirmed yet" }),
    signatures: z.array(Signature),
    rejection: Signature.extend({ reason: z.string() }).optional(),
  })
  .meta({ id: "CoSignatureView" });
export type CoSignatureView = z.output<typeof CoSignatureViewSchema>;

export function coSignatureView(draft: PaperworkDraft): CoSignatureView {
  return {
    caseId: draft.caseId,
    round: draft.round,
    status: draft.status,
    recordedBy: { userId: draft.recordedBy, name: draft.recordedByName },
    recordedAt: draft.recordedAt,
    ...RecordedPaperwork.parse(draft.decision),
    awaiting: draft.coSigners.filter((id) => !draft.signatures[id]),
    signatures: draft.coSigners.flatMap((id) => (draft.signatures[id] ? [draft.signatures[id]] : [])),
    ...(draft.rejection ? { rejection: draft.rejection } : {}),
  };
}

/** `POST /cases/{caseId}/paperwork` (202): recorded, waiting for the other investigators (nothing decided yet). */
export const PendingPaperworkSchema = z.object({
  caseId: z.string(),
  taskType: z.literal("paperwork"),
  delivery: z.literal("awaiting-co-signature"),
  repeated: z.boolean(),
  coSignature: CoSignatureViewSchema,
});
export type PendingPaperwork = z.output<typeof PendingPaperworkSchema>;

export interface PaperworkRecording {
  record: CaseRecord;
  actor: Actor;
  decision: Record<string, unknown>;
  output: Record<string, unknown>;
  investigatorIds: readonly string[];
  dueAt?: string;
  correlationId: string;
}

/**
 * Stores the recording and asks each other named investigator to confirm it. The same request again
 * answers the pending recording; another recording while one is pending is a 409.
 */
export async function startCoSignature(deps: FlowDeps, input: PaperworkRecording): Promise<PendingPaperwork> {
  const { record, actor } = input;
  const digest = requestDigest(actor.userId, input.decision);
  const samePending = (draft: PaperworkDraft | undefined) =>
    draft?.status === "pending" && draft.recordedBy === actor.userId && draft.requestDigest === digest;
  const current = await deps.coSignatures.get(record.caseId);
  if (current && samePending(current)) return repeatRecording(deps, input, current);
  if (current?.status === "pending") throw awaitingConflict();
  const coSigners = [...new Set(input.investigatorIds)].filter((id) => id !== actor.userId).sort();
  const draft: PaperworkDraft = {
    caseId: record.caseId,
    countyId: record.countyId,
    townshipId: record.townshipId,
    round: (current?.round ?? 0) + 1,
    status: "pending",
    recordedBy: actor.userId,
    recordedByName: actor.name,
    recordedAt: deps.now().toISOString(),
    requestDigest: digest,
    decision: input.decision,
    output: input.output,
    coSigners,
    signatures: {},
    ...(input.dueAt ? { dueAt: input.dueAt } : {}),
  };
  if (!(await deps.coSignatures.create(draft, draft.recordedAt))) {
    // Recorded meanwhile: the same request sent twice at once is answered like its repeat.
    const meanwhile = await deps.coSignatures.get(record.caseId);
    if (meanwhile && samePending(meanwhile)) return repeatRecording(deps, input, meanwhile);
    throw awaitingConflict();
  }
  await auditRecording(deps, input, draft);
  return pending(draft, false);
}

/**
 * The same recording sent again: answered as pending, and its audit event appended if the request
 * that stored it failed before appending it (the dedup key refuses a second event).
 */
async function repeatRecording(
  deps: FlowDeps,
  input: PaperworkRecording,
  draft: PaperworkDraft,
): Promise<PendingPaperwork> {
  await auditRecording(deps, input, draft);
  return pending(draft, true);
}

function auditRecording(deps: FlowDeps, input: PaperworkRecording, draft: PaperworkDraft): Promise<unknown> {
  const { record, actor } = input;
  return deps.audit.append({
    actorUserId: actor.userId,
    actorName: actor.name,
    actorRoles: actor.roles,
    action: "paperwork.record",
    caseId: record.caseId,
    countyId: record.countyId,
    townshipId: record.townshipId,
    why: "paperwork recorded; awaiting the other investigators' confirmation",
    after: { ...draft.decision, coSigners: draft.coSigners },
    correlationId: input.correlationId,
    dedupKey: `paperwork.record:${record.caseId}:${draft.round}`,
  });
}

function pending(draft: PaperworkDraft, repeated: boolean): PendingPaperwork {
  return {
    caseId: draft.caseId,
    taskType: "paperwork",
    delivery: "awaiting-co-signature",
    repeated,
    coSignature: coSignatureView(draft),
  };
}

function awaitingConflict(): ConflictError {
  return new ConflictError(
    "Paperwork is already recorded and waits for the other investigators' confirmation",
    "补齐手续已登记，正在等待其他调查人员确认",
    { details: { code: "awaiting-co-signature" } },
  );
}

export const CoSignResponseSchema = z.object({
  caseId: z.string(),
  decision: z.enum(["confirm", "reject"]),
  status: z.enum(["pending", "rejected", "completed"]).meta({
    description: "`completed`: every co-signer confirmed, the paperwork is decided and the case moved on",
  }),
  coSignature: CoSignatureViewSchema,
  delivery: z.string().optional(),
});
export type CoSignResponse = z.output<typeof CoSignResponseSchema>;

/** `GET /cases/{caseId}/paperwork/co-sign`. */
export const PendingCoSignatureSchema = z.object({ coSignature: CoSignatureViewSchema.nullable() });

/** `GET /townships/{townshipId}/officers`. */
export const TownshipOfficersSchema = z.object({
  officers: z.array(z.object({ userId: z.string(), name: z.string() })),
});

/** A named investigator confirms (or refuses) the pending paperwork with their own sign-in. */
export async function coSignPaperwork(
  deps: FlowDeps,
  actor: Actor,
  caseId: string,
  request: CoSignRequest,
  correlationId: string,
): Promise<CoSignResponse> {
  const record = await deps.cases.get(caseId);
  authorizeOnCase(actor, "paperwork.coSign", record);
  const draft = await draftToCoSign(deps, actor, caseId);
  const audit = (why: string, after: unknown) =>
    deps.audit.append({
      actorUserId: actor.userId,
      actorName: actor.name,
      actorRoles: actor.roles,
      action: "paperwork.coSign",
      caseId,
      countyId: record.countyId,
      townshipId: record.townshipId,
      why,
      after,
      correlationId,
      dedupKey: `paperwork.coSign:${caseId}:${draft.round}:${actor.userId}`,
    });
  if (draft.signatures[actor.userId]) {
    // Signed, but the request that signed last may have stopped before deciding: finish it first.
    if (isComplete(draft)) await decidePaperwork(deps, record, draft, audit);
    throw alreadySigned();
  }
  const at = deps.now().toISOString();

  if (request.decision === "reject") return refusePaperwork(deps, actor, draft, request.reason, at, audit);

  const signature: CoSignature = { userId: actor.userId, name: actor.name, at };
  if (!(await deps.coSignatures.sign(draft, signature))) throw await changedMeanwhile(deps, caseId, actor);
  const signed = (await deps.coSignatures.get(caseId)) ?? draft;
  if (!isComplete(signed)) {
    await audit("paperwork co-signed", { decision: "confirm", round: draft.round });
    return { caseId, decision: "confirm", status: "pending", coSignature: coSignatureView(signed) };
  }
  const delivery = await decidePaperwork(deps, record, signed, audit).catch(async (error: unknown) => {
    // A twin of this request found the signature and finished the decision first (it answers 409):
    // the paperwork was decided as signed here, so this request, whose signature completed it, says so.
    if (error instanceof ConflictError && (await decidedAsSigned(deps, signed))) return "delivered";
    throw error;
  });
  const completed: PaperworkDraft = { ...signed, status: "completed" };
  return {
    caseId,
    decision: "confirm",
    status: "completed",
    coSignature: coSignatureView(completed),
    delivery,
  };
}

/** The paperwork draft this actor may co-sign: pending, naming them, while the case waits for its paperwork. */
async function draftToCoSign(deps: FlowDeps, actor: Actor, caseId: string): Promise<PaperworkDraft> {
  const draft = await deps.coSignatures.get(caseId);
  if (draft?.status !== "pending") {
    throw new ConflictError(
      "No paperwork of this case waits for a co-signature",
      "该案件没有等待确认的补齐手续",
      { details: { code: "nothing-to-co-sign" } },
    );
  }
  if (!draft.coSigners.includes(actor.userId)) {
    throw new ForbiddenError(
      "Only an investigator named on the paperwork (other than the officer who recorded it) confirms it",
      "只有补齐手续中列明的其他调查人员可以确认",
      { details: { code: "not-a-co-signer" } },
    );
  }
  if (!(await deps.tasks.current(caseId, "paperwork"))) {
    throw new ConflictError("The case is not waiting for its paperwork now", "该案件当前不在补齐手续阶段", {
      details: { code: "not-waiting" },
    });
  }
  return draft;
}

/** A co-signer refuses the paperwork: the draft is rejected (only as it was read) and the refusal audited. */
async function refusePaperwork(
  deps: FlowDeps,
  actor: Actor,
  draft: PaperworkDraft,
  reason: string,
  at: string,
  audit: (why: string, after: unknown) => Promise<void>,
): Promise<CoSignResponse> {
  const rejection = { userId: actor.userId, name: actor.name, at, reason };
  if (!(await deps.coSignatures.reject(draft, rejection)))
    throw await changedMeanwhile(deps, draft.caseId, actor);
  await audit(`paperwork co-signature refused: ${reason}`, {
    decision: "reject",
    round: draft.round,
  });
  const rejected: PaperworkDraft = { ...draft, status: "rejected", rejection };
  return {
    caseId: draft.caseId,
    decision: "reject",
    status: "rejected",
    coSignature: coSignatureView(rejected),
  };
}

/** Every co-signer confirmed: the paperwork task is decided as recorded, and the flow resumes. */
async function decidePaperwork(
  deps: FlowDeps,
  record: CaseRecord,
  draft: PaperworkDraft,
  audit: (why: string, after: unknown) => Promise<void>,
): Promise<string> {
  const coSignedBy = draft.coSigners.map((id) => draft.signatures[id] as CoSignature);
  const decision = paperworkDecision(draft);
  const investigatorIds = ((draft.decision.investigators as { userId: string }[] | undefined) ?? []).map(
    (i) => i.userId,
  );
  const result = await decideHumanTask(deps, {
    caseId: record.caseId,
    taskType: "paperwork",
    // The paperwork is the recorder's; the co-signatures confirm it (every co-signer sends the same).
    actorUserId: draft.recordedBy,
    decision,
    output: draft.output,
    effects: async (recorded, task) => {
      await deps.cases.update(record.caseId, {
        writeId: decisionWriteId(task),
        set: {
          paperwork: {
            ...recorded.decision,
            recordedBy: recorded.decidedBy,
            recordedAt: draft.recordedAt,
            coSignatures: coSignedBy,
            completedAt: recorded.decidedAt,
          },
        },
        event: { type: "paperwork.completed" },
        handledBy: [draft.recordedBy, ...investigatorIds],
      });
      await audit(
        draft.decision.late === true
          ? "paperwork co-signed; completed after the deadline"
          : "paperwork co-signed; paperwork completed",
        { decision: "confirm", round: draft.round, paperwork: recorded.decision },
      );
    },
  });
  await deps.coSignatures.complete(draft);
  return result.delivery;
}

/** The paperwork task's decision when every co-signer confirmed (the same whoever decides it). */
function paperworkDecision(draft: PaperworkDraft): Record<string, unknown> {
  return { ...draft.decision, coSignedBy: draft.coSigners };
}

/** The paperwork task was decided with this draft's decision, and the flow moved on. */
async function decidedAsSigned(deps: FlowDeps, draft: PaperworkDraft): Promise<boolean> {
  const latest = await deps.tasks.latest(draft.caseId, "paperwork");
  return (
    latest?.status === "completed" &&
    latest.decided?.requestDigest === requestDigest(draft.recordedBy, paperworkDecision(draft))
  );
}

function isComplete(draft: PaperworkDraft): boolean {
  return draft.coSigners.every((id) => draft.signatures[id] !== undefined);
}

function alreadySigned(): ConflictError {
  return new ConflictError("You have already confirmed this paperwork", "您已确认过该补齐手续", {
    details: { code: "already-co-signed" },
  });
}

/** The conditional write failed: signed already by this officer, or the recording ended meanwhile. */
async function changedMeanwhile(deps: FlowDeps, caseId: string, actor: Actor): Promise<ConflictError> {
  const now = await deps.coSignatures.get(caseId);
  if (now?.signatures[actor.userId]) return alreadySigned();
  return new ConflictError(
    "The paperwork changed meanwhile (refused or recorded again); nothing was changed",
    "补齐手续已有变化（已被退回或重新登记），本次确认未生效",
    { details: { code: "co-signature-changed" } },
  );
}

/** The recording waiting on a case (township staff of the case's township). */
export async function pendingCoSignature(
  deps: FlowDeps,
  actor: Actor,
  caseId: string,
): Promise<z.output<typeof PendingCoSignatureSchema>> {
  const record = await deps.cases.get(caseId);
  authorizeOnCase(actor, "case.read", record);
  const draft = await deps.coSignatures.get(caseId);
  return { coSignature: draft ? coSignatureView(draft) : null };
}

/** Active officers of a township, for the investigator picker (DOMAIN §3.4: investigators are officers). */
export async function townshipOfficers(
  deps: FlowDeps,
  townshipId: string,
): Promise<z.output<typeof TownshipOfficersSchema>> {
  const officers = await deps.users.activeOfficersOf(countyOfTownship(townshipId), townshipId);
  return {
    officers: officers
      .map((u) => ({ userId: u.userId, name: u.name }))
      .sort((a, b) => a.userId.localeCompare(b.userId)),
  };
}
