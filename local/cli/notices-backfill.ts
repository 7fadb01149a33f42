/**
 * `aidflow notices backfill [--county <code>] [--dry-run]`: writes the 外地受助 notices of cases closed
 * before the notices existed (functions/services/registration-notice-backfill.ts), one line per county:
 * closed cases read, notices due, written, already there. A second run writes nothing.
 */
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { dynamoEndpoint } from "#functions/runtime/config.ts";
import { newDynamoDbClient } from "#functions/runtime/dynamo-client.ts";
import {
  backfillRegistrationNotices,
  type CountyBackfill,
} from "#functions/services/registration-notice-backfill.ts";
import { tablesFromEnv } from "./context.ts";

export function describeBackfill(result: CountyBackfill, dryRun: boolean): string {
  const verb = dryRun ? "would write" : "wrote";
  const verbZh = dryRun ? "将补写" : "已补写";
  return (
    `${result.countyId} ${result.name}: ${result.closed} closed cases, ${result.due} of non-local applicants, ` +
    `${verb} ${result.written} notices, ${result.present} already there — ` +
    `${result.name}：已办结 ${result.closed} 件，其中外地户籍 ${result.due} 件，${verbZh}通报 ${result.written} 条，已有 ${result.present} 条`
  );
}

export async function noticesBackfillCommand(
  options: { county?: string; dryRun: boolean },
  io: { out: (text: string) => void; env: NodeJS.ProcessEnv },
): Promise<CountyBackfill[]> {
  const tables = tablesFromEnv(io.env);
  const client = newDynamoDbClient(dynamoEndpoint());
  try {
    const db = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
    const results = await backfillRegistrationNotices(
      { db, table: tables.main },
      { ...(options.county ? { countyId: options.county } : {}), dryRun: options.dryRun },
    );
    const lines = results.map((r) => describeBackfill(r, options.dryRun));
    if (options.dryRun) lines.push("（试运行，未写入） dry run: nothing written");
    io.out(`${lines.join("\n")}\n`);
    return results;
  } finally {
    client.destroy();
  }
}
