/**
 * The consumer of a deployment's draw queue (ARCHITECTURE §5.3: one writer per fund). Flow A's
 * `DrawAid` (an advance or follow-up aid) and Flow B's `DrawStage` (a stage of a plan, drawn from
 * its commitment: balance and committed fall together) send each bank draw to an SQS FIFO queue
 * with `MessageGroupId` = the township fund and the state's task token
 * (`sqs:sendMessage.waitForTaskToken`). SQS hands one function invocation at a time the messages of
 * one group, in order, so one fund has one writer across the deployment instead of one per warm
 * payment Lambda colliding on the fund's head item.
 *
 * A batch: every message is read first (`planBankDraw`: case, obligation, the fund's waiting queue),
 * then all draws are submitted in one turn, in message order — the process's writer commits them as
 * one write (functions/adapters/ledger/writer.ts) — then each token is answered in order:
 * SendTaskSuccess `{ outcome: applied | duplicate | already-paid, entryId }`, or SendTaskFailure with
 * the error's name, the names the ASL's Retry/Catch match (`FundInsufficientError` → Flow A's wait
 * for a top-up — a stage draw spends committed money and is never short unless the ledger lost the
 * commitment, an incident; `LedgerUnavailableError`, `TransientDependencyError` → retried by the
 * state; `PaymentRouteNeededError` → an officer routes it). A message whose answer could not be delivered
 * is reported failed (partial batch response), and so is every later message of the batch, so SQS
 * redelivers them in order; the redelivered draw is a duplicate in the ledger and is answered again.
 * A token nobody waits on any more (timed out, already answered) is not a failure.
 */
import * as z from "zod";
import { asRetryable } from "#adapters/transient-errors.ts";
import { withLogContext } from "#functions/runtime/logger.ts";
import { type BankDrawPlan, type DrawnEntry, planBankDraw, settleBankDraw } from "./payment-step.ts";
import type { FlowDeps, LedgerOutcome } from "./ports.ts";

const DrawMessageBase = z.object({
  taskToken: z.string().min(1),
  caseId: z.string().min(1),
  correlationId: z.string().min(1),
});

/**
 * The body `DrawAid` (workflows/flow-a.asl.json: `advance`, `follow-up`) or `DrawStage`
 * (workflows/flow-b.asl.json: `stage-<n>`) sends.
 */
export const DrawMessageSchema = z.discriminatedUnion("flow", [
  DrawMessageBase.extend({ flow: z.literal("A"), purpose: z.enum(["advance", "follow-up"]) }),
  DrawMessageBase.extend({
    flow: z.literal("B"),
    purpose: z.string().regex(/^stage-[0-9]{1,2}$/, "stage-<n>"),
  }),
]);
export type DrawMessage = z.output<typeof DrawMessageSchema>;

export interface QueuedDraw {
  /** The SQS message id: what a partial batch response names. */
  messageId: string;
  /** The parsed body, or why it could not be parsed (answered as `TaskInputError` when it has a token). */
  message: DrawMessage | { invalid: string; taskToken?: string };
}

type Answer = { ok: true; output: DrawnEntry } | { ok: false; error: string; cause: string };

/** Draws a batch of one fund's messages and answers their tokens; returns the message ids to redeliver. */
export async function drawQueuedBatch(deps: FlowDeps, draws: readonly QueuedDraw[]): Promise<string[]> {
  const planned = await Promise.all(draws.map((draw) => planOne(deps, draw)));
  // One turn, in message order: the writer batches these submissions into one write.
  const submitted = planned.map((plan) =>
    plan.ok && plan.plan.status === "draw" ? settle(deps.ledger.submit(plan.plan.request)) : undefined,
  );
  const answers = await Promise.all(
    planned.map(async (plan, index): Promise<Answer> => {
      if (!plan.ok) return plan.answer;
      try {
        const outcome = await submitted[index];
        if (outcome && !outcome.ok) throw outcome.error;
        return { ok: true, output: await settleBankDraw(deps, plan.plan, outcome?.value) };
      } catch (error) {
        return failure(error);
      }
    }),
  );
  return answerInOrder(deps, draws, answers);
}

type Planned = { ok: true; plan: BankDrawPlan } | { ok: false; answer: Answer };

async function planOne(deps: FlowDeps, draw: QueuedDraw): Promise<Planned> {
  const message = draw.message;
  if ("invalid" in message) {
    return {
      ok: false,
      answer: { ok: false, error: "TaskInputError", cause: lambdaCause("TaskInputError", message.invalid) },
    };
  }
  try {
    const plan = await withLogContext({ correlationId: message.correlationId, caseId: message.caseId }, () =>
      planBankDraw(deps, {
        caseId: message.caseId,
        purpose: message.purpose,
        correlationId: message.correlationId,
        // DOMAIN §5: a stage draw lowers balance AND committed.
        drawKind: message.flow === "B" ? "stage" : message.purpose,
        flow: message.flow,
      }),
    );
    return { ok: true, plan };
  } catch (error) {
    return { ok: false, answer: failure(error) };
  }
}

async function settle(
  promise: Promise<LedgerOutcome>,
): Promise<{ ok: true; value: LedgerOutcome } | { ok: false; error: unknown }> {
  try {
    return { ok: true, value: await promise };
  } catch (error) {
    return { ok: false, error };
  }
}

/** Named as a Lambda task would throw it: a transient dependency failure becomes `TransientDependencyError`. */
function failure(error: unknown): Answer {
  const named = asRetryable(error);
  const name = named instanceof Error ? named.name : "Error";
  const message = named instanceof Error ? named.message : String(named);
  return { ok: false, error: name, cause: lambdaCause(name, message) };
}

/** The cause Lambda reports for a thrown error, so a Catch's `$.fundShortage` reads the same either way. */
function lambdaCause(errorType: string, errorMessage: string): string {
  return JSON.stringify({ errorType, errorMessage });
}

async function answerInOrder(
  deps: FlowDeps,
  draws: readonly QueuedDraw[],
  answers: readonly Answer[],
): Promise<string[]> {
  for (const [index, draw] of draws.entries()) {
    const token = "invalid" in draw.message ? draw.message.taskToken : draw.message.taskToken;
    const answer = answers[index] as Answer;
    if (token === undefined) {
      deps.log.error("draw message without a task token dropped", { messageId: draw.messageId });
      continue;
    }
    try {
      if (answer.ok) await deps.workflow.sendTaskSuccess(token, answer.output);
      else await deps.workflow.sendTaskFailure(token, answer.error, answer.cause);
    } catch (error) {
      // FIFO: this message and every later one of the group come back, in order.
      deps.log.warn("draw answer not delivered; redelivering the rest of the batch", {
        messageId: draw.messageId,
        error: error instanceof Error ? error.name : String(error),
      });
      return draws.slice(index).map((d) => d.messageId);
    }
  }
  return [];
}
