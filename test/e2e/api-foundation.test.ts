/**
 * The local API end to end (issue 3 §5, issue 10): health, dev sign-in, the JWT-authorizer behaviour,
 * documents round trip through the local file store, idempotency over HTTP, the audit trail as an
 * auditor reads it, and the OpenAPI document.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FUNCTIONS } from "#functions/catalog.ts";
import { demoTotpSecret, totp } from "#local/oidc/totp.ts";
import { CHENGGUAN, HEDONG } from "#local/seed/demo-county.ts";
import { DEMO_USERS } from "#local/seed/users.ts";
import { ApiClient, putCaseFixture, startTestApi, type TestApi } from "./support/index.ts";

let api: TestApi;

beforeAll(async () => {
  api = await startTestApi({ label: "e2e-foundation" });
  await putCaseFixture(api.tables, {
    caseId: "case-cg-1",
    townshipId: CHENGGUAN.townshipId,
    applicantUserId: "applicant-zhang",
  });
});

afterAll(async () => {
  await api?.close();
});

const pdf = Buffer.from("%PDF-1.4\n% 火灾证明 demo\n%%EOF\n");

describe("health and sign-in", () => {
  it("health answers without a token", async () => {
    const res = await api.anonymous.get<{ status: string }>("/health");
    expect(res.status).toBe(200);
    expect(res.body.status).toBe("ok");
    expect(res.headers.get("x-correlation-id")).toBeTruthy();
  });

  it("the caller's correlation id comes back", async () => {
    const res = await api.anonymous.get("/health", { headers: { "x-correlation-id": "corr-123" } });
    expect(res.headers.get("x-correlation-id")).toBe("corr-123");
  });

  it("lists demo users of every role and signs each one in with Cognito's claims", async () => {
    const res = await api.anonymous.get<{ users: Array<{ userId: string; roles: string[] }> }>("/dev/users");
    expect(res.status).toBe(200);
    const roles = new Set(res.body.users.flatMap((u) => u.roles));
    expect([...roles].sort()).toEqual(
      [
        "applicant",
        "auditor",
        "county-admin",
        "county-civil-affairs",
        "county-finance",
        "province-admin",
        "province-viewer",
        "township-approver",
        "township-officer",
      ].sort(),
    );
    const signIn = await api.anonymous.post<{ token: string; claims: Record<string, unknown> }>(
      "/dev/sign-in",
      { userId: "officer-hedong-1", totp: totp(demoTotpSecret("officer-hedong-1"), Date.now()) },
    );
    expect(signIn.status).toBe(200);
    expect(signIn.body.claims).toMatchObject({
      iss: `${api.url}/oidc`,
      aud: "aidflow-consoles",
      sub: "officer-hedong-1",
      "cognito:groups": ["township-officer"],
      "custom:county": "230123",
      "custom:township": HEDONG.townshipId,
      amr: ["pwd", "otp", "mfa"],
    });
    expect(signIn.body.token.split(".")).toHaveLength(3);
    const officer = new ApiClient(api.url, signIn.body.token);
    expect((await officer.get("/cases/case-cg-1/documents")).status).not.toBe(401);
  });

  it("staff must give the current code of their authenticator; applicants sign in without one", async () => {
    const without = await api.anonymous.post<{ code: string; messageZh: string }>("/dev/sign-in", {
      userId: "officer-chengguan-1",
    });
    expect(without.status).toBe(401);
    expect(without.body.messageZh).toContain("动态验证码");
    const current = totp(demoTotpSecret("officer-chengguan-1"), Date.now());
    const wrong = String((Number(current) + 500_000) % 1_000_000).padStart(6, "0");
    const refused = await api.anonymous.post("/dev/sign-in", { userId: "officer-chengguan-1", totp: wrong });
    expect(refused.status).toBe(401);
    const otherUsersCode = totp(demoTotpSecret("officer-chengguan-2"), Date.now());
    const borrowed = await api.anonymous.post("/dev/sign-in", {
      userId: "officer-chengguan-1",
      totp: otherUsersCode,
    });
    expect(borrowed.status).toBe(otherUsersCode === current ? 200 : 401);
    const applicant = await api.anonymous.post<{ claims: Record<string, unknown> }>("/dev/sign-in", {
      userId: "applicant-zhang",
    });
    expect(applicant.status).toBe(200);
    expect(applicant.body.claims.amr).toEqual(["pwd"]);
  });

  it("publishes the issuer the consoles sign in at, with its keys", async () => {
    const config = await api.anonymous.get<{ signIns: Array<{ issuer: string; clientId: string }> }>(
      "/auth/config",
    );
    expect(config.status).toBe(200);
    expect(config.body.signIns).toEqual([
      {
        kind: "everyone",
        issuer: `${api.url}/oidc`,
        clientId: "aidflow-consoles",
        scope: "openid profile aidflow offline_access",
      },
    ]);
    const issuer = config.body.signIns[0]?.issuer;
    const discovery = await api.anonymous.get<{
      issuer: string;
      code_challenge_methods_supported: string[];
      jwks_uri: string;
    }>("/oidc/.well-known/openid-configuration");
    expect(discovery.status).toBe(200);
    expect(discovery.body.issuer).toBe(issuer);
    expect(discovery.body.code_challenge_methods_supported).toContain("S256");
    const jwks = await api.anonymous.get<{ keys: Array<{ kty: string; d?: string }> }>(
      new URL(discovery.body.jwks_uri).pathname,
    );
    expect(jwks.body.keys[0]?.kty).toBe("EC");
    expect(jwks.body.keys.every((key) => key.d === undefined)).toBe(true);
  });

  it("an unknown demo user cannot sign in", async () => {
    const res = await api.anonymous.post<{ code: string; fields: Array<{ path: string }> }>("/dev/sign-in", {
      userId: "nobody",
    });
    expect(res.status).toBe(400);
    expect(res.body.fields[0]?.path).toBe("userId");
  });

  it("a protected route without a token is 401, with a forged token too", async () => {
    const missing = await api.anonymous.get<{ code: string }>("/audit");
    expect(missing.status).toBe(401);
    expect(missing.body.code).toBe("UNAUTHORIZED");
    const officer = await api.signIn("officer-chengguan-1");
    const forged = new ApiClient(api.url, `${officer.token?.slice(0, -4)}AAAA`);
    const res = await forged.get<{ code: string }>("/cases/case-cg-1/documents");
    expect(res.status).toBe(401);
  });

  it("an unknown route is a 404 in the one error shape", async () => {
    const res = await api.anonymous.get<Record<string, unknown>>("/no/such/route");
    expect(res.status).toBe(404);
    expect(Object.keys(res.body).sort()).toEqual(["code", "fields", "message", "messageZh"]);
  });
});

describe("documents of a case", () => {
  it("the applicant uploads a document and the township officer sees and downloads it", async () => {
    // Prepare
    const applicant = await api.signIn("applicant-zhang");
    // Act
    const requested = await applicant.post<{
      document: { docId: string; uploaded: boolean };
      upload: { method: string; url: string; headers: Record<string, string> };
    }>(
      "/cases/case-cg-1/documents",
      {
        kind: "incident-proof",
        fileName: "火灾证明.pdf",
        contentType: "application/pdf",
        sizeBytes: pdf.length,
      },
      { idempotencyKey: "upload-1" },
    );
    expect(requested.status).toBe(201);
    expect(requested.body.document.uploaded).toBe(false);
    const put = await fetch(requested.body.upload.url, {
      method: requested.body.upload.method,
      headers: { "content-type": "application/pdf" },
      body: pdf,
    });
    expect(put.status).toBe(200);
    // Assess
    const officer = await api.signIn("officer-chengguan-1");
    const list = await officer.get<{
      documents: Array<{ docId: string; uploaded: boolean; fileName: string; download?: { url: string } }>;
    }>("/cases/case-cg-1/documents");
    expect(list.status).toBe(200);
    const doc = list.body.documents.find((d) => d.docId === requested.body.document.docId);
    expect(doc).toMatchObject({ uploaded: true, fileName: "火灾证明.pdf" });
    const download = await fetch(doc?.download?.url ?? "");
    expect(Buffer.from(await download.arrayBuffer()).equals(pdf)).toBe(true);
  });

  it("an upload of another size or type than requested is refused", async () => {
    const applicant = await api.signIn("applicant-zhang");
    const requested = await applicant.post<{ upload: { url: string } }>(
      "/cases/case-cg-1/documents",
      { kind: "medical-record", fileName: "诊断.png", contentType: "image/png", sizeBytes: 10 },
      { idempotencyKey: "upload-2" },
    );
    expect(requested.status).toBe(201);
    const tooBig = await fetch(requested.body.upload.url, {
      method: "PUT",
      headers: { "content-type": "image/png" },
      body: Buffer.alloc(11),
    });
    expect(tooBig.status).toBe(400);
    const wrongType = await fetch(requested.body.upload.url, {
      method: "PUT",
      headers: { "content-type": "application/pdf" },
      body: Buffer.alloc(10),
    });
    expect(wrongType.status).toBe(400);
  });

  it("a file type outside the allowed list is a field error in both languages", async () => {
    const applicant = await api.signIn("applicant-zhang");
    const res = await applicant.post<{ code: string; fields: Array<{ path: string; messageZh: string }> }>(
      "/cases/case-cg-1/documents",
      { kind: "other", fileName: "x.exe", contentType: "application/x-msdownload", sizeBytes: 10 },
      { idempotencyKey: "upload-3" },
    );
    expect(res.status).toBe(400);
    expect(res.body.code).toBe("VALIDATION_FAILED");
    expect(res.body.fields.map((f) => f.path)).toEqual(["contentType"]);
    expect(res.body.fields[0]?.messageZh).toContain("取值无效");
  });

  it("an officer of another township and another applicant are refused (403)", async () => {
    const hedong = await api.signIn("officer-hedong-1");
    const otherTownship = await hedong.get<{ code: string }>("/cases/case-cg-1/documents");
    expect(otherTownship.status).toBe(403);
    const li = await api.signIn("applicant-li");
    const otherApplicant = await li.post<{ code: string }>(
      "/cases/case-cg-1/documents",
      { kind: "other", fileName: "a.pdf", contentType: "application/pdf", sizeBytes: 5 },
      { idempotencyKey: "upload-4" },
    );
    expect(otherApplicant.status).toBe(403);
    expect(otherApplicant.body.code).toBe("FORBIDDEN");
  });

  it("an unknown case is 404", async () => {
    const officer = await api.signIn("officer-chengguan-1");
    const res = await officer.get<{ code: string }>("/cases/no-such-case/documents");
    expect(res.status).toBe(404);
  });
});

describe("idempotency over HTTP", () => {
  it("a replayed POST returns the first response; the same key with another body is 409", async () => {
    const applicant = await api.signIn("applicant-zhang");
    const body = { kind: "other", fileName: "收据.pdf", contentType: "application/pdf", sizeBytes: 20 };
    const first = await applicant.post<{ document: { docId: string } }>("/cases/case-cg-1/documents", body, {
      idempotencyKey: "idem-http-1",
    });
    const replay = await applicant.post<{ document: { docId: string } }>("/cases/case-cg-1/documents", body, {
      idempotencyKey: "idem-http-1",
    });
    expect(first.status).toBe(201);
    expect(replay.status).toBe(201);
    expect(replay.body.document.docId).toBe(first.body.document.docId);
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    const other = await applicant.post<{ code: string }>(
      "/cases/case-cg-1/documents",
      { ...body, sizeBytes: 21 },
      { idempotencyKey: "idem-http-1" },
    );
    expect(other.status).toBe(409);
    expect(other.body.code).toBe("IDEMPOTENCY_KEY_REUSED");
  });
});

describe("audit trail", () => {
  it("the auditor reads the county's events with personal data masked, and the chain verifies", async () => {
    const auditor = await api.signIn("auditor-1");
    const page = await auditor.get<{
      events: Array<{ action: string; actor: { userId: string }; seq: number }>;
    }>("/audit?limit=100");
    expect(page.status).toBe(200);
    expect(page.body.events.length).toBeGreaterThan(0);
    // Writes, and staff reads of a person's file (who looked at whom, DOMAIN §8).
    expect(page.body.events.every((e) => ["case.addDocument", "person.view"].includes(e.action))).toBe(true);
    const verify = await auditor.get<{ ok: boolean; count: number }>("/audit/verify");
    expect(verify.body).toMatchObject({ ok: true, count: page.body.events.length });
  });

  it("pages follow each other without gaps", async () => {
    const auditor = await api.signIn("auditor-1");
    const first = await auditor.get<{ events: Array<{ seq: number }>; nextCursor?: string }>(
      "/audit?limit=1",
    );
    expect(first.body.events.map((e) => e.seq)).toEqual([1]);
    expect(first.body.nextCursor).toBeTruthy();
    const second = await auditor.get<{ events: Array<{ seq: number }> }>(
      `/audit?limit=1&cursor=${first.body.nextCursor}`,
    );
    expect(second.body.events.map((e) => e.seq)).toEqual([2]);
  });

  it("a township officer may not read the audit trail; an auditor may not read another county", async () => {
    const officer = await api.signIn("officer-chengguan-1");
    expect((await officer.get("/audit")).status).toBe(403);
    const auditor = await api.signIn("auditor-1");
    expect((await auditor.get("/audit?countyId=110101")).status).toBe(403);
  });
});

describe("OpenAPI", () => {
  it("is an OpenAPI 3.1 document listing every route of the catalog", async () => {
    const res = await api.anonymous.get<{
      openapi: string;
      paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
    }>("/openapi.json");
    expect(res.status).toBe(200);
    expect(res.body.openapi).toMatch(/^3\.1\.\d+$/);
    const documented = Object.entries(res.body.paths).flatMap(([path, item]) =>
      Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`),
    );
    const catalog = FUNCTIONS.flatMap((fn) => (fn.routes ?? []).map((r) => `${r.method} ${r.path}`));
    expect(catalog.length).toBeGreaterThan(0);
    for (const route of catalog) expect(documented).toContain(route);
    for (const item of Object.values(res.body.paths)) {
      for (const operation of Object.values(item))
        expect(Object.keys(operation.responses).length).toBeGreaterThan(0);
    }
  });

  it("has a readable docs page that needs no CDN", async () => {
    const res = await api.anonymous.get<string>("/docs");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/html");
    expect(res.text).toContain("openapi.json");
    expect(res.text).not.toMatch(/<script[^>]+src=["']https?:/);
  });
});

describe("demo data", () => {
  it("has users of every role, each township-bound user in one of the three townships", () => {
    for (const user of DEMO_USERS.filter((u) => u.roles.some((r) => r.startsWith("township-")))) {
      expect(["230123100", "230123200", "230123300"]).toContain(user.townshipId);
    }
    expect(DEMO_USERS).toHaveLength(18);
  });
});
