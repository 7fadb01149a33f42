/**
 * The ARNs the local layer hands out. Region and account are fixed local values: nothing here reaches
 * AWS. Lambda ARNs name the catalog's functions the way the CDK app does (`aidflow-<Id>`), so the
 * same `${<Id>FunctionArn}` substitution resolves to the same function in both runtimes.
 */
export const LOCAL_REGION = "cn-north-1";
export const LOCAL_ACCOUNT = "000000000000";
export const FUNCTION_NAME_PREFIX = "aidflow-";

export function localFunctionName(functionId: string): string {
  return `${FUNCTION_NAME_PREFIX}${functionId}`;
}

export function localFunctionArn(functionId: string): string {
  return `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:${localFunctionName(functionId)}`;
}

export function localStateMachineArn(name: string): string {
  return `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT}:stateMachine:${name}`;
}

export function localExecutionArn(stateMachineName: string, executionName: string): string {
  return `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT}:execution:${stateMachineName}:${executionName}`;
}

/** `arn:…:stateMachine:<name>` → `<name>`; undefined for anything else. */
export function stateMachineNameOf(arn: string): string | undefined {
  const match = /^arn:aws[a-z-]*:states:[^:]*:[^:]*:stateMachine:([^:]+)$/.exec(arn);
  return match?.[1];
}

/**
 * The function name a Lambda reference designates: a bare name, a name with a qualifier, a partial
 * ARN or a full ARN (what `FunctionName` of `lambda:invoke` accepts).
 */
export function functionNameOf(reference: string): string {
  const arn = /^arn:aws[a-z-]*:lambda:[^:]*:[^:]*:function:([^:]+)(?::[^:]+)?$/.exec(reference);
  if (arn?.[1]) return arn[1];
  const partial = /^[0-9]{12}:function:([^:]+)(?::[^:]+)?$/.exec(reference);
  if (partial?.[1]) return partial[1];
  return reference.split(":")[0] ?? reference;
}
