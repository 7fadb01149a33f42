import { describe, expect, it } from "vitest";
import { sign, verify } from "#adapters/payments/signature.ts";

const SECRET = "shared-secret-of-the-bank-0001";
const NOW = Date.parse("2026-03-02T08:00:00Z");
const message = { method: "POST", path: "/bank/callback", body: '{"a":1}' };

describe("HMAC signatures of the bank contract", () => {
  it("Compliance: a message signed with the shared secret verifies", () => {
    const signed = sign(SECRET, { ...message, nowMs: NOW });

    expect(verify(SECRET, { ...message, ...signed, nowMs: NOW + 1_000 })).toEqual({ ok: true });
  });

  it("Noncompliance 1: another secret does not verify", () => {
    const signed = sign("another-secret-entirely-000", { ...message, nowMs: NOW });

    expect(verify(SECRET, { ...message, ...signed, nowMs: NOW })).toEqual({ ok: false, problem: "mismatch" });
  });

  it("Noncompliance 2: a changed body, path or method does not verify", () => {
    const signed = sign(SECRET, { ...message, nowMs: NOW });

    const verdicts = [
      { ...message, body: '{"a":2}' },
      { ...message, path: "/bank/other" },
      { ...message, method: "PUT" },
    ].map((m) => verify(SECRET, { ...m, ...signed, nowMs: NOW }));

    for (const v of verdicts) expect(v).toEqual({ ok: false, problem: "mismatch" });
  });

  it("Noncompliance 3: a message replayed outside the window is refused", () => {
    const signed = sign(SECRET, { ...message, nowMs: NOW });

    expect(verify(SECRET, { ...message, ...signed, nowMs: NOW + 301_000 })).toEqual({
      ok: false,
      problem: "expired",
    });
    expect(verify(SECRET, { ...message, ...signed, nowMs: NOW - 301_000 })).toEqual({
      ok: false,
      problem: "expired",
    });
  });

  it("Noncompliance 4: missing or malformed headers are refused", () => {
    const signed = sign(SECRET, { ...message, nowMs: NOW });

    expect(
      verify(SECRET, { ...message, timestamp: undefined, signature: signed.signature, nowMs: NOW }),
    ).toMatchObject({
      problem: "missing",
    });
    expect(
      verify(SECRET, { ...message, timestamp: signed.timestamp, signature: "v1=zz", nowMs: NOW }),
    ).toMatchObject({
      problem: "malformed",
    });
  });
});
