/**
 * The DynamoDB tables of AidFlow, described once as plain data (ARCHITECTURE §2, §5.2): the CDK data
 * stack builds them from this list, the local runtime creates them in DynamoDB Local from the very
 * same list, and the handlers' configuration reads their names from `TABLE_ENV`. No aws-cdk-lib import.
 *
 * - `main`   — single-table design for cases, decisions, tasks, audit, idempotency, outbox, policy,
 *              users. Items are namespaced by `pk` prefix (`CASE#…`, `AUDIT#…`, `IDEM#…`).
 * - `ledger` — the township reserve funds: one head item per fund plus append-only entries and one
 *              item per applied entry id (DOMAIN §5). Kept apart because it is the hottest item.
 */

export interface KeySchemaDefinition {
  partitionKey: string;
  sortKey: string;
}

export type TableId = "main" | "ledger";

export interface TableDefinition {
  /** Logical id, also the suffix of the physical name. */
  id: TableId;
  keys: KeySchemaDefinition;
  globalIndexes: ReadonlyArray<{ name: string } & KeySchemaDefinition>;
  /** Attribute holding an epoch-seconds expiry, if the table uses TTL. */
  timeToLiveAttribute?: string;
}

export const TABLES: readonly TableDefinition[] = [
  {
    id: "main",
    keys: { partitionKey: "pk", sortKey: "sk" },
    globalIndexes: [
      { name: "gsi1", partitionKey: "gsi1pk", sortKey: "gsi1sk" },
      { name: "gsi2", partitionKey: "gsi2pk", sortKey: "gsi2sk" },
    ],
    timeToLiveAttribute: "expiresAt",
  },
  {
    id: "ledger",
    keys: { partitionKey: "pk", sortKey: "sk" },
    globalIndexes: [],
  },
];

/** Environment variable that carries the physical name of each table into handlers. */
export const TABLE_ENV: Record<TableId, string> = {
  main: "AIDFLOW_TABLE_MAIN",
  ledger: "AIDFLOW_TABLE_LEDGER",
};

export function physicalTableName(prefix: string, id: TableId): string {
  return `${prefix}${id}`;
}
