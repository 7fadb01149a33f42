/**
 * The applicants' ratings of the service (好差评, DOMAIN §8): one item per case, written once.
 *
 * | pk | sk | item |
 * |---|---|---|
 * | `RATING#<countyId>` | `<townshipId>#<caseId>` | level, reason, who and when |
 *
 * Keyed by county so the county's per-township figure is one query; the case's own rating is a get
 * (county and township come from the case).
 */
import { type DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";

export interface ServiceRatingRecord {
  caseId: string;
  countyId: string;
  townshipId: string;
  level: string;
  reason?: string;
  ratedBy: string;
  ratedAt: string;
}

/** A county's ratings are read in pages of this many items, up to this many pages. */
const QUERY_PAGE_ITEMS = 500;
const QUERY_PAGES_MAX = 200;

const pkOf = (countyId: string) => `RATING#${countyId}`;
const skOf = (townshipId: string, caseId: string) => `${townshipId}#${caseId}`;

function recordOf(item: Record<string, unknown>): ServiceRatingRecord {
  return {
    caseId: String(item.caseId),
    countyId: String(item.countyId),
    townshipId: String(item.townshipId),
    level: String(item.level),
    ...(typeof item.reason === "string" ? { reason: item.reason } : {}),
    ratedBy: String(item.ratedBy),
    ratedAt: String(item.ratedAt),
  };
}

export class RatingStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async get(countyId: string, townshipId: string, caseId: string): Promise<ServiceRatingRecord | undefined> {
    const out = await this.db.send(
      new GetCommand({
        TableName: this.table,
        Key: { pk: pkOf(countyId), sk: skOf(townshipId, caseId) },
        ConsistentRead: true,
      }),
    );
    return out.Item ? recordOf(out.Item) : undefined;
  }

  /** Stores the case's rating; false (nothing written) when the case was rated already. */
  async putOnce(rating: ServiceRatingRecord): Promise<boolean> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: {
            pk: pkOf(rating.countyId),
            sk: skOf(rating.townshipId, rating.caseId),
            type: "rating",
            ...rating,
          },
          ConditionExpression: "attribute_not_exists(pk)",
        }),
      );
      return true;
    } catch (error) {
      if ((error as Error).name === "ConditionalCheckFailedException") return false;
      throw error;
    }
  }

  /** Every rating of the county (its townships' figures are counted from them). */
  async ofCounty(countyId: string): Promise<ServiceRatingRecord[]> {
    const ratings: ServiceRatingRecord[] = [];
    let start: Record<string, unknown> | undefined;
    for (let page = 0; page < QUERY_PAGES_MAX; page++) {
      const out = await this.db.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: "pk = :pk",
          ExpressionAttributeValues: { ":pk": pkOf(countyId) },
          Limit: QUERY_PAGE_ITEMS,
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      ratings.push(...(out.Items ?? []).map(recordOf));
      start = out.LastEvaluatedKey;
      if (!start) return ratings;
    }
    throw new Error(`county ${countyId} has more ratings than ${QUERY_PAGE_ITEMS * QUERY_PAGES_MAX}`);
  }
}
