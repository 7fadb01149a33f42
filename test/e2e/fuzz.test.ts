/**
 * Fuzz (issue 10 §6): ≥ 10,000 generated bad requests across every POST/PUT route of the catalog
 * (proofs/bad-requests.ts derives them from each route's zod schema), sent through the local server as
 * a signed-in user whose role may use the route. The API must answer every one with a 4xx in the one
 * error shape `{ code, message, messageZh, fields[] }` — never a 5xx, never a success — and write
 * nothing: the item counts of both tables (Scan, Select COUNT) and a digest of every item are the
 * same before and after. `AIDFLOW_FUZZ_COUNT` / `AIDFLOW_FUZZ_SEED` change the run.
 *
 * The authenticated fuzz sends hostile bodies (proofs/hostile-bodies.ts: nesting 1,000–10,000 deep,
 * oversize, unicode junk, bad keys) and schema-derived bad bodies to every mutating route of the
 * catalog as a township officer and as an applicant: no 5xx, every one refused, nothing written.
 * `AIDFLOW_AUTH_FUZZ_COUNT` changes its size.
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Action } from "#core/access/index.ts";
import { CHENGGUAN } from "#local/seed/demo-county.ts";
import { DEMO_USERS } from "#local/seed/users.ts";
import { type BadRequest, badRequestArb, type FuzzTarget } from "./proofs/bad-requests.ts";
import { putCompleteCase } from "./proofs/case-fixture.ts";
import { loadCatalogRoutes } from "./proofs/catalog-routes.ts";
import { allowedByTable, roleMayAtAll } from "./proofs/expected-access.ts";
import { hostileRequestArb } from "./proofs/hostile-bodies.ts";
import { digestTables, snapshotTables } from "./proofs/tables.ts";
import { nearValid } from "./proofs/zod-arbitrary.ts";
import { type ApiClient, startTestApi, type TestApi } from "./support/index.ts";

const TOTAL = Number(process.env.AIDFLOW_FUZZ_COUNT ?? 10_000);
const SEED = Number(process.env.AIDFLOW_FUZZ_SEED ?? 20_261_123);
/** Requests in flight at once: the server, its handlers and DynamoDB Local share two cores. */
const CONCURRENCY = Number(process.env.AIDFLOW_FUZZ_CONCURRENCY ?? 12);
const AUTH_TOTAL = Number(process.env.AIDFLOW_AUTH_FUZZ_COUNT ?? 4_000);
/** The two callers the authenticated fuzz signs in as: staff of the fixture's township and its applicant. */
const AUTH_FUZZ_USERS = ["officer-chengguan-1", "applicant-zhang"] as const;

const FIXTURE_CASE = {
  caseId: "fz-case-1",
  townshipId: CHENGGUAN.townshipId,
  applicantUserId: "applicant-zhang",
  handledBy: [],
};
const VALID_PARAMS: Record<string, string> = {
  caseId: FIXTURE_CASE.caseId,
  townshipId: CHENGGUAN.townshipId,
  fundId: CHENGGUAN.townshipId,
  period: "2026-10",
};
/** Users of 城关镇 and the county, one per role; routes without a declared action rotate through them. */
const USERS = [
  "applicant-zhang",
  "officer-chengguan-1",
  "approver-chengguan",
  "county-civil-1",
  "finance-1",
  "auditor-1",
];

interface Finding {
  route: string;
  status: number;
  problem: string;
  request: string;
  response: string;
}

const ERROR_KEYS = ["code", "fields", "message", "messageZh"];

