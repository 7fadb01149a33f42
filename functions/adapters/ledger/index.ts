export { type AppliedId, entryIdSk, entrySk, type FundHead, fundPk, HEAD_SK } from "./items.ts";
export {
  type FundView,
  LedgerStore,
  type LedgerTables,
  type StreamOptions,
  toFundView,
  type VerifyResult,
} from "./store.ts";
export {
  type AppliedOutcome,
  type DuplicateOutcome,
  ENTRIES_PER_BATCH_MAX,
  type FundSnapshot,
  type LedgerOutcome,
  LedgerWriter,
  type LedgerWriterOptions,
  type LedgerWriterStats,
  type RejectedOutcome,
} from "./writer.ts";
