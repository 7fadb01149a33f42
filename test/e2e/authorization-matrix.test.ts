/**
 * The authorization matrix (issue 10, DOMAIN §1), generated — not written by hand: every catalog route
 * that declares a `core/access` action × every role × the resource in the actor's own township, in
 * another township, in another county, and a case the actor handled (maker-checker). The expected
 * answer comes from `PERMISSIONS` alone (proofs/expected-access.ts); the server must answer 403 exactly
 * where the table denies. "Allowed" means not 401/403: the request may still fail for other reasons
 * (an empty body is a 400, a case not waiting for that step a 409). Every rejected request must leave
 * the tables as they were.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ACTIONS } from "#core/access/index.ts";
import type { RouteAccess } from "#functions/http/index.ts";
import { CHENGGUAN, DEMO_COUNTY, HEDONG } from "#local/seed/demo-county.ts";
import { DEMO_USERS } from "#local/seed/users.ts";
import { zhLeaks, zhTextsOfErrorBody } from "../support/zh-leaks.ts";
import { loadCatalogRoutes } from "./proofs/catalog-routes.ts";
import {
  allowedByTable,
  type MatrixActor,
  type MatrixResource,
  roleMayAtAll,
} from "./proofs/expected-access.ts";
import { digestTables } from "./proofs/tables.ts";
import { type ApiClient, putCaseFixture, startTestApi, type TestApi } from "./support/index.ts";

const OTHER_COUNTY = "230999";
const OTHER_COUNTY_TOWNSHIP = `${OTHER_COUNTY}100`;

/**
 * One demo user per role of DOMAIN §1, all of 城关镇 / the demo county, and the province roles
 * (carrying the province code): the read-only viewer allowed the roll-up (with its 外地受助 figures)
 * and refused everything else; the administrator the roll-up and the administration, and — like the
 * viewer — never a case, a fund or the masked 外地受助 notice lists.
 */
const ACTOR_IDS = [
  "applicant-zhang",
  "officer-chengguan-1",
  "approver-chengguan",
  "county-civil-1",
  "finance-1",
  "auditor-1",
  "province-viewer-1",
  "province-admin-1",
] as const;

interface Variant {
  name: string;
  /** Path parameter values for the route. */
  params: Record<string, string>;
  query?: Record<string, string>;
  resource: MatrixResource;
}

interface CaseFixtureSpec {
  caseId: string;
  countyId: string;
  townshipId: string;
  applicantUserId: string;
  handledBy: string[];
  variant: string;
}

const county = DEMO_COUNTY.countyId;
const CASES: CaseFixtureSpec[] = [
  {
    variant: "own township, not handled",
    caseId: "mx-own",
    countyId: county,
    townshipId: CHENGGUAN.townshipId,
    applicantUserId: "applicant-zhang",
    handledBy: [],
  },
  {
    variant: "own township, handled by the actor",
    caseId: "mx-handled",
    countyId: county,
    townshipId: CHENGGUAN.townshipId,
    applicantUserId: "applicant-zhang",
    handledBy: [...ACTOR_IDS],
  },
  {
    variant: "own case filed in another township",
    caseId: "mx-own-elsewhere",
    countyId: county,
    townshipId: HEDONG.townshipId,
    applicantUserId: "applicant-zhang",
    handledBy: [],
  },
  {
    variant: "another township",
    caseId: "mx-other-township",
    countyId: county,
    townshipId: HEDONG.townshipId,
    applicantUserId: "applicant-li",
    handledBy: [],
  },
  {
    variant: "another county",
    caseId: "mx-other-county",
    countyId: OTHER_COUNTY,
    townshipId: OTHER_COUNTY_TOWNSHIP,
    applicantUserId: "applicant-li",
    handledBy: [],
  },
];

