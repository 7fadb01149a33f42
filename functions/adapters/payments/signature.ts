/**
 * HMAC-SHA-256 signatures of the bank contract (docs/bank-contract.md §Signatures). Both directions
 * sign the same canonical string so one verifier serves the simulator and the callback handler:
 *
 *   `${timestampSeconds}\n${METHOD}\n${path}\n${body}`
 *
 * The timestamp is in the signed string and must fall within a window of the verifier's clock, so a
 * captured message cannot be replayed later; a replay inside the window is harmless because every
 * write it could cause is idempotent (instructionId / recorded-once outcomes).
 */
import { createHmac, timingSafeEqual } from "node:crypto";

/** How far a signed timestamp may be from the verifier's clock, either way. */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

export interface SignedHeaders {
  timestamp: string;
  signature: string;
}

export function canonicalString(timestamp: string, method: string, path: string, body: string): string {
  return `${timestamp}\n${method.toUpperCase()}\n${path}\n${body}`;
}

export function sign(
  secret: string,
  message: { method: string; path: string; body: string; nowMs: number },
): SignedHeaders {
  const timestamp = String(Math.floor(message.nowMs / 1000));
  const mac = createHmac("sha256", secret)
    .update(canonicalString(timestamp, message.method, message.path, message.body))
    .digest("hex");
  return { timestamp, signature: `v1=${mac}` };
}

export type VerifyResult =
  | { ok: true }
  | { ok: false; problem: "missing" | "malformed" | "expired" | "mismatch" };

export function verify(
  secret: string,
  message: {
    method: string;
    path: string;
    body: string;
    timestamp: string | undefined;
    signature: string | undefined;
    nowMs: number;
    toleranceSeconds?: number;
  },
): VerifyResult {
  const { timestamp, signature } = message;
  if (!timestamp || !signature) return { ok: false, problem: "missing" };
  if (!/^\d{1,12}$/.test(timestamp) || !/^v1=[0-9a-f]{64}$/.test(signature)) {
    return { ok: false, problem: "malformed" };
  }
  const skewSeconds = Math.abs(Math.floor(message.nowMs / 1000) - Number(timestamp));
  if (skewSeconds > (message.toleranceSeconds ?? SIGNATURE_TOLERANCE_SECONDS)) {
    return { ok: false, problem: "expired" };
  }
  const expected = createHmac("sha256", secret)
    .update(canonicalString(timestamp, message.method, message.path, message.body))
    .digest();
  const given = Buffer.from(signature.slice(3), "hex");
  // Constant-time compare: a timing side channel must not reveal how much of a forged MAC is right.
  const same = given.length === expected.length && timingSafeEqual(given, expected);
  return same ? { ok: true } : { ok: false, problem: "mismatch" };
}
