/**
 * Time-based one-time passwords (RFC 6238 over RFC 4226's HOTP, HMAC-SHA1, 6 digits, 30 s steps) —
 * what staff authenticator apps compute, so the local sign-in asks for the same second factor a
 * Cognito user pool does. Secrets travel as base32 (RFC 4648), as authenticator apps expect.
 */
import { createHash, createHmac, timingSafeEqual } from "node:crypto";

export const TOTP_STEP_SECONDS = 30;
export const TOTP_DIGITS = 6;
/** Codes of the step before and after are accepted too: clocks of phones drift. */
const WINDOW_STEPS = 1;

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

export function base32Encode(bytes: Uint8Array): string {
  let bits = 0;
  let value = 0;
  let out = "";
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += ALPHABET[(value << (5 - bits)) & 31];
  return out;
}

export function base32Decode(text: string): Buffer {
  const clean = text.toUpperCase().replace(/[\s=-]/g, "");
  let bits = 0;
  let value = 0;
  const out: number[] = [];
  for (const char of clean) {
    const index = ALPHABET.indexOf(char);
    if (index < 0) throw new Error("not a base32 secret");
    value = (value << 5) | index;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 255);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

/** RFC 4226 HOTP of one counter value. */
export function hotp(key: Buffer, counter: number, digits = TOTP_DIGITS): string {
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  const digest = createHmac("sha1", key).update(message).digest();
  const offset = (digest[digest.length - 1] ?? 0) & 0x0f;
  const binary = digest.readUInt32BE(offset) & 0x7fffffff;
  return String(binary % 10 ** digits).padStart(digits, "0");
}

/** The code of the step `nowMs` falls in. */
export function totp(secretBase32: string, nowMs: number, digits = TOTP_DIGITS): string {
  return hotp(base32Decode(secretBase32), Math.floor(nowMs / 1000 / TOTP_STEP_SECONDS), digits);
}

/** Whether `code` is the code of the current step or a neighbouring one. */
export function verifyTotp(secretBase32: string, code: string, nowMs: number): boolean {
  const given = code.replace(/\s/g, "");
  if (!/^\d{6}$/.test(given)) return false;
  const key = base32Decode(secretBase32);
  const step = Math.floor(nowMs / 1000 / TOTP_STEP_SECONDS);
  let matched = false;
  for (let delta = -WINDOW_STEPS; delta <= WINDOW_STEPS; delta++) {
    const expected = Buffer.from(hotp(key, step + delta));
    // Every candidate compared, in constant time, so timing does not tell which step matched.
    if (timingSafeEqual(expected, Buffer.from(given))) matched = true;
  }
  return matched;
}

/**
 * The TOTP secret of a local demo user: derived from the user id, so the README, the tests and an
 * authenticator app all know it without a seed step. Local only — real users enrol their own.
 */
export function demoTotpSecret(userId: string): string {
  return base32Encode(
    createHash("sha256").update(`aidflow-local-demo-totp/${userId}`).digest().subarray(0, 20),
  );
}

/** The otpauth:// URI an authenticator app scans (issuer AidFlow-local). */
export function otpauthUri(userId: string, secretBase32: string): string {
  const label = encodeURIComponent(`AidFlow-local:${userId}`);
  return `otpauth://totp/${label}?secret=${secretBase32}&issuer=AidFlow-local&digits=${TOTP_DIGITS}&period=${TOTP_STEP_SECONDS}`;
}
