/**
 * POST /bank/callback — the bank reports the outcome of a transfer. Public route:
 * authenticated by the bank's HMAC signature, not by a user's JWT.
 *
 * verify signature (401, writes nothing) → validate (400) → record once in the payment store →
 * only if this call changed the record: resume the waiting flow step (SendTaskSuccess with
 * `{ outcome, reason?, bankReference }`). Unknown instruction → 404, duplicate → 200
 * `{ duplicate: true }`, contradicting outcome → 409; all logged, none changes anything.
 *
 * Also the `pollPaymentStatus` task: after the wait for a callback timed out (a lost callback), the
 * flow asks the bank for the status of the current attempt and records it the same way.
 */

import { SendTaskSuccessCommand, SFNClient } from "@aws-sdk/client-sfn";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import * as z from "zod";
import { CaseStore } from "#adapters/case-store.ts";
import { DirectoryStore } from "#adapters/directory-store.ts";
import { MessageStore } from "#adapters/message-store.ts";
import { gatewaysFrom } from "#adapters/payments/config.ts";
import { CallbackSchema, SIGNATURE_HEADER, TIMESTAMP_HEADER } from "#adapters/payments/contract.ts";
import { PaymentStateError } from "#adapters/payments/errors.ts";
import type { PaymentGateway } from "#adapters/payments/gateway.ts";
import { defaultPaymentLogger, type PaymentLogger } from "#adapters/payments/log.ts";
import { type PaymentAttempt, PaymentStore } from "#adapters/payments/payment-store.ts";
import { verify } from "#adapters/payments/signature.ts";
import { asRetryable } from "#adapters/transient-errors.ts";
import type { FieldError } from "#core/errors.ts";
import { ValidationError } from "#core/errors.ts";
import { bodyText, headerOf, issueToFieldError } from "#functions/http/index.ts";
import { now } from "#functions/runtime/clock.ts";
import { config, dynamoEndpoint } from "#functions/runtime/config.ts";
import { newDynamoDbClient } from "#functions/runtime/dynamo-client.ts";
import { logger } from "#functions/runtime/logger.ts";
import { type NotifyDeps, notifyPaymentOutcome } from "#functions/services/messages/notify.ts";

/** What the waiting flow step receives. */
export interface PaymentTaskOutput {
  outcome: "confirmed" | "failed";
  reason?: string;
  bankReference: string;
}

export interface BankCallbackDeps {
  store: PaymentStore;
  sfn: Pick<SFNClient, "send">;
  callbackSecret: string;
  logger?: PaymentLogger;
  /**
   * Clock of the replay window; defaults to the wall clock. The window protects the transport, and
   * the bank signs with its own wall clock — not AidFlow's business clock, which the local runtime
   * may run accelerated (`--clock-speed`), where a runtime-clock window would refuse every callback.
   */
  nowMs?: () => number;
  toleranceSeconds?: number;
  /** Told of every settled attempt, also again on a re-delivery (the applicant's message, stored once). */
  onSettled?: (attempt: PaymentAttempt) => Promise<void>;
}

type Result = APIGatewayProxyStructuredResultV2;

/** Step Functions' answers that mean "this token will never be resumed": the flow polls instead. */
const DEAD_TOKEN_ERRORS = new Set(["TaskTimedOut", "TaskDoesNotExist", "InvalidToken"]);

