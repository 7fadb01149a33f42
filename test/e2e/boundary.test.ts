/**
 * The HTTP boundary against hostile and careless callers, over the local server: bodies nested deeper
 * than any schema, callers whose role can never use a route (403 before the body is read), empty and
 * over-long `Idempotency-Key`s, routes that require a key, and document file names, upload tickets and
 * download links. Every refused request leaves the tables as they were.
 */
import { readdir, readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { DOWNLOAD_URL_TTL_SECONDS } from "#adapters/document-store.ts";
import { type Action, grantsFor } from "#core/access/index.ts";
import type { RouteAccess } from "#functions/http/index.ts";
import { MAX_JSON_DEPTH } from "#functions/http/index.ts";
import { installClock, resetClock } from "#functions/runtime/clock.ts";
import { CHENGGUAN } from "#local/seed/demo-county.ts";
import { DEMO_USERS } from "#local/seed/users.ts";
import { putCompleteCase } from "./proofs/case-fixture.ts";
import { loadCatalogRoutes } from "./proofs/catalog-routes.ts";
import { snapshotTables } from "./proofs/tables.ts";
import { type ApiClient, type ApiResponse, startTestApi, type TestApi } from "./support/index.ts";

const CASE_ID = "bd-case-1";
const PARAMS: Record<string, string> = {
  caseId: CASE_ID,
  townshipId: CHENGGUAN.townshipId,
  period: "2026-10",
  // The administration routes: the demo county, a version, a year.
  countyId: CHENGGUAN.townshipId.slice(0, 6),
  versionId: "bd-version",
  year: "2027",
};
/** One demo user per role, all of 城关镇 / the demo county. */
const USER_IDS = [
  "applicant-zhang",
  "officer-chengguan-1",
  "approver-chengguan",
  "county-civil-1",
  "finance-1",
  "auditor-1",
] as const;
const WEB_SRC = resolve(import.meta.dirname, "../../web/src");

type FieldErrorBody = { code: string; fields: Array<{ path: string; message: string; messageZh: string }> };

let api: TestApi;
const clients = new Map<string, ApiClient>();
let mutating: RouteAccess[] = [];
let keyCounter = 0;

beforeAll(async () => {
  api = await startTestApi({ label: "e2e-boundary" });
  await putCompleteCase(api.tables, {
    caseId: CASE_ID,
    countyId: CHENGGUAN.townshipId.slice(0, 6),
    townshipId: CHENGGUAN.townshipId,
    applicantUserId: "applicant-zhang",
  });
  for (const id of USER_IDS) clients.set(id, await api.signIn(id));
  const { registered } = await loadCatalogRoutes();
  mutating = registered.filter((r) => (r.method === "POST" || r.method === "PUT") && !r.public);
});

afterAll(async () => {
  await api?.close();
});

function client(userId: string): ApiClient {
  const found = clients.get(userId);
  if (!found) throw new Error(`${userId} is not signed in`);
  return found;
}

function pathOf(route: RouteAccess): string {
  return route.path.replace(/\{([A-Za-z0-9_]+)\}/g, (_m, name: string) => PARAMS[name] ?? "x");
}

function freshKey(): string {
  keyCounter += 1;
  return `bd-${keyCounter}-${Date.now()}`;
}

function rawPost(
  who: ApiClient,
  route: RouteAccess,
  text: string,
  headers: Record<string, string> = {},
): Promise<ApiResponse<FieldErrorBody>> {
  return who.request<FieldErrorBody>(route.method, pathOf(route), undefined, {
    rawBody: text,
    headers: { "content-type": "application/json", "idempotency-key": freshKey(), ...headers },
  });
}

function routeActions(route: RouteAccess): Action[] {
  return route.action ? [route.action] : (route.actions ?? []);
}

function mayEver(userId: string, actions: readonly Action[]): boolean {
  const roles = DEMO_USERS.find((u) => u.userId === userId)?.roles ?? [];
  return actions.some((action) => grantsFor(action).some((grant) => roles.includes(grant.role)));
}

const deepArray = (depth: number) => `${"[".repeat(depth)}${"]".repeat(depth)}`;
const deepObject = (depth: number) => `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`;

describe("bodies nested deeper than any request", () => {
  it("a 5000-deep array or object is a 400 on `body` in both languages on every mutating route, never a 500, and writes nothing", async () => {
    // Prepare
    const before = await snapshotTables(api.tables);
    const answers: string[] = [];
    // Act
    for (const route of mutating) {
      for (const userId of USER_IDS) {
        if (!mayEver(userId, routeActions(route))) continue;
        for (const [shape, text] of [
          ["array", deepArray(5000)],
          ["object", deepObject(5000)],
        ] as const) {
          const res = await rawPost(client(userId), route, text);
          answers.push(`${route.routeKey} ${userId} ${shape} → ${res.status}`);
          // Assess
          expect(
            res.status,
            `${route.routeKey} as ${userId}, ${shape}: ${res.text.slice(0, 200)}`,
          ).toBeLessThan(500);
          if (res.status === 400) {
            expect(res.body.fields).toContainEqual({
              path: "body",
              message: `Arrays and objects nest at most ${MAX_JSON_DEPTH} levels deep`,
              messageZh: `数组和对象的嵌套不能超过 ${MAX_JSON_DEPTH} 层`,
            });
          }
        }
      }
    }
    expect(answers.length).toBeGreaterThan(mutating.length);
    expect(answers.filter((a) => a.endsWith("→ 400")).length).toBeGreaterThan(0);
    const after = await snapshotTables(api.tables);
    expect(after).toEqual(before);
  }, 120_000);

  it(`a body nested ${MAX_JSON_DEPTH} deep passes the depth check; one level more is refused`, async () => {
    // Prepare
    const allocations = mutating.find((r) => r.routeKey === "POST /allocations");
    if (!allocations) throw new Error("POST /allocations is not registered");
    // Act
    const atLimit = await rawPost(client("finance-1"), allocations, deepObject(MAX_JSON_DEPTH));
    const overLimit = await rawPost(client("finance-1"), allocations, deepArray(MAX_JSON_DEPTH + 1));
    // Assess
    expect(atLimit.status).toBe(400);
    expect(atLimit.body.fields.map((f) => f.messageZh)).not.toContain(
      `数组和对象的嵌套不能超过 ${MAX_JSON_DEPTH} 层`,
    );
    expect(overLimit.status).toBe(400);
    expect(overLimit.body.fields.map((f) => f.path)).toEqual(["body"]);
  });

  it("brackets inside strings do not count as nesting", async () => {
    const allocations = mutating.find((r) => r.routeKey === "POST /allocations");
    if (!allocations) throw new Error("POST /allocations is not registered");
    const res = await rawPost(
      client("finance-1"),
      allocations,
      JSON.stringify({ note: `${"[".repeat(500)}\\"{{{${"{".repeat(500)}` }),
    );
    expect(res.status).toBe(400);
    expect(res.body.fields.map((f) => f.path)).not.toContain("body");
  });
});

describe("authorization before the body", () => {
  it("every mutating route names the action or actions it may perform", () => {
    const unnamed = mutating.filter((r) => routeActions(r).length === 0).map((r) => r.routeKey);
    expect(unnamed).toEqual([]);
  });

  it("a caller none of whose roles may ever use a route gets 403 for a malformed body, not 400 (an officer sending `{` to a finance route)", async () => {
    // Prepare
    const before = await snapshotTables(api.tables);
    const wrong: string[] = [];
    let refused = 0;
    // Act
    for (const route of mutating) {
      for (const userId of USER_IDS) {
        if (mayEver(userId, routeActions(route))) continue;
        const res = await rawPost(client(userId), route, "{");
        refused += 1;
        if (res.status !== 403) wrong.push(`${route.routeKey} as ${userId} → ${res.status}`);
      }
    }
    // Assess
    expect(refused).toBeGreaterThan(mutating.length);
    expect(wrong).toEqual([]);
    const execute = mutating.find((r) => r.routeKey.endsWith("/replenishment/execute"));
    if (!execute) throw new Error("the replenishment execute route is not registered");
    const officer = await rawPost(client("officer-chengguan-1"), execute, "{");
    expect(officer.status).toBe(403);
    expect(officer.body.code).toBe("FORBIDDEN");
    expect(await snapshotTables(api.tables)).toEqual(before);
  }, 60_000);
});

describe("Idempotency-Key", () => {
  const upload = { kind: "other", fileName: "收据.pdf", contentType: "application/pdf", sizeBytes: 20 };

  it("an empty key is a 400 on the header, not a request without a key, and writes nothing", async () => {
    // Prepare
    const before = await snapshotTables(api.tables);
    // Act
    const documents = await client("applicant-zhang").post<FieldErrorBody>(
      `/cases/${CASE_ID}/documents`,
      upload,
      {
        headers: { "idempotency-key": "" },
      },
    );
    const replenished = await client("finance-1").post<FieldErrorBody>(
      `/cases/${CASE_ID}/fund-replenished`,
      undefined,
      {
        headers: { "idempotency-key": "" },
      },
    );
    // Assess
    for (const res of [documents, replenished]) {
      expect(res.status, res.text).toBe(400);
      expect(res.body.fields).toEqual([
        { path: "headers.idempotency-key", message: "Must not be empty", messageZh: "不能为空" },
      ]);
    }
    expect(await snapshotTables(api.tables)).toEqual(before);
  });

  it("a key of 129 characters is a 400; 128 characters are accepted", async () => {
    // Act
    const tooLong = await client("applicant-zhang").post<FieldErrorBody>(
      `/cases/${CASE_ID}/documents`,
      upload,
      {
        idempotencyKey: "k".repeat(129),
      },
    );
    const longest = await client("applicant-zhang").post(`/cases/${CASE_ID}/documents`, upload, {
      idempotencyKey: `${"k".repeat(120)}${String(Date.now()).slice(-8)}`,
    });
    // Assess
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.fields).toEqual([
      {
        path: "headers.idempotency-key",
        message: "At most 128 characters",
        messageZh: "不能超过 128 个字符",
      },
    ]);
    expect(longest.status, longest.text).toBe(201);
  });

  it("routes that add a record require a key, and /openapi.json says so (required: true); other POSTs keep it optional", async () => {
    // Prepare
    const doc = await api.anonymous.get<{
      paths: Record<
        string,
        Record<string, { parameters?: Array<{ in: string; name: string; required?: boolean }> }>
      >;
    }>("/openapi.json");
    const keyParameter = (path: string) =>
      doc.body.paths[path]?.post?.parameters?.find((p) => p.in === "header" && p.name === "idempotency-key");
    // Act
    const withoutKey = await client("applicant-zhang").post<FieldErrorBody>(
      `/cases/${CASE_ID}/documents`,
      upload,
    );
    // Assess
    const required = mutating.filter((r) => r.idempotencyKeyRequired).map((r) => r.routeKey);
    expect(required).toEqual(expect.arrayContaining(["POST /allocations", "POST /cases/{caseId}/documents"]));
    for (const route of mutating.filter((r) => r.method === "POST")) {
      expect(keyParameter(route.path)?.required ?? false, route.routeKey).toBe(
        route.idempotencyKeyRequired === true,
      );
    }
    expect(withoutKey.status).toBe(400);
    expect(withoutKey.body.fields.map((f) => f.path)).toEqual(["headers.idempotency-key"]);
  });
});

