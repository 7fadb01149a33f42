/**
 * cdk-nag v3 wiring (ARCHITECTURE §4: the v2 `Aspects` API throws; v3 is a policy-validation plugin).
 * Acknowledgements stay beside their constructs; this module only helps to name them exactly.
 */
import { type App, Stack, Validations } from "aws-cdk-lib";
import { AwsSolutionsChecks } from "cdk-nag";
import { flattenCfnReference } from "cdk-nag/lib/utils/flatten-cfn-reference.js";
import type { IConstruct } from "constructs";

/** Runs the AWS Solutions pack over the whole app at synth; any unacknowledged finding fails the synth. */
export function applyAwsSolutionsChecks(app: App): AwsSolutionsChecks {
  const checks = new AwsSolutionsChecks(app, { verbose: true });
  Validations.of(app).addPlugins(checks);
  return checks;
}

/**
 * Acknowledges one `AwsSolutions-IAM5` wildcard finding on `scope`, naming the resource the way
 * cdk-nag prints it, so that only that wildcard — not every wildcard of the policy — is accepted.
 */
export function acknowledgeWildcardResource(scope: IConstruct, resource: string, reason: string): void {
  const flat = flattenCfnReference(Stack.of(scope).resolve(resource));
  Validations.of(scope).acknowledge({ id: `AwsSolutions-IAM5[Resource::${flat}]`, reason });
}
