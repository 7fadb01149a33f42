/**
 * The handler framework: one `httpHandler({...})` per route. It parses the API Gateway
 * HTTP API v2 event, reads the actor from the verified claims (`claimsOf`: the JWT or the Lambda
 * authorizer's shape), validates body/query/path with zod, checks
 * the action's role grant (`core/access`) before the body is read, applies `Idempotency-Key` on POST,
 * runs the handler, and maps every error to one JSON shape. The same module runs behind the AWS HTTP
 * API and the local server.
 *
 *   export const handler = httpHandler({
 *     route: "POST /cases/{caseId}/documents",
 *     params: z.object({ caseId: z.string() }),
 *     body: RequestUploadSchema,
 *     action: "case.addDocument",
 *     handler: async ({ body, params, actor }) => created(await ...),
 *   });
 */
import middy from "@middy/core";
import type { z } from "zod";
import {
  type AccessResource,
  type Action,
  type Actor,
  grantsFor,
  requireAuthorized,
} from "#core/access/index.ts";
import { ForbiddenError, NotFoundError, ValidationError } from "#core/errors.ts";
import { CORRELATION_HEADER, correlationIdOf, withCorrelation } from "#functions/middleware/correlation.ts";
import { errorResult, httpErrors, jsonResult } from "#functions/middleware/http-errors.ts";
import { idempotency, idempotencyKeyOf } from "#functions/middleware/idempotency.ts";
import { nowMs as businessNowMs } from "#functions/runtime/clock.ts";
import { issuerEnforcesMfa } from "#functions/runtime/config.ts";
import { logger as rootLogger } from "#functions/runtime/logger.ts";
import { httpServerError } from "#functions/runtime/metrics.ts";
import {
  defaultResource,
  pathParamNames,
  registerRouteAccess,
  requireAnyAccess,
  resourceKindOf,
} from "./access.ts";
import { actorFromClaims, claimsOf } from "./actor.ts";
import { atResponseBoundary } from "./boundary.ts";
import { registerRoute } from "./openapi.ts";
import { bodyText } from "./raw-request.ts";
import { Reply } from "./reply.ts";
import {
  type HttpEvent,
  type HttpResult,
  type LambdaContext,
  type RequestState,
  requestState,
  setRequestState,
} from "./types.ts";
import { jsonNestingExceeds, parseOrThrow } from "./validation.ts";

/** JSON request bodies above this size are refused (uploads go to the document store, not here). */
export const MAX_JSON_BODY_BYTES = 256 * 1024;
/**
 * Arrays/objects nested deeper than this are refused before parsing. DynamoDB stores at most 32 levels
 * of nested attributes and no request schema nests more than 6, so nothing legitimate is lost; deeper
 * bodies would reach the recursive walks over a body (zod, the request hash, log masking) and overflow
 * the stack.
 */
export const MAX_JSON_DEPTH = 32;

type Method = "GET" | "POST" | "PUT" | "DELETE";
type RouteKey = `${Method} /${string}`;
type Out<S> = S extends z.ZodType ? z.output<S> : undefined;
/** What the handler may answer: a route that declares its response schema answers that shape. */
type Answer<R> = R extends z.ZodType ? z.input<R> | Reply<z.input<R>> : unknown;

export interface HandlerInput<B, Q, P, A> {
  body: B;
  query: Q;
  params: P;
  actor: A;
  correlationId: string;
  idempotencyKey: string | undefined;
  logger: RequestState["logger"];
  event: HttpEvent;
  context: LambdaContext;
}

export interface HttpHandlerDefinition<
  B extends z.ZodType | undefined,
  Q extends z.ZodType | undefined,
  P extends z.ZodType | undefined,
  Pub extends boolean,
  R extends z.ZodType | undefined = undefined,
