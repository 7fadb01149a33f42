/**
 * The executions of a case. A case runs as a chain of executions named `<caseId>-<generation>`: the
 * first one started by filing (or Flow A's hand-over to Flow B), each next one by a loop that handed
 * over before Step Functions' history limit (continue-as-new, the ASL's `ContinueAsNew`) or by an
 * operator's redrive of a failed case. The case stores the name of the one that runs now.
 */
import type { FlowDeps } from "./ports.ts";

const GENERATION = /-([0-9]+)$/;

/** `<caseId>-<generation>`: unique per state machine, so a failed case can be started again. */
export function executionNameOf(caseId: string, generation: number): string {
  return `${caseId}-${generation}`;
}

export function firstExecutionName(caseId: string): string {
  return executionNameOf(caseId, 1);
}

/** The generation of an execution name; a bare case id (executions started before names had one) is 0. */
export function generationOf(caseId: string, executionName: string): number {
  if (executionName === caseId) return 0;
  const match = GENERATION.exec(executionName.slice(caseId.length));
  return match ? Number(match[1]) : 0;
}

/**
 * The ARN of an execution of a state machine given by its plain, version or alias ARN: executions are
 * named under the state machine itself, without the qualifier.
 */
export function executionArnOf(stateMachineArn: string, executionName: string): string {
  const parts = stateMachineArn.split(":");
  // arn:partition:states:region:account:stateMachine:name[:qualifier]
  const unqualified = parts.slice(0, 7).join(":");
  return `${unqualified.replace(":stateMachine:", ":execution:")}:${executionName}`;
}

/**
 * A continued or redriven execution takes the case over (`AdoptExecution`, its first task). An
 * execution of an older generation never takes it back. A redriven case's incident flag (the error
 * that stopped the failed execution) is cleared: the step it resumes at sets the case's status.
 */
export async function adoptExecution(
  deps: FlowDeps,
  input: { caseId: string; executionName: string },
): Promise<{ adopted: boolean }> {
  const record = await deps.cases.get(input.caseId);
  const current = record.executionName ? generationOf(input.caseId, record.executionName) : 0;
  const generation = generationOf(input.caseId, input.executionName);
  if (generation < current) return { adopted: false };
  await deps.cases.markExecutionStarted(input.caseId, input.executionName);
  if (generation > current && record.flags.incident !== undefined) {
    const { incident: _ended, ...flags } = record.flags;
    await deps.cases.update(input.caseId, { set: { flags } });
  }
  return { adopted: true };
}
