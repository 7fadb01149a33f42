/**
 * `aidflow case redrive <caseId> --reason "…" [--user …] [--dry-run]`: restarts a case whose execution
 * failed, timed out or was stopped (functions/services/redrive.ts; runbook: docs/operations.md
 * "A failed case"). Reads the case from `AIDFLOW_TABLE_MAIN`, the executions through the Step
 * Functions API (`AWS_ENDPOINT_URL_SFN` for the local runtime) and starts the next one through the
 * alias named by `AIDFLOW_STATE_MACHINE_FLOW_A` / `AIDFLOW_STATE_MACHINE_FLOW_B`.
 */
import { SFNClient } from "@aws-sdk/client-sfn";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { AuditStore } from "#adapters/audit-store.ts";
import { CaseStore } from "#adapters/case-store.ts";
import { executionReader } from "#adapters/execution-reader.ts";
import { HumanTaskStore } from "#adapters/human-task-store.ts";
import { stepFunctions } from "#adapters/step-functions.ts";
import { dynamoEndpoint } from "#functions/runtime/config.ts";
import { newDynamoDbClient } from "#functions/runtime/dynamo-client.ts";
import { stateMachineArnEnv } from "#functions/runtime/environment.ts";
import { auditPort } from "#functions/services/deps.ts";
import { type RedriveDeps, type RedriveResult, redriveCase } from "#functions/services/redrive.ts";
import { tablesFromEnv, UsageError } from "./context.ts";

export interface CaseRedriveOptions {
  reason: string;
  user: string;
  name?: string;
  dryRun: boolean;
}

/** The service's deps from the environment; the caller closes `close()` when done. */
export function redriveDeps(env: NodeJS.ProcessEnv): RedriveDeps & { close(): void } {
  const tables = tablesFromEnv(env);
  const stateMachines = {
    ...(env[stateMachineArnEnv("flow-a")] ? { flowA: env[stateMachineArnEnv("flow-a")] as string } : {}),
    ...(env[stateMachineArnEnv("flow-b")] ? { flowB: env[stateMachineArnEnv("flow-b")] as string } : {}),
  };
  if (!stateMachines.flowA && !stateMachines.flowB) {
    throw new UsageError(
      `configuration: ${stateMachineArnEnv("flow-a")} and ${stateMachineArnEnv("flow-b")} must name the state machines' aliases (set AWS_ENDPOINT_URL_SFN too for the local runtime)`,
    );
  }
  const client = newDynamoDbClient(dynamoEndpoint());
  const db = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  const sfn = new SFNClient(env.AWS_ENDPOINT_URL_SFN ? { endpoint: env.AWS_ENDPOINT_URL_SFN } : {});
  return {
    cases: new CaseStore(db, tables.main),
    tasks: new HumanTaskStore(db, tables.main),
    audit: auditPort(new AuditStore({ client: db, tableName: tables.main })),
    workflow: stepFunctions(sfn),
    executions: executionReader(sfn),
    stateMachines,
    close: () => {
      sfn.destroy();
      client.destroy();
    },
  };
}

export function describeRedrive(result: RedriveResult): string[] {
  const from = `${result.from.name} ${result.from.status}${result.from.error ? ` (${result.from.error})` : ""}`;
  switch (result.outcome) {
    case "dry-run":
      return [
        `case ${result.caseId}: would start ${result.to.name} at ${result.resumeAt} after ${from} (dry run: nothing started or written)`,
        `案件 ${result.caseId}：可从中断的步骤重新启动（试运行，未启动、未写入）`,
      ];
    case "started":
      return [
        `case ${result.caseId}: started ${result.to.name} at ${result.resumeAt} after ${from}; recorded on the audit trail`,
        `案件 ${result.caseId}：已从中断的步骤重新启动，已记入审计记录`,
      ];
    case "already-running":
      return [
        `case ${result.caseId}: ${result.to.name} already exists — someone restarted the case already; nothing done`,
        `案件 ${result.caseId}：已由他人重新启动，正在办理中，本次未做任何操作`,
      ];
  }
}

export async function caseRedriveCommand(
  caseId: string,
  options: CaseRedriveOptions,
  io: { out: (text: string) => void; deps: RedriveDeps },
): Promise<RedriveResult> {
  const result = await redriveCase(io.deps, {
    caseId,
    reason: options.reason,
    operator: { userId: options.user, ...(options.name ? { name: options.name } : {}) },
    dryRun: options.dryRun,
  });
  io.out(`${describeRedrive(result).join("\n")}\n`);
  return result;
}
