/**
 * Reads and head maintenance of the township reserve funds (DOMAIN §5, §6) on DynamoDB: open a
 * fund, read balances, stream entries page by page, verify the chain, close a period, learn which
 * entry ids are applied. Writes of entries go only through the group-commit writer (`writer.ts`).
 */
import {
  BatchGetItemCommand,
  type BatchGetItemCommandOutput,
  ConditionalCheckFailedException,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  type QueryCommandInput,
  UpdateItemCommand,
} from "@aws-sdk/client-dynamodb";
import { ConflictError, NotFoundError, ValidationError } from "#core/errors.ts";
import {
  availableOf,
  type ChainedEntry,
  ChainVerifier,
  EMPTY_BALANCES,
  GENESIS_HASH,
  isAlertPercent,
  normalizeInstant,
  type ReplayResult,
  type StoredEntry,
  UnreadableEntryError,
} from "#core/ledger/index.ts";
import type { Yuan } from "#core/money/yuan.ts";
import {
  type AppliedId,
  ENTRY_PREFIX,
  entryIdSk,
  entrySk,
  type FundHead,
  fundPk,
  HEAD_SK,
  headToItem,
  type Item,
  itemToAppliedId,
  itemToEntry,
  itemToHead,
  itemToStored,
} from "./items.ts";

export interface LedgerTables {
  ledger: string;
  /** The single table; when given, low-balance alerts are also written there as outbox items. */
  main?: string;
}

export interface FundView {
  fundId: string;
  quotaYuan: Yuan;
  balanceYuan: Yuan;
  committedYuan: Yuan;
  availableYuan: Yuan;
  sequence: number;
  headHash: string;
  alertPercent?: string;
  lastAlertState: "armed" | "alerted";
  closedThrough?: string;
}

export interface StreamOptions {
  /** Inclusive bounds on `bookedAt` (ISO instants): the period to read. */
  from?: string;
  to?: string;
  /** Inclusive bounds on the sequence, to skip history already reconciled. */
  fromSequence?: number;
  toSequence?: number;
  /** Entries per DynamoDB page: memory stays bounded by this, whatever the period holds. */
  pageSize?: number;
  consistentRead?: boolean;
}

export type VerifyResult =
  | { ok: true; sequence: number; headHash: string }
  | { ok: false; firstBadSequence: number; problem: string };

const PAGE_SIZE_MAX = 1000;
const BATCH_GET_MAX = 100;
/** Entries checked per BatchGetItem of their id records. */
const VERIFY_CHUNK = 100;

export function toFundView(head: FundHead): FundView {
  return {
    fundId: head.fundId,
    quotaYuan: head.balances.quota,
    balanceYuan: head.balances.balance,
    committedYuan: head.balances.committed,
    availableYuan: availableOf(head.balances),
    sequence: head.sequence,
    headHash: head.headHash,
    lastAlertState: head.alertState,
    ...(head.alertPercent !== undefined ? { alertPercent: head.alertPercent } : {}),
    ...(head.closedThrough !== undefined ? { closedThrough: head.closedThrough } : {}),
  };
}

export class LedgerStore {
  constructor(
    readonly client: DynamoDBClient,
    readonly tables: LedgerTables,
  ) {}

