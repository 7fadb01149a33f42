/**
 * Names shared by the CDK app and the local runtime: the environment variables that carry resource
 * names into handlers, the state-machine placeholder convention and the custom metric of the fund
 * alert. Plain data (no aws-cdk-lib import) so that `local/` can load it too.
 */

/** Bucket holding applicants' documents (uploads through pre-signed URLs). */
export const DOCUMENTS_BUCKET_ENV = "AIDFLOW_DOCUMENTS_BUCKET";

/** SNS topic through which tasks notify the role that must act next (ARCHITECTURE §3.4). */
export const NOTIFICATIONS_TOPIC_ENV = "AIDFLOW_NOTIFICATIONS_TOPIC_ARN";

/**
 * Environment variable that carries the ARN of a workflow's state machine, e.g.
 * `flow-a` → `AIDFLOW_STATE_MACHINE_FLOW_A`.
 */
export function stateMachineArnEnv(workflowName: string): string {
  return `AIDFLOW_STATE_MACHINE_${workflowName.toUpperCase().replace(/[^A-Z0-9]/g, "_")}`;
}

/** Definition-substitution key that names a function in ASL: `${<id>FunctionArn}`. */
export function functionArnSubstitution(functionId: string): string {
  return `${functionId}FunctionArn`;
}

/**
 * The low-balance alert (DOMAIN §5): a handler that finds a township fund's `available` under its
 * alert level puts this metric (value = number of such funds, or 1) WITHOUT dimensions, so that the
 * one CloudWatch alarm of the monitoring stack sees it whatever township raised it.
 */
export const FUND_ALERT_METRIC = { namespace: "AidFlow", name: "FundBelowAlertLevel" } as const;
