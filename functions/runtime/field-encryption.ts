/**
 * Field-level envelope encryption (personal data at rest, DOMAIN §7): each sealed value has its own
 * data key, AES-256-GCM with node:crypto; the data key is stored beside it wrapped by a key that never
 * leaves its store. In AWS that store is KMS (GenerateDataKey / Decrypt, with an encryption context
 * naming the field); on the local runtime it is a local stand-in — a 256-bit key read through the same
 * `env:`/`file:` references as parameters.ts reads secrets — that wraps the data key with AES-256-GCM
 * in process. Everything else (the sealed format, the cipher, the cache) is the same code path.
 *
 * Sealed format: `v1.<wrapped data key>.<iv>.<tag>.<ciphertext>`, each part base64url. The field's
 * purpose is the GCM additional data and the KMS encryption context, so a value sealed as one field
 * cannot be opened as another.
 */
import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from "node:crypto";
import { isLocalReference, readLocalReference } from "./parameters.ts";

const VERSION = "v1";
const KEY_BYTES = 32;
const IV_BYTES = 12;
/** Unwrapped data keys kept per process (a limit on everything): spares KMS a Decrypt per read. */
const UNWRAPPED_CACHE_MAX = 256;

/** Where the key-encryption key is: a KMS key (ARN, id or alias) or a local stand-in. */
export type FieldKeySource = { kind: "kms"; keyId: string } | { kind: "local"; key: Buffer };

/** The key-encryption side of the envelope: hands out data keys and unwraps them. */
export interface KeyWrapper {
  generateDataKey(purpose: string): Promise<{ plaintext: Buffer; wrapped: Buffer }>;
  unwrap(wrapped: Buffer, purpose: string): Promise<Buffer>;
}

/** A malformed or tampered sealed value, or one sealed under another key or for another field. */
export class FieldDecryptionError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "FieldDecryptionError";
  }
}

const b64 = (bytes: Buffer): string => bytes.toString("base64url");

function gcmSeal(key: Buffer, plaintext: Buffer, aad: string): { iv: Buffer; tag: Buffer; body: Buffer } {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  cipher.setAAD(Buffer.from(aad, "utf8"));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { iv, tag: cipher.getAuthTag(), body };
}

function gcmOpen(key: Buffer, iv: Buffer, tag: Buffer, body: Buffer, aad: string): Buffer {
  const decipher = createDecipheriv("aes-256-gcm", key, iv);
  decipher.setAAD(Buffer.from(aad, "utf8"));
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(body), decipher.final()]);
}

/** The local stand-in for KMS: wraps data keys with a 256-bit key held by this process. */
export class LocalKeyWrapper implements KeyWrapper {
  constructor(private readonly key: Buffer) {
    if (key.length !== KEY_BYTES) throw new Error(`the local field key must be ${KEY_BYTES} bytes`);
  }

  async generateDataKey(purpose: string): Promise<{ plaintext: Buffer; wrapped: Buffer }> {
    const plaintext = randomBytes(KEY_BYTES);
    const { iv, tag, body } = gcmSeal(this.key, plaintext, `wrap:${purpose}`);
    return { plaintext, wrapped: Buffer.concat([iv, tag, body]) };
  }

  async unwrap(wrapped: Buffer, purpose: string): Promise<Buffer> {
    const iv = wrapped.subarray(0, IV_BYTES);
    const tag = wrapped.subarray(IV_BYTES, IV_BYTES + 16);
    return gcmOpen(this.key, iv, tag, wrapped.subarray(IV_BYTES + 16), `wrap:${purpose}`);
  }
}

/** KMS wraps and unwraps: the key-encryption key never leaves KMS. */
export class KmsKeyWrapper implements KeyWrapper {
  private client: import("@aws-sdk/client-kms").KMSClient | undefined;

  constructor(private readonly keyId: string) {}

  private async kms() {
    // Imported on demand: the local runtime and the tests never load the KMS client.
    const sdk = await import("@aws-sdk/client-kms");
    this.client ??= new sdk.KMSClient({});
    return { sdk, client: this.client };
  }