> {
  route: RouteKey;
  /** No token needed (health, OpenAPI). The actor is then `undefined`. */
  public?: Pub;
  body?: B;
  query?: Q;
  params?: P;
  /**
   * The `core/access` action. Before the body is read the framework checks that one of the actor's
   * roles holds a grant for it at all (fast 403); with a `{caseId}`/`{townshipId}` path or `resource`,
   * the full role × scope × maker-checker check (a declared `resource` after validation).
   */
  action?: Action;
  /**
   * A route whose action depends on the body or on stored state names every action it may perform:
   * a caller none of whose roles holds a grant for any of them gets 403 before the body is read; the
   * handler checks the exact one.
   */
  actions?: readonly Action[];
  /**
   * `required`: a POST without `Idempotency-Key` is a 400 — for routes where each accepted request adds
   * something no stored state can tell from a retry (an allocation, a document). Default: optional.
   */
  idempotencyKey?: "required" | "optional";
  /**
   * A larger JSON body limit than MAX_JSON_BODY_BYTES, for a route that carries a file as base64
   * (a county workbook); API Gateway's own payload limit is 10 MB.
   */
  maxBodyBytes?: number;
  resource?: (input: HandlerInput<Out<B>, Out<Q>, Out<P>, Actor>) => Promise<AccessResource> | AccessResource;
  summary?: string;
  description?: string;
  tags?: string[];
  /** The success answer for the API document; with a `schema`, the handler's answer is typed by it. */
  response?: { status: number; schema?: R; contentType?: string; description?: string };
  handler: (
    input: HandlerInput<Out<B>, Out<Q>, Out<P>, Pub extends true ? Actor | undefined : Actor>,
  ) => Promise<Answer<R>>;
}

export type LambdaHttpHandler = ((event: HttpEvent, context: LambdaContext) => Promise<HttpResult>) & {
  routes: RouteKey[];
};

function splitRoute(route: RouteKey): { method: Method; path: string } {
  const space = route.indexOf(" ");
  return { method: route.slice(0, space) as Method, path: route.slice(space + 1) };
}

function decodeBody(event: HttpEvent): string | undefined {
  return event.body ? bodyText(event) : undefined;
}

/** JSON bodies only: `application/json` or a `+json` type; no content type is taken as JSON. */
const JSON_CONTENT_TYPE = /^application\/([a-z0-9.+-]*\+)?json\s*(;|$)/i;

function parseJsonBody(event: HttpEvent, maxBytes = MAX_JSON_BODY_BYTES): unknown {
  const text = decodeBody(event);
  if (text === undefined) return undefined;
  const contentType = event.headers?.["content-type"];
  if (contentType !== undefined && contentType !== "" && !JSON_CONTENT_TYPE.test(contentType)) {
    throw new ValidationError("The request body must be JSON", "请求内容须为 JSON", {
      fields: [
        {
          path: "headers.content-type",
          message: "Content-Type must be application/json",
          messageZh: "Content-Type 须为 application/json",
        },
      ],
    });
  }
  if (Buffer.byteLength(text) > maxBytes) {
    throw new ValidationError("The request body is too large", "请求内容过大", {
      fields: [
        {
          path: "body",
          message: `At most ${maxBytes} bytes`,
          messageZh: `不能超过 ${maxBytes} 字节`,
        },
      ],
    });
  }
  if (jsonNestingExceeds(text, MAX_JSON_DEPTH)) {
    throw new ValidationError("The request body is nested too deeply", "请求内容嵌套层级过深", {
      fields: [
        {
          path: "body",
          message: `Arrays and objects nest at most ${MAX_JSON_DEPTH} levels deep`,
          messageZh: `数组和对象的嵌套不能超过 ${MAX_JSON_DEPTH} 层`,
        },
      ],
    });
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new ValidationError("The request body is not valid JSON", "请求内容不是有效的 JSON", {
      fields: [{ path: "body", message: "Malformed JSON", messageZh: "JSON 格式错误" }],
    });
  }
}

/** One of the actor's roles must hold a grant for one of the actions at all (scope aside). */
function requireRoleGrant(actor: Actor, actions: readonly Action[]): void {
  const granted = actions.some((action) =>
    grantsFor(action).some((grant) => actor.roles.includes(grant.role)),
  );
  if (granted) return;
  const action = actions.join(" | ");
  throw new ForbiddenError(`None of your roles may ${action}`, "当前角色无权执行此操作", {
    details: { action, code: "no-role" },
  });
}

function toResult(value: unknown): HttpResult {
  if (value instanceof Reply) {
    if (value.raw) {
      return {
        statusCode: value.statusCode,
        headers: { "cache-control": "no-store", ...value.headers },
        body: String(value.body),
      };
    }
    return jsonResult(value.statusCode, value.body ?? null, value.headers);
  }
  return jsonResult(200, value ?? null);
}

