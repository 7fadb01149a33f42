/**
 * The in-app inbox: the signed-in person's messages — an applicant's about their cases,
 * staff's addressed to their roles — with the unread count the 掌上办 tab and the console's bell show.
 */
import { reactive } from "vue";
import type { Answer } from "./contract.ts";
import { get, post, query } from "./http.ts";
import type { components } from "./schema.ts";

export type InboxMessage = components["schemas"]["InboxMessage"];
export type InboxPage = Answer<"/inbox">;

export const inboxState = reactive({ unread: 0 });

export async function listInbox(cursor?: string): Promise<InboxPage> {
  const page = await get<InboxPage>(`/inbox${query({ cursor })}`);
  inboxState.unread = page.unread;
  return page;
}

export async function refreshUnread(): Promise<number> {
  const body = await get<Answer<"/inbox/unread">>("/inbox/unread");
  inboxState.unread = body.unread;
  return body.unread;
}

/** Marks one message read (again: no change); the badge counts one fewer the first time. */
export async function markRead(message: InboxMessage): Promise<InboxMessage> {
  const read = await post<InboxMessage>(`/inbox/${encodeURIComponent(message.messageId)}/read`, {});
  if (!message.read && read.read) inboxState.unread = Math.max(0, inboxState.unread - 1);
  return read;
}