export function createBankCallbackHandler(
  deps: BankCallbackDeps,
): (event: APIGatewayProxyEventV2) => Promise<Result> {
  const log = deps.logger ?? defaultPaymentLogger();
  const clock = deps.nowMs ?? Date.now;

  return async (event) => {
    const body = bodyText(event);
    const checked = verify(deps.callbackSecret, {
      method: event.requestContext?.http?.method ?? "POST",
      path: event.rawPath,
      body,
      timestamp: headerOf(event, TIMESTAMP_HEADER),
      signature: headerOf(event, SIGNATURE_HEADER),
      nowMs: clock(),
      ...(deps.toleranceSeconds !== undefined ? { toleranceSeconds: deps.toleranceSeconds } : {}),
    });
    if (!checked.ok) {
      log.warn("bank callback with a bad signature refused", {
        problem: checked.problem,
        sourceIp: event.requestContext?.http?.sourceIp,
      });
      return refusal(401, "UNAUTHORIZED", "invalid signature", "签名无效");
    }
    const parsed = CallbackSchema.safeParse(parseJson(body));
    if (!parsed.success) {
      log.warn("bank callback does not follow the contract", { issues: parsed.error.issues.length });
      return refusal(
        400,
        "VALIDATION_FAILED",
        "callback does not follow the bank contract",
        "回调内容不符合接口约定",
        parsed.error.issues.map((issue) => issueToFieldError(issue)),
      );
    }
    const callback = parsed.data;
    const result = await deps.store.recordOutcome({
      instructionId: callback.instructionId,
      outcome: callback.outcome,
      bankReference: callback.bankReference,
      amountYuan: callback.amountYuan,
      source: "callback",
      ...(callback.reason ? { reason: callback.reason } : {}),
    });
    const output: PaymentTaskOutput = {
      outcome: callback.outcome,
      ...(callback.reason ? { reason: callback.reason } : {}),
      bankReference: callback.bankReference,
    };
    switch (result.kind) {
      case "unknown":
        return refusal(404, "NOT_FOUND", "unknown instruction", "支付指令不存在");
      case "conflict":
        return refusal(409, "PAYMENT_STATE_CONFLICT", result.problem, "回调与已记录的结果矛盾");
      case "duplicate":
        // Re-delivery after a resume that failed transiently: this is the retry of that resume.
        if (result.unresumedTaskToken)
          await resume(deps, log, result.attempt, result.unresumedTaskToken, output);
        // A message that failed to be stored the first time (500, re-delivered) is stored now.
        await deps.onSettled?.(result.attempt);
        return json(200, { duplicate: true });
      case "recorded":
        if (result.taskToken) await resume(deps, log, result.attempt, result.taskToken, output);
        await deps.onSettled?.(result.attempt);
        return json(200, { recorded: true });
    }
  };
}

async function resume(
  deps: BankCallbackDeps,
  log: PaymentLogger,
  attempt: PaymentAttempt,
  taskToken: string,
  output: PaymentTaskOutput,
): Promise<void> {
  try {
    await deps.sfn.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(output) }));
  } catch (error) {
    const name = error instanceof Error ? error.name : "";
    if (!DEAD_TOKEN_ERRORS.has(name)) throw error; // 500: the bank re-delivers, the duplicate retries the resume
    log.warn("waiting flow step already gone; the flow polls the status", {
      instructionId: attempt.instructionId,
      error: name,
    });
  }
  await deps.store.markFlowResumed(attempt);
}

// ── pollPaymentStatus ───────────────────────────────────────────────────────────────────────────

export const PollPaymentStatusInputSchema = z.object({ obligationId: z.string().min(1).max(200) });

export interface PollPaymentStatusOutput {
  obligationId: string;
  instructionId: string;
  attempt: number;
  /** `pending`: the bank holds it, not settled; `not-received`: the bank never got it — re-instruct. */
  outcome: "confirmed" | "failed" | "cancelled" | "pending" | "not-received";
  reason?: string;
  bankReference?: string;
}

export interface PollPaymentStatusDeps {
  store: PaymentStore;
  gatewayFor: (countyCode: string) => PaymentGateway;
  logger?: PaymentLogger;
  /** Told of the settled attempt the poll found or recorded (see `BankCallbackDeps.onSettled`). */
  onSettled?: (attempt: PaymentAttempt) => Promise<void>;
}

