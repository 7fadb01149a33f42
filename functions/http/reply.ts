/** What a route handler returns: a value (→ 200 JSON) or an explicit `Reply`. */

export class Reply {
  constructor(
    readonly statusCode: number,
    readonly body: unknown,
    readonly headers: Record<string, string> = {},
    /** `body` is already the final text (HTML, CSV …) and `headers` carry its content type. */
    readonly raw = false,
  ) {}
}

export const ok = (body: unknown, headers?: Record<string, string>): Reply => new Reply(200, body, headers);
export const created = (body: unknown, headers?: Record<string, string>): Reply =>
  new Reply(201, body, headers);
export const accepted = (body: unknown, headers?: Record<string, string>): Reply =>
  new Reply(202, body, headers);
export const html = (text: string): Reply =>
  new Reply(200, text, { "content-type": "text/html; charset=utf-8" }, true);
export const text = (body: string, contentType: string, headers: Record<string, string> = {}): Reply =>
  new Reply(200, body, { "content-type": contentType, ...headers }, true);
