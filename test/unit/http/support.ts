/** API Gateway HTTP API v2 events for unit tests of the framework (no server in between). */

import { randomUUID } from "node:crypto";
import type { APIGatewayProxyEventV2WithJWTAuthorizer, Context } from "aws-lambda";

export interface EventOptions {
  body?: unknown;
  rawBody?: string;
  headers?: Record<string, string>;
  claims?: Record<string, string>;
  pathParameters?: Record<string, string>;
  query?: Record<string, string>;
  path?: string;
}

export function httpEvent(
  routeKey: string,
  options: EventOptions = {},
): APIGatewayProxyEventV2WithJWTAuthorizer {
  const [method = "GET", routePath = "/"] = routeKey.split(" ");
  const path = options.path ?? routePath;
  const body = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  return {
    version: "2.0",
    routeKey,
    rawPath: path,
    rawQueryString: "",
    headers: { "content-type": "application/json", ...options.headers },
    ...(options.query ? { queryStringParameters: options.query } : {}),
    ...(options.pathParameters ? { pathParameters: options.pathParameters } : {}),
    requestContext: {
      accountId: "000000000000",
      apiId: "unit",
      authorizer: {
        principalId: "",
        integrationLatency: 0,
        jwt: { claims: options.claims ?? {}, scopes: [] },
      },
      domainName: "unit.test",
      domainPrefix: "unit",
      http: { method, path, protocol: "HTTP/1.1", sourceIp: "127.0.0.1", userAgent: "vitest" },
      requestId: randomUUID(),
      routeKey,
      stage: "$default",
      time: new Date().toUTCString(),
      timeEpoch: Date.now(),
    },
    ...(body === undefined ? {} : { body }),
    isBase64Encoded: false,
  } as APIGatewayProxyEventV2WithJWTAuthorizer;
}

/** Claims as the HTTP API JWT authorizer passes them (arrays flattened to "[a b]"). */
export function claimsOf(user: {
  userId: string;
  name?: string;
  roles: string[];
  countyId: string;
  townshipId?: string;
}) {
  return {
    sub: user.userId,
    name: user.name ?? user.userId,
    "cognito:groups": `[${user.roles.join(" ")}]`,
    "custom:county": user.countyId,
    ...(user.townshipId ? { "custom:township": user.townshipId } : {}),
    // Staff sign in with a second factor (functions/http/actor.ts refuses them otherwise).
    amr: user.roles.every((role) => role === "applicant") ? "[pwd]" : "[pwd otp mfa]",
  };
}

export const OFFICER = claimsOf({
  userId: "officer-chengguan-1",
  roles: ["township-officer"],
  countyId: "230123",
  townshipId: "230123100",
});
export const APPLICANT = claimsOf({ userId: "applicant-zhang", roles: ["applicant"], countyId: "230123" });
export const FINANCE = claimsOf({ userId: "finance-1", roles: ["county-finance"], countyId: "230123" });

export const lambdaContext = { awsRequestId: "unit", functionName: "unit" } as Context;

export function parse(result: { body?: string }): Record<string, unknown> {
  return JSON.parse(result.body ?? "null") as Record<string, unknown>;
}
