/**
 * The tables live with the handlers' configuration (functions/runtime/tables.ts, ARCHITECTURE §5.2:
 * configuration flows one way); the CDK app and the local runtime import them from there.
 */
export {
  type KeySchemaDefinition,
  physicalTableName,
  TABLE_ENV,
  TABLES,
  type TableDefinition,
  type TableId,
} from "#functions/runtime/tables.ts";
