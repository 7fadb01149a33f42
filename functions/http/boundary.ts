/**
 * The response boundary: what every `httpHandler` answer passes through with the actor, once, after
 * the handler and before the bytes leave (DOMAIN §1, §7, §8).
 * 1. Masking by the reader's roles (./masking.ts), with the names and addresses of the case the route
 *    names added to the values masked in free text.
 * 2. Who looked at whom: a staff read of a person's unmasked data on a route of PERSON_VIEW_ROUTES is
 *    recorded in the audit trail (functions/adapters/person-views.ts). Not recorded: the applicant
 *    reading their own case, and reads the reader gets masked (the auditor's).
 * Lists (`GET /cases`, the work queue) show many people a line each and are not recorded one by one;
 * the case page, the plan and the documents are where a person's file is opened.
 */
import { type CaseSubject, readCaseSubject, recordPersonView } from "#adapters/person-views.ts";
import { type Action, type Actor, authorize } from "#core/access/index.ts";
import { nowMs } from "#functions/runtime/clock.ts";
import { maskForReader, seesAllClear, UNMASKED_ROUTES, visibilityFor } from "./masking.ts";
import { Reply } from "./reply.ts";

/** Routes that open one person's file, and what the view event calls the read. */
export const PERSON_VIEW_ROUTES: Readonly<Record<string, string>> = {
  "GET /cases/{caseId}/progress": "case",
  "GET /plans/{caseId}": "plan",
  // The list carries the download links: issuing them is the download (the link itself bypasses the API).
  "GET /cases/{caseId}/documents": "documents",
};

/**
 * Policy parameter: repeated reads of one person's file by one viewer, of one kind, within this many
 * seconds are one view event (a burst of page refreshes is one look, not fifty).
 */
export const PERSON_VIEW_DEDUP_WINDOW_SECONDS = 300;

/** The actions that let a reader see a case, in the order a view reason names them. */
const READ_ACTIONS: readonly Action[] = ["case.read", "case.readOwn"];

function caseIdOf(params: unknown): string | undefined {
  const caseId = (params as { caseId?: unknown } | undefined)?.caseId;
  return typeof caseId === "string" && caseId !== "" ? caseId : undefined;
}

function mapBody(value: unknown, fn: (body: unknown) => unknown): unknown {
  if (value instanceof Reply) {
    return value.raw ? value : new Reply(value.statusCode, fn(value.body), value.headers);
  }
  return fn(value);
}

export interface BoundaryInput {
  route: string;
  actor: Actor | undefined;
  params: unknown;
}

export async function atResponseBoundary(input: BoundaryInput, value: unknown): Promise<unknown> {
  if (UNMASKED_ROUTES.has(input.route)) return value;
  const see = visibilityFor(input.actor);
  const kind = PERSON_VIEW_ROUTES[input.route];
  const caseId = caseIdOf(input.params);
  const subject = caseId && (kind || !seesAllClear(see)) ? await readCaseSubject(caseId) : undefined;
  const masked = mapBody(value, (body) => maskForReader(body, see, subject));
  if (kind && input.actor && subject && see("name") === "clear") {
    await recordStaffView(input, input.actor, subject, kind, value);
  }
  return masked;
}

async function recordStaffView(
  input: BoundaryInput,
  actor: Actor,
  subject: CaseSubject,
  kind: string,
  value: unknown,
): Promise<void> {
  // The applicant's own case is theirs to read: not a view of someone else's data.
  if (authorize(actor, "case.readOwn", subject.resource).allowed) return;
  let reason: string | undefined;
  for (const action of READ_ACTIONS) {
    const result = authorize(actor, action, subject.resource);
    if (result.allowed) {
      reason = `${action} granted to ${result.grant.role} (${result.grant.scope})`;
      break;
    }
  }
  // The handler answered, so some grant let the reader in; name it even if it is not a read grant.
  reason ??= `${actor.roles.join("+")} answered by ${input.route}`;
  const window = Math.floor(nowMs() / (PERSON_VIEW_DEDUP_WINDOW_SECONDS * 1000));
  const documents = downloadLinksIssued(value);
  await recordPersonView({
    subject,
    actor,
    kind,
    route: input.route,
    reason,
    dedupKey: `${actor.userId}#${subject.caseId}#${kind}#${window}`,
    ...(documents.length > 0 ? { details: { downloadsIssued: documents } } : {}),
  });
}

/**
 * A read that shows many people's data at once (an export with payee names in clear): one view
 * event per case shown, under the same refresh window as the case page.
 */
export async function recordPersonViews(
  actor: Actor,
  route: string,
  kind: string,
  caseIds: Iterable<string>,
): Promise<void> {
  for (const caseId of caseIds) {
    const subject = await readCaseSubject(caseId);
    if (subject) await recordStaffView({ route, actor, params: { caseId } }, actor, subject, kind, undefined);
  }
}

/** The documents whose download links an answer carries (`documents[].download`). */
function downloadLinksIssued(value: unknown): string[] {
  const body = value instanceof Reply ? value.body : value;
  const documents = (body as { documents?: unknown } | undefined)?.documents;
  if (!Array.isArray(documents)) return [];
  return documents
    .filter((d): d is { docId: string; download: unknown } => typeof d?.docId === "string" && d.download)
    .map((d) => d.docId);
}
