/**
 * Documents of a case: one port, two implementations.
 *
 * - `S3DocumentStore` (AWS): a pre-signed PUT URL that signs `content-type` AND `content-length`, so S3
 *   accepts exactly the declared type and size — the size limit is enforced when the upload is
 *   requested (sizeBytes ≤ max) and S3 rejects any other length (403 SignatureDoesNotMatch). It also
 *   signs `if-none-match: *`, so a ticket uploads once: S3 refuses to overwrite (412/409). Checksum
 *   calculation is "when required" so the URL does not pin an empty-body checksum.
 * - `LocalDocumentStore` (local runtime): files under the runtime's data dir; the upload URL points at
 *   the local server (`PUT <base>/local-uploads/<token>`), the token is HMAC-signed with the declared
 *   key, type, size and expiry, and `acceptUpload` checks all of them before writing, once (409 after).
 *
 * Download links live `DOWNLOAD_URL_TTL_SECONDS` and name the file in an RFC 6266/5987
 * `Content-Disposition` (`contentDisposition`), never as raw header text.
 *
 * The document list itself lives in `main` beside the case (`CASE#<caseId>` / `DOC#<docId>`).
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { mkdir, readFile, stat, unlink, writeFile } from "node:fs/promises";
import { dirname, resolve, sep } from "node:path";
import {
  GetObjectCommand,
  HeadObjectCommand,
  NotFound,
  PutObjectCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { ConflictError, ForbiddenError, ValidationError } from "#core/errors.ts";
import { nowMs } from "#functions/runtime/clock.ts";
import { type AppConfig, config } from "#functions/runtime/config.ts";

/** Types a township officer can open on any office PC and phone: scans and photos. */
export const ALLOWED_DOCUMENT_TYPES = ["application/pdf", "image/jpeg", "image/png"] as const;
export type DocumentContentType = (typeof ALLOWED_DOCUMENT_TYPES)[number];
/** An upload URL lives this long: a phone on a slow township connection may need minutes for a scan. */
export const UPLOAD_URL_TTL_SECONDS = 15 * 60;
/** A download link lives this long: it opens a person's papers, and the list hands out fresh ones. */
export const DOWNLOAD_URL_TTL_SECONDS = 5 * 60;

/** Characters a file name may not hold, each with what it is (for the field message). */
const UNSAFE_FILE_NAME: ReadonlyArray<{ pattern: RegExp; message: string; messageZh: string }> = [
  { pattern: /\p{Cc}/u, message: "control characters", messageZh: "控制字符" },
  {
    // Bidi embeddings, overrides, isolates and marks: they make "gpj.exe" read as "exe.jpg".
    pattern: /[\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C]/u,
    message: "text-direction characters",
    messageZh: "文字方向控制字符",
  },
  // With the `u` flag a well-formed pair is one code point, so this matches only a lone half.
  { pattern: /[\uD800-\uDFFF]/u, message: "broken characters (unpaired surrogates)", messageZh: "残缺字符" },
];

/** Why a file name is refused, or undefined when it may be stored and shown. */
export function fileNameProblem(name: string): { message: string; messageZh: string } | undefined {
  const found = UNSAFE_FILE_NAME.find(({ pattern }) => pattern.test(name));
  if (!found) return undefined;
  return {
    message: `The file name must not contain ${found.message}`,
    messageZh: `文件名不能包含${found.messageZh}`,
  };
}