function variantsFor(route: RouteAccess, actor: MatrixActor): Variant[] | undefined {
  if (route.resourceKind === "case") {
    return CASES.map((c) => ({
      name: c.variant,
      params: { caseId: c.caseId },
      resource: {
        countyId: c.countyId,
        townshipId: c.townshipId,
        ownerUserId: c.applicantUserId,
        handledBy: c.handledBy,
      },
    }));
  }
  if (route.resourceKind === "township") {
    return [
      { name: "own township", township: CHENGGUAN.townshipId },
      { name: "another township", township: HEDONG.townshipId },
      { name: "another county", township: OTHER_COUNTY_TOWNSHIP },
    ].map((v) => ({
      name: v.name,
      params: { townshipId: v.township },
      resource: { countyId: v.township.slice(0, 6), townshipId: v.township },
    }));
  }
  // No resource in the path: the role decides up front; a `countyId` query names another county.
  const variants: Variant[] = [{ name: "own county", params: {}, resource: { countyId: actor.countyId } }];
  const queryKeys = route.query
    ? Object.keys((route.query as unknown as { shape?: object }).shape ?? {})
    : [];
  if (queryKeys.includes("countyId")) {
    variants.push({
      name: "another county",
      params: {},
      query: { countyId: OTHER_COUNTY },
      resource: { countyId: OTHER_COUNTY },
    });
  }
  return variants;
}

type Expected = "allowed" | "403" | "handler decides";

function expectedAnswer(route: RouteAccess, actor: MatrixActor, variant: Variant): Expected {
  if (route.action === undefined) {
    // No declared action (it depends on the body or the case's state): whoever no grant at all lets
    // near the resource is refused up front; for the others the handler checks the exact action.
    const anyAccess = ACTIONS.some((action) => allowedByTable(actor, action, variant.resource));
    return anyAccess ? "handler decides" : "403";
  }
  const action = route.action;
  if (route.resourceKind === "case" || route.resourceKind === "township") {
    return allowedByTable(actor, action, variant.resource) ? "allowed" : "403";
  }
  // County-wide (no resource in the path): a county-scoped grant reads it; a township or own-case grant
  // may get its own part (the handler filters) or a 403 — its choice; no grant at all is a 403 up front.
  if (variant.resource.countyId !== actor.countyId) return "403";
  if (allowedByTable(actor, action, variant.resource)) return "allowed";
  return roleMayAtAll(actor, action) ? "handler decides" : "403";
}

/** Path parameters that do not name the resource get a plausible value (a period, a fund of 城关镇). */
const OTHER_PARAMS: Record<string, string> = {
  period: "2026-10",
  fundId: CHENGGUAN.townshipId,
  // The administration routes name the county in the path; none of these roles administers it.
  countyId: county,
  versionId: "mx-version",
  year: "2027",
  // A staff user of the county (the user routes name their county in the path).
  userId: "mx-user",
  // A township of the county (its administration routes name the county in the path, then the township).
  townshipId: CHENGGUAN.townshipId,
  // An early warning that does not exist: past the role check its route answers 404.
  alertId: "W20260301-0000000000",
};

function pathOf(route: RouteAccess, params: Record<string, string>): string | undefined {
  let missing = false;
  const path = route.path.replace(/\{([A-Za-z0-9_]+)\+?\}/g, (_m, name: string) => {
    const value =
      params[name] ?? OTHER_PARAMS[name] ?? (route.resourceKind === "role-only" ? "x1" : undefined);
    if (value === undefined) missing = true;
    return encodeURIComponent(value ?? "");
  });
  return missing ? undefined : path;
}

interface Cell {
  route: string;
  role: string;
  variant: string;
  expected: Expected;
  status: number;
}

let api: TestApi;
const clients = new Map<string, ApiClient>();

beforeAll(async () => {
  api = await startTestApi({ label: "e2e-authz-matrix" });
  for (const c of CASES) await putCaseFixture(api.tables, c);
  for (const id of ACTOR_IDS) clients.set(id, await api.signIn(id));
});

afterAll(async () => {
  await api?.close();
});

