export {
  DISCREPANCY_CODES,
  DISCREPANCY_NAMES_ZH,
  type Discrepancy,
  type DiscrepancyCode,
  type DiscrepancyWhere,
} from "./discrepancy.ts";
export {
  BUDGET_LINE,
  BUDGET_LINE_TEXT,
  csvCell,
  csvLine,
  DETAIL_HEADERS,
  DISCREPANCY_HEADERS,
  detailRow,
  discrepancyRow,
  localTimeText,
  SUMMARY_HEADERS,
  summaryRow,
  toCsv,
  UTF8_BOM,
} from "./export.ts";
export {
  allocationToReach,
  executableReplenishment,
  type QuotaHint,
  quotaHint,
  replenishmentProposal,
} from "./funding.ts";
export {
  type ConfirmationFact,
  type DecisionFact,
  type DrawFacts,
  type FactAmount,
  type LedgerDrawFact,
  MATCH_BATCH_MAX,
  type MatchableDraw,
  type MatchingSource,
  type PaymentFact,
  sameAmount,
  yuanOfFact,
} from "./matching.ts";
export { isPeriodText, type Period, type PeriodKind, parsePeriod, placeInPeriod } from "./period.ts";
export {
  DISCREPANCY_ROWS_MAX,
  type EntryOrPage,
  PeriodReconciler,
  type ReconcileInput,
  type ReconcilerOptions,
  type ReconciliationReport,
  reconcilePeriod,
} from "./reconciler.ts";
export {
  type DrawTally,
  expectedClosing,
  FiguresAccumulator,
  type PeriodFigures,
  type Tally,
  UNKNOWN_KEY,
} from "./summary.ts";
