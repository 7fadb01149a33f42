/**
 * Items that other flows create, written straight into the table for tests that need them before the
 * flow endpoints exist. Shapes follow functions/adapters/case-store.ts (`CASE#<id>` / `CASE`).
 */
import { DynamoDBDocumentClient, PutCommand } from "@aws-sdk/lib-dynamodb";
import { DEMO_COUNTY } from "#local/seed/demo-county.ts";
import type { TestTables } from "#test/support/dynamo.ts";

export interface CaseFixture {
  caseId: string;
  townshipId: string;
  applicantUserId?: string;
  handledBy?: string[];
  countyId?: string;
}

export async function putCaseFixture(tables: TestTables, fixture: CaseFixture): Promise<void> {
  const db = DynamoDBDocumentClient.from(tables.client);
  await db.send(
    new PutCommand({
      TableName: tables.names.main,
      Item: {
        pk: `CASE#${fixture.caseId}`,
        sk: "CASE",
        caseId: fixture.caseId,
        countyId: fixture.countyId ?? DEMO_COUNTY.countyId,
        townshipId: fixture.townshipId,
        status: "awaiting-advance-decision",
        applicant: { ...(fixture.applicantUserId ? { userId: fixture.applicantUserId } : {}), name: "张伟" },
        handledBy: fixture.handledBy ?? [],
        // CaseStore updates are conditioned on the version (optimistic concurrency), as real cases carry it.
        version: 1,
      },
    }),
  );
}
