/**
 * The county's message texts (GET/PUT /admin/counties/{countyId}/message-templates): each event's
 * text, its variables and longest length, the signature and the 好差评 link.
 */
import type { Body } from "./contract.ts";
import { get, request } from "./http.ts";
import type { components } from "./schema.ts";

/** The county's texts, each event's variables and longest length, its signature and 好差评 link. */
export type MessageTemplates = components["schemas"]["MessageTemplates"];
export type MessageTemplate = MessageTemplates["events"][number];
export type TemplateVariable = MessageTemplate["variables"][number];

const path = (countyId: string) => `/admin/counties/${encodeURIComponent(countyId)}/message-templates`;

export async function readMessageTemplates(countyId: string): Promise<MessageTemplates> {
  return await get<MessageTemplates>(path(countyId));
}

export async function saveMessageTemplates(
  countyId: string,
  body: Body<"/admin/counties/{countyId}/message-templates", "put">,
): Promise<MessageTemplates> {
  return await request<MessageTemplates>("PUT", path(countyId), body);
}

/** Characters as the provider counts them (each character one, emoji included). */
function chars(text: string): number {
  return [...text].length;
}

/**
 * The longest the text can render to with the signature, each known variable at its longest — the
 * server's check, run as the administrator types (the server checks again when it is saved).
 */
export function longestChars(
  template: string,
  signName: string,
  variables: readonly TemplateVariable[],
): number {
  const budget = new Map(variables.map((v) => [v.name, v.charsMax]));
  let total = chars(signName) + 2;
  let last = 0;
  for (const match of template.matchAll(/\{([A-Za-z][A-Za-z0-9]*)\}/g)) {
    total += chars(template.slice(last, match.index)) + (budget.get(match[1] ?? "") ?? 0);
    last = match.index + match[0].length;
  }
  return total + chars(template.slice(last));
}
