/**
 * End-to-end test support: the local API server (local/http/server.ts) on this run's DynamoDB Local,
 * with fresh tables per call, a temporary document directory, and every log line captured (masked
 * lines are also appended to `test-artifacts/e2e-logs/` so a suite-wide scan can check them).
 *
 *   const api = await startTestApi();
 *   const officer = await api.signIn("officer-chengguan-1");
 *   const res = await officer.post("/cases/c1/documents", {...}, { idempotencyKey: "k1" });
 *   await api.close();
 */
import { appendFileSync, mkdirSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { FunctionDefinition } from "#functions/catalog.ts";
import { captureLogs } from "#functions/runtime/logger.ts";
import { type ApiServer, startApiServer } from "#local/http/server.ts";
import { demoTotpSecret, totp } from "#local/oidc/totp.ts";
import { checkDeclaredAnswer } from "#test/support/answer-contract.ts";
import { createTestTables, type TestTables } from "#test/support/dynamo.ts";

export const TEST_IDENTITY_HASH_KEY = "e2e-identity-hash-key-not-a-secret";
export const E2E_LOG_DIR = resolve(import.meta.dirname, "../../../test-artifacts/e2e-logs");

export interface ApiResponse<T = unknown> {
  status: number;
  headers: Headers;
  /** Parsed JSON when the response is JSON, else the text. */
  body: T;
  text: string;
}

export interface RequestOptions {
  headers?: Record<string, string>;
  idempotencyKey?: string;
  /** Raw body (string or bytes) instead of JSON. */
  rawBody?: string | Uint8Array;
}

export class ApiClient {
  constructor(
    readonly baseUrl: string,
    readonly token?: string,
  ) {}

  async request<T = unknown>(
    method: string,
    path: string,
    body?: unknown,
    options: RequestOptions = {},
  ): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { ...options.headers };
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    if (options.idempotencyKey) headers["idempotency-key"] = options.idempotencyKey;
    let payload: string | Uint8Array | undefined = options.rawBody;
    if (payload === undefined && body !== undefined) {
      payload = JSON.stringify(body);
      headers["content-type"] ??= "application/json";
    }
    const url = new URL(path, this.baseUrl);
    const response = await fetch(url, {
      method,
      headers,
      ...(payload !== undefined ? { body: payload as BodyInit } : {}),
    });
    const text = await response.text();
    const isJson = (response.headers.get("content-type") ?? "").includes("json");
    const parsed = isJson && text !== "" ? JSON.parse(text) : text;
    if (isJson) checkDeclaredAnswer(method, url, response.status, parsed);
    return { status: response.status, headers: response.headers, body: parsed as T, text };
  }

  get<T = unknown>(path: string, options?: RequestOptions): Promise<ApiResponse<T>> {
    return this.request<T>("GET", path, undefined, options);
  }

  post<T = unknown>(path: string, body?: unknown, options?: RequestOptions): Promise<ApiResponse<T>> {
    return this.request<T>("POST", path, body, options);
  }
}

/**
 * Signs in as a demo user (local/seed/users.ts) through `POST /dev/sign-in`, with the current code of
 * the user's demo authenticator (local/oidc/totp.ts): staff need it, applicants ignore it.
 */
export async function signIn(baseUrl: string, userId: string): Promise<ApiClient> {
  const response = await new ApiClient(baseUrl).post<{ token?: string }>("/dev/sign-in", {
    userId,
    totp: totp(demoTotpSecret(userId), Date.now()),
  });
  if (response.status !== 200 || !response.body.token) {
    throw new Error(`dev sign-in as ${userId} failed: ${response.status} ${response.text}`);
  }
  return new ApiClient(baseUrl, response.body.token);
}

export interface TestApi {
  url: string;
  server: ApiServer;
  tables: TestTables;
  documentsDir: string;
  /** Not signed in. */
  anonymous: ApiClient;
  signIn(userId: string): Promise<ApiClient>;
  /** Every (masked) log line written since the start. */
  logs(): readonly string[];
  close(): Promise<void>;
}

export interface StartTestApiOptions {
  label?: string;
  functions?: readonly FunctionDefinition[];
  env?: Record<string, string>;
  webRoot?: string;
  /** Echo log lines to stdout too (debugging). */
  echoLogs?: boolean;
}

/** The environment handlers need to reach this test's tables through the real AWS SDK. */
export function handlerEnv(tables: TestTables, documentsDir: string): Record<string, string> {
  return {
    AWS_ENDPOINT_URL_DYNAMODB: tables.endpoint,
    AWS_REGION: "cn-north-1",
    AWS_ACCESS_KEY_ID: "local",
    AWS_SECRET_ACCESS_KEY: "local",
    AIDFLOW_RUNTIME: "local",
    AIDFLOW_TABLE_MAIN: tables.names.main,
    AIDFLOW_TABLE_LEDGER: tables.names.ledger,
    AIDFLOW_IDENTITY_HASH_KEY: TEST_IDENTITY_HASH_KEY,
    AIDFLOW_DOCUMENTS_DIR: documentsDir,
  };
}

export async function startTestApi(options: StartTestApiOptions = {}): Promise<TestApi> {
  const label = options.label ?? "e2e";
  const tables = await createTestTables(label);
  const documentsDir = await mkdtemp(join(tmpdir(), `aidflow-${label}-docs-`));
  const capture = captureLogs({ echo: options.echoLogs ?? process.env.AIDFLOW_TEST_ECHO_LOGS === "1" });
  mkdirSync(E2E_LOG_DIR, { recursive: true });
  const logFile = join(E2E_LOG_DIR, `${tables.prefix}${process.pid}.jsonl`);
  let flushed = 0;
  const server = await startApiServer({
    ...(options.functions ? { functions: options.functions } : {}),
    ...(options.webRoot ? { webRoot: options.webRoot } : {}),
    env: { ...handlerEnv(tables, documentsDir), ...options.env },
  });
  const flush = () => {
    const pending = capture.lines.slice(flushed);
    flushed = capture.lines.length;
    if (pending.length > 0) appendFileSync(logFile, `${pending.join("\n")}\n`);
  };
  return {
    url: server.url,
    server,
    tables,
    documentsDir,
    anonymous: new ApiClient(server.url),
    signIn: (userId) => signIn(server.url, userId),
    logs: () => capture.lines,
    close: async () => {
      await server.close();
      flush();
      capture.stop();
      tables.client.destroy();
      await rm(documentsDir, { recursive: true, force: true });
    },
  };
}
