/**
 * The stored daily roll-up: one item per county per Asia/Shanghai day, written once by the
 * daily job (services/province/daily-rollup.ts) and read by the province roll-up instead of every case.
 *
 * | pk | sk | item |
 * |---|---|---|
 * | `ROLLUP#<countyId>` | `DAY#<YYYY-MM-DD>` | `asOf` (ISO), `body`: the county's figures, gzip-compressed JSON |
 *
 * Figures only (counts and integer fen per township and month): no person. Compressed because a county
 * of ~30 townships × 13 months of figures would otherwise come near DynamoDB's 400 KB item limit.
 */
import { gunzipSync, gzipSync } from "node:zlib";
import { type DynamoDBDocumentClient, PutCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";

export interface StoredRollupItem {
  countyId: string;
  /** The Asia/Shanghai day the row is for (the day of the run). */
  day: string;
  /** When the figures were read (ISO). */
  asOf: string;
  body: unknown;
}

const pkOf = (countyId: string) => `ROLLUP#${countyId}`;

export class RollupStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  /** Stores the county's row of the day unless it is there: true when this call wrote it. */
  async putOnce(row: StoredRollupItem): Promise<boolean> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: {
            pk: pkOf(row.countyId),
            sk: `DAY#${row.day}`,
            type: "rollup-day",
            countyId: row.countyId,
            day: row.day,
            asOf: row.asOf,
            body: gzipSync(JSON.stringify(row.body)),
          },
          ConditionExpression: "attribute_not_exists(pk)",
        }),
      );
      return true;
    } catch (error) {
      if ((error as Error).name !== "ConditionalCheckFailedException") throw error;
      return false;
    }
  }

  /** The county's row of `day`, if stored (without its body: whether the day is done). */
  async has(countyId: string, day: string): Promise<boolean> {
    const out = await this.db.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: "pk = :pk AND sk = :sk",
        ExpressionAttributeValues: { ":pk": pkOf(countyId), ":sk": `DAY#${day}` },
        ProjectionExpression: "pk",
        ConsistentRead: true,
      }),
    );
    return (out.Items ?? []).length > 0;
  }

  /** The county's newest row, if any. */
  async latest(countyId: string): Promise<StoredRollupItem | undefined> {
    const out = await this.db.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: "pk = :pk AND begins_with(sk, :day)",
        ExpressionAttributeValues: { ":pk": pkOf(countyId), ":day": "DAY#" },
        ScanIndexForward: false,
        Limit: 1,
      }),
    );
    const item = out.Items?.[0];
    if (!item) return undefined;
    return {
      countyId: String(item.countyId),
      day: String(item.day),
      asOf: String(item.asOf),
      body: JSON.parse(gunzipSync(item.body as Uint8Array).toString("utf8")),
    };
  }

  /** Every stored day of the county, oldest first (tests and operators: one row per day). */
  async days(countyId: string): Promise<string[]> {
    const out = await this.db.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: "pk = :pk AND begins_with(sk, :day)",
        ExpressionAttributeValues: { ":pk": pkOf(countyId), ":day": "DAY#" },
        ProjectionExpression: "#day",
        ExpressionAttributeNames: { "#day": "day" },
        ConsistentRead: true,
      }),
    );
    return (out.Items ?? []).map((item) => String(item.day));
  }
}
