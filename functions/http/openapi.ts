/**
 * The API document, generated from the same zod schemas that validate requests. Every
 * `httpHandler` registers its route here when its module loads; `buildOpenApiDocument()` turns the
 * registrations into OpenAPI 3.1 with `@asteasolutions/zod-to-openapi`.
 */
import { OpenAPIRegistry, OpenApiGeneratorV31, type RouteConfig } from "@asteasolutions/zod-to-openapi";
import * as z from "zod";
import { IDEMPOTENCY_KEY_MAX_LENGTH, IDEMPOTENCY_KEY_PATTERN } from "#adapters/idempotency-store.ts";

export const registry = new OpenAPIRegistry();

/** The one error shape of every 4xx/5xx. */
export const ErrorBodySchema = z
  .object({
    code: z.string().meta({ description: "Stable error code, e.g. VALIDATION_FAILED" }),
    message: z.string(),
    messageZh: z.string(),
    fields: z.array(z.object({ path: z.string(), message: z.string(), messageZh: z.string() })),
  })
  .meta({ id: "Error" });

const bearer = registry.registerComponent("securitySchemes", "bearerAuth", {
  type: "http",
  scheme: "bearer",
  bearerFormat: "JWT",
  description:
    "OpenID Connect ID token: Cognito or the configured issuer (AWS), the local provider at /oidc (local runtime; scripts: POST /dev/sign-in).",
});

const registered = new Set<string>();
/** Each route's declared JSON answer, by route key (`GET /cases/{caseId}`). */
const answers = new Map<string, z.ZodType>();

export interface RouteDocumentation {
  method: "GET" | "POST" | "PUT" | "DELETE";
  path: string;
  public: boolean;
  summary?: string;
  description?: string;
  tags?: string[];
  body?: z.ZodType;
  query?: z.ZodType;
  params?: z.ZodType;
  /** Success response: status and schema (JSON) or a content type for non-JSON. */
  response?: { status: number; schema?: z.ZodType; contentType?: string; description?: string };
  idempotent: boolean;
  /** The route refuses a POST without `Idempotency-Key` (`required: true` on the header). */
  idempotencyKeyRequired?: boolean;
  /** The `core/access` action the route needs (`x-aidflow-action`). */
  action?: string;
}

const errorContent = { "application/json": { schema: ErrorBodySchema } };

const KEY_FORMAT = "1–128 characters of A–Z a–z 0–9 - _ . : (an empty or longer key is a 400).";
const KEY_REPLAY = "A replay of the same key and body returns the first response (24 h).";

/**
 * Required where each accepted request adds something that stored state cannot tell from a retry
 * (an allocation entry, a document and its upload ticket); optional where the request moves a case or
 * fund from one state to the next, so that a repeat is recognised without a key (200 or 409).
 */
function idempotencyHeader(required: boolean): z.ZodObject {
  const key = z.string().min(1).max(IDEMPOTENCY_KEY_MAX_LENGTH).regex(IDEMPOTENCY_KEY_PATTERN);
  return z.object({
    "idempotency-key": required
      ? key.meta({
          description: `Required: each accepted request adds a record, so only the key tells a retry from a second request. ${KEY_FORMAT} ${KEY_REPLAY}`,
        })
      : key.optional().meta({ description: `Optional. ${KEY_FORMAT} ${KEY_REPLAY}` }),
  });
}

/** Registers one route; the same route twice (module loaded twice) is ignored. */
export function registerRoute(doc: RouteDocumentation): void {
  const key = `${doc.method} ${doc.path}`;
  if (registered.has(key)) return;
  registered.add(key);
  if (doc.response?.schema) answers.set(key, doc.response.schema);
  const success = doc.response ?? { status: 200 };
  const contentType = success.contentType ?? "application/json";
  const responses: RouteConfig["responses"] = {
    [String(success.status)]: {
      description: success.description ?? "Success",
      ...(success.schema ? { content: { [contentType]: { schema: success.schema } } } : {}),
    },
    "400": { description: "Invalid request (field-level messages)", content: errorContent },
  };
  if (!doc.public) {
    responses["401"] = { description: "Not signed in", content: errorContent };
    responses["403"] = { description: "Role or scope does not allow this", content: errorContent };
  }
  if (doc.params) responses["404"] = { description: "Not found", content: errorContent };
  if (doc.method === "POST") {
    responses["409"] = { description: "Conflict (e.g. idempotency key reused)", content: errorContent };
    responses["422"] = { description: "Against a business rule", content: errorContent };
  }
  const headers = doc.idempotent ? idempotencyHeader(doc.idempotencyKeyRequired === true) : undefined;
  registry.registerPath({
    method: doc.method.toLowerCase() as "get" | "post" | "put" | "delete",
    path: doc.path,
    ...(doc.summary ? { summary: doc.summary } : {}),
    ...(doc.description ? { description: doc.description } : {}),
    ...(doc.tags ? { tags: doc.tags } : {}),
    ...(doc.action ? { "x-aidflow-action": doc.action } : {}),
    ...(doc.public ? { security: [] } : { security: [{ [bearer.name]: [] }] }),
    request: {
      ...(doc.params ? { params: doc.params as z.ZodObject } : {}),
      ...(doc.query ? { query: doc.query as z.ZodObject } : {}),
      ...(headers ? { headers } : {}),
      ...(doc.body
        ? { body: { required: true, content: { "application/json": { schema: doc.body } } } }
        : {}),
    },
    responses,
  });
}

/**
 * A catalog route whose handler does not go through `httpHandler` (its own protocol, e.g. a signed
 * bank callback): listed with the catalog's description and `x-aidflow-schema: "not-registered"`.
 */
export function documentCatalogRoute(route: {
  method: RouteDocumentation["method"];
  path: string;
  public?: boolean;
  description: string;
}): void {
  const key = `${route.method} ${route.path}`;
  if (registered.has(key)) return;
  registered.add(key);
  const params = [...route.path.matchAll(/\{([A-Za-z0-9_]+)\}/g)].map((m) => m[1] as string);
  registry.registerPath({
    method: route.method.toLowerCase() as "get" | "post" | "put" | "delete",
    path: route.path,
    summary: route.description,
    "x-aidflow-schema": "not-registered",
    ...(route.public ? { security: [] } : {}),
    ...(params.length > 0
      ? { request: { params: z.object(Object.fromEntries(params.map((p) => [p, z.string()]))) } }
      : {}),
    responses: {
      "200": { description: "Success" },
      "400": { description: "Invalid request", content: errorContent },
    },
  });
}

export function registeredRoutes(): string[] {
  return [...registered].sort();
}

/** The answers routes declare, by route key: what the API document (and the web's types) promise. */
export function declaredAnswers(): ReadonlyMap<string, z.ZodType> {
  return answers;
}

export function buildOpenApiDocument(): ReturnType<OpenApiGeneratorV31["generateDocument"]> {
  const generator = new OpenApiGeneratorV31(registry.definitions);
  return generator.generateDocument({
    openapi: "3.1.0",
    info: {
      title: "AidFlow API — 临时救助",
      version: "1.0.0",
      description:
        "Township-level temporary assistance (临时救助): applicants, township staff, county civil affairs, " +
        "county finance and auditors. Errors share one shape: { code, message, messageZh, fields[] }.",
    },
    servers: [{ url: "/" }],
    security: [{ [bearer.name]: [] }],
  });
}