describe("authorization matrix: every route × role × scope, generated from the permission table", () => {
  it("answers 403 exactly where PERMISSIONS denies, and a rejected request writes nothing", async () => {
    // Prepare
    const { registered, unregistered } = await loadCatalogRoutes();
    const scoped = (route: RouteAccess) => route.resourceKind === "case" || route.resourceKind === "township";
    const inMatrix = registered.filter(
      (route) => !route.public && (route.action !== undefined || scoped(route)),
    );
    const outside = [
      ...registered
        .filter((route) => !route.public && route.action === undefined && !scoped(route))
        .map((r) => `${r.routeKey} (no declared action, no resource in the path: checked in the handler)`),
      ...unregistered.filter((r) => !r.public).map((r) => `${r.routeKey} (not an httpHandler route)`),
    ];
    const cells: Cell[] = [];
    const writesOnRejection: string[] = [];
    const uncovered: string[] = [];
    /** Internal codes, user ids or ISO timestamps in the Chinese of a refusal (what the caller sent aside). */
    const zhLeaksSeen: string[] = [];
    let before = await digestTables(api.tables);

    // Act
    for (const route of inMatrix) {
      for (const actorId of ACTOR_IDS) {
        const user = DEMO_USERS.find((u) => u.userId === actorId);
        const client = clients.get(actorId);
        if (!user || !client) throw new Error(`demo user ${actorId} missing`);
        const actor: MatrixActor = user;
        for (const variant of variantsFor(route, actor) ?? []) {
          const path = pathOf(route, variant.params);
          if (path === undefined) {
            uncovered.push(`${route.routeKey}: path parameter without a matrix resource`);
            continue;
          }
          const query = variant.query ? `?${new URLSearchParams(variant.query).toString()}` : "";
          const body = route.method === "GET" || route.method === "DELETE" ? undefined : {};
          const response = await client.request(route.method, `${path}${query}`, body);
          const expected = expectedAnswer(route, actor, variant);
          cells.push({
            route: route.routeKey,
            role: user.roles.join("+"),
            variant: variant.name,
            expected,
            status: response.status,
          });
          const sent = [...Object.values(variant.params), ...Object.values(variant.query ?? {})];
          for (const text of response.status >= 400 ? zhTextsOfErrorBody(response.body) : []) {
            for (const leak of zhLeaks(text, sent)) {
              zhLeaksSeen.push(
                `${route.routeKey} as ${actorId} → ${response.status}: ${leak.kind} ${leak.token} in「${text}」`,
              );
            }
          }
          const after = await digestTables(api.tables);
          if (response.status >= 400 && after !== before) {
            writesOnRejection.push(`${route.routeKey} as ${actorId} (${variant.name}) → ${response.status}`);
          }
          before = after;
        }
      }
    }

    // Assess
    const mismatches = cells.filter((cell) =>
      cell.expected === "403"
        ? cell.status !== 403
        : cell.expected === "allowed"
          ? cell.status === 401 || cell.status === 403
          : cell.status === 401,
    );
    const denied = cells.filter((c) => c.expected === "403").length;
    const handlerDecides = cells.filter((c) => c.expected === "handler decides").length;
    console.log(
      [
        `authorization matrix: ${cells.length} cells = ${inMatrix.length} routes × ${ACTOR_IDS.length} roles × scope variants`,
        `  expected allowed ${cells.length - denied - handlerDecides}, expected 403 ${denied}, left to the handler's exact action ${handlerDecides}, mismatches ${mismatches.length}`,
        `  routes: ${inMatrix.map((r) => `${r.routeKey} [${r.action ?? "any access"}, ${r.resourceKind}]`).join("; ")}`,
        `  not in the matrix: ${outside.length === 0 ? "none" : outside.join("; ")}`,
      ].join("\n"),
    );
    expect(inMatrix.length).toBeGreaterThan(0);
    expect(uncovered).toEqual([]);
    expect(mismatches).toEqual([]);
    expect(writesOnRejection).toEqual([]);
    expect([...new Set(zhLeaksSeen)]).toEqual([]);
    expect(cells.some((c) => c.expected === "403") && cells.some((c) => c.expected === "allowed")).toBe(true);
    // ~1,700 requests one after another: a minute on an idle machine, more on a loaded one.
  }, 240_000);
});
