export { type IntRange, POLICY_BOUNDS, POLICY_DEFAULTS, type YuanRange } from "./bounds.ts";
export {
  AREAS,
  type Area,
  type LimitSpec,
  type PolicyParameters,
  PolicyParametersBaseSchema,
  PolicyParametersSchema,
  parsePolicyParameters,
  resolveLimitYuan,
} from "./parameters.ts";
export {
  fundQuotaYuan,
  type ResolvedPolicy,
  resolvePolicy,
} from "./resolve.ts";
export { issueToField, parseWith, toValidationError } from "./validation.ts";
export {
  type CountyPolicySet,
  CountyPolicySetSchema,
  NoPolicyInForceError,
  type PolicyVersion,
  PolicyVersionSchema,
  parseCountyPolicySet,
  policyInForce,
} from "./versions.ts";
