/**
 * The request as sent, for the routes that verify a signature over it (the bank's callback, the
 * partners' signed alerts) and for the framework's body parsing: headers by name, the body as text.
 */
import type { APIGatewayProxyEventV2 } from "aws-lambda";

type RawRequest = Pick<APIGatewayProxyEventV2, "headers" | "body" | "isBase64Encoded">;

/** A header by its lower-case name, whatever case the client sent it in. */
export function headerOf(event: Pick<RawRequest, "headers">, name: string): string | undefined {
  const headers = event.headers ?? {};
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
  return key === undefined ? undefined : headers[key];
}

/** The body as the client sent it, as UTF-8 text ("" when there is none). */
export function bodyText(event: Pick<RawRequest, "body" | "isBase64Encoded">): string {
  if (!event.body) return "";
  return event.isBase64Encoded ? Buffer.from(event.body, "base64").toString("utf8") : event.body;
}
