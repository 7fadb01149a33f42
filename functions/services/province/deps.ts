/** The roll-up's ports in a Lambda or the local runtime: the finance ports and the main table. */
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { config } from "#functions/runtime/config.ts";
import { financeDeps } from "../finance/deps.ts";
import type { RollupDeps } from "./rollup.ts";

export function rollupDeps(): RollupDeps {
  const finance = financeDeps();
  const db = DynamoDBDocumentClient.from(finance.client, {
    marshallOptions: { removeUndefinedValues: true },
  });
  return { finance, db, table: config().tables.main };
}
