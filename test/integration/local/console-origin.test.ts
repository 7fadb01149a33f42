/**
 * Consoles served elsewhere (Vite's dev server, `npm start -- --console-origin …`): the local OIDC
 * provider sends a browser that signed in back to those origins, and to no other.
 */
import { createHash, randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiServer, startApiServer } from "#local/http/server.ts";

let api: ApiServer;

beforeAll(async () => {
  api = await startApiServer({ functions: [], consoleOrigins: ["http://localhost:5173"] });
});
afterAll(() => api.close());

async function authorize(redirectUri: string): Promise<Response> {
  const verifier = randomBytes(32).toString("base64url");
  const query = new URLSearchParams({
    client_id: api.clientId,
    redirect_uri: redirectUri,
    response_type: "code",
    scope: "openid",
    state: "s",
    code_challenge: createHash("sha256").update(verifier).digest("base64url"),
    code_challenge_method: "S256",
  });
  return fetch(`${api.issuer}/auth?${query}`, { redirect: "manual" });
}

describe("console origins of the local sign-in", () => {
  it("a sign-in started from the named origin, or the server's own, goes on to the provider's page", async () => {
    for (const origin of ["http://localhost:5173", api.url]) {
      const response = await authorize(`${origin}/auth/callback`);
      expect(response.status, origin).toBe(303);
      expect(new URL(response.headers.get("location") ?? "", api.url).pathname).toMatch(
        /^\/oidc\/interaction\//,
      );
    }
  });

  it("any other origin is refused and nobody is sent there", async () => {
    const response = await authorize("http://localhost:5174/auth/callback");
    expect(response.status).toBe(400);
    expect(response.headers.get("location")).toBeNull();
  });
});
