/**
 * The documents listed on a case (`CASE#<caseId>` / `DOC#<docId>` in the `main` table): what was asked
 * for, by whom and when, and whether the file has arrived in the document store (document-store.ts
 * holds the bytes under `storageKey`, which never leaves the server).
 */
import { type DynamoDBDocumentClient, PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import * as z from "zod";
import { ConflictError } from "#core/errors.ts";
import { queryAll } from "./query-all.ts";

/** A case lists a handful of documents; the list reads them all (every page), more than this is an error. */
const DOCUMENTS_PER_CASE_MAX = 1_000;

export const CaseDocumentItem = z.object({
  docId: z.string(),
  caseId: z.string(),
  kind: z.string(),
  fileName: z.string(),
  contentType: z.string(),
  sizeBytes: z.number(),
  note: z.string().optional(),
  requestedBy: z.string(),
  requestedAt: z.string(),
  uploaded: z.boolean(),
  storageKey: z.string(),
});
export type CaseDocumentItem = z.infer<typeof CaseDocumentItem>;

const documentKey = (caseId: string, docId: string) => ({ pk: `CASE#${caseId}`, sk: `DOC#${docId}` });

export class CaseDocuments {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  /** Lists a new document on the case; a second document under the same id is a 409 (retry). */
  async add(item: CaseDocumentItem): Promise<void> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...documentKey(item.caseId, item.docId), ...item },
          ConditionExpression: "attribute_not_exists(sk)",
        }),
      );
    } catch (error) {
      if ((error as Error).name === "ConditionalCheckFailedException") {
        throw new ConflictError("Document id collision; retry", "文件编号冲突，请重试");
      }
      throw error;
    }
  }

  /** Every document listed on the case, in document id order. */
  async list(caseId: string): Promise<CaseDocumentItem[]> {
    const items = await queryAll(
      this.db,
      {
        TableName: this.table,
        KeyConditionExpression: "pk = :pk AND begins_with(sk, :doc)",
        ExpressionAttributeValues: { ":pk": `CASE#${caseId}`, ":doc": "DOC#" },
      },
      { itemsMax: DOCUMENTS_PER_CASE_MAX, what: `documents on case ${caseId}` },
    );
    return items.map((item) => CaseDocumentItem.parse(item));
  }

  /** Notes that the file has arrived in the document store. */
  async markUploaded(caseId: string, docId: string): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.table,
        Key: documentKey(caseId, docId),
        UpdateExpression: "SET uploaded = :true",
        ExpressionAttributeValues: { ":true": true },
      }),
    );
  }
}
