/**
 * The identity port on a Cognito user pool: AdminCreateUser with the scope attributes
 * (`custom:county`, `custom:township`) and the role's group; AdminDisableUser to stop a sign-in and
 * AdminUserGlobalSignOut to revoke the refresh tokens already issued, so a disabled user's session
 * ends when its current ID token does (15 minutes at most) — users are disabled, never deleted. Cognito sends the new user an SMS with a temporary password;
 * the pool then has them set a password and an authenticator (MFA is required of every account).
 */
import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminDisableUserCommand,
  AdminGetUserCommand,
  AdminUserGlobalSignOutCommand,
  type AttributeType,
  type CognitoIdentityProviderClient,
} from "@aws-sdk/client-cognito-identity-provider";
import type { IdentityAccounts, NewAccount } from "./accounts.ts";

/** The attributes of functions/http/actor.ts CLAIMS, as Cognito names them when they are written. */
const ATTRIBUTE = {
  name: "name",
  phone: "phone_number",
  phoneVerified: "phone_number_verified",
  county: "custom:county",
  township: "custom:township",
  subject: "sub",
} as const;

/** A mainland number in E.164, as Cognito stores phone numbers. */
export function e164(phone: string): string {
  return `+86${phone}`;
}

function subjectOf(attributes: AttributeType[] | undefined, username: string): string {
  const sub = attributes?.find((a) => a.Name === ATTRIBUTE.subject)?.Value;
  if (!sub) throw new Error(`Cognito answered no sub for the user ${username}`);
  return sub;
}

export class CognitoAccounts implements IdentityAccounts {
  readonly kind = "cognito";

  constructor(
    private readonly client: CognitoIdentityProviderClient,
    private readonly userPoolId: string,
  ) {}

  async create(account: NewAccount): Promise<{ subject: string }> {
    const subject = await this.createOrFind(account);
    // Adding a member again is accepted by Cognito: a retry after a failure here completes it.
    await this.client.send(
      new AdminAddUserToGroupCommand({
        UserPoolId: this.userPoolId,
        Username: account.username,
        GroupName: account.role,
      }),
    );
    return { subject };
  }

  async disable(username: string): Promise<void> {
    await this.client.send(new AdminDisableUserCommand({ UserPoolId: this.userPoolId, Username: username }));
    await this.client.send(
      new AdminUserGlobalSignOutCommand({ UserPoolId: this.userPoolId, Username: username }),
    );
  }

  private async createOrFind(account: NewAccount): Promise<string> {
    try {
      const out = await this.client.send(
        new AdminCreateUserCommand({
          UserPoolId: this.userPoolId,
          Username: account.username,
          DesiredDeliveryMediums: ["SMS"],
          UserAttributes: [
            { Name: ATTRIBUTE.name, Value: account.name },
            { Name: ATTRIBUTE.phone, Value: e164(account.phone) },
            // The administrator vouches for the number: it is where the temporary password goes.
            { Name: ATTRIBUTE.phoneVerified, Value: "true" },
            { Name: ATTRIBUTE.county, Value: account.countyId },
            ...(account.townshipId ? [{ Name: ATTRIBUTE.township, Value: account.townshipId }] : []),
          ],
        }),
      );
      return subjectOf(out.User?.Attributes, account.username);
    } catch (error) {
      if ((error as { name?: string }).name !== "UsernameExistsException") throw error;
      // Created by an earlier attempt of the same creation (the sign-in name is kept on its claim).
      const out = await this.client.send(
        new AdminGetUserCommand({ UserPoolId: this.userPoolId, Username: account.username }),
      );
      return subjectOf(out.UserAttributes, account.username);
    }
  }
}