/** RFC 5987 `attr-char`s stay; everything else is percent-encoded UTF-8 (a lone surrogate as U+FFFD). */
function rfc5987(value: string): string {
  return encodeURIComponent(value.replace(/[\uD800-\uDFFF]/gu, "\uFFFD")).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/**
 * `attachment` with the name as RFC 5987 `filename*` (UTF-8, percent-encoded) and a plain-ASCII
 * `filename` for old clients: no quote, backslash, control or non-ASCII byte ever reaches the header.
 */
export function contentDisposition(fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7E]|["\\%]/g, "_");
  return `attachment; filename="${ascii}"; filename*=UTF-8''${rfc5987(fileName)}`;
}

export interface UploadRequest {
  key: string;
  contentType: DocumentContentType;
  sizeBytes: number;
}

export interface TransferTicket {
  method: "PUT" | "GET";
  url: string;
  /** Headers the client must send exactly (PUT: content-type and content-length). */
  headers: Record<string, string>;
  expiresAt: string;
}

export interface StoredObject {
  sizeBytes: number;
  contentType: string;
}

/**
 * Where server-made files (finance exports) are kept, apart from the case documents: the bucket's
 * lifecycle rule deletes them after a day (infra/stacks/data-stack.ts), and the Finance function may
 * write and read only under this prefix.
 */
export const EXPORTS_KEY_PREFIX = "exports/";

export interface DownloadRequest {
  key: string;
  /** The name the browser saves the file under (Content-Disposition). */
  fileName: string;
}

export interface DocumentStore {
  readonly kind: "s3" | "local";
  createUpload(request: UploadRequest): Promise<TransferTicket>;
  createDownload(request: DownloadRequest): Promise<TransferTicket>;
  /** What is stored under `key`, or undefined when nothing was uploaded yet. */
  head(key: string): Promise<StoredObject | undefined>;
  /** Stores a file the server produced (an export), to be handed out by `createDownload`. */
  putObject(key: string, body: Buffer, contentType: string): Promise<void>;
}

const expiresAtIso = (ttlSeconds: number): string => new Date(nowMs() + ttlSeconds * 1000).toISOString();

// -------------------------------------------------------------------------------------------- S3

export class S3DocumentStore implements DocumentStore {
  readonly kind = "s3";
  private readonly client: S3Client;

  constructor(
    private readonly bucket: string,
    client?: S3Client,
  ) {
    this.client = client ?? new S3Client({ requestChecksumCalculation: "WHEN_REQUIRED" });
  }

  async createUpload(request: UploadRequest): Promise<TransferTicket> {
    const command = new PutObjectCommand({
      Bucket: this.bucket,
      Key: request.key,
      ContentType: request.contentType,
      ContentLength: request.sizeBytes,
      IfNoneMatch: "*",
    });
    const url = await getSignedUrl(this.client, command, {
      expiresIn: UPLOAD_URL_TTL_SECONDS,
      signableHeaders: new Set(["content-type", "content-length", "if-none-match"]),
    });
    return {
      method: "PUT",
      url,
      headers: {
        "content-type": request.contentType,
        "content-length": String(request.sizeBytes),
        "if-none-match": "*",
      },
      expiresAt: expiresAtIso(UPLOAD_URL_TTL_SECONDS),
    };
  }

  async createDownload(request: DownloadRequest): Promise<TransferTicket> {
    const command = new GetObjectCommand({
      Bucket: this.bucket,
      Key: request.key,
      ResponseContentDisposition: contentDisposition(request.fileName),
    });
    const url = await getSignedUrl(this.client, command, { expiresIn: DOWNLOAD_URL_TTL_SECONDS });
    return { method: "GET", url, headers: {}, expiresAt: expiresAtIso(DOWNLOAD_URL_TTL_SECONDS) };
  }

  async putObject(key: string, body: Buffer, contentType: string): Promise<void> {
    await this.client.send(
      new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentType: contentType }),
    );
  }

  async head(key: string): Promise<StoredObject | undefined> {
    try {
      const result = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return {
        sizeBytes: result.ContentLength ?? 0,
        contentType: result.ContentType ?? "application/octet-stream",
      };
    } catch (error) {
      if (error instanceof NotFound || (error as { name?: string }).name === "NotFound") return undefined;
      throw error;
    }
  }
}

// ----------------------------------------------------------------------------------------- local

interface TokenPayload {
  op: "put" | "get";
  key: string;
  contentType?: string;
  sizeBytes?: number;
  fileName?: string;
  expMs: number;
}

export class LocalDocumentStore implements DocumentStore {
  readonly kind = "local";
  private readonly root: string;

  constructor(
    dir: string,
    private readonly baseUrl: string,
    private readonly secret: string,
  ) {
    this.root = resolve(dir);
  }

  async createUpload(request: UploadRequest): Promise<TransferTicket> {
    const token = this.sign({
      op: "put",
      key: request.key,
      contentType: request.contentType,
      sizeBytes: request.sizeBytes,
      expMs: nowMs() + UPLOAD_URL_TTL_SECONDS * 1000,
    });
    return {
      method: "PUT",
      url: `${this.baseUrl}/local-uploads/${token}`,
      headers: { "content-type": request.contentType, "content-length": String(request.sizeBytes) },
      expiresAt: expiresAtIso(UPLOAD_URL_TTL_SECONDS),
    };
  }

  async createDownload(request: DownloadRequest): Promise<TransferTicket> {
    const token = this.sign({
      op: "get",
      key: request.key,
      fileName: request.fileName,
      expMs: nowMs() + DOWNLOAD_URL_TTL_SECONDS * 1000,
    });
    return {
      method: "GET",
      url: `${this.baseUrl}/local-downloads/${token}`,
      headers: {},
      expiresAt: expiresAtIso(DOWNLOAD_URL_TTL_SECONDS),
    };
  }

