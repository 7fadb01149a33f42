import { ArnFormat, Aws, RemovalPolicy, Stack, type StackProps, Validations } from "aws-cdk-lib";
import * as iam from "aws-cdk-lib/aws-iam";
import type * as lambda from "aws-cdk-lib/aws-lambda";
import * as logs from "aws-cdk-lib/aws-logs";
import type * as sqs from "aws-cdk-lib/aws-sqs";
import * as sfn from "aws-cdk-lib/aws-stepfunctions";
import type { Construct } from "constructs";
import { functionArnSubstitution } from "../environment.ts";
import { DRAW_QUEUE_SUBSTITUTION } from "../ledger-queue.ts";
import {
  aslPlaceholders,
  CONTINUATION_SUBSTITUTION,
  LIVE_ALIAS,
  PARTITION_SUBSTITUTION,
  stateMachineName,
  type WorkflowDefinition,
} from "../workflows.ts";

export interface WorkflowsStackProps extends StackProps {
  /** One state machine per entry, its definition read from `file` (ASL, JSONPath). */
  workflows: readonly WorkflowDefinition[];
  /**
   * Functions by catalog id: every one becomes the substitution `${<id>FunctionArn}` — the ARN of
   * the function's version published by this deploy, so a state machine version calls the code it
   * was deployed with; `${Partition}` is the deployment's partition (`aws` / `aws-cn`) and
   * `${ContinuationStateMachineArn}` the state machine's own alias.
   */
  functions: ReadonlyMap<string, lambda.Function>;
  /** Prefix of the physical state machine names. */
  prefix: string;
  /**
   * The draw queue (infra/ledger-queue.ts): `${LedgerQueueUrl}` is its URL, and a definition that
   * sends to it may send there and nowhere else.
   */
  drawQueue?: sqs.IQueue;
}

/**
 * The state machines of Flow A and Flow B (DOMAIN §3, §4), loaded from the ASL files — the same files
 * the local runner executes (ARCHITECTURE §3.9). Logging ALL and X-Ray on every one. Each deploy
 * publishes a version and points the alias `live` (infra/workflows.ts LIVE_ALIAS) at it; executions
 * start through the alias, and versions are retained so running executions keep theirs.
 */
export class WorkflowsStack extends Stack {
  /** State machines by workflow name. */
  readonly stateMachines: ReadonlyMap<string, sfn.StateMachine>;

  constructor(scope: Construct, id: string, props: WorkflowsStackProps) {
    super(scope, id, props);
    const functionArns = Object.fromEntries(
      [...props.functions].map(([functionId, fn]) => [
        functionArnSubstitution(functionId),
        fn.currentVersion.functionArn,
      ]),
    );
    const machines = new Map<string, sfn.StateMachine>();
    for (const workflow of props.workflows) {
      machines.set(workflow.name, this.stateMachine(workflow, functionArns, props));
    }
    this.stateMachines = machines;
  }

  private stateMachine(
    workflow: WorkflowDefinition,
    functionArns: Record<string, string>,
    props: WorkflowsStackProps,
  ): sfn.StateMachine {
    const name = stateMachineName(props.prefix, workflow.name);
    const aliasArn = this.formatArn({
      service: "states",
      resource: "stateMachine",
      resourceName: `${name}:${LIVE_ALIAS}`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    // The Ref resolves in whichever partition the template is deployed to.
    const shared: Record<string, string> = {
      [PARTITION_SUBSTITUTION]: Aws.PARTITION,
      [CONTINUATION_SUBSTITUTION]: aliasArn,
      ...(props.drawQueue ? { [DRAW_QUEUE_SUBSTITUTION]: props.drawQueue.queueUrl } : {}),
    };
    const used = aslPlaceholders(workflow.file);
    const unknown = used.filter((name) => !(name in functionArns) && !(name in shared));
    if (unknown.length > 0) {
      // A placeholder left unresolved would only fail at deploy time, inside CloudFormation.
      throw new Error(
        `${workflow.file}: no function in the catalog for ${unknown.map((name) => `\${${name}}`).join(", ")}`,
      );
    }
    const id = pascal(workflow.name);
    const logGroup = new logs.LogGroup(this, `${id}Logs`, {
      logGroupName: `/aws/vendedlogs/states/${name}`,
      retention: logs.RetentionDays.ONE_YEAR,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const machine = new sfn.StateMachine(this, `${id}StateMachine`, {
      stateMachineName: name,
      stateMachineType: sfn.StateMachineType.STANDARD,
      definitionBody: sfn.DefinitionBody.fromFile(workflow.file),
      definitionSubstitutions: Object.fromEntries(
        used.map((name) => [name, functionArns[name] ?? (shared[name] as string)]),
      ),
      logs: { destination: logGroup, level: sfn.LogLevel.ALL, includeExecutionData: true },
      tracingEnabled: true,
    });
    // Invoke only the functions this definition names, not the whole catalog.
    const invoked = used.flatMap((name) => (name in functionArns ? [functionArns[name] as string] : []));
    if (invoked.length > 0) {
      machine.addToRolePolicy(
        new iam.PolicyStatement({ actions: ["lambda:InvokeFunction"], resources: invoked }),
      );
    }
    if (used.includes(DRAW_QUEUE_SUBSTITUTION) && props.drawQueue) {
      // The fund's draws: SendMessage on the draw queue only (SQS-managed SSE needs no key grant).
      machine.addToRolePolicy(
        new iam.PolicyStatement({ actions: ["sqs:SendMessage"], resources: [props.drawQueue.queueArn] }),
      );
    }
    if (used.includes(CONTINUATION_SUBSTITUTION)) {
      // Continue-as-new starts the next execution of the chain through the alias.
      machine.addToRolePolicy(
        new iam.PolicyStatement({ actions: ["states:StartExecution"], resources: [aliasArn] }),
      );
    }
    this.publish(id, machine);
    Validations.of(machine).acknowledge({
      id: "AwsSolutions-IAM5[Resource::*]",
      reason:
        "CloudWatch Logs delivery (logs:CreateLogDelivery etc.) and X-Ray actions support no resource-level permissions.",
    });
    return machine;
  }

  /** A version of this deploy's definition, retained, and the alias moved to it. */
  private publish(id: string, machine: sfn.StateMachine): void {
    const version = new sfn.CfnStateMachineVersion(this, `${id}Version`, {
      stateMachineArn: machine.stateMachineArn,
      stateMachineRevisionId: machine.stateMachineRevisionId,
    });
    version.applyRemovalPolicy(RemovalPolicy.RETAIN);
    new sfn.CfnStateMachineAlias(this, `${id}Alias`, {
      name: LIVE_ALIAS,
      description: "What new executions of a case start on (filing, hand-over, continue-as-new, redrive)",
      routingConfiguration: [{ stateMachineVersionArn: version.attrArn, weight: 100 }],
    });
  }
}

function pascal(kebab: string): string {
  return kebab
    .split("-")
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join("");
}
