/**
 * Custom CloudWatch metrics as Embedded Metric Format (EMF) records: one JSON line in the function's
 * log, from which CloudWatch Logs extracts the metric (no PutMetricData call, no extra permission, no
 * latency on the request). Locally and in tests the same line goes to the log like any other
 * (`captureLogs()` sees it). Every metric AidFlow puts is built here, its namespace and name from
 * ./environment.ts, which the monitoring stack's alarms read too.
 *
 * Each metric is put twice over: with its dimensions (which township, which route: for the dashboard
 * and the runbook) and with none (one alarm covers every township and route). EMF allows an empty
 * dimension set for exactly this.
 */
import { FUND_ALERT_METRIC, SERVER_ERROR_METRIC } from "./environment.ts";
import { writeRecord } from "./logger.ts";

export interface MetricName {
  readonly namespace: string;
  readonly name: string;
}

/** Puts a count of `metric` now, by `dimensions` and by none. Dimension values are strings (EMF). */
export function putMetric(
  metric: MetricName,
  value: number,
  dimensions: Readonly<Record<string, string>>,
): void {
  writeRecord({
    level: "INFO",
    timestamp: new Date().toISOString(),
    message: `metric ${metric.namespace}/${metric.name}`,
    service: "aidflow",
    ...dimensions,
    [metric.name]: value,
    _aws: {
      // Wall-clock milliseconds: CloudWatch refuses data points far from its own time (the business clock may run fast locally).
      Timestamp: Date.now(),
      CloudWatchMetrics: [
        {
          Namespace: metric.namespace,
          Dimensions: [Object.keys(dimensions), []],
          Metrics: [{ Name: metric.name, Unit: "Count" }],
        },
      ],
    },
  });
}

/**
 * A draw took a township fund under its alert level (DOMAIN §5): county finance must replenish
 * (补足). Funds are keyed by the township's code, whose first 6 digits are its county's (行政区划代码).
 */
export function fundBelowAlertLevel(alert: { fundId: string }): void {
  const township = alert.fundId;
  const county = /^\d{9}$/.test(township) ? township.slice(0, 6) : "unknown";
  putMetric(FUND_ALERT_METRIC, 1, { county, township });
}

/** The HTTP framework answered a 5xx on `route` (e.g. `POST /cases`). */
export function httpServerError(route: string): void {
  putMetric(SERVER_ERROR_METRIC, 1, { route });
}
