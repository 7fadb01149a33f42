/**
 * Custom metrics reach CloudWatch as Embedded Metric Format lines in the function's log: these tests
 * read the captured lines as CloudWatch Logs would (a JSON object with `_aws.CloudWatchMetrics`) and
 * check each directive names a numeric root member and dimension values that are strings.
 */
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { httpHandler } from "#functions/http/index.ts";
import { FUND_ALERT_METRIC, SERVER_ERROR_METRIC } from "#functions/runtime/environment.ts";
import { captureLogs, setLogLevel } from "#functions/runtime/logger.ts";
import { fundBelowAlertLevel, httpServerError } from "#functions/runtime/metrics.ts";
import { emfRecords } from "../../support/emf.ts";
import { httpEvent, lambdaContext, OFFICER } from "../http/support.ts";

let stopCapture: (() => string[]) | undefined;
afterEach(() => {
  stopCapture?.();
  stopCapture = undefined;
  setLogLevel("INFO");
});

function capture() {
  const logs = captureLogs();
  stopCapture = logs.stop;
  return logs;
}

describe("EMF metrics", () => {
  it("a fund under its alert level is put by county and township, and without dimensions", () => {
    // Prepare
    const logs = capture();
    // Act
    fundBelowAlertLevel({ fundId: "230123100" });
    // Assess
    const [record, ...others] = emfRecords(logs.lines, FUND_ALERT_METRIC);
    expect(others).toEqual([]);
    expect(record).toMatchObject({ county: "230123", township: "230123100", FundBelowAlertLevel: 1 });
    expect(record?._aws.CloudWatchMetrics).toEqual([
      {
        Namespace: "AidFlow",
        Dimensions: [["county", "township"], []],
        Metrics: [{ Name: "FundBelowAlertLevel", Unit: "Count" }],
      },
    ]);
    expect(Math.abs((record?._aws.Timestamp ?? 0) - Date.now())).toBeLessThan(60_000);
  });

  it("is written whatever the log level: a quiet log never silences an alarm", () => {
    // Prepare
    const logs = capture();
    setLogLevel("ERROR");
    // Act
    httpServerError("POST /cases");
    // Assess
    expect(emfRecords(logs.lines, SERVER_ERROR_METRIC)).toEqual([
      expect.objectContaining({ route: "POST /cases", HttpServerErrors: 1 }),
    ]);
  });
});

describe("the HTTP framework counts the 5xx it answers", () => {
  const failing = httpHandler({
    route: "GET /unit/metrics/{caseId}",
    params: z.object({ caseId: z.string() }),
    action: "case.read",
    resource: () => ({ countyId: "230123", townshipId: "230123100" }),
    handler: async ({ params }) => {
      if (params.caseId === "broken") throw new Error("the store is down");
      return { ok: true };
    },
  });

  it("a handler error answered as 500 puts HttpServerErrors with its route; a 200 or a 4xx puts nothing", async () => {
    // Prepare
    const logs = capture();
    const call = (caseId: string, claims?: Record<string, string>) =>
      failing(
        httpEvent("GET /unit/metrics/{caseId}", {
          pathParameters: { caseId },
          ...(claims ? { claims } : {}),
        }),
        lambdaContext,
      );
    // Act
    const ok = await call("c-1", OFFICER);
    const unauthorized = await call("c-1");
    const broken = await call("broken", OFFICER);
    // Assess
    expect([ok.statusCode, unauthorized.statusCode, broken.statusCode]).toEqual([200, 401, 500]);
    const records = emfRecords(logs.lines, SERVER_ERROR_METRIC);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ route: "GET /unit/metrics/{caseId}", HttpServerErrors: 1 });
    expect(records[0]?._aws.CloudWatchMetrics[0]?.Dimensions).toEqual([["route"], []]);
  });
});