export function createPollPaymentStatus(
  deps: PollPaymentStatusDeps,
): (input: unknown) => Promise<PollPaymentStatusOutput> {
  return async (input) => {
    const parsed = PollPaymentStatusInputSchema.safeParse(input);
    if (!parsed.success) {
      throw new ValidationError(
        "pollPaymentStatus needs { obligationId }",
        "查询支付状态须提供 obligationId",
        {
          fields: [{ path: "obligationId", message: "required", messageZh: "必填" }],
        },
      );
    }
    const payment = await deps.store.getPayment(parsed.data.obligationId);
    const attempt = payment?.attempts.find((a) => a.attempt === payment.obligation.currentAttempt);
    if (!payment || !attempt || attempt.method !== "bank") {
      throw new PaymentStateError(
        `No bank attempt to poll for ${parsed.data.obligationId}`,
        `支付 ${parsed.data.obligationId} 没有可查询的银行支付`,
      );
    }
    const base = {
      obligationId: attempt.obligationId,
      instructionId: attempt.instructionId,
      attempt: attempt.attempt,
    };
    if (attempt.status !== "instructed") {
      await deps.onSettled?.(attempt);
      return { ...base, ...settledOutput(attempt) };
    }
    const bank = await deps.gatewayFor(payment.obligation.countyCode).status(attempt.instructionId);
    if (bank.status === "unknown") return { ...base, outcome: "not-received" };
    if (bank.status === "accepted") return { ...base, outcome: "pending" };
    const result = await deps.store.recordOutcome({
      instructionId: attempt.instructionId,
      outcome: bank.status,
      amountYuan: bank.amountYuan,
      source: "poll",
      ...(bank.bankReference ? { bankReference: bank.bankReference } : {}),
      ...(bank.reason ? { reason: bank.reason } : {}),
    });
    if (result.kind === "unknown")
      throw new PaymentStateError("attempt vanished while polling", "查询期间支付记录丢失");
    await deps.onSettled?.(result.attempt);
    return { ...base, ...settledOutput(result.attempt) };
  };
}

function settledOutput(attempt: {
  status: string;
  reason?: string;
  bankReference?: string;
}): Pick<PollPaymentStatusOutput, "outcome" | "reason" | "bankReference"> {
  return {
    outcome: attempt.status as PollPaymentStatusOutput["outcome"],
    ...(attempt.reason ? { reason: attempt.reason } : {}),
    ...(attempt.bankReference ? { bankReference: attempt.bankReference } : {}),
  };
}

// ── Lambda entry points (configuration read once, at cold start) ────────────────────────────────

let callbackHandler: ((event: APIGatewayProxyEventV2) => Promise<Result>) | undefined;
let pollTask: ((input: unknown) => Promise<PollPaymentStatusOutput>) | undefined;

let notifyDeps: NotifyDeps | undefined;

/** The applicant's message about a settled transfer (money sent, stage paid, transfer failed). */
async function tellApplicant(attempt: PaymentAttempt): Promise<void> {
  if (!notifyDeps) {
    const db = DynamoDBDocumentClient.from(newDynamoDbClient(dynamoEndpoint()), {
      marshallOptions: { removeUndefinedValues: true },
    });
    const table = config().tables.main;
    notifyDeps = {
      cases: new CaseStore(db, table),
      messages: new MessageStore(db, table),
      directory: new DirectoryStore(db, table),
      now,
      log: logger.child({ component: "messages" }),
    };
  }
  await notifyPaymentOutcome(notifyDeps, attempt);
}

function storeFromEnv(): PaymentStore {
  return new PaymentStore({ client: newDynamoDbClient(dynamoEndpoint()), tableName: config().tables.main });
}

export async function handler(event: APIGatewayProxyEventV2): Promise<Result> {
  callbackHandler ??= createBankCallbackHandler({
    store: storeFromEnv(),
    sfn: new SFNClient({}),
    callbackSecret: config().bank.callbackSecret,
    onSettled: tellApplicant,
  });
  return callbackHandler(event);
}

export async function pollPaymentStatus(input: unknown): Promise<PollPaymentStatusOutput> {
  pollTask ??= createPollPaymentStatus({
    store: storeFromEnv(),
    gatewayFor: gatewaysFrom(config().bank),
    onSettled: tellApplicant,
  });
  try {
    return await pollTask(input);
  } catch (error) {
    // A throttled or timed-out store is retried by the state machine (TransientDependencyError).
    throw asRetryable(error);
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** A refusal in the API's one error shape `{ code, message, messageZh, fields }`. */
function refusal(
  statusCode: number,
  code: string,
  message: string,
  messageZh: string,
  fields: FieldError[] = [],
): Result {
  return json(statusCode, { code, message, messageZh, fields });
}

function json(statusCode: number, body: unknown): Result {
  return {
    statusCode,
    headers: { "content-type": "application/json; charset=utf-8" },
    body: JSON.stringify(body),
  };
}
