/**
 * Names shared by the CDK app and the local runtime. The handlers' environment variables live in
 * functions/runtime/environment.ts (configuration flows one way) and are re-exported here; what only
 * the CDK app needs (placeholders, parameter names) is defined here. Plain data: `local/` loads it too.
 */
export {
  BANK_CALLBACK_URL,
  DOCUMENTS_BUCKET_ENV,
  ENV,
  FUND_ALERT_METRIC,
  NOTIFICATIONS_TOPIC_ENV,
  SECRETS,
  SERVER_ERROR_METRIC,
  SIGN_IN_POOLS,
  stateMachineArnEnv,
  USER_POOL_ID,
} from "#functions/runtime/environment.ts";

/** Definition-substitution key that names a function in ASL: `${<id>FunctionArn}`. */
export function functionArnSubstitution(functionId: string): string {
  return `${functionId}FunctionArn`;
}

/** SSM parameter (String) holding the Cognito user pool's id; written by the API stack, read by administration. */
export function userPoolIdParameterName(prefix: string): string {
  return `/${prefix}user-pool-id`;
}

/**
 * SSM parameter (String, JSON) naming the staff and applicant Cognito pools and their consoles' clients;
 * written by the API stack, read by the API's authorizer.
 */
export function signInPoolsParameterName(prefix: string): string {
  return `/${prefix}sign-in-pools`;
}

/** SSM parameter (String) holding the bank callback URL; written by the API stack, read by payments. */
export function bankCallbackUrlParameterName(prefix: string): string {
  return `/${prefix}bank-callback-url`;
}
