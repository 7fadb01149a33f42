/**
 * AWS list prices used by the cost-per-case estimate, region us-east-1 (N. Virginia),
 * USD, on-demand, no free tier, as published on the pages cited below (read for this estimate;
 * re-check before quoting — prices change, and the China regions are priced in CNY on their own pages).
 */
export const PRICE_REGION = "us-east-1";

/**
 * Step Functions, Standard workflows: $0.025 per 1,000 state transitions.
 * https://aws.amazon.com/step-functions/pricing/
 */
export const STEP_FUNCTIONS_STANDARD_PER_TRANSITION_USD = 0.025 / 1_000;

/**
 * Lambda: $0.20 per 1M requests; duration on Arm (Graviton, what functions-stack.ts deploys)
 * $0.0000133334 per GB-second (first 6 billion GB-s tier).
 * https://aws.amazon.com/lambda/pricing/
 */
export const LAMBDA_PER_REQUEST_USD = 0.2 / 1_000_000;
export const LAMBDA_ARM_PER_GB_SECOND_USD = 0.0000133334;

/**
 * DynamoDB on-demand (since the November 2024 price change): $0.625 per million write request
 * units, $0.125 per million read request units (Standard table class).
 * https://aws.amazon.com/dynamodb/pricing/on-demand/
 */
export const DYNAMODB_PER_WRITE_REQUEST_UNIT_USD = 0.625 / 1_000_000;
export const DYNAMODB_PER_READ_REQUEST_UNIT_USD = 0.125 / 1_000_000;

/**
 * API Gateway HTTP APIs: $1.00 per million requests (first 300 million).
 * https://aws.amazon.com/api-gateway/pricing/
 */
export const HTTP_API_PER_REQUEST_USD = 1.0 / 1_000_000;
