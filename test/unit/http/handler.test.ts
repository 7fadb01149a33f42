import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { BusinessRuleError, ConflictError, NotFoundError } from "#core/errors.ts";
import { BUSINESS_TIME_HEADER, created, httpHandler, httpRouter } from "#functions/http/index.ts";
import { installClock, resetClock } from "#functions/runtime/clock.ts";
import { captureLogs } from "#functions/runtime/logger.ts";
import { APPLICANT, FINANCE, httpEvent, lambdaContext, OFFICER, parse } from "./support.ts";

let stopCapture: (() => string[]) | undefined;
afterEach(() => {
  stopCapture?.();
  stopCapture = undefined;
});

function quiet() {
  const capture = captureLogs();
  stopCapture = capture.stop;
  return capture;
}

const echo = httpHandler({
  route: "GET /unit/echo/{caseId}",
  params: z.object({ caseId: z.string().min(3) }),
  query: z.object({ limit: z.coerce.number().int().max(50).default(10) }),
  action: "case.read",
  // A case of 城关镇 without a store behind it (the default `{caseId}` resource reads the case table).
  resource: () => ({ countyId: "230123", townshipId: "230123100" }),
  handler: async ({ params, query, actor }) => ({
    caseId: params.caseId,
    limit: query.limit,
    user: actor.userId,
  }),
});

