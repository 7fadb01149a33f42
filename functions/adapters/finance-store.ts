/**
 * County finance's records in the `main` table (DOMAIN §6), beside the ledger that holds the money:
 *
 * | pk | sk | item |
 * |---|---|---|
 * | `RECON#<fundId>` | `RUN#<period>#<runAt>` | one reconciliation run: figures, verdict, the first rows of discrepancies |
 * | `RECON#<fundId>` | `CLOSE#<period>` | the signed close of a period: who signed, when, what (digest), through which instant |
 * | `RECON#<fundId>` | `REPLENISH#<period>` | the replenishment proposal of a closed period and, once executed, its execution; gsi1 = the county's open proposals |
 *
 * Low-balance alerts are written by the ledger writer as outbox items (`OUTBOX#fund.low-balance#…`,
 * gsi1pk `OUTBOX#pending`) in the same transaction as the draw; this store reads them and, once a
 * notification is out, moves them to `OUTBOX#sent` (the outbox pattern: pending → sent).
 *
 * Amounts are 2-decimal strings (ARCHITECTURE §3.1). Every write that must happen once is conditional.
 */
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import * as z from "zod";
import { ConflictError } from "#core/errors.ts";
import { SOMEONE_ELSE_ZH, zhDateTime, zhPeriod } from "#core/labels/index.ts";
import { queryAll, queryFirst, queryPages } from "./query-all.ts";

/** Rows of discrepancies kept on a stored run (a DynamoDB item holds 400 KB); the count is always whole. */
export const STORED_DISCREPANCY_ROWS_MAX = 200;

/** One stored reconciliation run (also what the API answers for it). */
export const StoredRunSchema = z
  .object({
    runId: z.string(),
    fundId: z.string(),
    countyId: z.string(),
    period: z.string(),
    runAt: z.string(),
    runBy: z.string(),
    clean: z.boolean(),
    discrepancyCount: z.number().int(),
    report: z.record(z.string(), z.unknown()).meta({
      description: `The report as JSON-ready data (amounts as strings), rows capped at ${STORED_DISCREPANCY_ROWS_MAX}`,
    }),
  })
  .meta({ id: "StoredReconciliationRun" });
export type StoredRun = z.output<typeof StoredRunSchema>;

/** The signed close of a period. */
export const StoredCloseSchema = z
  .object({
    fundId: z.string(),
    countyId: z.string(),
    period: z.string(),
    runId: z.string(),
    closedThrough: z.string(),
    signedBy: z.string(),
    signedByName: z.string(),
    signedAt: z.string(),
    signatureDigest: z.string().meta({
      description: "SHA-256 over the signer, the period and the figures and head the signer vouched for",
    }),
    verifiedSequence: z.number().int(),
    verifiedHeadHash: z.string(),
    closingBalanceYuan: z.string(),
    quotaYuan: z.string(),
    discrepancyCount: z.number().int(),
    explanation: z.string().optional(),
  })
  .meta({ id: "StoredClose" });
export type StoredClose = z.output<typeof StoredCloseSchema>;

/** The replenishment proposal of a closed period and, once executed, its execution. */
export const StoredProposalSchema = z
  .object({
    proposalId: z.string(),
    fundId: z.string(),
    countyId: z.string(),
    period: z.string(),
    amountYuan: z.string(),
    quotaYuan: z.string(),
    closingBalanceYuan: z.string(),
    proposedBy: z.string(),
    proposedAt: z.string(),
    status: z.enum(["proposed", "executed"]),
    executedBy: z.string().optional(),
    executedAt: z.string().optional(),
    executedAmountYuan: z.string().optional(),
    entryId: z.string().optional(),
    resumedCases: z.array(z.string()).optional(),
  })
  .meta({ id: "StoredProposal" });
export type StoredProposal = z.output<typeof StoredProposalSchema>;
export type ProposalStatus = StoredProposal["status"];

/** A low-balance alert (outbox item) as finance reads it. */
export const StoredAlertSchema = z
  .object({
    fundId: z.string(),
    sequence: z.number().int(),
    entryId: z.string(),
    availableYuan: z.string(),
    alertLevelYuan: z.string(),
    quotaYuan: z.string(),
    bookedAt: z.string(),
    state: z.enum(["pending", "sent"]),
  })
  .meta({ id: "StoredAlert" });
