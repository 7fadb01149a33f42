export { type AlertState, alertLevel, isAlertPercent, nextAlertState } from "./alert.ts";
export {
  type ChainedEntry,
  canonicalEncoding,
  canonicalTextOf,
  chainEntry,
  decodeCanonical,
  ENCODING_VERSION,
  fingerprintEntry,
  GENESIS_HASH,
  hashEntry,
  type StoredEntry,
  UnreadableEntryError,
} from "./canonical.ts";
export {
  applyEffect,
  availableOf,
  type EffectResult,
  EMPTY_BALANCES,
  type FundBalances,
  sameBalances,
} from "./effects.ts";
export {
  DRAW_KINDS,
  type DrawKind,
  ENTRY_KINDS,
  type EntryKind,
  type EntryReference,
  type LedgerEntry,
  type LedgerEntryInput,
  ledgerEntrySchema,
  normalizeInstant,
  parseLedgerEntry,
  REFERENCE_FIELDS,
} from "./entry.ts";
export { FundInsufficientError, LedgerUnavailableError, PeriodClosedError } from "./errors.ts";
export {
  applyEffectFen,
  EMPTY_FEN_BALANCES,
  effectGives,
  FAST_FEN_LIMIT,
  type FenBalances,
  fenBalancesOf,
  fenOfYuan,
  sameFenBalances,
  yuanBalancesOf,
} from "./fen.ts";
export {
  type BatchLimits,
  type BatchPlan,
  type LowBalanceAlert,
  type PlannedEntry,
  type PlanningHead,
  planBatch,
  type RejectedEntry,
  type RejectionReason,
} from "./plan.ts";
export {
  ChainVerifier,
  GENESIS_STATE,
  type HeadSnapshot,
  type ReplayResult,
  type ReplayState,
  replay,
  replayStream,
  type StoredPush,
} from "./replay.ts";
export { chainedOf, type FenEntry, isPlainText, ledgerEntryOf, readStoredFen } from "./stored.ts";