function shapeProblem(text: string, contentType: string | null): string | undefined {
  if (!(contentType ?? "").includes("application/json")) return `content type ${contentType}`;
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return "body is not JSON";
  }
  if (!body || typeof body !== "object" || Array.isArray(body)) return "body is not an object";
  const record = body as Record<string, unknown>;
  if (Object.keys(record).sort().join(",") !== ERROR_KEYS.join(","))
    return `keys ${Object.keys(record).join(",")}`;
  if (
    typeof record.code !== "string" ||
    typeof record.message !== "string" ||
    typeof record.messageZh !== "string"
  ) {
    return "code/message/messageZh not strings";
  }
  const fields = record.fields;
  if (!Array.isArray(fields)) return "fields is not an array";
  for (const field of fields) {
    const f = field as Record<string, unknown>;
    if (typeof f.path !== "string" || typeof f.message !== "string" || typeof f.messageZh !== "string") {
      return "a field without path/message/messageZh";
    }
  }
  if (/\bat [\w.<>]+ \(|node_modules|\.ts:\d+/.test(text)) return "stack trace in the body";
  return undefined;
}

let api: TestApi;
const clients = new Map<string, ApiClient>();

beforeAll(async () => {
  api = await startTestApi({
    label: "e2e-fuzz",
    // The signed bank callback is fuzzed too: unsigned and badly signed requests must be refused.
    env: { AIDFLOW_BANK_CALLBACK_SECRET: "e2e-fuzz-bank-callback-secret" },
  });
  await putCompleteCase(api.tables, { ...FIXTURE_CASE, countyId: FIXTURE_CASE.townshipId.slice(0, 6) });
  for (const id of USERS) clients.set(id, await api.signIn(id));
});

afterAll(async () => {
  await api?.close();
});

function clientFor(action: Action | undefined, index: number): ApiClient {
  const users = USERS.map((id) => DEMO_USERS.find((u) => u.userId === id)).filter((u) => u !== undefined);
  const resource = {
    countyId: FIXTURE_CASE.townshipId.slice(0, 6),
    townshipId: FIXTURE_CASE.townshipId,
    ownerUserId: FIXTURE_CASE.applicantUserId,
    handledBy: [],
  };
  const fitting = action
    ? users.filter((u) => allowedByTable(u, action, resource) || roleMayAtAll(u, action))
    : users;
  const pool = fitting.length > 0 ? fitting : users;
  const user = pool[index % pool.length];
  const client = user ? clients.get(user.userId) : undefined;
  if (!client) throw new Error("no signed-in user for the fuzz");
  return client;
}

/** One retry on a reset connection: the request never reached a handler, and retrying is what keys are for. */
async function retryOnReset<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (String((error as Error).cause).includes("ECONNRESET")) return fn();
    throw error;
  }
}

async function send(client: ApiClient | undefined, method: string, request: BadRequest, baseUrl: string) {
  return retryOnReset(() => sendOnce(client, method, request, baseUrl));
}

async function sendOnce(client: ApiClient | undefined, method: string, request: BadRequest, baseUrl: string) {
  const headers: Record<string, string> = { ...request.headers };
  if (client?.token) headers.authorization = `Bearer ${client.token}`;
  const response = await fetch(new URL(request.path, baseUrl), {
    method,
    headers,
    ...(request.body !== undefined ? { body: request.body as BodyInit } : {}),
  });
  return {
    status: response.status,
    contentType: response.headers.get("content-type"),
    text: await response.text(),
  };
}

