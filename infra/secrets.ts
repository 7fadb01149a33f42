/**
 * A secret whose value comes from outside the deployment (a bank's certificate, an SMS provider's
 * keys, a key agreed with a partner, a keyed-hash key): kept when its stack is deleted, and cdk-nag's
 * "rotate on a schedule" finding (AwsSolutions-SMG4) acknowledged with how it is renewed instead.
 */
import { RemovalPolicy, Validations } from "aws-cdk-lib";
import * as secretsmanager from "aws-cdk-lib/aws-secretsmanager";
import type { Construct } from "constructs";

export interface RetainedSecretProps
  extends Pick<secretsmanager.SecretProps, "secretStringValue" | "generateSecretString"> {
  secretName: string;
  /** What it holds, after "AidFlow: " in its description. */
  purpose: string;
  /** Why it is not rotated on a schedule: how a new value comes. */
  renewal: string;
}

export function retainedSecret(
  scope: Construct,
  id: string,
  props: RetainedSecretProps,
): secretsmanager.Secret {
  const { purpose, renewal, ...value } = props;
  const secret = new secretsmanager.Secret(scope, id, {
    ...value,
    description: `AidFlow: ${purpose}`,
    removalPolicy: RemovalPolicy.RETAIN,
  });
  Validations.of(secret).acknowledge({ id: "AwsSolutions-SMG4", reason: renewal });
  return secret;
}
