/**
 * Money (ARCHITECTURE §3.1): one `Yuan` type on decimal.js. Built from strings or integer fen, never
 * from a JS float; always two decimals; rounding is explicit and half-up (四舍五入).
 */
import { Decimal } from "decimal.js";
import { ValidationError } from "../errors.ts";

/** A private Decimal constructor so global configuration elsewhere can never change money maths. */
const D = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_UP, toExpNeg: -40, toExpPos: 40 });
type Dec = InstanceType<typeof D>;

/** Plain decimal text with at most two decimals: "12", "12.3", "12.34", "-5.00". No exponent, no "+", no spaces. */
const YUAN_TEXT = /^-?(0|[1-9]\d{0,14})(\.\d{1,2})?$/;
/** Upper bound on any single amount: ¥999 trillion keeps every sum far inside decimal precision. */
const MAX_ABS_FEN = new D("99999999999999999");

/** Digits of yuan `fenOfText` reads: 10^13 yuan is 10^15 fen, the ledger's FAST_FEN_LIMIT. */
const FAST_YUAN_DIGITS = 13; // not-policy: digits below 10^15 fen
const ZERO = 48; // not-policy: char code of "0"

export type RoundingMode = "half-up" | "down" | "up";

export class Yuan {
  private constructor(private readonly fen: Dec) {}

  static readonly zero = new Yuan(new D(0));

  /**
   * Parses exact yuan text. "12.345", "1e3", "", " 1", "NaN" and non-strings are refused with a
   * field-level error; negatives only when `allowNegative` (ledger deltas), never for a request.
   */
  static parse(text: unknown, field = "amountYuan", options: { allowNegative?: boolean } = {}): Yuan {
    if (typeof text !== "string" || !YUAN_TEXT.test(text)) {
      throw invalid(field, text);
    }
    const value = new D(text);
    if (value.isNegative() && !value.isZero() && !options.allowNegative) {
      throw new ValidationError(`${field} must not be negative`, `${field} 不能为负数`, {
        fields: [{ path: field, message: "must not be negative", messageZh: "金额不能为负数" }],
      });
    }
    return new Yuan(value.times(100));
  }

  /** True when `text` is acceptable to `parse` (non-negative). */
  static isValidText(text: unknown): text is string {
    return typeof text === "string" && YUAN_TEXT.test(text) && !text.startsWith("-");
  }

  /**
   * Integer fen of amount text that `parse` accepts (non-negative), read without a decimal, when it
   * has at most 13 digits of yuan (below 10^15 fen: the sum of two stays a safe integer); otherwise
   * `undefined`, and the caller takes `parse`. For the long reads of a reconciliation, where a
   * million stored amounts are compared and none needs decimal arithmetic.
   */
  static fenOfText(text: unknown): number | undefined {
    if (typeof text !== "string") return undefined;
    const length = text.length;
    const point = text.indexOf(".");
    const digits = point < 0 ? length : point;
    const decimals = point < 0 ? 0 : length - point - 1;
    // Same shape as YUAN_TEXT: no leading zero, one or two decimals after a point.
    if (digits === 0 || digits > FAST_YUAN_DIGITS || (point >= 0 && (decimals < 1 || decimals > 2))) {
      return undefined;
    }
    if (digits > 1 && text.charCodeAt(0) === ZERO) return undefined;
    let fen = 0;
    for (let i = 0; i < digits; i++) {
      const d = text.charCodeAt(i) - ZERO;
      if (d < 0 || d > 9) return undefined; // not-policy: a decimal digit
      fen = fen * 10 + d; // not-policy: decimal place value
    }
    for (let i = 1; i <= 2; i++) {
      const d = i <= decimals ? text.charCodeAt(point + i) - ZERO : 0;
      if (d < 0 || d > 9) return undefined; // not-policy: a decimal digit
      fen = fen * 10 + d; // not-policy: decimal place value
    }
    return fen;
  }

  /** From an integer number of fen (分). Only safe integers: a float is a programmer error. */
  static fromFen(fen: number | bigint | string): Yuan {
    if (typeof fen === "number" && !Number.isSafeInteger(fen)) {
      throw new TypeError(`fen must be a safe integer, got ${fen}`);
    }
    const value = new D(fen.toString());
    if (!value.isInteger()) throw new TypeError(`fen must be an integer, got ${fen}`);
    if (value.abs().greaterThan(MAX_ABS_FEN)) throw new RangeError("amount out of range");
    return new Yuan(value);
  }

  /** Rounds an arbitrary decimal text (e.g. a computed rate) to fen with an explicit mode. */
  static round(text: string, mode: RoundingMode = "half-up"): Yuan {
    const rounding = mode === "half-up" ? D.ROUND_HALF_UP : mode === "down" ? D.ROUND_DOWN : D.ROUND_UP;
    return new Yuan(new D(text).times(100).toDecimalPlaces(0, rounding));
  }