/**
 * Every answer says the business time it was given at (ISO, the API's clock: the system clock in AWS,
 * the local runtime's accelerated or manual clock locally), so the consoles judge deadlines, overdue,
 * "N days left" and today's business date by the server's clock rather than the device's
 * (web/src/businessClock.ts). Exposed to the consoles by CORS (local/http/server.ts, infra api-stack).
 */
export const BUSINESS_TIME_HEADER = "x-business-time";

function businessTime(): string {
  return new Date(businessNowMs()).toISOString();
}

export function httpHandler<
  B extends z.ZodType | undefined = undefined,
  Q extends z.ZodType | undefined = undefined,
  P extends z.ZodType | undefined = undefined,
  Pub extends boolean = false,
  R extends z.ZodType | undefined = undefined,
>(definition: HttpHandlerDefinition<B, Q, P, Pub, R>): LambdaHttpHandler {
  const { method, path } = splitRoute(definition.route);
  const isPublic = definition.public === true;
  const resourceKind = resourceKindOf(path, definition.resource !== undefined);
  const keyRequired = method === "POST" && definition.idempotencyKey === "required";
  registerRouteAccess({
    routeKey: definition.route,
    method,
    path,
    public: isPublic,
    ...(definition.action ? { action: definition.action } : {}),
    ...(definition.actions ? { actions: [...definition.actions] } : {}),
    idempotencyKeyRequired: keyRequired,
    resourceKind,
    paramNames: pathParamNames(path),
    ...(definition.body ? { body: definition.body } : {}),
    ...(definition.query ? { query: definition.query } : {}),
    ...(definition.params ? { params: definition.params } : {}),
  });
  registerRoute({
    method,
    path,
    public: isPublic,
    idempotent: method === "POST",
    idempotencyKeyRequired: keyRequired,
    ...(definition.action ? { action: definition.action } : {}),
    ...(definition.summary ? { summary: definition.summary } : {}),
    ...(definition.description ? { description: definition.description } : {}),
    ...(definition.tags ? { tags: definition.tags } : {}),
    ...(definition.body ? { body: definition.body } : {}),
    ...(definition.query ? { query: definition.query } : {}),
    ...(definition.params ? { params: definition.params } : {}),
    ...(definition.response ? { response: definition.response } : {}),
  });

  /**
   * Everything that can be decided without the body: the role grant of the route's action(s), then the
   * path's case or township (scope, maker-checker). A declared `resource` may need the body: its full
   * check follows validation.
   */
  const authorizeBeforeBody = async (actor: Actor, params: Record<string, unknown>): Promise<void> => {
    if (definition.action) {
      const resource = definition.resource ? undefined : await defaultResource(resourceKind, params);
      if (resource) requireAuthorized(actor, definition.action, resource);
      else requireRoleGrant(actor, [definition.action]);
      return;
    }
    if (isPublic) return;
    if (definition.actions) requireRoleGrant(actor, definition.actions);
    if (definition.resource) return;
    const resource = await defaultResource(resourceKind, params);
    if (resource) requireAnyAccess(actor, resource);
  };

  const prepare: middy.MiddlewareObj<HttpEvent, HttpResult> = {
    before: async (request) => {
      const event = request.event;
      const correlationId = correlationIdOf(event);
      const claims = claimsOf(event);
      let actor: Actor | undefined;
      const actorOptions = { issuerEnforcesMfa: issuerEnforcesMfa() };
      if (isPublic) {
        try {
          actor = claims ? actorFromClaims(claims, actorOptions) : undefined;
        } catch {
          actor = undefined;
        }
      } else {
        actor = actorFromClaims(claims, actorOptions);
      }
      const logger = rootLogger.child({
        route: definition.route,
        ...(actor ? { userId: actor.userId } : {}),
      });
      // Order: path and query, then authorization, then the body. A caller outside the route's roles or
      // scope gets 403 before the body is read; nothing is written before all of it passed.
      const fields: ValidationError["fields"] = [];
      const collect = <T>(fn: () => T): T | undefined => {
        try {
          return fn();
        } catch (error) {
          if (error instanceof ValidationError) fields.push(...error.fields);
          else throw error;
          return undefined;
        }
      };
      const params = definition.params
        ? collect(() => parseOrThrow(definition.params as z.ZodType, event.pathParameters ?? {}, "path"))
        : (event.pathParameters ?? {});
      const query = definition.query
        ? collect(() =>
            parseOrThrow(definition.query as z.ZodType, event.queryStringParameters ?? {}, "query"),
          )
        : (event.queryStringParameters ?? {});
      if (fields.length > 0 && fields.some((field) => field.path.startsWith("path"))) {
        throw new ValidationError("The request is not valid", "请求内容不符合要求", { fields });
      }
      if (actor) await authorizeBeforeBody(actor, (params ?? {}) as Record<string, unknown>);
      const before = fields.length;
      const rawBody = collect(() => parseJsonBody(event, definition.maxBodyBytes));
      const bodyReadable = fields.length === before;
      const body =
        definition.body && bodyReadable
          ? collect(() => parseOrThrow(definition.body as z.ZodType, rawBody))
          : rawBody;
      const idempotencyKey =
        method === "POST" ? collect(() => idempotencyKeyOf(event, keyRequired)) : undefined;
      if (fields.length > 0) {
        throw new ValidationError("The request is not valid", "请求内容不符合要求", { fields });
      }
      const state: RequestState = {
        routeKey: definition.route,
        method,
        correlationId,
        ...(actor ? { actor } : {}),
        rawBody,
        body,
        query,
        params,
        ...(idempotencyKey ? { idempotencyKey } : {}),
        logger,
      };
      setRequestState(event, state);
      if (definition.action && actor && definition.resource) {
        const input = handlerInput(state, event, request.context) as HandlerInput<
          Out<B>,
          Out<Q>,
          Out<P>,
          Actor
        >;
        requireAuthorized(actor, definition.action, await definition.resource(input));
      }
      return undefined;
    },
  };

  const core = middy<HttpEvent, HttpResult>()
    .use(httpErrors())
    .use(prepare)
    .use(idempotency())
    .handler(async (event, context) => {
      const state = requestState(event);
      const input = handlerInput(state, event, context);
      const value = await definition.handler(input as never);
      // Masking by role and the record of who looked at whom, once for every route (./boundary.ts).
      const boundary = { route: definition.route, actor: state.actor, params: state.params };
      return toResult(await atResponseBoundary(boundary, value));
    });

  const lambda = async (event: HttpEvent, context: LambdaContext): Promise<HttpResult> => {
    const correlationId = correlationIdOf(event);
    return withCorrelation(correlationId, async () => {
      const startedMs = Date.now();
      let result: HttpResult;
      try {
        result = await core(event, context);
      } catch (error) {
        result = errorResult(error);
      }
      // Answered, so Lambda's Errors metric never sees it: counted here for the alarm.
      if (result.statusCode >= 500) httpServerError(definition.route);
      rootLogger.info("request", {
        route: definition.route,
        path: event.rawPath,
        statusCode: result.statusCode,
        durationMs: Date.now() - startedMs,
      });
      const headers = { ...result.headers, [CORRELATION_HEADER]: correlationId };
      return { ...result, headers: { ...headers, [BUSINESS_TIME_HEADER]: businessTime() } };
    });
  };
  return Object.assign(lambda, { routes: [definition.route] });
}

