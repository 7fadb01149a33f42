/**
 * The identity accounts of this deployment: the Cognito pool when the configuration names one, else
 * the directory's own users (the local provider; an external issuer whose accounts the province
 * manages signs in by the directory's user id too).
 */
import { CognitoIdentityProviderClient } from "@aws-sdk/client-cognito-identity-provider";
import { config } from "#functions/runtime/config.ts";
import { DirectoryAccounts, type IdentityAccounts } from "./accounts.ts";
import { CognitoAccounts } from "./cognito-accounts.ts";

export { DirectoryAccounts, type IdentityAccounts, type NewAccount } from "./accounts.ts";
export { CognitoAccounts } from "./cognito-accounts.ts";

let cognito: CognitoIdentityProviderClient | undefined;

export function identityAccounts(): IdentityAccounts {
  const userPoolId = config().userPoolId;
  if (!userPoolId) return new DirectoryAccounts();
  cognito ??= new CognitoIdentityProviderClient({});
  return new CognitoAccounts(cognito, userPoolId);
}
