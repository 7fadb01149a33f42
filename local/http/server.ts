/**
 * The local HTTP API: the same routes as the AWS HTTP API (from functions/catalog.ts),
 * invoking the same handler modules with API-Gateway-v2 events. Protected routes need a bearer token
 * (401 otherwise, as the JWT authorizer answers), verified against the local OpenID Connect provider
 * mounted at `/oidc` (local/oidc/provider.ts: the consoles sign in there with code + PKCE; scripts
 * use `POST /dev/sign-in {userId, totp}`). It also accepts local document uploads
 * (`PUT /local-uploads/<token>`, the local side of the document-store port) and serves the web
 * consoles' static files from `webRoot`.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { readFile, stat } from "node:fs/promises";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { extname, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyResultV2, Context } from "aws-lambda";
import { documentStore, LocalDocumentStore } from "#adapters/document-store.ts";
import { NotFoundError, UnauthorizedError, ValidationError } from "#core/errors.ts";
import { FUNCTIONS, type FunctionDefinition } from "#functions/catalog.ts";
import { createTokenVerifier, type TokenVerifier } from "#functions/http/token-verifier.ts";
import { errorResult } from "#functions/middleware/http-errors.ts";
import { resetConfig } from "#functions/runtime/config.ts";
import { logger } from "#functions/runtime/logger.ts";
import type { LocalAccount, LocalOidc } from "#local/oidc/provider.ts";
import { DEMO_USERS, type DemoUser } from "#local/seed/users.ts";
import { devSignIn } from "./dev-auth.ts";
import { buildHttpEvent, lambdaContext } from "./events.ts";
import { type CompiledRoute, compileRoutes, matchRoute } from "./routes.ts";
import { signInAccounts } from "./sign-in-accounts.ts";

const REPO_ROOT = resolve(fileURLToPath(new URL("../..", import.meta.url)));
/** Largest request the local server reads (documents included); API Gateway's own limit is 10 MB. */
const MAX_REQUEST_BYTES = 12 * 1024 * 1024;
const DEFAULT_TIMEOUT_SECONDS = 10;
/** As AWS load balancers do: longer than any client's idle pool timeout. */
const KEEP_ALIVE_TIMEOUT_MS = 65_000;
/** In-process test tokens outlive a long simulation; the provider's own last 15 minutes. */
const TEST_TOKEN_TTL_SECONDS = 12 * 3600;

type Handler = (
  event: APIGatewayProxyEventV2WithJWTAuthorizer,
  context: Context,
) => Promise<APIGatewayProxyResultV2>;

export interface ApiServerOptions {
  port?: number;
  host?: string;
  functions?: readonly FunctionDefinition[];
  /** Directory of static files served at `/` (the built web consoles); SPA fallback to index.html. */
  webRoot?: string;
  /** Variables set in `process.env` before the handlers load (tables, secrets, document dir …). */
  env?: Record<string, string>;
  /** The local OIDC provider's signing key derives from it; default: random per start. */
  devTokenSecret?: string;
  /** Users the local provider signs in; `false`: nobody (and no `/dev/` routes). */
  users?: readonly DemoUser[] | false;
  /** More console origins the provider redirects to (Vite's dev server). */
  consoleOrigins?: readonly string[];
}

export interface ApiServer {
  url: string;
  port: number;
  /** The local OIDC provider's issuer (`<url>/oidc`) and the consoles' client id there. */
  issuer: string;
  clientId: string;
  /**
   * A token of the local provider for `account` (tests): the provider's key and claims, staff with
   * their second factor recorded (unless `methods` says otherwise), verified by this server like a
   * browser sign-in's.
   */
  mintToken(account: LocalAccount, options?: { ttlSeconds?: number; methods?: readonly string[] }): string;
  close(): Promise<void>;
}

