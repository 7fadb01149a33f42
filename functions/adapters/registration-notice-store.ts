/**
 * 外地受助 notices (DOMAIN §3.6): what the registration county of a non-local applicant
 * may know of a case another county of the deployment closed — written at the close, masked before it
 * is stored, so nothing the registration county reads can open the case.
 *
 * | pk | sk | gsi1pk | gsi1sk | item |
 * |---|---|---|---|---|
 * | `REGNOTICE#<registrationCountyId>` | `CASE#<caseId>` | `REGNOTICE#<registrationCountyId>` | `<closedAt>#<caseId>` | the notice |
 *
 * One item per case: Flow B's close of a case Flow A handed over replaces Flow A's notice (a later
 * close only, so a retried earlier step does not undo it). Keyed by the registration county, so its
 * list and statistics are one partition and no other county's query reaches them.
 */
import { type DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import * as z from "zod";

export const RegistrationNoticeRecord = z.object({
  caseId: z.string(),
  registrationCountyId: z.string(),
  /** Where the applicant was aided (the case's county and township), with their directory names. */
  countyId: z.string(),
  countyName: z.string().optional(),
  townshipId: z.string(),
  townshipName: z.string().optional(),
  flow: z.enum(["A", "B"]),
  cause: z.string(),
  /** `aided`/`rejected` (Flow A); `completed`/`stopped`/`rejected` (Flow B's plan). */
  result: z.string(),
  /** Everything paid on the case, integer fen (DOMAIN §6). */
  paidFen: z.number().int().nonnegative(),
  /** Masked before storing (core/identity masking): `张*`, `2301**********1234`. */
  applicantNameMasked: z.string(),
  idNumberMasked: z.string(),
  filedAt: z.string(),
  closedAt: z.string(),
});
export type RegistrationNoticeRecord = z.infer<typeof RegistrationNoticeRecord>;

/** A registration county's notices are read in pages of at most this many items. */
export const NOTICE_QUERY_ITEMS_MAX = 500;

const pkOf = (registrationCountyId: string) => `REGNOTICE#${registrationCountyId}`;

export interface NoticePageRequest {
  registrationCountyId: string;
  /** Sort keys (`<closedAt>#<caseId>`) strictly below this one: the next page, newest first. */
  before?: string;
  /** Sort keys at or above this one (the period's start). */
  from?: string;
  limit: number;
}

export interface NoticePage {
  notices: RegistrationNoticeRecord[];
  /** The sort key of the last notice when the partition may hold more. */
  lastSortKey?: string;
}

export const noticeSortKey = (notice: Pick<RegistrationNoticeRecord, "closedAt" | "caseId">): string =>
  `${notice.closedAt}#${notice.caseId}`;

export class RegistrationNoticeStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  /** Stores the notice; one for the same case closed earlier is replaced, a later one kept. */
  async put(notice: RegistrationNoticeRecord): Promise<void> {
    await this.putWhere(notice, "attribute_not_exists(pk) OR closedAt <= :closedAt");
  }

  /**
   * Stores the notice only where the case has none or one of an earlier close (the backfill of cases
   * closed before notices existed): true when it was written. The same close again writes nothing, and a
   * notice of a later close is never replaced by an older one.
   */
  async putIfMissing(notice: RegistrationNoticeRecord): Promise<boolean> {
    return this.putWhere(notice, "attribute_not_exists(pk) OR closedAt < :closedAt");
  }

  /** Writes the notice where the stored one of the case meets `condition` (`:closedAt` is the new close). */
  private async putWhere(notice: RegistrationNoticeRecord, condition: string): Promise<boolean> {
    const item = RegistrationNoticeRecord.parse(notice);
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: {
            pk: pkOf(item.registrationCountyId),
            sk: `CASE#${item.caseId}`,
            gsi1pk: pkOf(item.registrationCountyId),
            gsi1sk: noticeSortKey(item),
            type: "registration-notice",
            ...item,
          },
          ConditionExpression: condition,
          ExpressionAttributeValues: { ":closedAt": item.closedAt },
        }),
      );
      return true;
    } catch (error) {
      if ((error as Error).name !== "ConditionalCheckFailedException") throw error;
      return false;
    }
  }

  /** The case's notice held by the registration county, if any. */
  async find(registrationCountyId: string, caseId: string): Promise<RegistrationNoticeRecord | undefined> {
    const out = await this.db.send(
      new GetCommand({
        TableName: this.table,
        Key: { pk: pkOf(registrationCountyId), sk: `CASE#${caseId}` },
        ConsistentRead: true,
      }),
    );
    return out.Item ? RegistrationNoticeRecord.parse(out.Item) : undefined;
  }

  /** One page of the county's notices, newest close first, within `[from, before)`. */
  async page(request: NoticePageRequest): Promise<NoticePage> {
    const limit = Math.min(Math.max(1, request.limit), NOTICE_QUERY_ITEMS_MAX);
    const range =
      request.from !== undefined && request.before !== undefined
        ? {
            condition: " AND gsi1sk BETWEEN :from AND :before",
            values: { ":from": request.from, ":before": request.before },
          }
        : request.from !== undefined
          ? { condition: " AND gsi1sk >= :from", values: { ":from": request.from } }
          : request.before !== undefined
            ? { condition: " AND gsi1sk < :before", values: { ":before": request.before } }
            : { condition: "", values: {} };
    const out = await this.db.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: "gsi1",
        KeyConditionExpression: `gsi1pk = :pk${range.condition}`,
        ExpressionAttributeValues: { ":pk": pkOf(request.registrationCountyId), ...range.values },
        ScanIndexForward: false,
        // BETWEEN includes `before`: one more item is read and dropped below.
        Limit: limit + (request.before !== undefined && request.from !== undefined ? 1 : 0),
      }),
    );
    const found = (out.Items ?? []).filter(
      (item) => request.before === undefined || String(item.gsi1sk) < request.before,
    );
    const notices = found.slice(0, limit).map((item) => RegistrationNoticeRecord.parse(item));
    const last = notices.at(-1);
    const more = out.LastEvaluatedKey !== undefined || found.length > limit;
    return { notices, ...(more && last ? { lastSortKey: noticeSortKey(last) } : {}) };
  }
}
