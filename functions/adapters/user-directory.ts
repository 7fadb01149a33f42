/**
 * The staff of a county in the `main` table: who is an officer of which township, and whether the
 * account is still active — what the paperwork's investigators are checked against (DOMAIN §3.4, §7).
 *
 * | pk | sk | item |
 * |---|---|---|
 * | `USERS#<countyId>` | `USER#<userId>` | one staff user: name, roles, township, active |
 *
 * One partition per county, read as ONE bounded Query (STAFF_PER_COUNTY_MAX). A county with no user
 * stored has no staff — unless a bundled source is registered: the local runtime registers its demo
 * users (local/seed/users.ts) so `npm start` and the tests work without a seed step. Nothing is
 * registered in AWS (ARCHITECTURE §5.2: functions/ never imports local/).
 */
import { BatchWriteCommand, type DynamoDBDocumentClient, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { isRole, type Role } from "#core/access/index.ts";

/** A county has at most this many staff users (county-wide reads are bounded). */
export const STAFF_PER_COUNTY_MAX = 1000;

export interface StaffUser {
  userId: string;
  name: string;
  roles: Role[];
  countyId: string;
  townshipId?: string;
  /** A user who left or was suspended stays listed (for the records) but is no longer active. */
  active: boolean;
}

let bundledStaff: (countyId: string) => StaffUser[] = () => [];

/** Staff answered for a county with none stored (the local runtime's demo users). */
export function registerBundledStaff(source: (countyId: string) => StaffUser[]): void {
  bundledStaff = source;
}

const usersKey = (countyId: string) => `USERS#${countyId}`;
const userSk = (userId: string) => `USER#${userId}`;
const BATCH_MAX = 25;
const BATCH_ATTEMPTS_MAX = 8;

export class UserDirectory {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** Writes (or overwrites) staff users of one county. */
  async putUsers(countyId: string, users: readonly StaffUser[]): Promise<void> {
    const requests: Record<string, unknown>[] = users.map((u) => ({
      PutRequest: {
        Item: {
          pk: usersKey(countyId),
          sk: userSk(u.userId),
          type: "staff-user",
          userId: u.userId,
          name: u.name,
          roles: u.roles,
          countyId,
          ...(u.townshipId ? { townshipId: u.townshipId } : {}),
          active: u.active,
        },
      },
    }));
    for (let i = 0; i < requests.length; i += BATCH_MAX) {
      let chunk = requests.slice(i, i + BATCH_MAX);
      for (let attempt = 0; chunk.length > 0; attempt++) {
        if (attempt >= BATCH_ATTEMPTS_MAX) throw new Error("user directory write: items left unprocessed");
        if (attempt > 0) await new Promise((r) => setTimeout(r, 2 ** attempt * 20));
        const out = await this.db.send(
          new BatchWriteCommand({ RequestItems: { [this.tableName]: chunk as never } }),
        );
        chunk = (out.UnprocessedItems?.[this.tableName] ?? []) as Record<string, unknown>[];
      }
    }
  }

  /** Every staff user of the county (stored, else the registered bundled staff of that county). */
  async usersOf(countyId: string): Promise<StaffUser[]> {
    const out = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: "pk = :pk AND begins_with(sk, :user)",
        ExpressionAttributeValues: { ":pk": usersKey(countyId), ":user": "USER#" },
        Limit: STAFF_PER_COUNTY_MAX,
        ConsistentRead: true,
      }),
    );
    const stored = (out.Items ?? []).map(parseUser);
    if (stored.length > 0) return stored;
    return bundledStaff(countyId);
  }

  /** The active township officers (经办人) of one township. */
  async activeOfficersOf(countyId: string, townshipId: string): Promise<StaffUser[]> {
    return (await this.usersOf(countyId)).filter(
      (u) => u.active && u.townshipId === townshipId && u.roles.includes("township-officer"),
    );
  }
}

function parseUser(item: Record<string, unknown>): StaffUser {
  const roles = Array.isArray(item.roles) ? item.roles.filter(isRole) : [];
  return {
    userId: String(item.userId),
    name: String(item.name),
    roles,
    countyId: String(item.countyId),
    ...(typeof item.townshipId === "string" ? { townshipId: item.townshipId } : {}),
    active: item.active === true,
  };
}
