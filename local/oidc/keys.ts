/**
 * The local provider's signing key: an ES256 (P-256) key derived from the installation's token
 * secret, so tokens survive a restart of `npm start` and a test that knows the secret knows the key.
 */
import { createECDH, createHash, createPrivateKey, type KeyObject, sign } from "node:crypto";

export interface SigningKey {
  kid: string;
  /** The private JWK the provider signs with. */
  privateJwk: Record<string, string>;
  /** The public JWKS the API verifies with. */
  jwks: { keys: Record<string, string>[] };
  privateKey: KeyObject;
}

export function signingKeyFrom(secret: string): SigningKey {
  const d = createHash("sha256").update(`aidflow-local-oidc-signing/${secret}`).digest();
  const ecdh = createECDH("prime256v1");
  ecdh.setPrivateKey(d);
  const publicKey = ecdh.getPublicKey(undefined, "uncompressed");
  const x = publicKey.subarray(1, 33).toString("base64url");
  const y = publicKey.subarray(33, 65).toString("base64url");
  const kid = createHash("sha256").update(publicKey).digest("base64url").slice(0, 16);
  const publicJwk = { kty: "EC", crv: "P-256", x, y, kid, alg: "ES256", use: "sig" };
  const privateJwk = { ...publicJwk, d: d.toString("base64url") };
  return {
    kid,
    privateJwk,
    jwks: { keys: [publicJwk] },
    privateKey: createPrivateKey({ key: privateJwk, format: "jwk" }),
  };
}

/** A compact ES256 JWS of `claims`, signed with `key` (the same key and header the provider uses). */
export function signJwt(claims: Record<string, unknown>, key: SigningKey): string {
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
  const unsigned = `${encode({ alg: "ES256", typ: "JWT", kid: key.kid })}.${encode(claims)}`;
  const signature = sign("sha256", Buffer.from(unsigned), { key: key.privateKey, dsaEncoding: "ieee-p1363" });
  return `${unsigned}.${signature.toString("base64url")}`;
}
