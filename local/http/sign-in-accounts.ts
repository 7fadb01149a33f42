/**
 * Whom the local OIDC provider signs in: the bundled demo users and every staff user an
 * administrator created (the users API or `aidflow county import`), read from the directory when a
 * sign-in starts — so a new officer can sign in at once, and a disabled one (demo or created) can no
 * longer sign in or renew a sign-in. Counties are those of the demo users' provinces.
 */
import { DirectoryStore } from "#adapters/directory-store.ts";
import { type StaffUser, UserDirectory } from "#adapters/user-directory.ts";
import { ROLE_DESCRIPTIONS } from "#core/access/index.ts";
import { config, dynamo } from "#functions/runtime/config.ts";
import type { DemoUser } from "#local/seed/users.ts";

const provinceOf = (countyId: string) => `${countyId.slice(0, 2)}0000`;

function accountOf(user: StaffUser): DemoUser {
  const roles = user.roles.map((role) => ROLE_DESCRIPTIONS[role].nameZh).join("、");
  return {
    userId: user.userId,
    name: user.name,
    roles: [...user.roles],
    countyId: user.countyId,
    ...(user.townshipId ? { townshipId: user.townshipId } : {}),
    descriptionZh: `${roles}（管理员创建的账号）`,
  };
}

export async function signInAccounts(base: readonly DemoUser[]): Promise<DemoUser[]> {
  const db = dynamo();
  const table = config().tables.main;
  const counties = new DirectoryStore(db, table);
  const directory = new UserDirectory(db, table);
  const countyIds = new Set(base.map((u) => u.countyId));
  for (const province of new Set(base.map((u) => provinceOf(u.countyId)))) {
    countyIds.add(province);
    for (const county of await counties.countiesOfProvince(province)) countyIds.add(county.countyId);
  }
  const staff = (await Promise.all([...countyIds].map((countyId) => directory.usersOf(countyId)))).flat();
  const stored = new Map(staff.map((user) => [user.userId, user]));
  const accounts = base.filter((user) => stored.get(user.userId)?.active !== false);
  const bundled = new Set(base.map((user) => user.userId));
  for (const user of stored.values())
    if (user.active && !bundled.has(user.userId)) accounts.push(accountOf(user));
  return accounts;
}
