/**
 * The in-app inbox: `GET /inbox` — the caller's messages, newest first, in pages;
 * `GET /inbox/unread` — how many are unread; `POST /inbox/{messageId}/read` — marks one read.
 *
 * An applicant reads the messages of their own cases (their box, by account); a staff user reads
 * the messages addressed to each of their roles — a township role in their township, a county role
 * in their county. A message outside the caller's boxes is answered 404, never 403: whether it
 * exists is not told. An applicant's read mark is on the message; a staff user's is their own (a
 * colleague of the same role still sees it unread). Marking read twice changes nothing.
 *
 * What is shown of a message is its rendered text (the template's words, the salutation masked,
 * an account's last four digits at most), the event kind, the case it is about and when; never the
 * values, the recipient's account or anyone's phone.
 */
import * as z from "zod";
import {
  applicantBoxOf,
  BOX_READ_ITEMS_MAX,
  type StoredMessage,
  staffBoxOf,
} from "#adapters/message-store.ts";
import { type Actor, ROLE_DESCRIPTIONS, type Role } from "#core/access/index.ts";
import { NotFoundError } from "#core/errors.ts";
import { bilingual } from "#functions/http/index.ts";
import type { FlowDeps } from "../ports.ts";
import {
  CursorQuery,
  decodeCursor,
  encodeCursor,
  LimitQuery,
  type Page,
  queryDigest,
} from "../queries/pagination.ts";

export const InboxQuery = z.object({ limit: LimitQuery, cursor: CursorQuery }).strict();
export type InboxQuery = z.output<typeof InboxQuery>;

export const MessageParams = z.object({
  messageId: z
    .string()
    .min(1)
    .max(200)
    .regex(/^[A-Za-z0-9:._~-]+$/, bilingual("not a message id", "消息编号格式不正确")),
});

export interface InboxMessage {
  messageId: string;
  caseId?: string;
  event: string;
  text: string;
  createdAt: string;
  read: boolean;
  readAt?: string;
}

type InboxDeps = Pick<FlowDeps, "messages" | "cases" | "now">;

/** The boxes the caller reads: their own (an applicant), or one per staff role. */
export function boxesOf(actor: Actor): string[] {
  const boxes: string[] = [];
  for (const role of actor.roles) {
    if (role === "applicant") boxes.push(applicantBoxOf(actor.userId));
    else if (ROLE_DESCRIPTIONS[role].townshipBound) {
      if (actor.townshipId) boxes.push(staffBoxOf(actor.countyId, role, actor.townshipId));
    } else boxes.push(staffBoxOf(actor.countyId, role));
  }
  return [...new Set(boxes)];
}

function isApplicant(actor: Actor): boolean {
  return actor.roles.includes("applicant");
}

/** The message is addressed to one of the caller's boxes. */
function addressedTo(actor: Actor, message: StoredMessage): boolean {
  const r = message.recipient;
  if (r.kind === "applicant") {
    return isApplicant(actor) && message.applicantUserId === actor.userId;
  }
  if (r.countyId !== actor.countyId || !actor.roles.includes(r.role)) return false;
  return ROLE_DESCRIPTIONS[r.role as Role].townshipBound ? r.townshipId === actor.townshipId : !r.townshipId;
}

function viewOf(message: StoredMessage, readAt: string | undefined): InboxMessage {
  return {
    messageId: message.messageId,
    ...(message.caseId ? { caseId: message.caseId } : {}),
    event: message.event.kind,
    text: message.rendered.text,
    createdAt: message.createdAt,
    read: readAt !== undefined,
    ...(readAt ? { readAt } : {}),
  };
}

const sortKeyOf = (m: StoredMessage) => `${m.createdAt}#${m.messageId}`;