  /**
   * Creates the fund's empty head; idempotent (an existing fund is returned unchanged). Money
   * arrives by an `allocation` entry. `alertPercent` is the county policy's alert level.
   */
  async openFund(fundId: string, options: { alertPercent?: string } = {}): Promise<FundView> {
    if (options.alertPercent !== undefined) assertPercent(options.alertPercent);
    const head: FundHead = {
      fundId,
      sequence: 0,
      revision: 0,
      headHash: GENESIS_HASH,
      balances: EMPTY_BALANCES,
      alertState: "armed",
      ...(options.alertPercent !== undefined ? { alertPercent: options.alertPercent } : {}),
    };
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.tables.ledger,
          Item: headToItem(head),
          ConditionExpression: "attribute_not_exists(pk)",
        }),
      );
      return toFundView(head);
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      return this.getFund(fundId);
    }
  }

  /** The head as stored, read strongly consistently; undefined when the fund does not exist. */
  async readHead(fundId: string): Promise<FundHead | undefined> {
    const result = await this.client.send(
      new GetItemCommand({
        TableName: this.tables.ledger,
        Key: { pk: { S: fundPk(fundId) }, sk: { S: HEAD_SK } },
        ConsistentRead: true,
      }),
    );
    return result.Item ? itemToHead(result.Item) : undefined;
  }

  async getFund(fundId: string): Promise<FundView> {
    const head = await this.readHead(fundId);
    if (!head) throw fundNotFound(fundId);
    return toFundView(head);
  }

  /** Sets the alert level (a percentage of the quota from the county's policy); takes effect from the next entry. */
  async setAlertPercent(fundId: string, alertPercent: string): Promise<FundView> {
    assertPercent(alertPercent);
    return this.updateHead(
      fundId,
      "SET alertPercent = :percent, revision = revision + :one",
      "attribute_exists(pk)",
      { ":percent": { S: alertPercent }, ":one": { N: "1" } },
    );
  }

  /**
   * Closes the books through `closedThrough` (DOMAIN §6: a signed reconciliation closes the period,
   * no back-dated entries): from now on an entry booked at or before it is rejected `period-closed`.
   * A closed period is never reopened.
   */
  async closePeriod(fundId: string, closedThrough: string): Promise<FundView> {
    const instant = normalizeInstant(closedThrough);
    try {
      return await this.updateHead(
        fundId,
        "SET closedThrough = :t, closedAtSequence = #sequence, revision = revision + :one",
        "attribute_exists(pk) AND (attribute_not_exists(closedThrough) OR closedThrough <= :t)",
        { ":t": { S: instant }, ":one": { N: "1" } },
        { "#sequence": "sequence" },
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const head = await this.readHead(fundId);
      if (!head) throw fundNotFound(fundId);
      throw new ConflictError(
        `the books of ${fundId} are closed through ${head.closedThrough}; a closed period is not reopened`,
        `该备用金已对账关闭至 ${head.closedThrough}，已关闭的账期不能重新打开`,
      );
    }
  }

  /**
   * The fund's entries in sequence order, one DynamoDB page at a time: a month of a busy county is
   * never held in memory at once. `from`/`to` select by booking instant.
   */
  async *streamEntries(fundId: string, options: StreamOptions = {}): AsyncGenerator<ChainedEntry> {
    for await (const page of this.pages(fundId, options)) for (const item of page) yield itemToEntry(item);
  }

  /**
   * The same entries as stored, a page at a time (the hashed text, not decoded): what a long replay
   * reads (reconciliation: core/reconciliation `reconcilePeriod` reads them once, in fen).
   */
  async *streamStored(fundId: string, options: StreamOptions = {}): AsyncGenerator<StoredEntry[]> {
    for await (const page of this.pages(fundId, options)) yield page.map(itemToStored);
  }

  private async *pages(fundId: string, options: StreamOptions): AsyncGenerator<Item[]> {
    const pageSize = Math.min(options.pageSize ?? 200, PAGE_SIZE_MAX);
    const low = entrySk(Math.max(options.fromSequence ?? 1, 0));
    const high = options.toSequence !== undefined ? entrySk(options.toSequence) : `${ENTRY_PREFIX}~`;
    const filters: string[] = [];
    const values: Item = { ":pk": { S: fundPk(fundId) }, ":low": { S: low }, ":high": { S: high } };
    if (options.from !== undefined) {
      filters.push("bookedAt >= :from");
      values[":from"] = { S: normalizeInstant(options.from) };
    }
    if (options.to !== undefined) {
      filters.push("bookedAt <= :to");
      values[":to"] = { S: normalizeInstant(options.to) };
    }
    let startKey: Item | undefined;
    do {
      const input: QueryCommandInput = {
        TableName: this.tables.ledger,
        KeyConditionExpression: "pk = :pk AND sk BETWEEN :low AND :high",
        ExpressionAttributeValues: values,
        Limit: pageSize,
        ConsistentRead: options.consistentRead ?? false,
        ...(filters.length > 0 ? { FilterExpression: filters.join(" AND ") } : {}),
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      };
      const page = await this.client.send(new QueryCommand(input));
      yield page.Items ?? [];
      startKey = page.LastEvaluatedKey;
    } while (startKey);
  }

  /**
   * Streamed replay from genesis plus the chain check, against the stored head (DOMAIN §5): an
   * edited, deleted or inserted entry is reported with the first sequence number that is wrong.
   * Each entry must also match its `ENTRYID#` record (same sequence, same hash): an entry forged
   * with a valid hash but put behind the writer's back has none, and is named itself.
   */
  async verify(fundId: string): Promise<VerifyResult> {
    const head = await this.readHead(fundId);
    if (!head) throw fundNotFound(fundId);
    const verifier = new ChainVerifier(fundId);
    let chunk: ChainedEntry[] = [];
    const check = async (): Promise<VerifyResult | undefined> => {
      const applied = await this.readAppliedIds(
        fundId,
        chunk.map((entry) => entry.entryId),
      );
      for (const entry of chunk) {
        if (!verifier.push(entry)) return verdict(verifier.finish());
        const record = applied.get(entry.entryId);
        if (!record || record.sequence !== entry.sequence || record.entryHash !== entry.entryHash) {
          return {
            ok: false,
            firstBadSequence: entry.sequence,
            problem: `entry ${entry.sequence} has no matching applied-id record (written behind the writer's back)`,
          };
        }
      }
      chunk = [];
      return undefined;
    };
    try {
      for await (const entry of this.streamEntries(fundId, {
        consistentRead: true,
        pageSize: VERIFY_CHUNK,
      })) {
        chunk.push(entry);
        if (chunk.length >= VERIFY_CHUNK) {
          const early = await check();
          if (early) return early;
        }
      }
    } catch (error) {
      if (!(error instanceof UnreadableEntryError)) throw error;
      // Entries before the unreadable one may be wrong already: the first bad one is named.
      const early = chunk.length > 0 ? await check() : undefined;
      const gap = verifier.state.sequence + 1;
      return (
        early ??
        (gap < error.sequence
          ? { ok: false, firstBadSequence: gap, problem: `entry ${gap} is missing (deleted)` }
          : { ok: false, firstBadSequence: error.sequence, problem: error.message })
      );
    }
    const early = chunk.length > 0 ? await check() : undefined;
    if (early) return early;
    return verdict(
      verifier.finish({ sequence: head.sequence, headHash: head.headHash, balances: head.balances }),
    );
  }

  /** Which of these entry ids are already applied to the fund (strongly consistent). */
  async readAppliedIds(fundId: string, entryIds: readonly string[]): Promise<Map<string, AppliedId>> {
    const found = new Map<string, AppliedId>();
    const unique = [...new Set(entryIds)];
    for (let start = 0; start < unique.length; start += BATCH_GET_MAX) {
      let keys: Item[] | undefined = unique
        .slice(start, start + BATCH_GET_MAX)
        .map((id) => ({ pk: { S: fundPk(fundId) }, sk: { S: entryIdSk(id) } }));
      // UnprocessedKeys are bounded retries of the same read: a lost key would hide an applied id.
      for (let round = 0; keys && keys.length > 0; round++) {
        if (round >= 8) throw new Error("BatchGetItem kept returning unprocessed keys");
        const result: BatchGetItemCommandOutput = await this.client.send(
          new BatchGetItemCommand({
            RequestItems: { [this.tables.ledger]: { Keys: keys, ConsistentRead: true } },
          }),
        );
        for (const item of result.Responses?.[this.tables.ledger] ?? []) {
          const applied = itemToAppliedId(item);
          found.set(applied.entryId, applied);
        }
        keys = result.UnprocessedKeys?.[this.tables.ledger]?.Keys;
        if (keys && keys.length > 0) await new Promise((r) => setTimeout(r, 10 * 2 ** round));
      }
    }
    return found;
  }

  private async updateHead(
    fundId: string,
    update: string,
    condition: string,
    values: Item,
    names?: Record<string, string>,
  ): Promise<FundView> {
    try {
      const result = await this.client.send(
        new UpdateItemCommand({
          TableName: this.tables.ledger,
          Key: { pk: { S: fundPk(fundId) }, sk: { S: HEAD_SK } },
          UpdateExpression: update,
          ConditionExpression: condition,
          ExpressionAttributeValues: values,
          ...(names ? { ExpressionAttributeNames: names } : {}),
          ReturnValues: "ALL_NEW",
        }),
      );
      return toFundView(itemToHead(result.Attributes as Item));
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException && !(await this.readHead(fundId))) {
        throw fundNotFound(fundId);
      }
      throw error;
    }
  }
}

function verdict(result: ReplayResult): VerifyResult {
  if (result.ok) return { ok: true, sequence: result.state.sequence, headHash: result.state.headHash };
  return { ok: false, firstBadSequence: result.firstBadSequence, problem: result.problem };
}

function fundNotFound(fundId: string): NotFoundError {
  return new NotFoundError(`no reserve fund ${fundId}`, `备用金 ${fundId} 不存在`);
}

function assertPercent(text: string): void {
  if (!isAlertPercent(text)) {
    throw new ValidationError("alertPercent must be a percentage 0–100", "预警比例须为 0–100 的百分数", {
      fields: [
        {
          path: "alertPercent",
          message: 'must be a percentage 0–100, e.g. "20"',
          messageZh: "须为 0–100 的百分数",
        },
      ],
    });
  }
}
