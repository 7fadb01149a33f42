/**
 * The bank simulator's loopback HTTP API: the contract of docs/bank-contract.md plus an admin API
 * for the knobs and the clock. `startBankSimulator` runs it in-process (tests, the local runtime);
 * `main.ts` runs it as its own process.
 *
 *   POST /v1/instructions               instruct (idempotent by instructionId)
 *   GET  /v1/instructions/{id}          status
 *   POST /v1/instructions/{id}/cancel   cancel while not settled
 *   GET  /admin/knobs · POST /admin/knobs (partial)    POST /admin/flush · POST /admin/advance {ms}
 *   GET  /admin/stats
 *
 * With `mutualTls` it is an https server that demands a client certificate issued by its CA, as a
 * bank–enterprise direct connection (银企直连) does: a connection without one is refused in the TLS
 * handshake, before any request is read — the admin API included.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { z } from "zod";
import {
  type BankErrorBody,
  InstructionRequestSchema,
  SIGNATURE_HEADER,
  TIMESTAMP_HEADER,
} from "#adapters/payments/contract.ts";
import { verify } from "#adapters/payments/signature.ts";
import { parseJson, readBody, send } from "#local/http/simulator-io.ts";
import { KnobsPatchSchema } from "./knobs.ts";
import type { PemPair } from "./pki.ts";
import { BankSimulator, type BankSimulatorOptions } from "./simulator.ts";
import { JsonLinesTransferStore } from "./store.ts";

export interface StartBankSimulatorOptions extends Omit<BankSimulatorOptions, "store"> {
  /** Fixed port; omitted or 0 = a free port. Always bound to 127.0.0.1. */
  port?: number;
  /** JSON-lines journal directory; omitted = in memory. */
  dataDir?: string;
  /** When set, requests must be signed with it (as a real bank would demand). */
  requestSecret?: string;
  /** Serve https and accept only clients with a certificate from `clientCa` (pki.ts makes both). */
  mutualTls?: BankSimulatorTls;
}

export interface BankSimulatorTls {
  /** The certificate and key the simulator presents (for 127.0.0.1). */
  server: PemPair;
  /** PEM CA whose client certificates are accepted; any other client is refused. */
  clientCa: string;
}

export interface RunningBankSimulator {
  /** Base URL for `HttpBankGateway`, e.g. `http://127.0.0.1:41234` (`https://` with mutual TLS). */
  url: string;
  port: number;
  simulator: BankSimulator;
  stop(): Promise<void>;
}

/** Bodies larger than this are refused: a bank instruction is a few hundred bytes. */
const MAX_BODY_BYTES = 64 * 1024;

export async function startBankSimulator(options: StartBankSimulatorOptions): Promise<RunningBankSimulator> {
  const simulator = new BankSimulator({
    ...options,
    ...(options.dataDir ? { store: new JsonLinesTransferStore(options.dataDir) } : {}),
  });
  const listener = (req: IncomingMessage, res: ServerResponse) => {
    handle(simulator, options, req, res).catch((error: unknown) => {
      send(res, 500, { error: "invalid-request", message: String(error) });
    });
  };
  const tls = options.mutualTls;
  const server: Server = tls
    ? createHttpsServer(
        {
          cert: tls.server.certificate,
          key: tls.server.privateKey,
          ca: tls.clientCa,
          requestCert: true,
          rejectUnauthorized: true,
          minVersion: "TLSv1.2",
        },
        listener,
      )
    : createServer(listener);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `${tls ? "https" : "http"}://127.0.0.1:${port}`,
    port,
    simulator,
    stop: () => stopServer(server, simulator),
  };
}

async function stopServer(server: Server, simulator: BankSimulator): Promise<void> {
  simulator.stop();
  await simulator.idle();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

async function handle(
  simulator: BankSimulator,
  options: StartBankSimulatorOptions,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const url = new URL(req.url ?? "/", "http://127.0.0.1");
  const method = req.method ?? "GET";
  const body = await readBody(req, MAX_BODY_BYTES);
  if (body === undefined) return send(res, 413, { error: "invalid-request", message: "body too large" });

  if (url.pathname.startsWith("/admin/")) return handleAdmin(simulator, method, url.pathname, body, res);

  if (options.requestSecret) {
    const checked = verify(options.requestSecret, {
      method,
      path: url.pathname,
      body,
      timestamp: header(req, TIMESTAMP_HEADER),
      signature: header(req, SIGNATURE_HEADER),
      nowMs: (options.wallClockMs ?? Date.now)(),
    });
    if (!checked.ok) return send(res, 401, { error: "invalid-signature", message: checked.problem });
  }

  if (method === "POST" && url.pathname === "/v1/instructions") {
    const parsed = InstructionRequestSchema.safeParse(parseJson(body));
    if (!parsed.success) {
      return send(res, 400, { error: "invalid-request", message: z.prettifyError(parsed.error) });
    }
    const result = simulator.receive(parsed.data);
    // Hold the answer after recording: the client may time out and retry (it must not be paid twice).
    const delayMs = simulator.knobs.responseDelayMs;
    if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
    if (result.kind === "conflict") {
      return send(res, 409, {
        error: "instruction-conflict",
        message: "instructionId already used for another transfer",
      });
    }
    return send(res, result.kind === "created" ? 201 : 200, result.status);
  }
  const match = /^\/v1\/instructions\/([^/]+)(\/cancel)?$/.exec(url.pathname);
  if (match) {
    const instructionId = decodeURIComponent(match[1] as string);
    if (method === "GET" && !match[2]) {
      const status = simulator.status(instructionId);
      return status ? send(res, 200, status) : send(res, 404, notFound(instructionId));
    }
    if (method === "POST" && match[2]) {
      const cancelled = simulator.cancel(instructionId);
      if (!cancelled) return send(res, 404, notFound(instructionId));
      if (!cancelled.cancelled) {
        return send(res, 409, { error: "not-cancellable", message: `already ${cancelled.status.status}` });
      }
      return send(res, 200, cancelled.status);
    }
  }
  return send(res, 404, { error: "not-found", message: `${method} ${url.pathname}` });
}

async function handleAdmin(
  simulator: BankSimulator,
  method: string,
  path: string,
  body: string,
  res: ServerResponse,
): Promise<void> {
  if (path === "/admin/knobs" && method === "GET") return send(res, 200, simulator.knobs);
  if (path === "/admin/knobs" && method === "POST") {
    const parsed = KnobsPatchSchema.safeParse(parseJson(body));
    if (!parsed.success)
      return send(res, 400, { error: "invalid-request", message: z.prettifyError(parsed.error) });
    try {
      return send(res, 200, simulator.setKnobs(parsed.data));
    } catch (error) {
      return send(res, 400, { error: "invalid-request", message: String(error) });
    }
  }
  if (path === "/admin/flush" && method === "POST") return send(res, 200, await simulator.flush());
  if (path === "/admin/advance" && method === "POST") {
    const parsed = z.object({ ms: z.number().int().min(0) }).safeParse(parseJson(body));
    if (!parsed.success)
      return send(res, 400, { error: "invalid-request", message: "body: { ms: integer ≥ 0 }" });
    return send(res, 200, await simulator.advance(parsed.data.ms));
  }
  if (path === "/admin/stats" && method === "GET") return send(res, 200, simulator.stats());
  return send(res, 404, { error: "not-found", message: `${method} ${path}` });
}

function notFound(instructionId: string): BankErrorBody {
  return { error: "not-found", message: `no instruction ${instructionId}` };
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
