/**
 * `PaymentGateway` over HTTP per docs/bank-contract.md: signed requests (HMAC-SHA-256), zod-checked
 * answers, timeouts and transport failures as typed errors. The same class talks to a county's bank
 * in AWS and to the bank simulator locally; with `tls` it presents a client certificate and trusts
 * the bank's CA (mutual TLS of a bank–enterprise direct connection), otherwise it is plain fetch.
 */
import type { z } from "zod";
import type { BankTlsIdentity } from "#functions/runtime/bank-client-tls.ts";
import { type BankTransport, describeTlsFailure, mutualTlsTransport } from "./bank-transport.ts";
import {
  BANK_PATHS,
  BankErrorBodySchema,
  type InstructionRequest,
  type InstructionStatus,
  InstructionStatusSchema,
  SIGNATURE_HEADER,
  TIMESTAMP_HEADER,
} from "./contract.ts";
import {
  BankProtocolError,
  BankRejectedError,
  BankTimeoutError,
  BankUnavailableError,
  InstructionConflictError,
} from "./errors.ts";
import type { GatewayStatus, PaymentGateway, PaymentInstruction } from "./gateway.ts";
import { sign } from "./signature.ts";

export interface HttpBankGatewayOptions {
  /** The county's bank endpoint, e.g. `https://bank.example/aidflow` or the simulator's URL. */
  baseUrl: string;
  /** Shared secret for signing requests to the bank. */
  requestSecret: string;
  /** Per-request limit; past it the call fails with `BankTimeoutError`. */
  timeoutMs: number;
  /** Client certificate, key and bank CA (the endpoint must then be https). */
  tls?: BankTlsIdentity;
  /** Injected for tests; defaults to the global fetch, or the mutual-TLS transport with `tls`. */
  transport?: BankTransport;
  /**
   * Signing clock; defaults to the wall clock: a signature's timestamp is for the bank's replay window,
   * which runs on real time even when the local runtime's business clock is accelerated.
   */
  nowMs?: () => number;
}

export class HttpBankGateway implements PaymentGateway {
  private readonly baseUrl: URL;
  private readonly transport: BankTransport;
  private readonly clock: () => number;

  constructor(private readonly options: HttpBankGatewayOptions) {
    this.baseUrl = new URL(options.baseUrl.endsWith("/") ? options.baseUrl : `${options.baseUrl}/`);
    if (options.tls && this.baseUrl.protocol !== "https:") {
      throw new Error(`${options.baseUrl}: a bank with a client certificate is reached over https only`);
    }
    this.transport = options.transport ?? (options.tls ? mutualTlsTransport(options.tls) : fetch);
    this.clock = options.nowMs ?? Date.now;
  }

  async instruct(instruction: PaymentInstruction): Promise<InstructionStatus> {
    const body: InstructionRequest = {
      instructionId: instruction.instructionId,
      amountYuan: instruction.amountYuan,
      currency: "CNY",
      payee: instruction.payee,
      payer: { township: instruction.township, fund: instruction.fund },
      callbackUrl: instruction.callbackUrl,
      reference: instruction.reference,
    };
    const answer = await this.call("POST", BANK_PATHS.instruct, JSON.stringify(body), "instruct");
    if (answer.status === 409) {
      throw new InstructionConflictError(
        `The bank already holds instruction ${instruction.instructionId} with different content`,
        `银行已存在内容不同的同号支付指令 ${instruction.instructionId}`,
        { details: { instructionId: instruction.instructionId } },
      );
    }
    return this.expect(answer, [200, 201], InstructionStatusSchema, "instruct");
  }

  async status(instructionId: string): Promise<GatewayStatus> {
    const answer = await this.call("GET", BANK_PATHS.status(instructionId), "", "status");
    if (answer.status === 404) return { instructionId, status: "unknown" };
    return this.expect(answer, [200], InstructionStatusSchema, "status");
  }

  async cancel(instructionId: string): Promise<InstructionStatus> {
    const answer = await this.call("POST", BANK_PATHS.cancel(instructionId), "", "cancel");
    // 409 not-cancellable carries no status: ask for the final one.
    if (answer.status === 409) {
      const current = await this.status(instructionId);
      if (current.status === "unknown") {
        throw new BankProtocolError(
          "cancel answered 409 for an unknown instruction",
          "撤销应答与指令状态矛盾",
        );
      }
      return current;
    }
    return this.expect(answer, [200], InstructionStatusSchema, "cancel");
  }

  private async call(
    method: "GET" | "POST",
    path: string,
    body: string,
    operation: string,
  ): Promise<{ status: number; json: unknown }> {
    const url = new URL(path.replace(/^\//, ""), this.baseUrl);
    const signed = sign(this.options.requestSecret, {
      method,
      path: url.pathname,
      body,
      nowMs: this.clock(),
    });
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.options.timeoutMs);
    try {
      const response = await this.transport(url, {
        method,
        headers: {
          "content-type": "application/json",
          [TIMESTAMP_HEADER]: signed.timestamp,
          [SIGNATURE_HEADER]: signed.signature,
        },
        ...(method === "POST" ? { body } : {}),
        signal: controller.signal,
      });
      const text = await response.text();
      let json: unknown;
      try {
        json = text === "" ? undefined : JSON.parse(text);
      } catch (cause) {
        throw new BankProtocolError(`The bank answered ${operation} with non-JSON`, "银行应答不是 JSON", {
          cause,
        });
      }
      return { status: response.status, json };
    } catch (cause) {
      if (controller.signal.aborted) throw new BankTimeoutError(operation, this.options.timeoutMs, { cause });
      if (cause instanceof BankProtocolError) throw cause;
      const tls = describeTlsFailure(cause, this.options.tls !== undefined);
      if (tls) {
        // Still "unavailable" to the flow (Retry, then an incident): it fails alike until the secret or
        // the bank's side is put right, and the message says which side.
        throw new BankUnavailableError(
          `The bank could not be reached (${operation}): ${tls.en} [${tls.code}]`,
          `无法连接银行（${operation}）：${tls.zh}`,
          { cause, details: { tls: tls.code } },
        );
      }
      throw new BankUnavailableError(
        `The bank could not be reached (${operation})`,
        `无法连接银行（${operation}）`,
        {
          cause,
        },
      );
    } finally {
      clearTimeout(timer);
    }
  }

  private expect<T>(
    answer: { status: number; json: unknown },
    okStatuses: number[],
    schema: z.ZodType<T>,
    operation: string,
  ): T {
    if (answer.status >= 500) {
      throw new BankUnavailableError(
        `The bank answered ${operation} with ${answer.status}`,
        `银行应答错误 ${answer.status}（${operation}）`,
      );
    }
    if (!okStatuses.includes(answer.status)) {
      const error = BankErrorBodySchema.safeParse(answer.json);
      throw new BankRejectedError(
        `The bank refused ${operation} (${answer.status} ${error.success ? error.data.error : "no error body"})`,
        `银行拒绝请求（${operation}，${answer.status}）`,
        { details: { status: answer.status, error: error.success ? error.data.error : undefined } },
      );
    }
    const parsed = schema.safeParse(answer.json);
    if (!parsed.success) {
      throw new BankProtocolError(
        `The bank's answer to ${operation} does not follow the contract`,
        `银行应答不符合接口约定（${operation}）`,
        { details: { issues: parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`) } },
      );
    }
    return parsed.data;
  }
}
