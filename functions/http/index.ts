/** The HTTP framework, one import for handler authors: `import { httpHandler, created } from "#functions/http/index.ts"`. */
export {
  defaultResource,
  type ResourceKind,
  type RouteAccess,
  registeredRouteAccess,
  resourceKindOf,
} from "./access.ts";
export { actorFromClaims, CLAIMS, parseGroups } from "./actor.ts";
export {
  BUSINESS_TIME_HEADER,
  type HandlerInput,
  httpHandler,
  httpRouter,
  type LambdaHttpHandler,
  MAX_JSON_BODY_BYTES,
  MAX_JSON_DEPTH,
} from "./handler.ts";
export { buildOpenApiDocument, ErrorBodySchema, registeredRoutes, registry } from "./openapi.ts";
export { CaseParams } from "./params.ts";
export { bodyText, headerOf } from "./raw-request.ts";
export { accepted, created, html, ok, Reply, text } from "./reply.ts";
export type { HttpEvent, HttpResult, LambdaContext } from "./types.ts";
export { bilingual, issueToFieldError, parseOrThrow } from "./validation.ts";
