/**
 * How `HttpBankGateway` reaches the bank. Plain https (and http to the local simulator) goes through
 * the global fetch; a mutual-TLS bank (银企直连) through node:https with the client certificate, its key
 * and the bank's CA from the secret (functions/runtime/bank-client-tls.ts) — fetch cannot present a
 * client certificate without a dispatcher of its own.
 */
import { Agent, request } from "node:https";
import type { BankTlsIdentity } from "#functions/runtime/bank-client-tls.ts";

export interface BankRequest {
  method: "GET" | "POST";
  headers: Record<string, string>;
  body?: string;
  signal: AbortSignal;
}

/** What the gateway reads of an answer; `fetch`'s Response is one. */
export interface BankAnswer {
  status: number;
  text(): Promise<string>;
}

export type BankTransport = (url: URL, init: BankRequest) => Promise<BankAnswer>;

/** A bank answer is a few hundred bytes; anything past this is not one. */
const MAX_ANSWER_BYTES = 1024 * 1024;

/** Kept open between calls: a TLS handshake with a client certificate costs more than the request. */
export function mutualTlsTransport(identity: BankTlsIdentity): BankTransport {
  const agent = new Agent({
    keepAlive: true,
    minVersion: "TLSv1.2",
    ...(identity.certificate && identity.privateKey
      ? { cert: identity.certificate, key: identity.privateKey }
      : {}),
    ...(identity.ca ? { ca: identity.ca } : {}),
  });
  return (url, init) =>
    new Promise<BankAnswer>((resolve, reject) => {
      const headers = {
        ...init.headers,
        ...(init.body !== undefined ? { "content-length": String(Buffer.byteLength(init.body)) } : {}),
      };
      const req = request(url, { method: init.method, headers, agent, signal: init.signal }, (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on("data", (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_ANSWER_BYTES) {
            res.destroy(new Error(`the answer exceeds ${MAX_ANSWER_BYTES} bytes`));
            return;
          }
          chunks.push(chunk);
        });
        res.on("error", reject);
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          resolve({ status: res.statusCode ?? 0, text: async () => text });
        });
      });
      req.on("error", reject);
      req.end(init.body);
    });
}

/**
 * TLS failures by OpenSSL/Node error code, in words that say which side to fix: the bank refusing our
 * certificate, or our side refusing the bank's.
 */
export function describeTlsFailure(
  cause: unknown,
  mutual: boolean,
): { en: string; zh: string; code: string } | undefined {
  // Under TLS 1.3 a server that refuses the client certificate may just close the connection.
  if (mutual && errorCode(cause, 0, /^ECONNRESET$/)) {
    return {
      code: "ECONNRESET",
      en: "the bank closed the mutual-TLS connection unanswered: most likely a client certificate it does not accept",
      zh: "银行未应答即关闭双向 TLS 连接：很可能不接受所提供的客户端证书",
    };
  }
  const code = errorCode(cause);
  if (!code) return undefined;
  if (/ALERT_CERTIFICATE_REQUIRED|ALERT_BAD_CERTIFICATE|ALERT_UNKNOWN_CA|ALERT_CERTIFICATE_/.test(code)) {
    return {
      code,
      en: "the bank refused the TLS handshake: no client certificate, or one it does not accept",
      zh: "银行拒绝 TLS 握手：未提供客户端证书或证书不被接受",
    };
  }
  if (
    /^(UNABLE_TO_GET_ISSUER_CERT|UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT_IN_CHAIN|DEPTH_ZERO_SELF_SIGNED_CERT|CERT_|ERR_TLS_CERT_ALTNAME_INVALID)/.test(
      code,
    )
  ) {
    return {
      code,
      en: "the bank's server certificate is not trusted (check the bank's CA in the TLS secret)",
      zh: "银行服务器证书不受信任（请核对 TLS 密钥中的银行 CA 证书）",
    };
  }
  if (/^ERR_SSL_|^ERR_TLS_/.test(code)) {
    return { code, en: "the TLS connection to the bank failed", zh: "与银行的 TLS 连接失败" };
  }
  return undefined;
}

/** The code of a Node/OpenSSL error, or of the error that caused it (fetch wraps its cause). */
function errorCode(error: unknown, depth = 0, wanted = /SSL|TLS|CERT|_CA\b|ISSUER|LEAF/): string | undefined {
  if (typeof error !== "object" || error === null || depth > 3) return undefined;
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string" && wanted.test(code)) return code;
  return errorCode((error as { cause?: unknown }).cause, depth + 1, wanted);
}
