/**
 * A complete case item (every field of `CaseRecord`, typed against it so it stays in step with the
 * case store), for proofs that need a case the handlers can really work on — a minimal fixture with
 * missing fields would make a handler fail for reasons no real case has.
 */
import { DynamoDBDocumentClient, PutCommand } from "@aws-sdk/lib-dynamodb";
import type { CaseRecord } from "#adapters/case-store.ts";
import type { TestTables } from "#test/support/dynamo.ts";

export interface CompleteCaseOptions {
  caseId: string;
  countyId: string;
  townshipId: string;
  applicantUserId: string;
  handledBy?: string[];
  status?: CaseRecord["status"];
}

export function completeCase(options: CompleteCaseOptions): CaseRecord {
  const filedAt = "2026-11-20T08:00:00.000Z";
  return {
    caseId: options.caseId,
    countyId: options.countyId,
    townshipId: options.townshipId,
    status: options.status ?? "awaiting-advance-decision",
    flow: "A",
    hardship: { kind: "urgent", cause: "fire" },
    description: "房屋失火，急需生活救助",
    applicant: {
      userId: options.applicantUserId,
      name: "张伟",
      document: { type: "resident-id", numberMasked: "2301**********1238" },
      personKey: `person-${options.caseId}`,
      phoneMasked: "138****5678",
      registration: { countyCode: options.countyId },
      local: true,
    },
    payout: { method: "none" },
    filedBy: { userId: options.applicantUserId, onBehalf: false },
    filedAt,
    policyVersionId: "demo-2026",
    correlationId: `corr-${options.caseId}`,
    handledBy: options.handledBy ?? [],
    flags: {},
    version: 1,
  };
}

export async function putCompleteCase(tables: TestTables, options: CompleteCaseOptions): Promise<CaseRecord> {
  const record = completeCase(options);
  await DynamoDBDocumentClient.from(tables.client).send(
    new PutCommand({
      TableName: tables.names.main,
      Item: {
        pk: `CASE#${record.caseId}`,
        sk: "CASE",
        ...record,
        gsi1pk: `CASES#TOWNSHIP#${record.townshipId}#${record.status}`,
        gsi1sk: `${record.filedAt}#${record.caseId}`,
        gsi2pk: `CASES#APPLICANT#${options.applicantUserId}`,
        gsi2sk: `${record.filedAt}#${record.caseId}`,
      },
    }),
  );
  return record;
}
