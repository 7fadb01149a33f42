/** What a route handler returns: a value (→ 200 JSON) or an explicit `Reply`. */

export class Reply<T = unknown> {
  constructor(
    readonly statusCode: number,
    readonly body: T,
    readonly headers: Record<string, string> = {},
    /** `body` is already the final text (HTML, CSV …) and `headers` carry its content type. */
    readonly raw = false,
  ) {}
}

export const ok = <T>(body: T, headers?: Record<string, string>): Reply<T> => new Reply(200, body, headers);
export const created = <T>(body: T, headers?: Record<string, string>): Reply<T> =>
  new Reply(201, body, headers);
export const accepted = <T>(body: T, headers?: Record<string, string>): Reply<T> =>
  new Reply(202, body, headers);
export const html = (text: string): Reply =>
  new Reply(200, text, { "content-type": "text/html; charset=utf-8" }, true);
export const text = (body: string, contentType: string, headers: Record<string, string> = {}): Reply =>
  new Reply(200, body, { "content-type": contentType, ...headers }, true);