describe("document file names, upload tickets and download links", () => {
  const BAD_NAMES: Array<[string, string]> = [
    ["NUL", "a\u0000.pdf"],
    ["BEL", "a\u0007.pdf"],
    ["C1 control", "a\u0085.pdf"],
    ["right-to-left override", "证明\u202Efdp.exe"],
    ["left-to-right embedding", "\u202Aa.pdf"],
    ["first-strong isolate", "a\u2068b.pdf"],
    ["right-to-left mark", "a\u200F.pdf"],
    ["Arabic letter mark", "a\u061C.pdf"],
    ["lone high surrogate", "a\uD800.pdf"],
    ["lone low surrogate", "a\uDC00.pdf"],
  ];

  afterEach(() => resetClock());

  it.each(BAD_NAMES)(
    "a file name with a %s is a 400 on fileName in both languages and writes nothing",
    async (_what, fileName) => {
      // Prepare
      const before = await snapshotTables(api.tables);
      // Act
      const res = await client("applicant-zhang").post<FieldErrorBody>(
        `/cases/${CASE_ID}/documents`,
        { kind: "other", fileName, contentType: "application/pdf", sizeBytes: 10 },
        { idempotencyKey: freshKey() },
      );
      // Assess
      expect(res.status, res.text).toBe(400);
      expect(res.body.fields.map((f) => f.path)).toEqual(["fileName"]);
      expect(res.body.fields[0]?.messageZh).toMatch(/^文件名不能包含/);
      expect(res.body.fields[0]?.message).toMatch(/^The file name must not contain/);
      expect(await snapshotTables(api.tables)).toEqual(before);
    },
  );

  async function uploaded(fileName: string, bytes: Buffer) {
    const applicant = client("applicant-zhang");
    const requested = await applicant.post<{
      document: { docId: string; fileName: string };
      upload: { method: string; url: string; headers: Record<string, string> };
    }>(
      `/cases/${CASE_ID}/documents`,
      { kind: "incident-proof", fileName, contentType: "application/pdf", sizeBytes: bytes.length },
      { idempotencyKey: freshKey() },
    );
    expect(requested.status, requested.text).toBe(201);
    const put = await fetch(requested.body.upload.url, {
      method: "PUT",
      headers: requested.body.upload.headers,
      body: new Uint8Array(bytes),
    });
    expect(put.status).toBe(200);
    return requested.body;
  }

  async function downloadOf(docId: string): Promise<{ url: string; expiresAt: string }> {
    const list = await client("officer-chengguan-1").get<{
      documents: Array<{ docId: string; download?: { url: string; expiresAt: string } }>;
    }>(`/cases/${CASE_ID}/documents`);
    const download = list.body.documents.find((d) => d.docId === docId)?.download;
    if (!download) throw new Error(`no download link for ${docId}`);
    return download;
  }

  it("a name with markup is kept as text and saved under an RFC 5987 Content-Disposition", async () => {
    // Prepare
    const fileName = '<script>alert(1)</script> 火灾"证明".pdf';
    const pdf = Buffer.from("%PDF-1.4\n%%EOF\n");
    const { document } = await uploaded(fileName, pdf);
    // Act
    const download = await fetch((await downloadOf(document.docId)).url);
    // Assess
    expect(document.fileName).toBe(fileName);
    expect(download.status).toBe(200);
    expect(download.headers.get("content-disposition")).toBe(
      "attachment; " +
        'filename="<script>alert(1)</script> ______.pdf"; ' +
        "filename*=UTF-8''%3Cscript%3Ealert%281%29%3C%2Fscript%3E%20%E7%81%AB%E7%81%BE%22%E8%AF%81%E6%98%8E%22.pdf",
    );
    expect(download.headers.get("x-content-type-options")).toBe("nosniff");
  });

  it("the web consoles render file names as text: no v-html anywhere", async () => {
    const files: string[] = [];
    const walk = async (dir: string) => {
      for (const entry of await readdir(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) await walk(path);
        else if (/\.(vue|ts)$/.test(entry.name)) files.push(path);
      }
    };
    await walk(WEB_SRC);
    const withHtml = [];
    for (const file of files) if (/v-html|innerHTML/.test(await readFile(file, "utf8"))) withHtml.push(file);
    expect(files.length).toBeGreaterThan(10);
    expect(withHtml).toEqual([]);
  });

  it("an upload ticket uploads once: a second PUT with it is a 409 and the first file stays", async () => {
    // Prepare
    const applicant = client("applicant-zhang");
    const first = Buffer.from("%PDF-1.4 first\n");
    const second = Buffer.from("%PDF-1.4 other\n");
    const requested = await applicant.post<{ document: { docId: string }; upload: { url: string } }>(
      `/cases/${CASE_ID}/documents`,
      {
        kind: "medical-record",
        fileName: "诊断.pdf",
        contentType: "application/pdf",
        sizeBytes: first.length,
      },
      { idempotencyKey: freshKey() },
    );
    const put = (body: Buffer) =>
      fetch(requested.body.upload.url, {
        method: "PUT",
        headers: { "content-type": "application/pdf" },
        body: new Uint8Array(body),
      });
    expect((await put(first)).status).toBe(200);
    // Act
    const again = await put(second);
    // Assess
    expect(again.status).toBe(409);
    const download = await fetch((await downloadOf(requested.body.document.docId)).url);
    expect(Buffer.from(await download.arrayBuffer()).equals(first)).toBe(true);
  });

  it(`a download link is refused once its ${DOWNLOAD_URL_TTL_SECONDS} s have passed`, async () => {
    // Prepare
    expect(DOWNLOAD_URL_TTL_SECONDS).toBeLessThanOrEqual(5 * 60);
    const { document } = await uploaded("收据.pdf", Buffer.from("%PDF-1.4 receipt\n"));
    const link = await downloadOf(document.docId);
    const issuedMs = Date.now();
    expect(Date.parse(link.expiresAt) - issuedMs).toBeLessThanOrEqual(DOWNLOAD_URL_TTL_SECONDS * 1000);
    expect((await fetch(link.url)).status).toBe(200);
    // Act
    installClock({ nowMs: () => issuedMs + DOWNLOAD_URL_TTL_SECONDS * 1000 + 1000 });
    const late = await fetch(link.url);
    // Assess
    expect(late.status).toBe(403);
  });
});