  async head(key: string): Promise<StoredObject | undefined> {
    try {
      const meta = JSON.parse(await readFile(`${this.pathOf(key)}.meta.json`, "utf8")) as StoredObject;
      const info = await stat(this.pathOf(key));
      return { sizeBytes: info.size, contentType: meta.contentType };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw error;
    }
  }

  async putObject(key: string, body: Buffer, contentType: string): Promise<void> {
    const path = this.pathOf(key);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, body);
    await writeFile(`${path}.meta.json`, JSON.stringify({ contentType }));
  }

  /**
   * The local server's PUT: checks the signed token, the declared type and the exact size, and writes
   * once — the file is created exclusively, so a second PUT with the ticket is a 409 that writes nothing.
   */
  async acceptUpload(token: string, contentType: string | undefined, body: Buffer): Promise<StoredObject> {
    const payload = this.verify(token, "put");
    if ((contentType ?? "").split(";")[0]?.trim() !== payload.contentType) {
      throw new ValidationError(
        "Content-Type differs from the requested upload",
        "文件类型与申请上传时不一致",
      );
    }
    if (body.length !== payload.sizeBytes) {
      throw new ValidationError("File size differs from the requested upload", "文件大小与申请上传时不一致");
    }
    const path = this.pathOf(payload.key);
    await mkdir(dirname(path), { recursive: true });
    try {
      await writeFile(path, body, { flag: "wx" });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      throw new ConflictError(
        "This upload link was already used; request a new one",
        "该上传链接已使用过，请重新申请上传",
      );
    }
    try {
      await writeFile(`${path}.meta.json`, JSON.stringify({ contentType: payload.contentType }));
    } catch (error) {
      await unlink(path).catch(() => undefined);
      throw error;
    }
    return { sizeBytes: body.length, contentType: payload.contentType ?? "application/octet-stream" };
  }

  /** The local server's GET: the file, its type and how to save it, when the token is valid. */
  async readDownload(
    token: string,
  ): Promise<{ body: Buffer; contentType: string; contentDisposition: string }> {
    const payload = this.verify(token, "get");
    const stored = await this.head(payload.key);
    if (!stored) throw new ForbiddenError("Nothing uploaded under this link", "该链接没有对应的文件");
    return {
      body: await readFile(this.pathOf(payload.key)),
      contentType: stored.contentType,
      contentDisposition: contentDisposition(payload.fileName ?? "document"),
    };
  }

  private pathOf(key: string): string {
    const path = resolve(this.root, key);
    if (!path.startsWith(this.root + sep)) throw new ForbiddenError("Invalid document key", "文件路径无效");
    return path;
  }

  private sign(payload: TokenPayload): string {
    const body = Buffer.from(JSON.stringify(payload)).toString("base64url");
    return `${body}.${this.mac(body)}`;
  }

  private mac(body: string): string {
    return createHmac("sha256", this.secret).update(body).digest("base64url");
  }

  private verify(token: string, op: TokenPayload["op"]): TokenPayload {
    const invalid = new ForbiddenError("The transfer link is invalid or expired", "文件链接无效或已过期");
    const [body, mac] = token.split(".");
    if (!body || !mac) throw invalid;
    const expected = Buffer.from(this.mac(body));
    const given = Buffer.from(mac);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw invalid;
    const payload = JSON.parse(Buffer.from(body, "base64url").toString("utf8")) as TokenPayload;
    if (payload.op !== op || payload.expMs < nowMs()) throw invalid;
    return payload;
  }
}

// ------------------------------------------------------------------------------------- selection

/** Derives the local signing key from the deployment secret (one secret to manage locally). */
export function localTransferSecret(identityHashKey: string): string {
  return createHmac("sha256", identityHashKey).update("aidflow/local-document-transfer").digest("hex");
}

export function documentStoreFor(active: AppConfig): DocumentStore {
  const { bucket, dir, localUploadBaseUrl } = active.documents;
  if (bucket) return new S3DocumentStore(bucket);
  if (dir && localUploadBaseUrl) {
    return new LocalDocumentStore(dir, localUploadBaseUrl, localTransferSecret(active.identityHashKey));
  }
  throw new Error(
    "no document store configured: set AIDFLOW_DOCUMENTS_BUCKET, or AIDFLOW_DOCUMENTS_DIR and AIDFLOW_LOCAL_UPLOAD_BASE_URL",
  );
}

let current: { config: AppConfig; store: DocumentStore } | undefined;

export function documentStore(): DocumentStore {
  const active = config();
  if (current?.config !== active) current = { config: active, store: documentStoreFor(active) };
  return current.store;
}
