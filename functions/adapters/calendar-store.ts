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
 */
import { type DynamoDBDocumentClient, PutCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { type HolidaySchedule, HolidayScheduleSchema, type LocalDays } from "#core/calendar/index.ts";
import { parseWith } from "#core/policy/validation.ts";
import { nowMs } from "#functions/runtime/clock.ts";

/** Years kept per partition (a Query reads them all; a century of schedules is far below it). */
export const CALENDAR_YEARS_MAX = 100;

const NATIONAL = "CALENDAR#national";
const countyPk = (countyId: string) => `CALENDAR#${countyId}`;

const writes = new Map<string, number>();

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

  /** Stores (or replaces) the national schedule of its year; a ValidationError writes nothing. */
  async putNational(input: unknown, by: string): Promise<HolidaySchedule> {
    const schedule = parseWith(HolidayScheduleSchema, input, "holiday schedule", "节假日安排");
    await this.put(NATIONAL, `YEAR#${schedule.year}`, { year: schedule.year, schedule, by });
    return schedule;
  }

  async nationalSchedules(): Promise<HolidaySchedule[]> {
    const items = await this.query(NATIONAL, "YEAR#");
    return items.map((item) => item.schedule as HolidaySchedule).sort((a, b) => a.year - b.year);
  }

  /** Stores the county's local days of one year (checked by the caller against the national year). */
  async putLocalDays(countyId: string, days: StoredLocalDays, by: string): Promise<void> {
    await this.put(countyPk(countyId), `LOCAL#${days.year}`, { year: days.year, days, by });
  }

  async localDays(countyId: string): Promise<StoredLocalDays[]> {
    const items = await this.query(countyPk(countyId), "LOCAL#");
    return items.map((item) => item.days as StoredLocalDays).sort((a, b) => a.year - b.year);
  }

  private async put(pk: string, sk: string, fields: Record<string, unknown>): Promise<void> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            pk,
            sk,
            type: "holiday-calendar",
            ...JSON.parse(JSON.stringify(fields)),
            writtenAt: new Date(nowMs()).toISOString(),
          },
        }),
      );
    } finally {
      writes.set(this.tableName, calendarWriteCount(this.tableName) + 1);
    }
  }

  private async query(pk: string, prefix: string): Promise<Record<string, unknown>[]> {
    const out = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: "pk = :pk AND begins_with(sk, :p)",
        ExpressionAttributeValues: { ":pk": pk, ":p": prefix },
        Limit: CALENDAR_YEARS_MAX,
        ConsistentRead: true,
      }),
    );
    return out.Items ?? [];
  }
}