  static sum(values: Iterable<Yuan>): Yuan {
    let total = new D(0);
    for (const v of values) total = total.plus(v.fen);
    return new Yuan(total);
  }

  plus(other: Yuan): Yuan {
    return new Yuan(this.fen.plus(other.fen));
  }
  minus(other: Yuan): Yuan {
    return new Yuan(this.fen.minus(other.fen));
  }
  /** Multiplies by an exact factor given as text ("10", "0.2"), rounding half-up to fen. */
  times(factor: string | number, mode: RoundingMode = "half-up"): Yuan {
    if (typeof factor === "number" && !Number.isInteger(factor)) {
      throw new TypeError("non-integer factors must be given as decimal text");
    }
    return Yuan.round(this.fen.times(factor.toString()).dividedBy(100).toString(), mode);
  }
  negated(): Yuan {
    return new Yuan(this.fen.negated());
  }

  compare(other: Yuan): -1 | 0 | 1 {
    return this.fen.comparedTo(other.fen) as -1 | 0 | 1;
  }
  equals(other: Yuan): boolean {
    return this.fen.equals(other.fen);
  }
  lessThan(other: Yuan): boolean {
    return this.fen.lessThan(other.fen);
  }
  lessThanOrEqual(other: Yuan): boolean {
    return this.fen.lessThanOrEqualTo(other.fen);
  }
  greaterThan(other: Yuan): boolean {
    return this.fen.greaterThan(other.fen);
  }
  greaterThanOrEqual(other: Yuan): boolean {
    return this.fen.greaterThanOrEqualTo(other.fen);
  }
  isZero(): boolean {
    return this.fen.isZero();
  }
  isNegative(): boolean {
    return this.fen.isNegative() && !this.fen.isZero();
  }
  isPositive(): boolean {
    return this.fen.greaterThan(0);
  }
  static min(a: Yuan, b: Yuan): Yuan {
    return a.lessThanOrEqual(b) ? a : b;
  }
  static max(a: Yuan, b: Yuan): Yuan {
    return a.greaterThanOrEqual(b) ? a : b;
  }

  /**
   * Splits this amount over `weights.length` parts in proportion to the (non-negative integer)
   * weights so that the parts sum exactly to the total: floor each share, then hand the leftover
   * fen one by one to the parts with the largest remainders (largest-remainder method; ties go to
   * the earlier part). `allocate(n)` with equal weights.
   */
  allocate(weights: readonly number[] | number): Yuan[] {
    const ws = typeof weights === "number" ? Array.from({ length: weights }, () => 1) : [...weights];
    if (ws.length === 0) throw new RangeError("allocate needs at least one part");
    if (ws.some((w) => !Number.isSafeInteger(w) || w < 0))
      throw new RangeError("weights must be non-negative integers");
    const totalWeight = ws.reduce((a, b) => a + b, 0);
    if (totalWeight === 0) throw new RangeError("weights must not all be zero");
    if (this.isNegative()) throw new RangeError("cannot allocate a negative amount");
    const shares = ws.map((w, index) => {
      const exact = this.fen.times(w).dividedBy(totalWeight);
      const floor = exact.floor();
      return { index, floor, remainder: exact.minus(floor) };
    });
    let leftover = this.fen.minus(shares.reduce((acc, s) => acc.plus(s.floor), new D(0))).toNumber();
    const order = [...shares].sort((a, b) => b.remainder.comparedTo(a.remainder) || a.index - b.index);
    const parts = shares.map((s) => s.floor);
    for (const s of order) {
      if (leftover <= 0) break;
      parts[s.index] = (parts[s.index] as Dec).plus(1);
      leftover -= 1;
    }
    return parts.map((p) => new Yuan(p));
  }

  /** Integer fen as text (exact), e.g. "1234" for ¥12.34 — the canonical stored form in the ledger. */
  toFenString(): string {
    return this.fen.toFixed(0);
  }
  /** Yuan with exactly two decimals, e.g. "12.30". The form in APIs, DynamoDB and exports. */
  toString(): string {
    return this.fen.dividedBy(100).toFixed(2);
  }
  toJSON(): string {
    return this.toString();
  }
  /** Chinese display: "¥1,234.50". */
  format(): string {
    const [int, dec] = this.fen.abs().dividedBy(100).toFixed(2).split(".") as [string, string];
    const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
    return `${this.isNegative() ? "-" : ""}¥${grouped}.${dec}`;
  }
}

function invalid(field: string, text: unknown): ValidationError {
  const shown = typeof text === "string" ? JSON.stringify(text) : String(text);
  return new ValidationError(
    `${field} must be yuan with at most two decimals, e.g. "800" or "800.50" (got ${shown})`,
    `${field} 须为最多两位小数的金额（元），例如 "800" 或 "800.50"`,
    {
      fields: [
        {
          path: field,
          message: 'must be yuan with at most two decimals, e.g. "800.50"',
          messageZh: "金额格式不正确：须为元，最多两位小数",
        },
      ],
    },
  );
}