describe("fuzz: generated bad requests against every POST/PUT route", () => {
  it(`answers ${TOTAL} bad requests with 4xx in the one error shape and writes nothing`, async () => {
    // Prepare
    const { registered, unregistered } = await loadCatalogRoutes();
    const targets: Array<FuzzTarget & { action?: Action; anonymous: boolean }> = [
      ...registered
        .filter((r) => (r.method === "POST" || r.method === "PUT") && !r.public)
        .map((r) => ({
          routeKey: r.routeKey,
          method: r.method,
          path: r.path,
          paramNames: r.paramNames,
          validParams: VALID_PARAMS,
          ...(r.params ? { params: r.params } : {}),
          ...(r.body ? { body: r.body } : {}),
          ownProtocol: false,
          ...(r.action ? { action: r.action } : {}),
          anonymous: false,
        })),
      ...unregistered
        .filter((r) => r.method === "POST" || r.method === "PUT")
        .map((r) => ({
          routeKey: r.routeKey,
          method: r.method,
          path: r.path,
          paramNames: [...r.path.matchAll(/\{([A-Za-z0-9_]+)\+?\}/g)].map((m) => m[1] as string),
          validParams: VALID_PARAMS,
          ownProtocol: true,
          anonymous: r.public,
        })),
    ];
    const perRoute = Math.ceil(TOTAL / targets.length);
    const generationStartedMs = Date.now();
    const jobs: Array<{
      target: (typeof targets)[number];
      request: BadRequest;
      client: ApiClient | undefined;
    }> = [];
    targets.forEach((target, t) => {
      const requests = fc.sample(badRequestArb(target), { numRuns: perRoute, seed: SEED + t });
      requests.forEach((request, i) => {
        jobs.push({ target, request, client: target.anonymous ? undefined : clientFor(target.action, i) });
      });
    });
    const generationMs = Date.now() - generationStartedMs;
    const before = await snapshotTables(api.tables);
    const findings: Finding[] = [];
    const statuses = new Map<number, number>();
    const defectKinds = new Map<string, number>();
    const startedMs = Date.now();

    // Act
    let next = 0;
    const worker = async () => {
      while (next < jobs.length) {
        const job = jobs[next++];
        if (!job) break;
        for (const defect of job.request.defects) {
          const kind = defect.replace(/ [a-zA-Z,]+$/, "");
          defectKinds.set(kind, (defectKinds.get(kind) ?? 0) + 1);
        }
        let result: Awaited<ReturnType<typeof send>>;
        try {
          result = await send(job.client, job.target.method, job.request, api.url);
        } catch (error) {
          findings.push({
            route: job.target.routeKey,
            status: 0,
            problem: `no answer: ${String(error)}`,
            request: job.request.sample,
            response: "",
          });
          continue;
        }
        statuses.set(result.status, (statuses.get(result.status) ?? 0) + 1);
        const problem =
          result.status >= 500
            ? "5xx"
            : result.status < 400
              ? `accepted a request with defects: ${job.request.defects.join("; ")}`
              : job.target.ownProtocol
                ? undefined
                : shapeProblem(result.text, result.contentType);
        if (problem) {
          findings.push({
            route: job.target.routeKey,
            status: result.status,
            problem,
            request: job.request.sample,
            response: result.text.slice(0, 300),
          });
        }
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    const after = await snapshotTables(api.tables);

    // Assess
    console.log(
      [
        `fuzz: ${jobs.length} bad requests over ${targets.length} POST/PUT routes (${perRoute} each), seed ${SEED}, generated in ${(generationMs / 1000).toFixed(1)} s, sent in ${((Date.now() - startedMs) / 1000).toFixed(1)} s`,
        `  statuses: ${[...statuses.entries()]
          .sort(([a], [b]) => a - b)
          .map(([s, n]) => `${s}×${n}`)
          .join(" ")}`,
        `  defects: ${[...defectKinds.entries()].map(([d, n]) => `${d}×${n}`).join(", ")}`,
        `  routes: ${targets.map((t) => t.routeKey).join("; ")}`,
        `  tables before ${JSON.stringify(before.counts)} after ${JSON.stringify(after.counts)}`,
        `  findings: ${findings.length}`,
        ...findings
          .slice(0, 20)
          .map((f) => `    ${f.route} → ${f.status} ${f.problem}\n      ${f.request}\n      ${f.response}`),
      ].join("\n"),
    );
    expect(jobs.length).toBeGreaterThanOrEqual(TOTAL);
    expect(findings).toEqual([]);
    expect(after.counts).toEqual(before.counts);
    expect(after.digest).toBe(before.digest);
  }, 300_000);

  it("refuses well-formed requests the case is not ready for (4xx), and such a refusal writes nothing either", async () => {
    // Prepare: bodies that pass the route's schema, sent with a fresh Idempotency-Key to the fixture
    // case, which waits for nothing — the handler itself must refuse, and release what it claimed.
    const { registered } = await loadCatalogRoutes();
    const routes = registered.filter(
      (r) => (r.method === "POST" || r.method === "PUT") && !r.public && r.resourceKind === "case",
    );
    const perRoute = 8;
    const unreachable: string[] = [];
    const findings: Finding[] = [];
    let refused = 0;
    let accepted = 0;
    let before = await digestTables(api.tables);

    // Act
    for (const [index, route] of routes.entries()) {
      let bodies: unknown[] = [{}];
      if (route.body) {
        const schema = route.body;
        try {
          bodies = fc.sample(
            nearValid(schema).filter((value) => schema.safeParse(value).success),
            { numRuns: perRoute, seed: SEED + index },
          );
        } catch {
          unreachable.push(route.routeKey);
          continue;
        }
      }
      for (const [i, body] of bodies.entries()) {
        const client = clientFor(route.action, i);
        let response: Awaited<ReturnType<ApiClient["post"]>>;
        try {
          response = await retryOnReset(() =>
            client.post(route.path.replace("{caseId}", FIXTURE_CASE.caseId), body, {
              idempotencyKey: `fz-valid-${index}-${i}-${SEED}`,
            }),
          );
        } catch (error) {
          findings.push({
            route: route.routeKey,
            status: 0,
            problem: `no answer: ${String((error as Error).cause ?? error)}`,
            request: JSON.stringify(body).slice(0, 300),
            response: "",
          });
          continue;
        }
        const after = await digestTables(api.tables);
        if (response.status >= 500) {
          findings.push({
            route: route.routeKey,
            status: response.status,
            problem: "5xx",
            request: JSON.stringify(body).slice(0, 200),
            response: response.text.slice(0, 300),
          });
        } else if (response.status >= 400) {
          refused++;
          const shape = shapeProblem(response.text, response.headers.get("content-type"));
          if (shape || after !== before) {
            findings.push({
              route: route.routeKey,
              status: response.status,
              problem: shape ?? "a refused request changed the tables",
              request: JSON.stringify(body).slice(0, 200),
              response: response.text.slice(0, 300),
            });
          }
        } else {
          accepted++;
        }
        before = after;
      }
    }

    // Assess
    console.log(
      `fuzz, well-formed: ${refused} refused, ${accepted} accepted over ${routes.length - unreachable.length} case routes; ` +
        `no valid body found for: ${unreachable.join("; ") || "none"}; findings ${findings.length}`,
    );
    expect(refused).toBeGreaterThan(0);
    expect(findings).toEqual([]);
  }, 300_000);

  // POST /bank/callback has its own protocol (HMAC, outside httpHandler) but the same error shape.
  it("the signed bank callback answers its refusals in the one error shape too", async () => {
    // Prepare
    const unsigned = { instructionId: "x", outcome: "confirmed", bankReference: "r", amountYuan: "1.00" };
    // Act
    const response = await api.anonymous.post("/bank/callback", unsigned);
    // Assess
    expect(response.status).toBe(401);
    expect(shapeProblem(response.text, response.headers.get("content-type"))).toBeUndefined();
  });
});

describe("authenticated fuzz: hostile bodies on every mutating route, as an officer and as an applicant", () => {
  it(`refuses ≥ ${AUTH_TOTAL} hostile and malformed bodies with 4xx, never 5xx, and writes nothing`, async () => {
    // Prepare: every mutating route of the catalog (the route registry, not a hand list)
    const { registered, unregistered } = await loadCatalogRoutes();
    const targets: FuzzTarget[] = [
      ...registered
        .filter((r) => r.method !== "GET" && !r.public)
        .map((r) => ({
          routeKey: r.routeKey,
          method: r.method,
          path: r.path,
          paramNames: r.paramNames,
          validParams: VALID_PARAMS,
          ...(r.params ? { params: r.params } : {}),
          ...(r.body ? { body: r.body } : {}),
          ownProtocol: false,
        })),
      ...unregistered
        .filter((r) => r.method !== "GET")
        .map((r) => ({
          routeKey: r.routeKey,
          method: r.method,
          path: r.path,
          paramNames: [...r.path.matchAll(/\{([A-Za-z0-9_]+)\+?\}/g)].map((m) => m[1] as string),
          validParams: VALID_PARAMS,
          ownProtocol: true,
        })),
    ];
    const perPair = Math.ceil(AUTH_TOTAL / (targets.length * AUTH_FUZZ_USERS.length));
    const jobs: Array<{ target: FuzzTarget; request: BadRequest; user: string; deep: boolean }> = [];
    for (const [t, target] of targets.entries()) {
      for (const [u, user] of AUTH_FUZZ_USERS.entries()) {
        const seed = SEED + 1_000 * (u + 1) + t;
        // Three hostile bodies for every two schema-derived ones (wrong types, missing/extra fields …).
        const hostile = fc.sample(hostileRequestArb(target), { numRuns: Math.ceil((perPair * 3) / 5), seed });
        const derived = fc.sample(badRequestArb(target), { numRuns: Math.ceil((perPair * 2) / 5), seed });
        for (const request of [...hostile, ...derived]) {
          jobs.push({ target, request, user, deep: / nesting \d+ deep/.test(request.sample) });
        }
      }
    }
    const before = await snapshotTables(api.tables);
    const findings: Finding[] = [];
    const statuses = new Map<number, number>();
    const deepStatuses = new Map<number, number>();
    const startedMs = Date.now();

    // Act
    let next = 0;
    const worker = async () => {
      while (next < jobs.length) {
        const job = jobs[next++];
        if (!job) break;
        let result: Awaited<ReturnType<typeof send>>;
        try {
          result = await send(clients.get(job.user), job.target.method, job.request, api.url);
        } catch (error) {
          findings.push({
            route: job.target.routeKey,
            status: 0,
            problem: `no answer: ${String(error)}`,
            request: job.request.sample,
            response: "",
          });
          continue;
        }
        statuses.set(result.status, (statuses.get(result.status) ?? 0) + 1);
        if (job.deep) deepStatuses.set(result.status, (deepStatuses.get(result.status) ?? 0) + 1);
        const problem =
          result.status >= 500
            ? "5xx"
            : result.status < 400
              ? `accepted a refused request (${job.request.defects.join("; ")})`
              : job.target.ownProtocol
                ? undefined
                : shapeProblem(result.text, result.contentType);
        if (problem) {
          findings.push({
            route: `${job.target.routeKey} as ${job.user}`,
            status: result.status,
            problem,
            request: job.request.sample,
            response: result.text.slice(0, 300),
          });
        }
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    const after = await snapshotTables(api.tables);

    // Assess
    const histogram = (counts: Map<number, number>) =>
      [...counts.entries()]
        .sort(([a], [b]) => a - b)
        .map(([status, n]) => `${status}×${n}`)
        .join(" ");
    console.log(
      [
        `authenticated fuzz: ${jobs.length} requests over ${targets.length} mutating routes × ${AUTH_FUZZ_USERS.join(", ")}, seed ${SEED}, sent in ${((Date.now() - startedMs) / 1000).toFixed(1)} s`,
        `  statuses: ${histogram(statuses)}`,
        `  nesting 1,000–10,000 deep: ${[...deepStatuses.values()].reduce((a, b) => a + b, 0)} requests, statuses ${histogram(deepStatuses)}`,
        `  tables before ${JSON.stringify(before.counts)} after ${JSON.stringify(after.counts)}`,
        `  findings: ${findings.length}`,
        ...findings
          .slice(0, 20)
          .map((f) => `    ${f.route} → ${f.status} ${f.problem}\n      ${f.request}\n      ${f.response}`),
      ].join("\n"),
    );
    expect(jobs.length).toBeGreaterThanOrEqual(AUTH_TOTAL);
    for (const target of targets) {
      for (const user of AUTH_FUZZ_USERS) {
        expect(
          jobs.some((j) => j.target === target && j.user === user && j.deep),
          `${target.routeKey} as ${user} got a deeply nested body`,
        ).toBe(true);
      }
    }
    expect(findings).toEqual([]);
    expect(after.counts).toEqual(before.counts);
    expect(after.digest).toBe(before.digest);
  }, 180_000);
});
