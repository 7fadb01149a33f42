/** Types shared by the HTTP framework (functions/http) and its middlewares (functions/middleware). */

import type {
  APIGatewayProxyEventV2WithJWTAuthorizer,
  APIGatewayProxyStructuredResultV2,
  Context,
} from "aws-lambda";
import type { Actor } from "#core/access/index.ts";
import type { Logger } from "#functions/runtime/logger.ts";

export type HttpEvent = APIGatewayProxyEventV2WithJWTAuthorizer;
export type HttpResult = APIGatewayProxyStructuredResultV2 & {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
};
export type LambdaContext = Context;

/** What the framework worked out about a request before the handler runs. */
export interface RequestState {
  routeKey: string;
  method: string;
  correlationId: string;
  /** Absent on public routes without a token. */
  actor?: Actor;
  rawBody: unknown;
  body: unknown;
  query: unknown;
  params: unknown;
  idempotencyKey?: string;
  /** Set once this request holds the idempotency claim (so only it may release the claim). */
  idempotencyClaimed?: boolean;
  logger: Logger;
}

const states = new WeakMap<object, RequestState>();

export function setRequestState(event: HttpEvent, state: RequestState): void {
  states.set(event, state);
}

/** The state, or undefined when the request failed before it was worked out (auth, validation). */
export function findRequestState(event: HttpEvent): RequestState | undefined {
  return states.get(event);
}

export function requestState(event: HttpEvent): RequestState {
  const state = states.get(event);
  if (!state) throw new Error("request state missing: httpHandler middlewares not applied");
  return state;
}
