export {
  type AppliedId,
  entryIdSk,
  entrySk,
  type FundHead,
  fundPk,
  HEAD_SK,
  idsSk,
  pageSk,
} from "./items.ts";
export {
  type AppliedEntry,
  type FundIds,
  type FundView,
  type IdLocation,
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
  PAGE_TEXT_MAX,
  type RejectedOutcome,
} from "./writer.ts";
