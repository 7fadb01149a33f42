/**
 * The in-app inbox: `GET /inbox` — the caller's messages, newest first, in pages, with
 * the unread count; `GET /inbox/unread` — the unread count alone (the badge); `POST
 * /inbox/{messageId}/read` — marks one message read. An applicant reads their own cases' messages,
 * staff the messages addressed to their roles (functions/services/messages/inbox.ts).
 */
import * as z from "zod";
import { httpHandler, httpRouter } from "#functions/http/index.ts";
import { flowDeps } from "#functions/services/deps.ts";
import {
  InboxQuery,
  inboxPage,
  MessageParams,
  markRead,
  unreadCount,
} from "#functions/services/messages/inbox.ts";

const tags = ["inbox"];

const InboxMessageSchema = z
  .object({
    messageId: z.string(),
    caseId: z.string().optional(),
    event: z
      .string()
      .meta({ description: "application-received, money-sent, task-assigned…; the text says it" }),
    text: z.string(),
    createdAt: z.string(),
    read: z.boolean(),
    readAt: z.string().optional(),
  })
  .meta({ id: "InboxMessage" });
const Unread = { unread: z.number().int() };

const list = httpHandler({
  route: "GET /inbox",
  action: "message.read",
  query: InboxQuery,
  summary: "My messages (掌上办 消息, the console's bell), newest first, with the unread count",
  description:
    "An applicant: the messages about their own cases. Staff: the messages addressed to each of their " +
    "roles — a township role's in their township, a county role's in their county. Each item is the " +
    "message's text (no personal data beyond the template's: a masked salutation, an account's last " +
    "four digits), its event, its case, when, and whether the caller read it. Paged like the other lists.",
  tags,
  response: {
    status: 200,
    schema: z.object({ items: z.array(InboxMessageSchema), nextCursor: z.string().optional(), ...Unread }),
  },
  handler: ({ query, actor }) => inboxPage(flowDeps(), actor, query),
});

const unread = httpHandler({
  route: "GET /inbox/unread",
  action: "message.read",
  summary: "How many of my messages are unread",
  tags,
  response: { status: 200, schema: z.object(Unread) },
  handler: async ({ actor }) => ({ unread: await unreadCount(flowDeps(), actor) }),
});

const read = httpHandler({
  route: "POST /inbox/{messageId}/read",
  action: "message.read",
  params: MessageParams,
  summary: "Mark one of my messages read",
  description:
    "Idempotent: the first time it was read is kept. A staff read mark is the caller's own (colleagues " +
    "of the same role still see the message unread). 404 for a message not addressed to the caller, " +
    "whether or not it exists.",
  tags,
  response: { status: 200, schema: InboxMessageSchema },
  handler: ({ params, actor }) => markRead(flowDeps(), actor, params.messageId),
});

export const handler = httpRouter(list, unread, read);
