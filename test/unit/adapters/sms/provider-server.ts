/**
 * A local HTTP server standing where a provider's API would: the SDK under test is pointed at it
 * (its endpoint option), signs and sends its real request, and gets back the recorded answer the
 * test queued. Every request is kept for the test to read.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface RecordedAnswer {
  status: number;
  body: unknown;
}

export interface ReceivedRequest {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface ProviderServer {
  /** host:port, for the SDK's endpoint. */
  readonly endpoint: string;
  readonly requests: ReceivedRequest[];
  answer(next: RecordedAnswer): void;
  close(): Promise<void>;
}

export async function startProviderServer(): Promise<ProviderServer> {
  const queue: RecordedAnswer[] = [];
  const requests: ReceivedRequest[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      requests.push({
        method: req.method ?? "",
        url: req.url ?? "",
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
      });
      const next = queue.shift() ?? { status: 500, body: { message: "no answer queued" } };
      res.writeHead(next.status, { "content-type": "application/json;charset=utf-8" });
      res.end(JSON.stringify(next.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `127.0.0.1:${port}`,
    requests,
    answer: (next) => queue.push(next),
    close: () =>
      new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}
