/**
 * The simulator's knobs, settable at start (CLI flags / options) and at run time
 * (`POST /admin/knobs`). Rates are probabilities in [0, 1]; delays are *simulated* milliseconds,
 * turned into real waiting by `delayScale` (0 = a manual clock: nothing settles until `advance` or
 * `flush`, so tests never sleep).
 */
import { z } from "zod";

const Rate = z.number().min(0).max(1);

export const KnobsSchema = z.object({
  /** Share of transfers that fail for a random reason (deterministic rules below come first). */
  failureRate: Rate,
  /** Relative weights of the random failure reasons. */
  failureReasons: z
    .object({
      "account-closed": z.number().min(0),
      "name-mismatch": z.number().min(0),
      "limit-exceeded": z.number().min(0),
    })
    .partial(),
  /** Settlement delay, drawn uniformly in [minDelayMs, maxDelayMs] of simulated time. */
  minDelayMs: z.number().int().min(0),
  maxDelayMs: z.number().int().min(0),
  /** Real milliseconds per simulated millisecond; 0 = manual clock. */
  delayScale: z.number().min(0),
  /** Share of callbacks delivered twice. */
  duplicateCallbackRate: Rate,
  /** Share of callbacks never delivered (AidFlow must poll). */
  lostCallbackRate: Rate,
  /** Real milliseconds the bank holds its answer to an instruction it has already recorded. */
  responseDelayMs: z.number().int().min(0).max(60_000),
  /** Accounts the bank knows as closed: transfers to them fail `account-closed`. */
  closedAccounts: z.array(z.string()),
  /** Accounts whose callbacks are never delivered (deterministic, unlike `lostCallbackRate`). */
  lostCallbackAccounts: z.array(z.string()),
  /** Accounts whose callbacks are delivered twice (deterministic, unlike `duplicateCallbackRate`). */
  duplicateCallbackAccounts: z.array(z.string()),
  /** Account → holder name: a different payee name fails `name-mismatch`. */
  accountHolders: z.record(z.string(), z.string()),
  /** Above this amount a single transfer fails `limit-exceeded`. */
  perTransferLimitYuan: z
    .string()
    .regex(/^\d+(\.\d{1,2})?$/)
    .optional(),
});
export type Knobs = z.infer<typeof KnobsSchema>;

export const DEFAULT_KNOBS: Knobs = {
  failureRate: 0,
  failureReasons: { "account-closed": 1, "name-mismatch": 1, "limit-exceeded": 1 },
  minDelayMs: 500,
  maxDelayMs: 3_000,
  delayScale: 1,
  duplicateCallbackRate: 0,
  lostCallbackRate: 0,
  responseDelayMs: 0,
  closedAccounts: [],
  lostCallbackAccounts: [],
  duplicateCallbackAccounts: [],
  accountHolders: {},
};

export const KnobsPatchSchema = KnobsSchema.partial();
export type KnobsPatch = z.infer<typeof KnobsPatchSchema>;

export function applyKnobs(current: Knobs, patch: KnobsPatch): Knobs {
  const next = KnobsSchema.parse({ ...current, ...patch });
  if (next.maxDelayMs < next.minDelayMs) throw new RangeError("maxDelayMs must be ≥ minDelayMs");
  return next;
}
