/**
 * Cost per case from what a case actually did on the local runtime: state transitions counted from
 * its execution history, Lambda invocations (task states + HTTP routes), DynamoDB request units
 * counted at the SDK, priced with `prices.ts`. Assumptions are named where they are made.
 */
import {
  DYNAMODB_PER_READ_REQUEST_UNIT_USD,
  DYNAMODB_PER_WRITE_REQUEST_UNIT_USD,
  HTTP_API_PER_REQUEST_USD,
  LAMBDA_ARM_PER_GB_SECOND_USD,
  LAMBDA_PER_REQUEST_USD,
  STEP_FUNCTIONS_STANDARD_PER_TRANSITION_USD,
} from "./prices.ts";

export interface CaseUsage {
  transitions: number;
  lambdaInvocations: number;
  httpRequests: number;
  writeRequestUnits: number;
  readRequestUnits: number;
}

export interface CostAssumptions {
  /** Memory of each function (functions-stack.ts default). */
  memoryMb: number;
  /** Billed duration per invocation: an assumption, not measured (local handlers run in-process). */
  billedMsPerInvocation: number;
}

export const DEFAULT_ASSUMPTIONS: CostAssumptions = { memoryMb: 512, billedMsPerInvocation: 100 };

export interface CostBreakdown {
  stepFunctionsUsd: number;
  lambdaUsd: number;
  dynamoDbUsd: number;
  httpApiUsd: number;
  totalUsd: number;
}

export function costOf(usage: CaseUsage, assumptions: CostAssumptions = DEFAULT_ASSUMPTIONS): CostBreakdown {
  const stepFunctionsUsd = usage.transitions * STEP_FUNCTIONS_STANDARD_PER_TRANSITION_USD;
  const gbSeconds =
    usage.lambdaInvocations * (assumptions.memoryMb / 1024) * (assumptions.billedMsPerInvocation / 1000);
  const lambdaUsd =
    usage.lambdaInvocations * LAMBDA_PER_REQUEST_USD + gbSeconds * LAMBDA_ARM_PER_GB_SECOND_USD;
  const dynamoDbUsd =
    usage.writeRequestUnits * DYNAMODB_PER_WRITE_REQUEST_UNIT_USD +
    usage.readRequestUnits * DYNAMODB_PER_READ_REQUEST_UNIT_USD;
  const httpApiUsd = usage.httpRequests * HTTP_API_PER_REQUEST_USD;
  return {
    stepFunctionsUsd,
    lambdaUsd,
    dynamoDbUsd,
    httpApiUsd,
    totalUsd: stepFunctionsUsd + lambdaUsd + dynamoDbUsd + httpApiUsd,
  };
}

/**
 * DynamoDB request units of one SDK command (items assumed ≤ 1 KB written, ≤ 4 KB read):
 * a write = 1 WRU, a transactional write = 2 WRU per item; a strongly consistent read = 1 RRU,
 * an eventually consistent one 0.5, a transactional read 2; a Query counted as one read per page
 * (its items are small), a BatchGet per key.
 */
export function requestUnitsOf(
  commandName: string,
  input: Record<string, unknown>,
): { wru: number; rru: number } {
  const consistent = input.ConsistentRead === true;
  const read = consistent ? 1 : 0.5;
  switch (commandName.replace(/Command$/, "")) {
    case "PutItem":
    case "Put":
    case "UpdateItem":
    case "Update":
    case "DeleteItem":
    case "Delete":
      return { wru: 1, rru: 0 };
    case "TransactWriteItems":
    case "TransactWrite":
      return { wru: 2 * (Array.isArray(input.TransactItems) ? input.TransactItems.length : 1), rru: 0 };
    case "BatchWriteItem":
    case "BatchWrite": {
      const requests = Object.values((input.RequestItems ?? {}) as Record<string, unknown[]>);
      return { wru: requests.reduce((n, list) => n + list.length, 0), rru: 0 };
    }
    case "GetItem":
    case "Get":
    case "Query":
    case "Scan":
      return { wru: 0, rru: read };
    case "TransactGetItems":
    case "TransactGet":
      return { wru: 0, rru: 2 * (Array.isArray(input.TransactItems) ? input.TransactItems.length : 1) };
    case "BatchGetItem":
    case "BatchGet": {
      const tables = Object.values(
        (input.RequestItems ?? {}) as Record<string, { Keys?: unknown[]; ConsistentRead?: boolean }>,
      );
      return {
        wru: 0,
        rru: tables.reduce((n, t) => n + (t.Keys?.length ?? 0) * (t.ConsistentRead ? 1 : 0.5), 0),
      };
    }
    default:
      return { wru: 0, rru: 0 };
  }
}
