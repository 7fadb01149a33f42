/** Test helpers around the review fixture: read the task token the fixture handler stored. */
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, GetCommand } from "@aws-sdk/lib-dynamodb";
import { vi } from "vitest";
import { reviewTokenKey } from "../../../fixtures/handlers/review.ts";

/** Waits (polling, no fixed sleep) until the review of `level` has been requested; returns its token. */
export async function awaitReviewToken(
  client: DynamoDBClient,
  tableName: string,
  caseId: string,
  level: number,
  timeoutMs = 20_000,
): Promise<string> {
  const documents = DynamoDBDocumentClient.from(client);
  return vi.waitFor(
    async () => {
      const { Item } = await documents.send(
        new GetCommand({ TableName: tableName, Key: reviewTokenKey(caseId, level), ConsistentRead: true }),
      );
      if (typeof Item?.taskToken !== "string")
        throw new Error(`no review requested yet for ${caseId} level ${level}`);
      return Item.taskToken;
    },
    { timeout: timeoutMs, interval: 25 },
  );
}