function handlerInput(state: RequestState, event: HttpEvent, context: LambdaContext) {
  return {
    body: state.body,
    query: state.query,
    params: state.params,
    actor: state.actor,
    correlationId: state.correlationId,
    idempotencyKey: state.idempotencyKey,
    logger: state.logger,
    event,
    context,
  };
}

/**
 * One Lambda serving several routes (a catalog entry with more than one route): dispatches on
 * `event.routeKey`, which API Gateway and the local server both set to the matched route.
 */
export function httpRouter(...handlers: LambdaHttpHandler[]): LambdaHttpHandler {
  const byRoute = new Map<string, LambdaHttpHandler>();
  for (const handler of handlers) for (const route of handler.routes) byRoute.set(route, handler);
  const lambda = async (event: HttpEvent, context: LambdaContext): Promise<HttpResult> => {
    const handler = byRoute.get(event.routeKey);
    if (handler) return handler(event, context);
    const correlationId = correlationIdOf(event);
    const result = errorResult(new NotFoundError(`No route ${event.routeKey}`, "请求的接口不存在"));
    const headers = { ...result.headers, [CORRELATION_HEADER]: correlationId };
    return { ...result, headers: { ...headers, [BUSINESS_TIME_HEADER]: businessTime() } };
  };
  return Object.assign(lambda, { routes: [...byRoute.keys()] as RouteKey[] });
}