/** One page of the caller's messages, newest first, over all of their boxes. */
export async function inboxPage(
  deps: InboxDeps,
  actor: Actor,
  query: InboxQuery,
): Promise<Page<InboxMessage> & { unread: number }> {
  const digest = queryDigest({ route: "GET /inbox", userId: actor.userId });
  const before = decodeCursor(query.cursor, digest);
  const merged: StoredMessage[] = [];
  let more = false;
  for (const box of boxesOf(actor)) {
    const page = await deps.messages.box(box, query.limit, before);
    merged.push(...page.messages);
    if (page.next) more = true;
  }
  merged.sort((a, b) => (sortKeyOf(a) < sortKeyOf(b) ? 1 : -1));
  const items = merged.slice(0, query.limit);
  if (merged.length > query.limit) more = true;
  const marks = await readMarks(deps, actor, items);
  const last = items.at(-1);
  return {
    items: items.map((m) => viewOf(m, marks.get(m.messageId))),
    ...(more && last ? { nextCursor: encodeCursor(digest, sortKeyOf(last)) } : {}),
    unread: await unreadCount(deps, actor),
  };
}

/** When the caller read each of these messages (applicant: on the message; staff: their own marks). */
async function readMarks(
  deps: InboxDeps,
  actor: Actor,
  messages: StoredMessage[],
): Promise<Map<string, string>> {
  const marks = new Map<string, string>();
  const staff = messages.filter((m) => m.recipient.kind === "staff");
  for (const m of messages)
    if (m.recipient.kind === "applicant" && m.readAt) marks.set(m.messageId, m.readAt);
  if (staff.length > 0) {
    for (const [id, at] of await deps.messages.staffReadMarks(actor.countyId, actor.userId, staff)) {
      marks.set(id, at);
    }
  }
  return marks;
}

/** The caller's unread messages, counted over each box's newest `BOX_READ_ITEMS_MAX`. */
export async function unreadCount(deps: InboxDeps, actor: Actor): Promise<number> {
  let unread = 0;
  for (const box of boxesOf(actor)) {
    if (box === applicantBoxOf(actor.userId)) {
      unread += await deps.messages.applicantUnread(actor.userId);
      continue;
    }
    const { messages } = await deps.messages.box(box, BOX_READ_ITEMS_MAX);
    const marks = await deps.messages.staffReadMarks(actor.countyId, actor.userId, messages);
    unread += messages.filter((m) => !marks.has(m.messageId)).length;
  }
  return unread;
}

function notFound(): NotFoundError {
  return new NotFoundError("No such message in your inbox", "您的消息中没有这条消息");
}

/** The county of an applicant's message: its case's, when the case is the caller's own. */
async function applicantCountyOf(
  deps: InboxDeps,
  actor: Actor,
  messageId: string,
): Promise<string | undefined> {
  const caseId = messageId.split(":")[0] ?? "";
  const record = await deps.cases.get(caseId).catch((error: unknown) => {
    if ((error as Error).name === "NotFoundError") return undefined;
    throw error;
  });
  return record && record.applicant.userId === actor.userId ? record.countyId : undefined;
}

/** Marks one of the caller's messages read (idempotent); 404 for any message not addressed to them. */
export async function markRead(deps: InboxDeps, actor: Actor, messageId: string): Promise<InboxMessage> {
  const at = deps.now();
  if (isApplicant(actor)) {
    const countyId = await applicantCountyOf(deps, actor, messageId);
    const message = countyId ? await deps.messages.get(countyId, messageId) : undefined;
    if (message && addressedTo(actor, message)) {
      const read = await deps.messages.markApplicantRead(message.countyId, messageId, at);
      return viewOf(message, read?.readAt);
    }
  }
  const message = await deps.messages.get(actor.countyId, messageId);
  if (message?.recipient.kind !== "staff" || !addressedTo(actor, message)) throw notFound();
  await deps.messages.markStaffRead(actor.userId, message, at);
  const marks = await deps.messages.staffReadMarks(actor.countyId, actor.userId, [message]);
  return viewOf(message, marks.get(messageId));
}
