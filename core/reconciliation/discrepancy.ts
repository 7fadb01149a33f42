/**
 * A discrepancy of a reconciliation (DOMAIN §6: discrepancies are listed, not hidden): one row per
 * finding, saying what is wrong, where, and which ledger entries (or payment records) are involved.
 */

export const DISCREPANCY_CODES = [
  /** A draw with no approved decision behind it. */
  "draw-without-decision",
  /** A draw with no payment record (bank attempt or cash hand-over) carrying it. */
  "draw-without-payment",
  /** A draw and its payment or decision disagree on the amount. */
  "amount-mismatch",
  /** A bank (or cash) confirmation that no draw in the ledger accounts for. */
  "confirmation-without-draw",
  /** A cash draw without the receiver's and the officer's signatures (DOMAIN §3.3). */
  "cash-without-signatures",
  /** The hash chain is broken: an entry was edited, deleted, inserted or re-chained (DOMAIN §5). */
  "chain-broken",
  /** The stored head (balance, committed, sequence, hash) differs from the replay of the entries. */
  "head-differs-from-replay",
  /** Opening balance plus the period's movements does not give the closing balance. */
  "balances-do-not-add-up",
  /** An entry booked outside the period sits between the period's entries (booking order broken). */
  "entry-out-of-order",
] as const;

export type DiscrepancyCode = (typeof DISCREPANCY_CODES)[number];

export interface DiscrepancyWhere {
  fundId: string;
  sequence?: number;
  caseId?: string;
  obligationId?: string;
  paymentId?: string;
  bankReference?: string;
}

export interface Discrepancy {
  code: DiscrepancyCode;
  /** What is wrong, in English and in Chinese. */
  what: string;
  whatZh: string;
  where: DiscrepancyWhere;
  /** Ledger entry ids involved (may be empty: a confirmation without a draw has none). */
  entries: string[];
  amountYuan?: string;
}

/** The Chinese name of each finding, for exports and the console. */
export const DISCREPANCY_NAMES_ZH: Readonly<Record<DiscrepancyCode, string>> = {
  "draw-without-decision": "支出无审批决定",
  "draw-without-payment": "支出无支付记录",
  "amount-mismatch": "金额不一致",
  "confirmation-without-draw": "银行回单无对应支出",
  "cash-without-signatures": "现金发放缺少签字",
  "chain-broken": "账目链校验失败",
  "head-differs-from-replay": "账户余额与分录重放不符",
  "balances-do-not-add-up": "期初期末余额不平",
  "entry-out-of-order": "分录记账时间顺序异常",
};
