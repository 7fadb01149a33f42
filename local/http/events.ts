/**
 * API Gateway HTTP API (payload v2.0) events and Lambda contexts built from node:http requests, so the
 * handlers run locally exactly as behind the AWS HTTP API: lowercased headers, `routeKey` of the
 * matched route, path parameters, base64 bodies for binary content, JWT claims under
 * `requestContext.authorizer.jwt.claims`.
 */
import { randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { APIGatewayProxyEventV2WithJWTAuthorizer, Context } from "aws-lambda";

const TEXT_TYPES = /^(application\/(json|x-www-form-urlencoded|xml|[a-z.+-]*\+json)|text\/)/i;

export function isTextual(contentType: string | undefined): boolean {
  return contentType === undefined || contentType === "" || TEXT_TYPES.test(contentType);
}

export interface EventParts {
  request: IncomingMessage;
  url: URL;
  body: Buffer;
  routeKey: string;
  pathParameters?: Record<string, string>;
  claims?: Record<string, string>;
  requestId?: string;
}

export function buildHttpEvent(parts: EventParts): APIGatewayProxyEventV2WithJWTAuthorizer {
  const { request, url, body } = parts;
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined) continue;
    headers[name.toLowerCase()] = Array.isArray(value) ? value.join(", ") : value;
  }
  const query: Record<string, string> = {};
  for (const [key, value] of url.searchParams) query[key] = key in query ? `${query[key]},${value}` : value;
  const textual = isTextual(headers["content-type"]);
  const nowMs = Date.now();
  const requestId = parts.requestId ?? randomUUID();
  const method = (request.method ?? "GET").toUpperCase();
  return {
    version: "2.0",
    routeKey: parts.routeKey,
    rawPath: url.pathname,
    rawQueryString: url.search.replace(/^\?/, ""),
    ...(headers.cookie ? { cookies: headers.cookie.split(/;\s*/) } : {}),
    headers,
    ...(Object.keys(query).length > 0 ? { queryStringParameters: query } : {}),
    ...(parts.pathParameters && Object.keys(parts.pathParameters).length > 0
      ? { pathParameters: parts.pathParameters }
      : {}),
    requestContext: {
      accountId: "000000000000",
      apiId: "local",
      authorizer: { principalId: "", integrationLatency: 0, jwt: { claims: parts.claims ?? {}, scopes: [] } },
      domainName: headers.host ?? "localhost",
      domainPrefix: (headers.host ?? "localhost").split(".")[0] ?? "localhost",
      http: {
        method,
        path: url.pathname,
        protocol: `HTTP/${request.httpVersion}`,
        sourceIp: request.socket.remoteAddress ?? "127.0.0.1",
        userAgent: headers["user-agent"] ?? "",
      },
      requestId,
      routeKey: parts.routeKey,
      stage: "$default",
      time: new Date(nowMs).toUTCString(),
      timeEpoch: nowMs,
    },
    ...(body.length > 0
      ? { body: textual ? body.toString("utf8") : body.toString("base64"), isBase64Encoded: !textual }
      : { isBase64Encoded: false }),
  } as APIGatewayProxyEventV2WithJWTAuthorizer;
}

export function lambdaContext(functionName: string, requestId: string, timeoutSeconds: number): Context {
  const deadline = Date.now() + timeoutSeconds * 1000;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: "$LATEST",
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${functionName}`,
    memoryLimitInMB: "256",
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: "local",
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
