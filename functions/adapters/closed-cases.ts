/**
 * A township's closed cases, read page by page from the case index (`CASES#TOWNSHIP#<t>#closed`):
 * what the 外地受助 backfill (services/registration-notice-backfill.ts) reads to write the notices of
 * cases closed before the notices existed. Read-only; only the fields a notice is made of are read.
 */
import { type DynamoDBDocumentClient, QueryCommand } from "@aws-sdk/lib-dynamodb";
import type { CaseRecord } from "./case-store.ts";

/** Closed cases are read at most this many a page. */
export const CLOSED_CASES_PAGE_MAX = 200;

/** The fields of a closed case a notice needs: no phone, account, address, narrative or document. */
export type ClosedCase = Pick<
  CaseRecord,
  "caseId" | "countyId" | "townshipId" | "flow" | "hardship" | "filedAt" | "closedAt" | "outcome"
> & {
  applicant: Pick<CaseRecord["applicant"], "name" | "registration"> & {
    document: Pick<CaseRecord["applicant"]["document"], "numberMasked">;
  };
};

export interface ClosedCasePage {
  cases: ClosedCase[];
  /** Where the next page starts; absent on the last page. */
  next?: Record<string, unknown>;
}

export class ClosedCaseSource {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async page(townshipId: string, start?: Record<string, unknown>): Promise<ClosedCasePage> {
    const out = await this.db.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: "gsi1",
        KeyConditionExpression: "gsi1pk = :pk",
        ExpressionAttributeValues: { ":pk": `CASES#TOWNSHIP#${townshipId}#closed` },
        ProjectionExpression:
          "caseId, countyId, townshipId, flow, hardship, filedAt, closedAt, outcome, applicant.#name, applicant.registration, applicant.#document.numberMasked",
        ExpressionAttributeNames: { "#name": "name", "#document": "document" },
        Limit: CLOSED_CASES_PAGE_MAX,
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    return {
      cases: (out.Items ?? []) as ClosedCase[],
      ...(out.LastEvaluatedKey ? { next: out.LastEvaluatedKey } : {}),
    };
  }
}
