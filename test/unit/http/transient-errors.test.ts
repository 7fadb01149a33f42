/**
 * Which dependency failures are tried again (adapters/transient-errors.ts): a throttle, a conflict,
 * a timeout, a dropped connection, a 5xx — but never a failed condition or a caller's mistake.
 */
import {
  ConditionalCheckFailedException,
  ProvisionedThroughputExceededException,
  TransactionCanceledException,
} from "@aws-sdk/client-dynamodb";
import { describe, expect, it } from "vitest";
import {
  asRetryable,
  isTransientDependencyError,
  TransientDependencyError,
} from "#adapters/transient-errors.ts";
import { ValidationError } from "#core/errors.ts";
import { errorResult } from "#functions/middleware/http-errors.ts";

const $metadata = { httpStatusCode: 400 };
const cancelled = (...codes: string[]) =>
  new TransactionCanceledException({
    message: "cancelled",
    $metadata,
    CancellationReasons: codes.map((Code) => ({ Code })),
  });

describe("transient dependency errors", () => {
  it("a throttle, a conflict-only cancellation, a timeout, a reset socket and a 5xx are transient", () => {
    const transient = [
      new ProvisionedThroughputExceededException({ message: "slow down", $metadata }),
      cancelled("TransactionConflict", "None"),
      Object.assign(new Error("socket timed out"), { name: "TimeoutError" }),
      Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }),
      Object.assign(new Error("boom"), { name: "InternalServerError", $metadata: { httpStatusCode: 500 } }),
    ];

    expect(transient.map(isTransientDependencyError)).toEqual([true, true, true, true, true]);
  });

  it("a failed condition, a cancellation with a failed condition and a validation error are not", () => {
    const permanent = [
      new ConditionalCheckFailedException({ message: "no", $metadata }),
      cancelled("ConditionalCheckFailed", "TransactionConflict"),
      new ValidationError("bad", "不对"),
      new Error("a bug"),
    ];

    expect(permanent.map(isTransientDependencyError)).toEqual([false, false, false, false]);
  });

  it("a step rethrows a transient error under the name every Retry of the state machines lists", () => {
    const throttled = new ProvisionedThroughputExceededException({ message: "slow down", $metadata });
    const bug = new Error("a bug");

    const rethrown = asRetryable(throttled) as Error;

    expect(rethrown).toBeInstanceOf(TransientDependencyError);
    expect(rethrown.name).toBe("TransientDependencyError");
    expect(rethrown.cause).toBe(throttled);
    expect(asRetryable(bug)).toBe(bug);
  });

  it("the API answers a transient failure 503 with Retry-After, in Chinese and English, and a bug 500", () => {
    const busy = errorResult(new ProvisionedThroughputExceededException({ message: "slow down", $metadata }));
    const bug = errorResult(new Error("a bug"));

    expect(busy.statusCode).toBe(503);
    expect(busy.headers?.["retry-after"]).toBe("1");
    expect(JSON.parse(String(busy.body))).toMatchObject({
      code: "SERVICE_BUSY",
      messageZh: expect.stringContaining("系统繁忙"),
    });
    expect(bug.statusCode).toBe(500);
  });
});