  async generateDataKey(purpose: string): Promise<{ plaintext: Buffer; wrapped: Buffer }> {
    const { sdk, client } = await this.kms();
    const answer = await client.send(
      new sdk.GenerateDataKeyCommand({
        KeyId: this.keyId,
        KeySpec: "AES_256",
        EncryptionContext: { purpose },
      }),
    );
    if (!answer.Plaintext || !answer.CiphertextBlob) throw new Error("KMS returned no data key");
    return { plaintext: Buffer.from(answer.Plaintext), wrapped: Buffer.from(answer.CiphertextBlob) };
  }

  async unwrap(wrapped: Buffer, purpose: string): Promise<Buffer> {
    const { sdk, client } = await this.kms();
    const answer = await client.send(
      new sdk.DecryptCommand({
        KeyId: this.keyId,
        CiphertextBlob: wrapped,
        EncryptionContext: { purpose },
      }),
    );
    if (!answer.Plaintext) throw new Error("KMS returned no plaintext");
    return Buffer.from(answer.Plaintext);
  }
}

export function keyWrapperFor(source: FieldKeySource): KeyWrapper {
  return source.kind === "kms" ? new KmsKeyWrapper(source.keyId) : new LocalKeyWrapper(source.key);
}

/**
 * Where the field key is, from the variable's value: a KMS key id/ARN/alias in AWS, or a local
 * reference (`env:`/`file:`) to a base64 256-bit key. Undefined when `id` is a local reference
 * that names nothing.
 */
export function fieldKeySource(
  id: string,
  env: Record<string, string | undefined>,
): FieldKeySource | undefined {
  if (!isLocalReference(id)) return { kind: "kms", keyId: id };
  const value = readLocalReference(id, env);
  return value ? { kind: "local", key: localKeyFromText(value) } : undefined;
}

/** A local key as written in `.data/secrets.json`: base64 of 32 bytes, or any longer text (hashed). */
export function localKeyFromText(text: string): Buffer {
  const bytes = Buffer.from(text, "base64");
  if (bytes.length === KEY_BYTES && /^[A-Za-z0-9+/_-]+=*$/.test(text)) return bytes;
  return createHash("sha256").update(text, "utf8").digest();
}

/** A local field key derived from another local secret (a whole local runtime that set none). */
export function derivedLocalKey(secret: string): Buffer {
  return Buffer.from(hkdfSync("sha256", secret, "aidflow", "aidflow/field-encryption", KEY_BYTES));
}

export class FieldCipher {
  private readonly unwrapped = new Map<string, Buffer>();

  constructor(private readonly wrapper: KeyWrapper) {}

  async seal(plaintext: string, purpose: string): Promise<string> {
    const dataKey = await this.wrapper.generateDataKey(purpose);
    try {
      const { iv, tag, body } = gcmSeal(dataKey.plaintext, Buffer.from(plaintext, "utf8"), purpose);
      return [VERSION, b64(dataKey.wrapped), b64(iv), b64(tag), b64(body)].join(".");
    } finally {
      dataKey.plaintext.fill(0);
    }
  }

  async open(sealed: string, purpose: string): Promise<string> {
    const parts = sealed.split(".");
    if (parts.length !== 5 || parts[0] !== VERSION) {
      throw new FieldDecryptionError("not a sealed field value");
    }
    const [wrapped, iv, tag, body] = parts.slice(1).map((part) => Buffer.from(part, "base64url")) as [
      Buffer,
      Buffer,
      Buffer,
      Buffer,
    ];
    try {
      const key = await this.dataKey(parts[1] as string, wrapped, purpose);
      return gcmOpen(key, iv, tag, body, purpose).toString("utf8");
    } catch (cause) {
      throw new FieldDecryptionError(`the sealed ${purpose} cannot be opened`, { cause });
    }
  }

  private async dataKey(cacheKey: string, wrapped: Buffer, purpose: string): Promise<Buffer> {
    const known = this.unwrapped.get(`${purpose}:${cacheKey}`);
    if (known) return known;
    const key = await this.wrapper.unwrap(wrapped, purpose);
    if (this.unwrapped.size >= UNWRAPPED_CACHE_MAX) {
      const oldest = this.unwrapped.keys().next().value;
      if (oldest !== undefined) this.unwrapped.delete(oldest);
    }
    this.unwrapped.set(`${purpose}:${cacheKey}`, key);
    return key;
  }
}