export async function startApiServer(options: ApiServerOptions = {}): Promise<ApiServer> {
  const routes = compileRoutes(options.functions ?? FUNCTIONS);
  const secret = options.devTokenSecret ?? randomBytes(32).toString("hex");
  let users = options.users === false ? [] : (options.users ?? DEMO_USERS);
  /** With the default users, whoever the directory holds too, read when a sign-in needs them. */
  const refreshUsers = async () => {
    if (options.users === undefined) users = await signInAccounts(DEMO_USERS);
  };
  const modules = new Map<string, Promise<Handler>>();
  // Set once the server listens: the issuer is this server's own URL.
  let oidc: LocalOidc | undefined;
  let verifier: TokenVerifier | undefined;

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      logger.error("local server failure", { error });
      if (!response.headersSent) send(response, errorResult(error));
      else response.end();
    });
  });
  // Idle keep-alive sockets stay open longer than clients keep them pooled (undici: 4 s, browsers more),
  // so a client never reuses a socket the server is closing at that instant (ECONNRESET under load).
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  server.headersTimeout = KEEP_ALIVE_TIMEOUT_MS + 1000;

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? "/", "http://localhost");
    const method = (request.method ?? "GET").toUpperCase();
    if (oidc && (url.pathname === "/oidc" || url.pathname.startsWith("/oidc/"))) {
      // The sign-in pages list the users and issue their claims; a renewal checks the user still may.
      if (url.pathname.startsWith("/oidc/interaction/") || url.pathname === "/oidc/token")
        await refreshUsers();
      return oidc.handle(request, response);
    }
    if (method === "OPTIONS") return sendCors(response);
    const body = await readBody(request);

    if (method === "GET" && url.pathname === "/auth/config" && oidc) {
      // Where the consoles sign in (web/src/api/auth.ts): locally one provider for every role.
      return send(
        response,
        json(200, {
          signIns: [{ kind: "everyone", issuer: oidc.issuer, clientId: oidc.clientId, scope: oidc.scope }],
        }),
      );
    }
    if (options.users !== false && url.pathname.startsWith("/dev/")) {
      await refreshUsers();
      return send(response, devRoute(method, url.pathname, body));
    }
    if (url.pathname.startsWith("/local-uploads/") || url.pathname.startsWith("/local-downloads/")) {
      return transferRoute(method, url.pathname, request, body, response);
    }

    const matched = matchRoute(routes, method, url.pathname);
    if ("route" in matched) {
      return send(response, await invoke(matched.route, matched.params, request, url, body));
    }
    if (method === "GET" && options.webRoot && (await serveStatic(options.webRoot, url.pathname, response)))
      return;
    return send(
      response,
      errorResult(new NotFoundError(`No route ${method} ${url.pathname}`, "请求的接口不存在")),
    );
  }

  async function invoke(
    route: CompiledRoute,
    params: Record<string, string>,
    request: IncomingMessage,
    url: URL,
    body: Buffer,
  ): Promise<Result> {
    let claims: Record<string, string> | undefined;
    const token = /^Bearer\s+(.+)$/i.exec(request.headers.authorization ?? "")?.[1];
    if (token) {
      const verified = await verifier?.verify(token);
      if (verified) claims = verified;
      else if (!route.public)
        return errorResult(new UnauthorizedError("Unauthorized", "身份令牌无效或已过期，请重新登录"));
    } else if (!route.public) {
      return errorResult(new UnauthorizedError("Unauthorized", "请先登录"));
    }
    const requestId = randomUUID();
    const event = buildHttpEvent({
      request,
      url,
      body,
      routeKey: route.routeKey,
      pathParameters: params,
      requestId,
      ...(claims ? { claims } : {}),
    });
    const handler = await loadHandler(route.fn);
    const context = lambdaContext(route.fn.id, requestId, route.fn.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS);
    return normalize(await handler(event, context));
  }

  function loadHandler(fn: FunctionDefinition): Promise<Handler> {
    let loaded = modules.get(fn.id);
    if (!loaded) {
      // A plain absolute path (not a file: URL) so vitest's module runner resolves the module's own
      // relative imports the same way node does.
      loaded = import(/* @vite-ignore */ resolve(REPO_ROOT, fn.entry)).then(
        (module: Record<string, unknown>) => {
          const handler = module[fn.handler];
          if (typeof handler !== "function") throw new Error(`${fn.entry} does not export ${fn.handler}`);
          return handler as Handler;
        },
      );
      modules.set(fn.id, loaded);
    }
    return loaded;
  }

  function devRoute(method: string, path: string, body: Buffer): Result {
    if (method === "GET" && path === "/dev/users") {
      return json(200, { users });
    }
    if (method === "POST" && path === "/dev/sign-in" && oidc) {
      try {
        return json(200, devSignIn(body, users, oidc, Date.now()));
      } catch (error) {
        return errorResult(error);
      }
    }
    return errorResult(new NotFoundError(`No route ${method} ${path}`, "请求的接口不存在"));
  }

  async function transferRoute(
    method: string,
    path: string,
    request: IncomingMessage,
    body: Buffer,
    response: ServerResponse,
  ): Promise<void> {
    try {
      const store = documentStore();
      if (!(store instanceof LocalDocumentStore))
        throw new NotFoundError("No local document store", "未启用本地文件存储");
      const token = decodeURIComponent(path.slice(path.indexOf("/", 1) + 1));
      if (method === "PUT" && path.startsWith("/local-uploads/")) {
        const stored = await store.acceptUpload(token, request.headers["content-type"], body);
        return send(response, json(200, stored));
      }
      if (method === "GET" && path.startsWith("/local-downloads/")) {
        const file = await store.readDownload(token);
        response.writeHead(200, {
          "content-type": file.contentType,
          "content-length": file.body.length,
          "content-disposition": file.contentDisposition,
          "x-content-type-options": "nosniff",
        });
        response.end(file.body);
        return;
      }
      throw new NotFoundError(`No route ${method} ${path}`, "请求的接口不存在");
    } catch (error) {
      send(response, errorResult(error));
    }
  }

  const host = options.host ?? "127.0.0.1";
  await new Promise<void>((resolveListen, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => resolveListen());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
  // Loaded once the port is ours: oidc-provider warns at import on runtimes it does not support
  // (Node 20), which `npm start` on a busy port must not print before its one line.
  const { createLocalOidc } = await import("#local/oidc/provider.ts");
  const provider = createLocalOidc({
    baseUrl: url,
    secret,
    accounts: () => users,
    ...(options.consoleOrigins ? { extraOrigins: options.consoleOrigins } : {}),
  });
  oidc = provider;
  verifier = createTokenVerifier({
    issuer: provider.issuer,
    audience: [provider.clientId],
    jwksUri: `${provider.issuer}/jwks`,
    jwks: provider.jwks,
  });

  process.env.AIDFLOW_RUNTIME ??= "local";
  for (const [key, value] of Object.entries(options.env ?? {})) process.env[key] = value;
  // Local uploads come back to this server unless the caller named another base URL.
  if (!options.env?.AIDFLOW_LOCAL_UPLOAD_BASE_URL && process.env.AIDFLOW_DOCUMENTS_DIR) {
    process.env.AIDFLOW_LOCAL_UPLOAD_BASE_URL = url;
  }
  resetConfig();

  return {
    url,
    port,
    issuer: provider.issuer,
    clientId: provider.clientId,
    mintToken: (account, { ttlSeconds = TEST_TOKEN_TTL_SECONDS, methods } = {}) =>
      provider.mintToken(account, { ttlSeconds, ...(methods ? { methods } : {}) }),
    close: () =>
      new Promise<void>((resolveClose) => {
        server.close(() => resolveClose());
        server.closeAllConnections();
      }),
  };
}

