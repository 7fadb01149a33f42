/**
 * The staff of a county in the `main` table: who is an officer of which township, and whether the
 * account is still active — what the paperwork's investigators are checked against (DOMAIN §3.4, §7).
 *
 * | pk | sk | item |
 * |---|---|---|
 * | `USERS#<countyId>` | `USER#<userId>` | one staff user: name, roles, township, active; phone and sign-in name when created by an administrator |
 * | `STAFFPHONE#<phone>` | `CLAIM` | the phone's claim: one account per phone in the deployment, made while its user is created |
 *
 * One partition per county, read whole (every page) within STAFF_PER_COUNTY_MAX. A county's staff are
 * those stored plus, where a bundled source is registered, its users not stored: the local runtime
 * registers its demo users (local/seed/users.ts) so `npm start` and the tests work without a seed
 * step, and a user an administrator adds (or a demo user disabled) is stored beside them. Nothing is
 * registered in AWS (ARCHITECTURE §5.2: functions/ never imports local/).
 */
import {
  BatchWriteCommand,
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import { isRole, type Role } from "#core/access/index.ts";
import { conditionFailed } from "./conditional-write.ts";
import { queryAll } from "./query-all.ts";

/**
 * A county has at most this many staff users: a county-wide read (message recipients, the staff
 * list, an import's comparison) needs every one, and finding more is an error, not a shorter list.
 */
export const STAFF_PER_COUNTY_MAX = 1000;

export interface StaffUser {
  userId: string;
  name: string;
  roles: Role[];
  countyId: string;
  townshipId?: string;
  /** A user who left or was suspended stays listed (for the records) but is no longer active. */
  active: boolean;
  /** Mainland mobile number (11 digits), of users created by an administrator. */
  phone?: string;
  /** The account's name at the identity provider, when it differs from `userId` (Cognito's sub). */
  username?: string;
}

/** A staff user an administrator creates (the directory's item, before it is written). */
export interface NewStaffUser extends StaffUser {
  phone: string;
  username: string;
  createdBy: string;
  createdAt: string;
}

/** The phone's claim: who is being created with it, and whether that finished. */
export interface PhoneClaim {
  phone: string;
  countyId: string;
  username: string;
  /** Digest of what the user is created with: the same request again may finish a pending claim. */
  digest: string;
  state: "pending" | "created";
  userId?: string;
}

let bundledStaff: (countyId: string) => StaffUser[] = () => [];

/** Staff answered for a county with none stored (the local runtime's demo users). */
export function registerBundledStaff(source: (countyId: string) => StaffUser[]): void {
  bundledStaff = source;
}

const usersKey = (countyId: string) => `USERS#${countyId}`;
const phoneKey = (phone: string) => `STAFFPHONE#${phone}`;
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
      PutRequest: { Item: itemOf({ ...u, countyId }) },
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
    const items = await queryAll(
      this.db,
      {
        TableName: this.tableName,
        KeyConditionExpression: "pk = :pk AND begins_with(sk, :user)",
        ExpressionAttributeValues: { ":pk": usersKey(countyId), ":user": "USER#" },
        ConsistentRead: true,
      },
      { itemsMax: STAFF_PER_COUNTY_MAX, what: `staff users in county ${countyId}` },
    );
    const stored = items.map(parseUser);
    const storedIds = new Set(stored.map((u) => u.userId));
    return [...stored, ...bundledStaff(countyId).filter((u) => !storedIds.has(u.userId))];
  }

  /** One user of the county (stored, else bundled); undefined when the county has no such user. */
  async user(countyId: string, userId: string): Promise<StaffUser | undefined> {
    const out = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: usersKey(countyId), sk: userSk(userId) },
        ConsistentRead: true,
      }),
    );
    if (out.Item) return parseUser(out.Item);
    return bundledStaff(countyId).find((u) => u.userId === userId);
  }

  /** The claim on a phone, if any. */
  async phoneClaim(phone: string): Promise<PhoneClaim | undefined> {
    const out = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: phoneKey(phone), sk: "CLAIM" },
        ConsistentRead: true,
      }),
    );
    return out.Item ? parseClaim(out.Item) : undefined;
  }

  /**
   * Claims a phone for a user being created. Granted when the phone is free, or when a claim of the
   * same content is still pending (a retry, or identical requests at once: they go on with the stored
   * sign-in name); otherwise the claim that holds the phone is answered.
   */
  async claimPhone(
    claim: Omit<PhoneClaim, "state" | "userId">,
  ): Promise<{ granted: PhoneClaim } | { held: PhoneClaim }> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            pk: phoneKey(claim.phone),
            sk: "CLAIM",
            type: "staff-phone-claim",
            ...claim,
            state: "pending",
          },
          ConditionExpression: "attribute_not_exists(pk)",
        }),
      );
      return { granted: { ...claim, state: "pending" } };
    } catch (error) {
      if (!conditionFailed(error)) throw error;
    }
    const held = await this.phoneClaim(claim.phone);
    if (!held) throw new Error(`user directory: the claim on a phone vanished while it was read`);
    if (held.state === "pending" && held.digest === claim.digest) return { granted: held };
    return { held };
  }

  /** Gives a pending claim up (its user could not be created), so the phone can be used again. */
  async releasePhone(phone: string, digest: string): Promise<void> {
    try {
      await this.db.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: { pk: phoneKey(phone), sk: "CLAIM" },
          ConditionExpression: "#state = :pending AND digest = :digest",
          ExpressionAttributeNames: { "#state": "state" },
          ExpressionAttributeValues: { ":pending": "pending", ":digest": digest },
        }),
      );
    } catch (error) {
      if (!conditionFailed(error)) throw error;
    }
  }

  /**
   * Stores a new user; false when the user is stored already (of identical creations at once, one
   * writes). The phone's claim is then marked created with the user's id.
   */
  async createUser(user: NewStaffUser, claimDigest: string): Promise<boolean> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...itemOf(user), createdBy: user.createdBy, createdAt: user.createdAt, revision: 1 },
          ConditionExpression: "attribute_not_exists(pk)",
        }),
      );
    } catch (error) {
      if (conditionFailed(error)) return false;
      throw error;
    }
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: phoneKey(user.phone), sk: "CLAIM" },
        UpdateExpression: "SET #state = :created, userId = :userId",
        ConditionExpression: "digest = :digest",
        ExpressionAttributeNames: { "#state": "state" },
        ExpressionAttributeValues: { ":created": "created", ":userId": user.userId, ":digest": claimDigest },
      }),
    );
    return true;
  }

  /**
   * Marks an active user inactive (never deletes): false when it is inactive already — of disablings
   * at once, one writes. A bundled user not stored yet is stored inactive.
   */
  async disableUser(user: StaffUser, by: string, atIso: string): Promise<boolean> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...itemOf({ ...user, active: false }), disabledBy: by, disabledAt: atIso },
          ConditionExpression: "attribute_not_exists(pk) OR active = :active",
          ExpressionAttributeValues: { ":active": true },
        }),
      );
      return true;
    } catch (error) {
      if (conditionFailed(error)) return false;
      throw error;
    }
  }

  /** The active township officers (经办人) of one township. */
  async activeOfficersOf(countyId: string, townshipId: string): Promise<StaffUser[]> {
    return (await this.usersOf(countyId)).filter(
      (u) => u.active && u.townshipId === townshipId && u.roles.includes("township-officer"),
    );
  }
}

function itemOf(u: StaffUser): Record<string, unknown> {
  return {
    pk: usersKey(u.countyId),
    sk: userSk(u.userId),
    type: "staff-user",
    userId: u.userId,
    name: u.name,
    roles: u.roles,
    countyId: u.countyId,
    ...(u.townshipId ? { townshipId: u.townshipId } : {}),
    active: u.active,
    ...(u.phone ? { phone: u.phone } : {}),
    ...(u.username ? { username: u.username } : {}),
  };
}

function parseClaim(item: Record<string, unknown>): PhoneClaim {
  return {
    phone: String(item.phone),
    countyId: String(item.countyId),
    username: String(item.username),
    digest: String(item.digest),
    state: item.state === "created" ? "created" : "pending",
    ...(typeof item.userId === "string" ? { userId: item.userId } : {}),
  };
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
    ...(typeof item.phone === "string" ? { phone: item.phone } : {}),
    ...(typeof item.username === "string" ? { username: item.username } : {}),
  };
}
