/**
 * When has the county stopped moving? The simulation takes one step, then waits until every
 * execution is parked — on a human task's token, on a Wait state's time, or finished — before it
 * looks and takes the next. Nothing in flight means: no execution of the Step Functions layer moving
 * (`activeExecutions()`), no Lambda handler running (counted around the local runtime's task
 * invocations; the API's handlers are awaited by whoever called them), no DynamoDB request on the
 * wire (the fault injector counts them: checkpoints written behind a parked execution), for a short
 * quiet window. An SDK retry backing off inside a handler is still a handler in flight.
 */
import { LocalFunctions } from "#local/stepfunctions/functions.ts";
import type { DynamoFaultInjector } from "./dynamo-fault-injector.ts";

let invocationsInFlight = 0;
let installed = false;

/** Counts task invocations of every local runtime in this process (instrumentation only). */
export function countTaskInvocations(): void {
  if (installed) return;
  installed = true;
  const original = LocalFunctions.prototype.invoke;
  LocalFunctions.prototype.invoke = async function (this: LocalFunctions, ...args) {
    invocationsInFlight += 1;
    try {
      return await original.apply(this, args);
    } finally {
      invocationsInFlight -= 1;
    }
  };
}

export interface QuietOptions {
  /** How long nothing may move before the county counts as still (real ms). */
  quietMs?: number;
  /** Give up (the county never settles: a livelock is a finding too). */
  timeoutMs?: number;
}

export async function untilQuiet(
  faults: DynamoFaultInjector,
  layer: { activeExecutions(): number },
  options: QuietOptions = {},
): Promise<void> {
  const quietMs = options.quietMs ?? 6;
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  let quietSince = Date.now();
  for (;;) {
    const busy = invocationsInFlight > 0 || faults.inFlight > 0 || layer.activeExecutions() > 0;
    const now = Date.now();
    if (busy) quietSince = now;
    else if (now - quietSince >= quietMs) return;
    if (now > deadline)
      throw new Error(
        `the county never settled: ${invocationsInFlight} task(s) and ${faults.inFlight} DynamoDB request(s) in flight`,
      );
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}