describe("httpHandler", () => {
  it("parses path and query with zod and hands the handler the actor from the JWT claims", async () => {
    quiet();
    const result = await echo(
      httpEvent("GET /unit/echo/{caseId}", {
        pathParameters: { caseId: "c-100" },
        query: { limit: "5" },
        claims: OFFICER,
      }),
      lambdaContext,
    );
    expect(result.statusCode).toBe(200);
    expect(parse(result)).toEqual({ caseId: "c-100", limit: 5, user: "officer-chengguan-1" });
  });

  it("reports every invalid field at once, with its location", async () => {
    quiet();
    const result = await echo(
      httpEvent("GET /unit/echo/{caseId}", {
        pathParameters: { caseId: "c" },
        query: { limit: "500" },
        claims: OFFICER,
      }),
      lambdaContext,
    );
    expect(result.statusCode).toBe(400);
    const body = parse(result);
    expect(body.code).toBe("VALIDATION_FAILED");
    expect((body.fields as Array<{ path: string }>).map((f) => f.path).sort()).toEqual([
      "path.caseId",
      "query.limit",
    ]);
  });

  it("refuses a request without claims (401) and a role without the action's grant (403)", async () => {
    quiet();
    const anonymous = await echo(
      httpEvent("GET /unit/echo/{caseId}", { pathParameters: { caseId: "c-1" } }),
      lambdaContext,
    );
    expect(anonymous.statusCode).toBe(401);
    expect(parse(anonymous).code).toBe("UNAUTHORIZED");
    const finance = await echo(
      httpEvent("GET /unit/echo/{caseId}", { pathParameters: { caseId: "c-1" }, claims: FINANCE }),
      lambdaContext,
    );
    expect(finance.statusCode).toBe(403);
    expect(parse(finance)).toMatchObject({ code: "FORBIDDEN", fields: [] });
  });

  it("a township role without a township claim is not a usable identity (401)", async () => {
    quiet();
    const { "custom:township": _t, ...noTownship } = OFFICER;
    const result = await echo(
      httpEvent("GET /unit/echo/{caseId}", { pathParameters: { caseId: "c-1" }, claims: noTownship }),
      lambdaContext,
    );
    expect(result.statusCode).toBe(401);
  });

  it.each([
    [new NotFoundError("Case c-1 not found", "案件不存在"), 404, "NOT_FOUND"],
    [new ConflictError("Already decided", "已作出决定"), 409, "CONFLICT"],
    [new BusinessRuleError("Above the advance ceiling", "超过先行救助上限"), 422, "BUSINESS_RULE_VIOLATED"],
  ])("maps %s to its status and the one error shape", async (error, status, code) => {
    quiet();
    const failing = httpHandler({
      route: `GET /unit/fail-${status}`,
      handler: async () => {
        throw error;
      },
    });
    const result = await failing(httpEvent(`GET /unit/fail-${status}`, { claims: OFFICER }), lambdaContext);
    expect(result.statusCode).toBe(status);
    expect(parse(result)).toEqual({ code, message: error.message, messageZh: error.messageZh, fields: [] });
  });

  it("anything that is not an AidFlowError is a plain 500 without internals, logged masked", async () => {
    // Prepare
    const capture = quiet();
    const broken = httpHandler({
      route: "POST /unit/broken",
      handler: async () => {
        throw new TypeError(
          "Cannot read properties of undefined (reading 'idNumber') for 230102199001011234",
        );
      },
    });
    // Act
    const result = await broken(
      httpEvent("POST /unit/broken", { body: {}, claims: APPLICANT }),
      lambdaContext,
    );
    // Assess
    expect(result.statusCode).toBe(500);
    expect(parse(result)).toEqual({
      code: "INTERNAL_ERROR",
      message: "Something went wrong on our side; please try again later",
      messageZh: "系统内部错误，请稍后重试",
      fields: [],
    });
    expect(result.body).not.toMatch(/TypeError|idNumber|stack|at /);
    const logged = capture.stop().join("\n");
    expect(logged).toContain("TypeError");
    expect(logged).not.toContain("230102199001011234");
  });

  it("malformed JSON is a 400 on the body, not a 500", async () => {
    quiet();
    const create = httpHandler({
      route: "POST /unit/create",
      body: z.object({ note: z.string() }),
      handler: async ({ body }) => created(body),
    });
    const bad = await create(
      httpEvent("POST /unit/create", { rawBody: "{not json", claims: APPLICANT }),
      lambdaContext,
    );
    expect(bad.statusCode).toBe(400);
    expect(parse(bad).fields).toEqual([
      { path: "body", message: "Malformed JSON", messageZh: "JSON 格式错误" },
    ]);
    const good = await create(
      httpEvent("POST /unit/create", { body: { note: "x" }, claims: APPLICANT }),
      lambdaContext,
    );
    expect(good.statusCode).toBe(201);
  });

  it("returns the caller's correlation id, or the request id, and logs with it", async () => {
    const capture = quiet();
    const sent = await echo(
      httpEvent("GET /unit/echo/{caseId}", {
        pathParameters: { caseId: "c-100" },
        claims: OFFICER,
        headers: { "x-correlation-id": "corr-abc" },
      }),
      lambdaContext,
    );
    expect(sent.headers["x-correlation-id"]).toBe("corr-abc");
    const event = httpEvent("GET /unit/echo/{caseId}", {
      pathParameters: { caseId: "c-100" },
      claims: OFFICER,
    });
    const generated = await echo(event, lambdaContext);
    expect(generated.headers["x-correlation-id"]).toBe(event.requestContext.requestId);
    const lines = capture.stop().map((line) => JSON.parse(line) as { correlationId?: string });
    expect(lines.map((l) => l.correlationId)).toEqual(["corr-abc", event.requestContext.requestId]);
  });

  it("says the business time of every answer, the API's clock rather than the wall clock", async () => {
    quiet();
    const businessMs = Date.parse("2026-11-02T09:00:00+08:00");
    installClock({ nowMs: () => businessMs });
    try {
      const ok = await echo(
        httpEvent("GET /unit/echo/{caseId}", { pathParameters: { caseId: "c-100" }, claims: OFFICER }),
        lambdaContext,
      );
      const refused = await echo(
        httpEvent("GET /unit/echo/{caseId}", { pathParameters: { caseId: "c" }, claims: OFFICER }),
        lambdaContext,
      );
      expect([ok.statusCode, refused.statusCode]).toEqual([200, 400]);
      expect(ok.headers[BUSINESS_TIME_HEADER]).toBe("2026-11-02T01:00:00.000Z");
      expect(refused.headers[BUSINESS_TIME_HEADER]).toBe("2026-11-02T01:00:00.000Z");
    } finally {
      resetClock();
    }
  });

  it("a router dispatches on routeKey and answers 404 for a route it does not serve", async () => {
    quiet();
    const router = httpRouter(echo);
    const hit = await router(
      httpEvent("GET /unit/echo/{caseId}", { pathParameters: { caseId: "c-100" }, claims: OFFICER }),
      lambdaContext,
    );
    expect(hit.statusCode).toBe(200);
    const miss = await router(httpEvent("GET /unit/other", { claims: OFFICER }), lambdaContext);
    expect(miss.statusCode).toBe(404);
  });

  it("a body that is not JSON by its content type is a 400 on headers.content-type", async () => {
    quiet();
    const create = httpHandler({
      route: "POST /unit/typed",
      body: z.object({ note: z.string() }),
      handler: async ({ body }) => created(body),
    });
    const result = await create(
      httpEvent("POST /unit/typed", {
        body: { note: "x" },
        headers: { "content-type": "text/plain" },
        claims: APPLICANT,
      }),
      lambdaContext,
    );
    expect(result.statusCode).toBe(400);
    expect((parse(result).fields as Array<{ path: string }>).map((f) => f.path)).toEqual([
      "headers.content-type",
    ]);
  });

  it("a role without the action's grant gets 403 before its body is read (no validation feedback)", async () => {
    quiet();
    const decide = httpHandler({
      route: "POST /unit/decide",
      body: z.object({ amountYuan: z.string() }),
      action: "advance.decide",
      handler: async () => created({}),
    });
    const result = await decide(
      httpEvent("POST /unit/decide", { rawBody: "{not json", claims: FINANCE }),
      lambdaContext,
    );
    expect(result.statusCode).toBe(403);
    expect(parse(result).fields).toEqual([]);
  });
});
