/**
 * Holiday calendars as data (DOMAIN §7, §8): the national schedule per year, loaded by a province
 * administrator when the State Council publishes it, and each county's local days per year.
 *
 * | pk | sk | item |
 * |---|---|---|
 * | `CALENDAR#national` | `YEAR#<year>` | the national schedule of the year (`schedule`) |
 * | `CALENDAR#<countyId>` | `LOCAL#<year>` | the county's local rest and make-up days of the year |
 *
 * Each is validated by core/calendar before it is written; a write bumps an in-process counter so a
 * calendar cached by this process is built again at once (other processes within their cache time).
 * Each item carries the number of times it was written (`revision`), and is written only on the
 * revision it was read at: the same days sent twice (or twenty times at once) are written once, the
 * others find them stored and write nothing.
 */
import { isDeepStrictEqual } from "node:util";
import { type DynamoDBDocumentClient, GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { type HolidaySchedule, HolidayScheduleSchema, type LocalDays } from "#core/calendar/index.ts";
import { ConflictError } from "#core/errors.ts";
import { parseWith } from "#core/policy/validation.ts";
import { nowMs } from "#functions/runtime/clock.ts";
import { queryAll } from "./query-all.ts";

/**
 * Years kept per partition: working days are counted from every stored year, so a read takes them
 * all (every page); a century of schedules is far below it, and more is an error.
 */
export const CALENDAR_YEARS_MAX = 100;

const NATIONAL = "CALENDAR#national";
const countyPk = (countyId: string) => `CALENDAR#${countyId}`;

const writes = new Map<string, number>();

/** Reads before a write gives up on a calendar others keep changing (409). */
const WRITE_ATTEMPTS = 5;

/** `unchanged`: the same was stored already, nothing was written. */
export type CalendarWrite = "written" | "unchanged";

/** How many calendar writes this process made to the table (for cache invalidation). */
export function calendarWriteCount(tableName: string): number {
  return writes.get(tableName) ?? 0;
}

export interface StoredLocalDays extends LocalDays {
  year: number;
}

export class CalendarStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /**
   * Stores (or replaces) the national schedule of its year; a ValidationError writes nothing, and so
   * does the schedule already stored (`unchanged`).
   */
  async putNational(
    input: unknown,
    by: string,
  ): Promise<{ schedule: HolidaySchedule; outcome: CalendarWrite }> {
    const schedule = parseWith(HolidayScheduleSchema, input, "holiday schedule", "节假日安排");
    const outcome = await this.put(NATIONAL, `YEAR#${schedule.year}`, "schedule", schedule, {
      year: schedule.year,
      by,
    });
    return { schedule, outcome };
  }

  async nationalSchedules(): Promise<HolidaySchedule[]> {
    const items = await this.query(NATIONAL, "YEAR#");
    return items.map((item) => item.schedule as HolidaySchedule).sort((a, b) => a.year - b.year);
  }

  /**
   * Stores the county's local days of one year (checked by the caller against the national year);
   * the days already stored write nothing (`unchanged`).
   */
  async putLocalDays(countyId: string, days: StoredLocalDays, by: string): Promise<CalendarWrite> {
    return this.put(countyPk(countyId), `LOCAL#${days.year}`, "days", days, { year: days.year, by });
  }

  async localDays(countyId: string): Promise<StoredLocalDays[]> {
    const items = await this.query(countyPk(countyId), "LOCAL#");
    return items.map((item) => item.days as StoredLocalDays).sort((a, b) => a.year - b.year);
  }

  /** Writes `value` under `field` unless it is stored already, on the revision it was read at. */
  private async put(
    pk: string,
    sk: string,
    field: string,
    value: unknown,
    fields: Record<string, unknown>,
  ): Promise<CalendarWrite> {
    const wanted = JSON.parse(JSON.stringify(value));
    for (let attempt = 0; attempt < WRITE_ATTEMPTS; attempt += 1) {
      const current = (
        await this.db.send(
          new GetCommand({ TableName: this.tableName, Key: { pk, sk }, ConsistentRead: true }),
        )
      ).Item;
      if (current && isDeepStrictEqual(current[field], wanted)) return "unchanged";
      const revision = Number(current?.revision ?? 0);
      try {
        await this.db.send(
          new PutCommand({
            TableName: this.tableName,
            Item: {
              pk,
              sk,
              type: "holiday-calendar",
              ...JSON.parse(JSON.stringify(fields)),
              [field]: wanted,
              revision: revision + 1,
              writtenAt: new Date(nowMs()).toISOString(),
            },
            ...(current
              ? {
                  ConditionExpression: "revision = :rev OR (attribute_not_exists(revision) AND :rev = :zero)",
                  ExpressionAttributeValues: { ":rev": revision, ":zero": 0 },
                }
              : { ConditionExpression: "attribute_not_exists(pk)" }),
          }),
        );
        return "written";
      } catch (error) {
        if ((error as { name?: string }).name !== "ConditionalCheckFailedException") throw error;
      } finally {
        writes.set(this.tableName, calendarWriteCount(this.tableName) + 1);
      }
    }
    throw new ConflictError(
      "The calendar was changed by others meanwhile",
      "节假日安排正在被他人修改，请刷新后重试",
    );
  }

  private async query(pk: string, prefix: string): Promise<Record<string, unknown>[]> {
    return queryAll(
      this.db,
      {
        TableName: this.tableName,
        KeyConditionExpression: "pk = :pk AND begins_with(sk, :p)",
        ExpressionAttributeValues: { ":pk": pk, ":p": prefix },
        ConsistentRead: true,
      },
      { itemsMax: CALENDAR_YEARS_MAX, what: `calendar years under ${pk}` },
    );
  }
}
