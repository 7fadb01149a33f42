/**
 * Paperwork awaiting the co-signature of the other investigators (DOMAIN §3.4): the first officer's
 * recording, and one request per investigator who must confirm it with their own sign-in.
 *
 * | pk | sk | item |
 * |---|---|---|
 * | `CASE#<caseId>` | `COSIGN#paperwork` | the recording: round, status, decision, who must sign, signatures |
 * | `CASE#<caseId>` | `COSIGN#paperwork#<userId>` | one investigator's request; while open, gsi1 = that officer's own queue |
 *
 * A request's gsi1 partition is `TASKQ#<township>#USER#<userId>` (sort key `<dueAt|9999>#<caseId>`,
 * as the human tasks'), so it is listed in that officer's work queue and nobody else's. A recording
 * that is refused is ended (`rejected`) and may be recorded again as the next round.
 */
import {
  type DynamoDBDocumentClient,
  GetCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from "@aws-sdk/lib-dynamodb";
import { queryAll } from "./query-all.ts";

export const CO_SIGN_TASK_TYPE = "paperwork-co-sign";

export type CoSignatureStatus = "pending" | "rejected" | "completed";

export interface CoSignature {
  userId: string;
  name: string;
  at: string;
}

export interface PaperworkDraft {
  caseId: string;
  countyId: string;
  townshipId: string;
  round: number;
  status: CoSignatureStatus;
  recordedBy: string;
  recordedByName: string;
  recordedAt: string;
  /** Digest of the recording request (a repeat of it answers the pending recording). */
  requestDigest: string;
  /** What the paperwork task records once every co-signer confirmed. */
  decision: Record<string, unknown>;
  output: Record<string, unknown>;
  /** The named investigators other than the recorder, each of whom must confirm. */
  coSigners: string[];
  signatures: Record<string, CoSignature>;
  dueAt?: string;
  rejection?: { userId: string; name: string; at: string; reason: string };
}

const DRAFT_SK = "COSIGN#paperwork";
const requestSk = (userId: string) => `${DRAFT_SK}#${userId}`;
const casePk = (caseId: string) => `CASE#${caseId}`;

export class CoSignatureStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async get(caseId: string): Promise<PaperworkDraft | undefined> {
    const out = await this.db.send(
      new GetCommand({
        TableName: this.table,
        Key: { pk: casePk(caseId), sk: DRAFT_SK },
        ConsistentRead: true,
      }),
    );
    return out.Item ? draftOf(out.Item) : undefined;
  }

  /**
   * Stores a new recording and opens one request per co-signer, in one transaction. False when
   * another recording is pending (or was made meanwhile): nothing was written.
   */
  async create(draft: PaperworkDraft, openedAt: string): Promise<boolean> {
    const items: NonNullable<TransactWriteCommandInput["TransactItems"]> = [
      {
        Put: {
          TableName: this.table,
          Item: { pk: casePk(draft.caseId), sk: DRAFT_SK, type: "paperwork-draft", ...draft },
          // The first round, or the round after a refused (or replaced) one.
          ConditionExpression:
            draft.round === 1 ? "attribute_not_exists(pk)" : "#round = :previous AND #status <> :pending",
          ...(draft.round === 1
            ? {}
            : {
                ExpressionAttributeNames: { "#round": "round", "#status": "status" },
                ExpressionAttributeValues: { ":previous": draft.round - 1, ":pending": "pending" },
              }),
        },
      },
      ...draft.coSigners.map((userId) => ({
        Put: {
          TableName: this.table,
          Item: {
            pk: casePk(draft.caseId),
            sk: requestSk(userId),
            type: "co-sign-request",
            caseId: draft.caseId,
            countyId: draft.countyId,
            townshipId: draft.townshipId,
            taskType: CO_SIGN_TASK_TYPE,
            assigneeRoles: ["township-officer"],
            assigneeUserId: userId,
            recordedBy: draft.recordedBy,
            round: draft.round,
            status: "open",
            escalated: false,
            overdue: false,
            openedAt,
            ...(draft.dueAt ? { dueAt: draft.dueAt } : {}),
            gsi1pk: `TASKQ#${draft.townshipId}#USER#${userId}`,
            gsi1sk: `${draft.dueAt ?? "9999"}#${draft.caseId}`,
          },
        },
      })),
    ];
    return this.transact(items);
  }

  /** Adds one co-signer's signature to the pending round; false when it was not pending, or signed already. */
  async sign(draft: PaperworkDraft, signature: CoSignature): Promise<boolean> {
    return this.transact([
      this.roundUpdate(draft, {
        set: "SET signatures.#user = :signature",
        condition: "#status = :pending AND #round = :round AND attribute_not_exists(signatures.#user)",
        names: { "#user": signature.userId },
        values: { ":signature": signature, ":pending": "pending" },
      }),
      this.closeRequest(draft.caseId, signature.userId, "signed", signature.at),
    ]);
  }

  /** Ends the pending round (refused by a co-signer); false when it was no longer pending. */
  async reject(draft: PaperworkDraft, rejection: NonNullable<PaperworkDraft["rejection"]>): Promise<boolean> {
    return this.transact([
      this.roundUpdate(draft, {
        set: "SET #status = :rejected, rejection = :rejection",
        condition: "#status = :pending AND #round = :round",
        values: { ":rejected": "rejected", ":rejection": rejection, ":pending": "pending" },
      }),
      ...draft.coSigners
        .filter((userId) => !draft.signatures[userId])
        .map((userId) => this.closeRequest(draft.caseId, userId, "closed", rejection.at)),
    ]);
  }

  /** Marks the round completed once the paperwork was decided (idempotent). */
  async complete(draft: PaperworkDraft): Promise<void> {
    await this.transact([
      this.roundUpdate(draft, {
        set: "SET #status = :completed",
        condition: "#round = :round",
        values: { ":completed": "completed" },
      }),
    ]);
  }

  /** Every request still open on a case (for the case page: who has yet to confirm). */
  async openRequests(caseId: string): Promise<string[]> {
    const items = await queryAll(this.db, {
      TableName: this.table,
      KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
      FilterExpression: "#status = :open",
      ExpressionAttributeNames: { "#status": "status" },
      ExpressionAttributeValues: { ":pk": casePk(caseId), ":prefix": `${DRAFT_SK}#`, ":open": "open" },
      ConsistentRead: true,
    });
    return items.map((item) => String(item.assigneeUserId));
  }

  /**
   * An update of the recording in `draft`'s round: `condition` names the round as `#round = :round`
   * and may name the status as `#status`.
   */
  private roundUpdate(
    draft: PaperworkDraft,
    update: {
      set: string;
      condition: string;
      names?: Record<string, string>;
      values: Record<string, unknown>;
    },
  ) {
    return {
      Update: {
        TableName: this.table,
        Key: { pk: casePk(draft.caseId), sk: DRAFT_SK },
        UpdateExpression: update.set,
        ConditionExpression: update.condition,
        ExpressionAttributeNames: { ...update.names, "#status": "status", "#round": "round" },
        ExpressionAttributeValues: { ...update.values, ":round": draft.round },
      },
    };
  }

  private closeRequest(caseId: string, userId: string, status: "signed" | "closed", at: string) {
    return {
      Update: {
        TableName: this.table,
        Key: { pk: casePk(caseId), sk: requestSk(userId) },
        UpdateExpression: "SET #status = :status, completedAt = :at REMOVE gsi1pk, gsi1sk",
        ConditionExpression: "attribute_exists(pk)",
        ExpressionAttributeNames: { "#status": "status" },
        ExpressionAttributeValues: { ":status": status, ":at": at },
      },
    };
  }

  private async transact(items: NonNullable<TransactWriteCommandInput["TransactItems"]>): Promise<boolean> {
    try {
      await this.db.send(new TransactWriteCommand({ TransactItems: items }));
      return true;
    } catch (error) {
      if ((error as Error).name !== "TransactionCanceledException") throw error;
      const reasons = (error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? [];
      if (reasons.some((r) => r.Code === "ConditionalCheckFailed")) return false;
      throw error;
    }
  }
}

function draftOf(item: Record<string, unknown>): PaperworkDraft {
  const { pk: _pk, sk: _sk, type: _type, ...draft } = item;
  return draft as unknown as PaperworkDraft;
}
