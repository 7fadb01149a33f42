/**
 * The local sign-in offers whom the directory holds: a staff user an administrator creates can sign
 * in at once (and works as what they were made), and a disabled one — created or a demo user — is
 * no longer offered, signed in or renewed.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registerBundledStaff } from "#adapters/user-directory.ts";
import { demoTotpSecret, totp } from "#local/oidc/totp.ts";
import { demoStaffOf } from "#local/seed/users.ts";
import { type ApiClient, startTestApi, type TestApi } from "./support/api.ts";

let api: TestApi;
let admin: ApiClient;

beforeAll(async () => {
  // As `npm start` does: the demo county's staff answer for a county that stored none.
  registerBundledStaff(demoStaffOf);
  api = await startTestApi({ label: "local-accounts" });
  admin = await api.signIn("county-admin-1");
});
afterAll(async () => {
  await api?.close();
  registerBundledStaff(() => []);
});

const signInAs = (userId: string) =>
  api.anonymous.post<{ token?: string; fields?: Array<{ path: string }> }>("/dev/sign-in", {
    userId,
    totp: totp(demoTotpSecret(userId), Date.now()),
  });
const offered = async () =>
  (await api.anonymous.get<{ users: Array<{ userId: string }> }>("/dev/users")).body.users.map(
    (u) => u.userId,
  );

describe("local sign-in accounts", () => {
  it("a township officer an administrator creates signs in at once, as an officer of that township", async () => {
    const created = await admin.post<{ userId: string }>(
      "/admin/counties/230123/users",
      { name: "冯磊", phone: "13900009191", role: "township-officer", townshipId: "230123100" },
      { idempotencyKey: randomUUID() },
    );
    expect(created.status).toBe(201);
    const { userId } = created.body;
    expect(await offered()).toContain(userId);
    const signedIn = await signInAs(userId);
    expect(signedIn.status).toBe(200);
    const queue = await api.signIn(userId).then((client) => client.get("/work-queue"));
    expect(queue.status).toBe(200);

    const disabled = await admin.post(
      `/admin/counties/230123/users/${userId}/disable`,
      {},
      {
        idempotencyKey: randomUUID(),
      },
    );
    expect(disabled.status).toBe(200);
    expect(await offered()).not.toContain(userId);
    const refused = await signInAs(userId);
    expect(refused.status).toBe(400);
    expect(refused.body.fields?.[0]?.path).toBe("userId");
  });

  it("a disabled demo user is no longer offered; the others still are", async () => {
    expect(await offered()).toEqual(expect.arrayContaining(["officer-chengguan-2", "applicant-zhang"]));
    const disabled = await admin.post(
      "/admin/counties/230123/users/officer-chengguan-2/disable",
      {},
      {
        idempotencyKey: randomUUID(),
      },
    );
    expect(disabled.status).toBe(200);
    const now = await offered();
    expect(now).not.toContain("officer-chengguan-2");
    expect(now).toEqual(expect.arrayContaining(["officer-chengguan-1", "applicant-zhang", "county-admin-1"]));
    expect((await signInAs("officer-chengguan-2")).status).toBe(400);
  });
});
