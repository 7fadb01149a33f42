import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { httpHandler } from "#functions/http/index.ts";
import { captureLogs } from "#functions/runtime/logger.ts";
import { APPLICANT, FINANCE, httpEvent, lambdaContext, OFFICER, parse } from "./support.ts";

let stopCapture: (() => string[]) | undefined;
afterEach(() => {
  stopCapture?.();
  stopCapture = undefined;
});

function quiet() {
  stopCapture = captureLogs().stop;
}

const Body = z.object({ amountYuan: z.string() }).strict();

/** A route whose full check needs the body (a declared `resource`). */
const declared = httpHandler({
  route: "POST /unit/declared",
  body: Body,
  action: "fund.allocate",
  resource: () => ({ countyId: "230123" }),
  handler: async () => ({ ok: true }),
});

/** A route whose action depends on the body or state: the actions it may perform. */
const either = httpHandler({
  route: "POST /unit/either",
  body: Body,
  actions: ["case.file", "case.fileOnBehalf"],
  handler: async () => ({ ok: true }),
});

const malformed = (route: string, claims: Record<string, string>) =>
  httpEvent(route, { rawBody: "{", claims, headers: { "idempotency-key": "k-1" } });

describe("authorization before the body", () => {
  it("a role without the action's grant gets 403, its Chinese text without the internal action code, for a malformed body on a route with a declared resource", async () => {
    quiet();
    const officer = await declared(malformed("POST /unit/declared", OFFICER), lambdaContext);
    const finance = await declared(malformed("POST /unit/declared", FINANCE), lambdaContext);
    expect(officer.statusCode).toBe(403);
    expect(parse(officer).messageZh).toBe("当前角色无权执行此操作");
    expect(finance.statusCode).toBe(400);
  });

  it("a role holding none of a route's actions gets 403 for a malformed body; one holding any of them, 400", async () => {
    quiet();
    const finance = await either(malformed("POST /unit/either", FINANCE), lambdaContext);
    const applicant = await either(malformed("POST /unit/either", APPLICANT), lambdaContext);
    const officer = await either(malformed("POST /unit/either", OFFICER), lambdaContext);
    expect(finance.statusCode).toBe(403);
    expect(parse(finance).messageZh).not.toMatch(/case\./);
    expect(applicant.statusCode).toBe(400);
    expect(officer.statusCode).toBe(400);
  });
});
