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
