/**
 * What a zh-CN reader must never see in a message (DOMAIN: "no internal code, user id or ISO
 * timestamp is ever shown to a zh-CN user; people by name, dates in Asia/Shanghai"): an ISO timestamp
 * or ISO date, a UUID (a Cognito user id, an entry id), a kebab-case token (a status, task type, role,
 * cause or a demo user id such as `officer-chengguan-1`), a dotted action (`case.decideAdvance`) or a
 * township code (nine digits). Tokens the caller itself sent (a case number in the path, a key in
 * the body) are the caller's own words and are passed in `allowed`.
 */

export interface ZhLeak {
  kind: "iso-timestamp" | "iso-date" | "uuid" | "code" | "township-code";
  token: string;
}

const PATTERNS: ReadonlyArray<{ kind: ZhLeak["kind"]; pattern: RegExp }> = [
  { kind: "iso-timestamp", pattern: /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}[0-9:.]*Z?/g },
  { kind: "uuid", pattern: /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi },
  { kind: "iso-date", pattern: /(?<![\dA-Za-z-])\d{4}-\d{2}-\d{2}(?![\dT])/g },
  { kind: "code", pattern: /(?<![\w-])[a-z][a-z0-9]*(?:-[a-z0-9]+)+(?![\w-])/g },
  // An action of the permission table (`case.decideAdvance`); a file name (`county.xlsx`) is not one.
  {
    kind: "code",
    pattern: /(?<![\w./-])[a-z]+(?:\.(?!(?:xlsx|csv|pdf|json|png|jpe?g)\b)[a-z][A-Za-z]*)+(?![\w./-])/g,
  },
  { kind: "township-code", pattern: /(?<![\w-])\d{9}(?![\w-])/g },
];

/** The leaks in one zh text; `allowed` tokens (and any token inside one of them) are not leaks. */
export function zhLeaks(text: string, allowed: readonly string[] = []): ZhLeak[] {
  const leaks: ZhLeak[] = [];
  let rest = text;
  for (const { kind, pattern } of PATTERNS) {
    for (const match of rest.matchAll(pattern)) {
      const token = match[0];
      if (!allowed.some((a) => a.includes(token))) leaks.push({ kind, token });
    }
    // A token reported once is not reported again as a shorter kind (a timestamp's date part).
    rest = rest.replace(pattern, " ");
  }
  return leaks;
}

/** Every zh text of an API error body: its `messageZh` and each field's. */
export function zhTextsOfErrorBody(body: unknown): string[] {
  if (!body || typeof body !== "object") return [];
  const record = body as { messageZh?: unknown; fields?: unknown };
  const texts = typeof record.messageZh === "string" ? [record.messageZh] : [];
  if (Array.isArray(record.fields)) {
    for (const field of record.fields as Array<{ messageZh?: unknown }>) {
      if (typeof field?.messageZh === "string") texts.push(field.messageZh);
    }
  }
  return texts;
}
