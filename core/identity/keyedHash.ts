/**
 * Keyed hashes for duplicate checks (DOMAIN §7): personal numbers are compared as HMAC-SHA-256 with
 * a deployment secret, never as a plain hash (an 18-digit ID has too little entropy: a plain hash
 * is reversed by enumeration). node:crypto is pure computation, not I/O.
 */
import { createHmac } from "node:crypto";
import type { IdentityDocument } from "./documents.ts";

/** A secret shorter than this is a configuration error (HMAC key ≥ the hash output, RFC 2104). */
const MIN_SECRET_BYTES = 32;

export function keyedHash(secret: string | Uint8Array, value: string): string {
  const bytes = typeof secret === "string" ? Buffer.byteLength(secret, "utf8") : secret.byteLength;
  if (bytes < MIN_SECRET_BYTES) {
    throw new RangeError(`the keyed-hash secret must be at least ${MIN_SECRET_BYTES} bytes`);
  }
  return createHmac("sha256", secret).update(value, "utf8").digest("hex");
}

/**
 * The person key of a document, or undefined when there is no number (officer attestation). A
 * mainland migrant's 居住证 carries their ID number, so both share one namespace: the same person
 * filing once with each is still recognised as the same person.
 */
export function personKey(secret: string | Uint8Array, doc: IdentityDocument): string | undefined {
  switch (doc.type) {
    case "none-officer-attests":
      return undefined;
    case "resident-id":
    case "residence-permit":
      return keyedHash(secret, `cn-id:${doc.number}`);
    case "passport":
      return keyedHash(secret, `passport:${doc.nationality}:${doc.number}`);
    default:
      return keyedHash(secret, `${doc.type}:${doc.number}`);
  }
}

/**
 * The person key of an identity an officer attested (no document number): the keyed hash of the
 * township and the name as written, so the same name filed again at the same township for the same
 * cause meets the duplicate checks (DOMAIN §7) instead of passing as a new person each time.
 */
export function attestedPersonKey(secret: string | Uint8Array, townshipId: string, name: string): string {
  const normalized = name.normalize("NFKC").replace(/\s+/g, "");
  return keyedHash(secret, `attested:${townshipId}:${normalized}`);
}