// ------------------------------------------------------------------------------------- plumbing

interface Result {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
  isBase64Encoded?: boolean;
  cookies?: string[];
}

function json(statusCode: number, body: unknown): Result {
  return {
    statusCode,
    headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" },
    body: JSON.stringify(body),
  };
}

/** API Gateway's rules for v2 results: a structured result is used as is, anything else is JSON 200. */
function normalize(result: APIGatewayProxyResultV2): Result {
  if (
    typeof result === "object" &&
    result !== null &&
    "statusCode" in result &&
    result.statusCode !== undefined
  ) {
    const headers: Record<string, string> = {};
    for (const [key, value] of Object.entries(result.headers ?? {}))
      headers[key.toLowerCase()] = String(value);
    return {
      statusCode: result.statusCode,
      headers,
      body: result.body ?? "",
      ...(result.isBase64Encoded ? { isBase64Encoded: true } : {}),
      ...(result.cookies ? { cookies: result.cookies } : {}),
    };
  }
  return json(200, result);
}

function send(response: ServerResponse, result: Result): void {
  const body = result.isBase64Encoded ? Buffer.from(result.body, "base64") : Buffer.from(result.body, "utf8");
  const headers: Record<string, string | string[] | number> = {
    ...corsHeaders(),
    ...result.headers,
    "content-length": body.length,
  };
  if (result.cookies?.length) headers["set-cookie"] = result.cookies;
  response.writeHead(result.statusCode, headers);
  response.end(body);
}

function corsHeaders(): Record<string, string> {
  // The web consoles' dev server (Vite) runs on another port; in AWS the HTTP API's CORS settings do this.
  return {
    "access-control-allow-origin": "*",
    "access-control-allow-headers": "authorization, content-type, idempotency-key, x-correlation-id",
    "access-control-allow-methods": "GET, POST, PUT, DELETE, OPTIONS",
    "access-control-expose-headers": "x-correlation-id, idempotent-replayed, x-business-time",
  };
}

function sendCors(response: ServerResponse): void {
  response.writeHead(204, corsHeaders());
  response.end();
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolveBody, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_REQUEST_BYTES) {
        reject(new ValidationError("The request is too large", "请求内容过大"));
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on("end", () => resolveBody(Buffer.concat(chunks)));
    request.on("error", reject);
  });
}

const MIME: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".ico": "image/x-icon",
  ".woff2": "font/woff2",
  ".webmanifest": "application/manifest+json",
};

/** Serves `path` from `root`; paths without an extension fall back to index.html (single-page apps). */
async function serveStatic(root: string, path: string, response: ServerResponse): Promise<boolean> {
  const base = resolve(root);
  const decoded = decodeURIComponent(path);
  let file = resolve(base, `.${decoded}`);
  if (file !== base && !file.startsWith(base + sep)) return false;
  try {
    const info = await stat(file);
    if (info.isDirectory()) file = resolve(file, "index.html");
  } catch {
    if (extname(decoded) !== "") return false;
    file = resolve(base, "index.html");
  }
  try {
    const content = await readFile(file);
    response.writeHead(200, {
      "content-type": MIME[extname(file)] ?? "application/octet-stream",
      "content-length": content.length,
      "cache-control": extname(file) === ".html" ? "no-cache" : "public, max-age=3600",
    });
    response.end(content);
    return true;
  } catch {
    return false;
  }
}
