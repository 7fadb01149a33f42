/**
 * The `${…}` placeholders the ASL files use besides `${<Id>FunctionArn}`, named once for the two
 * places that fill them in: the CDK app (`definitionSubstitutions`, infra/stacks/workflows-stack.ts)
 * and the local loader (local/stepfunctions/loader.ts). Plain data.
 */

/** The partition of integration ARNs (`arn:${Partition}:states:::lambda:invoke`): `aws`, or `aws-cn` in China. */
export const PARTITION_SUBSTITUTION = "Partition";

/**
 * Where a long loop continues (continue-as-new): the workflow's own state machine — in AWS through
 * its alias, locally the local ARN.
 */
export const CONTINUATION_SUBSTITUTION = "ContinuationStateMachineArn";

/** The URL of the deployment's draw queue (`sqs:sendMessage.waitForTaskToken`, Flow A's `DrawAid`). */
export const DRAW_QUEUE_SUBSTITUTION = "LedgerQueueUrl";