export type StoredAlert = z.output<typeof StoredAlertSchema>;

const reconPk = (fundId: string) => `RECON#${fundId}`;
const KEYS = ["pk", "sk", "gsi1pk", "gsi1sk", "gsi2pk", "gsi2sk", "type"] as const;

function strip<T>(item: Record<string, unknown>): T {
  const copy = { ...item };
  for (const key of KEYS) delete copy[key];
  return copy as T;
}

export function proposalIdOf(fundId: string, period: string): string {
  return `${fundId}:${period}`;
}

export class FinanceStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async putRun(run: StoredRun): Promise<void> {
    await this.db.send(
      new PutCommand({
        TableName: this.table,
        Item: {
          pk: reconPk(run.fundId),
          sk: `RUN#${run.period}#${run.runAt}`,
          type: "reconciliation-run",
          ...run,
        },
      }),
    );
  }

  /** The newest run of a period, or undefined. */
  async latestRun(fundId: string, period: string): Promise<StoredRun | undefined> {
    const out = await this.db.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
        ExpressionAttributeValues: { ":pk": reconPk(fundId), ":prefix": `RUN#${period}#` },
        ScanIndexForward: false,
        Limit: 1,
        ConsistentRead: true,
      }),
    );
    const item = out.Items?.[0];
    return item ? strip<StoredRun>(item) : undefined;
  }

  /** Records the signed close once; a second close of the same period is a conflict. */
  async putClose(close: StoredClose): Promise<void> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: {
            pk: reconPk(close.fundId),
            sk: `CLOSE#${close.period}`,
            type: "reconciliation-close",
            ...close,
          },
          ConditionExpression: "attribute_not_exists(pk)",
        }),
      );
    } catch (error) {
      if ((error as Error).name !== "ConditionalCheckFailedException") throw error;
      const existing = await this.getClose(close.fundId, close.period);
      throw new ConflictError(
        `period ${close.period} of ${close.fundId} was already closed by ${existing?.signedBy} at ${existing?.signedAt}`,
        `该备用金 ${zhPeriod(close.period)} 账期已由${existing?.signedByName ?? SOMEONE_ELSE_ZH}${existing ? `于 ${zhDateTime(existing.signedAt)} ` : ""}签字关闭`,
        { details: { signedBy: existing?.signedBy, signedAt: existing?.signedAt } },
      );
    }
  }

  async getClose(fundId: string, period: string): Promise<StoredClose | undefined> {
    const out = await this.db.send(
      new GetCommand({
        TableName: this.table,
        Key: { pk: reconPk(fundId), sk: `CLOSE#${period}` },
        ConsistentRead: true,
      }),
    );
    return out.Item ? strip<StoredClose>(out.Item) : undefined;
  }

  /** The newest `limit` closes of a fund, newest first (the roll-up asks for the last one). */
  async closes(fundId: string, limit = 24): Promise<StoredClose[]> {
    const { items } = await queryFirst(
      this.db,
      {
        TableName: this.table,
        KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
        ExpressionAttributeValues: { ":pk": reconPk(fundId), ":prefix": "CLOSE#" },
        ScanIndexForward: false,
      },
      limit,
    );
    return items.map((i) => strip<StoredClose>(i));
  }

  /** Stores a proposal once per closed period; an existing one is returned unchanged. */
  async putProposal(proposal: StoredProposal): Promise<StoredProposal> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: {
            pk: reconPk(proposal.fundId),
            sk: `REPLENISH#${proposal.period}`,
            type: "replenishment-proposal",
            gsi1pk: `REPLENISH#${proposal.countyId}#proposed`,
            gsi1sk: `${proposal.proposedAt}#${proposal.fundId}`,
            ...proposal,
          },
          ConditionExpression: "attribute_not_exists(pk)",
        }),
      );
      return proposal;
    } catch (error) {
      if ((error as Error).name !== "ConditionalCheckFailedException") throw error;
      return (await this.getProposal(proposal.fundId, proposal.period)) as StoredProposal;
    }
  }

  async getProposal(fundId: string, period: string): Promise<StoredProposal | undefined> {
    const out = await this.db.send(
      new GetCommand({
        TableName: this.table,
        Key: { pk: reconPk(fundId), sk: `REPLENISH#${period}` },
        ConsistentRead: true,
      }),
    );
    return out.Item ? strip<StoredProposal>(out.Item) : undefined;
  }

  /** Every proposal of the county waiting for a second finance user, oldest first (every page). */
  async openProposals(countyId: string): Promise<StoredProposal[]> {
    const items = await queryAll(this.db, {
      TableName: this.table,
      IndexName: "gsi1",
      KeyConditionExpression: "gsi1pk = :pk",
      ExpressionAttributeValues: { ":pk": `REPLENISH#${countyId}#proposed` },
    });
    return items.map((i) => strip<StoredProposal>(i));
  }

  /**
   * Marks a proposal executed, once: false when it was executed already (a concurrent or repeated
   * execution: the caller reads it back). It leaves the open-proposal list in the same write.
   */
  async markExecuted(
    fundId: string,
    period: string,
    execution: { executedBy: string; executedAt: string; executedAmountYuan: string; entryId: string },
  ): Promise<boolean> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: reconPk(fundId), sk: `REPLENISH#${period}` },
          UpdateExpression:
            "SET #status = :executed, executedBy = :by, executedAt = :at, executedAmountYuan = :amount, entryId = :entry REMOVE gsi1pk, gsi1sk",
          ConditionExpression: "#status = :proposed",
          ExpressionAttributeNames: { "#status": "status" },
          ExpressionAttributeValues: {
            ":executed": "executed",
            ":proposed": "proposed",
            ":by": execution.executedBy,
            ":at": execution.executedAt,
            ":amount": execution.executedAmountYuan,
            ":entry": execution.entryId,
          },
        }),
      );
      return true;
    } catch (error) {
      if ((error as Error).name === "ConditionalCheckFailedException") return false;
      throw error;
    }
  }

  async setResumedCases(fundId: string, period: string, caseIds: string[]): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { pk: reconPk(fundId), sk: `REPLENISH#${period}` },
        UpdateExpression: "SET resumedCases = :cases",
        ExpressionAttributeValues: { ":cases": caseIds },
      }),
    );
  }

  /**
   * Low-balance alerts of the county's funds (township codes start with the county code), newest
   * first: every one (every page) — the dispatch sends each pending one and the roll-up counts them —
   * or the newest `limit` when a caller asks for fewer.
   */
  async alerts(countyId: string, state: "pending" | "sent", limit?: number): Promise<StoredAlert[]> {
    const found: StoredAlert[] = [];
    const pages = queryPages(this.db, {
      TableName: this.table,
      IndexName: "gsi1",
      KeyConditionExpression: "gsi1pk = :pk",
      FilterExpression: "#type = :type",
      ExpressionAttributeNames: { "#type": "type" },
      ExpressionAttributeValues: { ":pk": `OUTBOX#${state}`, ":type": "fund.low-balance" },
      ScanIndexForward: false,
    });
    for await (const items of pages) {
      for (const item of items) {
        const alert = JSON.parse(String(item.payload)) as Omit<StoredAlert, "state">;
        if (alert.fundId.startsWith(countyId)) found.push({ ...alert, state });
        if (limit !== undefined && found.length >= limit) return found;
      }
    }
    return found;
  }

  /** Moves an alert from pending to sent, once: false when someone else sent it first. */
  async markAlertSent(alert: Pick<StoredAlert, "fundId" | "sequence">, at: string): Promise<boolean> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: `OUTBOX#fund.low-balance#${alert.fundId}#${alert.sequence}`, sk: "OUTBOX" },
          UpdateExpression: "SET gsi1pk = :sent, sentAt = :at",
          ConditionExpression: "gsi1pk = :pending",
          ExpressionAttributeValues: { ":sent": "OUTBOX#sent", ":pending": "OUTBOX#pending", ":at": at },
        }),
      );
      return true;
    } catch (error) {
      if ((error as Error).name === "ConditionalCheckFailedException") return false;
      throw error;
    }
  }
}
