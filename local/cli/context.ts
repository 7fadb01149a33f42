/**
 * Where the CLI works: straight on the tables (batch work runs where the data is), named by the
 * same variables as the handlers — `AIDFLOW_TABLE_MAIN`, `AIDFLOW_TABLE_LEDGER`, and for the local
 * runtime `AWS_ENDPOINT_URL_DYNAMODB` (printed by `npm start`). The CLI acts as a county-finance
 * user of the county it is given (`--user`, recorded on every run and audit event).
 */

import { CognitoIdentityProviderClient } from "@aws-sdk/client-cognito-identity-provider";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { AuditStore } from "#adapters/audit-store.ts";
import { CognitoAccounts, DirectoryAccounts, type IdentityAccounts } from "#adapters/identity/index.ts";
import type { Actor, Role } from "#core/access/index.ts";
import { dynamoEndpoint } from "#functions/runtime/config.ts";
import { newDynamoDbClient } from "#functions/runtime/dynamo-client.ts";
import { USER_POOL_ID } from "#functions/runtime/environment.ts";
import { TABLE_ENV } from "#functions/runtime/tables.ts";
import type { AdminDeps } from "#functions/services/admin/administration.ts";
import { createFinanceDeps, type FinanceDeps } from "#functions/services/finance/deps.ts";
import { StoredPolicySource } from "#functions/services/reference-data.ts";

export class UsageError extends Error {
  override readonly name = "UsageError";
}

export function tablesFromEnv(env: NodeJS.ProcessEnv): { main: string; ledger: string } {
  const main = env[TABLE_ENV.main];
  const ledger = env[TABLE_ENV.ledger];
  const missing = [...(main ? [] : [TABLE_ENV.main]), ...(ledger ? [] : [TABLE_ENV.ledger])];
  if (missing.length > 0 || !main || !ledger) {
    throw new UsageError(
      `configuration: ${missing.join(" and ")} must name the tables (set AWS_ENDPOINT_URL_DYNAMODB too for the local runtime)`,
    );
  }
  return { main, ledger };
}

export function cliDeps(env: NodeJS.ProcessEnv = process.env): FinanceDeps {
  const tables = tablesFromEnv(env);
  const client = newDynamoDbClient(dynamoEndpoint());
  const db = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  return createFinanceDeps({ client, tables, policy: new StoredPolicySource(db, tables.main) });
}

export function adminDeps(env: NodeJS.ProcessEnv = process.env): AdminDeps {
  const tables = tablesFromEnv(env);
  const db = DynamoDBDocumentClient.from(newDynamoDbClient(dynamoEndpoint()), {
    marshallOptions: { removeUndefinedValues: true },
  });
  return {
    db,
    table: tables.main,
    audit: new AuditStore({ client: db, tableName: tables.main }),
    now: () => new Date(),
  };
}

/**
 * The accounts users are created with: the Cognito pool named by AIDFLOW_USER_POOL_ID (an operator
 * importing into an AWS deployment), else the directory's own users (the local runtime).
 */
export function identityAccountsFromEnv(env: NodeJS.ProcessEnv = process.env): IdentityAccounts {
  const pool = env[USER_POOL_ID.valueEnv]?.trim();
  return pool ? new CognitoAccounts(new CognitoIdentityProviderClient({}), pool) : new DirectoryAccounts();
}

export function cliActor(countyId: string, userId: string, role: Role): Actor {
  return { userId, roles: [role], countyId, name: userId };
}
