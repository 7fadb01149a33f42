/**
 * The identity port (ARCHITECTURE §5.7): the sign-in account of a staff user an administrator
 * creates or disables, at the issuer the API trusts. AidFlow's own directory (user-directory.ts)
 * holds the user's role and scope either way; this port makes the account people sign in with.
 *
 * - `DirectoryAccounts`: the issuer signs in the directory's own users (the local OpenID Connect
 *   provider reads the directory): the subject is the sign-in name, and a user marked inactive in
 *   the directory is no longer offered — there is no second account to create or disable.
 * - `CognitoAccounts` (cognito-accounts.ts): the Cognito user pool of the deployment.
 */
import type { Role } from "#core/access/index.ts";

export interface NewAccount {
  /** The sign-in name AidFlow chose (kept on the directory's user, so a retry names the same account). */
  username: string;
  name: string;
  /** Mainland mobile number, 11 digits. */
  phone: string;
  role: Role;
  countyId: string;
  townshipId?: string;
}

export interface IdentityAccounts {
  /** Which issuer this is, for the audit trail. */
  readonly kind: "directory" | "cognito";
  /**
   * Creates the account (again for the same `username`: the existing one is answered) and answers
   * the subject its tokens will carry (`sub`), the directory's user id.
   */
  create(account: NewAccount): Promise<{ subject: string }>;
  /** Stops the account from signing in; disabling a disabled account succeeds. */
  disable(username: string): Promise<void>;
}

export class DirectoryAccounts implements IdentityAccounts {
  readonly kind = "directory";

  async create(account: NewAccount): Promise<{ subject: string }> {
    return { subject: account.username };
  }

  async disable(_username: string): Promise<void> {
    // The directory's user is marked inactive by the caller; the local provider lists active users only.
  }
}
