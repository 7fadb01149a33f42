/**
 * The ledger's entry scanner, in AssemblyScript (compiled to WebAssembly by
 * scripts/build-ledger-scanner.ts into core/ledger/scanner-wasm.ts; see core/ledger/scanner.ts).
 *
 * It reads ONE stored canonical encoding (core/ledger/canonical.ts `canonicalEncoding`), written
 * as ASCII bytes at INPUT, and accepts exactly the texts the `CANONICAL` regular expression of
 * core/ledger/stored.ts accepts (test/unit/ledger/scanner.test.ts holds the two equal on valid and
 * mutated encodings): version, sequence, prevHash, fundId, entryId, kind, drawKind, amount,
 * bookedAt, nine references, quota, balance, committed. It does not build strings: it writes where
 * each text field lies (code-unit offsets, the same as byte offsets for ASCII) and the numbers it
 * read (sequence, and amounts in integer fen) for core/ledger/stored.ts to read lazily.
 *
 * Layout of the memory (bytes): [0, 128) the i32 results, [128, 192) the f64 results, [256, …) the
 * input. Nothing is allocated.
 */

const OUT_I32: usize = 0;
const OUT_F64: usize = 128;
const INPUT: usize = 256;

// i32 result slots
const KIND = 0; // index into ENTRY_KINDS, -1 when unknown
const DRAW_KIND = 1; // index into DRAW_KINDS, -1 for null, -2 when unknown
const PREV_HASH = 2; // start, end
const FUND_ID = 4;
const ENTRY_ID = 6;
const BOOKED_AT = 8;
const REFERENCES = 10; // nine (start, end) pairs; start -1 for null
// f64 result slots
const SEQUENCE = 0;
const AMOUNT = 1;
const QUOTA = 2;
const BALANCE = 3;
const COMMITTED = 4;

const QUOTE = 0x22;
const COMMA = 0x2c;
const POINT = 0x2e;
const BACKSLASH = 0x5c;
const ZERO = 0x30;

function at(i: i32): i32 {
  return <i32>load<u8>(INPUT + <usize>i);
}

function setI32(slot: i32, value: i32): void {
  store<i32>(OUT_I32 + ((<usize>slot) << 2), value);
}

function setF64(slot: i32, value: f64): void {
  store<f64>(OUT_F64 + ((<usize>slot) << 3), value);
}

function isDigit(c: i32): bool {
  return <u32>(c - ZERO) <= 9;
}

/**
 * Index of the quote closing a plain JSON string whose text starts at p; -1 when a byte before it
 * is a backslash or a control character, or no quote comes before n (the stop byte at n is 0, a
 * control character). Sixteen bytes at a time: bytes after the stop byte may be read, never used.
 */
function plainEnd(p: i32, n: i32): i32 {
  const quote = i8x16.splat(<i8>QUOTE);
  const backslash = i8x16.splat(<i8>BACKSLASH);
  const space = i8x16.splat(<i8>0x20);
  while (p <= n) {
    const bytes = v128.load(INPUT + <usize>p);
    const special = v128.or(
      v128.or(i8x16.eq(bytes, quote), i8x16.eq(bytes, backslash)),
      i8x16.lt_u(bytes, space),
    );
    const mask = i8x16.bitmask(special);
    if (mask != 0) {
      const end = p + ctz(mask);
      return end < n && at(end) == QUOTE ? end : -1;
    }
    p += 16;
  }
  return -1;
}

/** True when the bytes from p spell `null`. */
function isNull(p: i32): bool {
  return at(p) == 0x6e && at(p + 1) == 0x75 && at(p + 2) == 0x6c && at(p + 3) == 0x6c;
}

/** True when the bytes [p, p + word.length) equal the ASCII `word`. */
function spells(p: i32, end: i32, word: string): bool {
  const length = word.length;
  if (end - p != length) return false;
  for (let i = 0; i < length; i++) if (at(p + i) != <i32>word.charCodeAt(i)) return false;
  return true;
}

function kindOf(p: i32, end: i32): i32 {
  switch (end - p) {
    case 4:
      return spells(p, end, "draw") ? 1 : -1;
    case 6:
      return spells(p, end, "commit") ? 2 : -1;
    case 7:
      return spells(p, end, "release") ? 3 : -1;
    case 8:
      return spells(p, end, "reversal") ? 4 : spells(p, end, "recovery") ? 5 : -1;
    case 10:
      return spells(p, end, "allocation") ? 0 : -1;
    case 13:
      return spells(p, end, "replenishment") ? 6 : -1;
  }
  return -1;
}

function drawKindOf(p: i32, end: i32): i32 {
  switch (end - p) {
    case 7:
      return spells(p, end, "advance") ? 0 : -2;
    case 9:
      return spells(p, end, "follow-up") ? 1 : -2;
    case 5:
      return spells(p, end, "stage") ? 2 : -2;
  }
  return -2;
}

/** Where `amountAt` stopped: just after the amount's closing quote. */
let amountEnd: i32 = 0;

/**
 * The amount `"(0|[1-9]\d{0,12})\.\d\d"` whose opening quote is at p, in integer fen (below
 * 10^15, so exact in an f64); -1 when it is not spelled so.
 */
function amountAt(p: i32): f64 {
  if (at(p) != QUOTE) return -1;
  let q = p + 1;
  let fen: i64 = 0;
  const first = at(q);
  if (first == ZERO) {
    q++;
  } else {
    if (!isDigit(first)) return -1;
    const last = q + 13;
    while (isDigit(at(q))) {
      if (q == last) return -1;
      fen = fen * 10 + <i64>(at(q) - ZERO);
      q++;
    }
  }
  if (at(q) != POINT || !isDigit(at(q + 1)) || !isDigit(at(q + 2)) || at(q + 3) != QUOTE) return -1;
  amountEnd = q + 4;
  return <f64>(fen * 100 + <i64>((at(q + 1) - ZERO) * 10 + (at(q + 2) - ZERO)));
}

const VERSION_PREFIX = '["aidflow-ledger-v1",';

/**
 * Scans the `n` bytes at INPUT; 1 when they are a canonical encoding in plain form whose prevHash
 * and fundId have the lengths given (their text is the caller's to compare), else 0.
 */
export function scan(n: i32, prevHashLength: i32, fundIdLength: i32): i32 {
  const prefixLength = VERSION_PREFIX.length;
  if (n < prefixLength) return 0;
  for (let i = 0; i < prefixLength; i++) if (at(i) != <i32>VERSION_PREFIX.charCodeAt(i)) return 0;
  let p = prefixLength;
  // Sequence: [1-9]\d*, read only up to 16 digits (a longer one is never a safe integer's spelling).
  if (at(p) == ZERO || !isDigit(at(p))) return 0;
  let sequence: f64 = 0;
  let digits = 0;
  while (isDigit(at(p))) {
    if (++digits > 16) return 0;
    sequence = sequence * 10 + <f64>(at(p) - ZERO);
    p++;
  }
  setF64(SEQUENCE, sequence);
  // prevHash and fundId: the caller compares them with the head and the fund (plain text of the
  // lengths given), so only where they end is checked here.
  for (let field = 0; field < 2; field++) {
    if (at(p) != COMMA || at(p + 1) != QUOTE) return 0;
    const start = p + 2;
    const end = start + (field == 0 ? prevHashLength : fundIdLength);
    if (end >= n || at(end) != QUOTE) return 0;
    setI32(PREV_HASH + 2 * field, start);
    setI32(PREV_HASH + 2 * field + 1, end);
    p = end + 1;
  }
  // entryId and kind: plain strings.
  for (let field = 2; field < 4; field++) {
    if (at(p) != COMMA || at(p + 1) != QUOTE) return 0;
    const start = p + 2;
    const end = plainEnd(start, n);
    if (end < 0) return 0;
    if (field == 3) {
      const kind = kindOf(start, end);
      if (kind < 0) return 0;
      setI32(KIND, kind);
    } else {
      setI32(ENTRY_ID, start);
      setI32(ENTRY_ID + 1, end);
    }
    p = end + 1;
  }
  // drawKind: null or one of the draw kinds.
  if (at(p) != COMMA) return 0;
  p++;
  if (at(p) == QUOTE) {
    const end = plainEnd(p + 1, n);
    if (end < 0) return 0;
    const drawKind = drawKindOf(p + 1, end);
    if (drawKind < 0) return 0;
    setI32(DRAW_KIND, drawKind);
    p = end + 1;
  } else if (isNull(p)) {
    setI32(DRAW_KIND, -1);
    p += 4;
  } else return 0;
  // amount, bookedAt
  if (at(p) != COMMA) return 0;
  const amount = amountAt(p + 1);
  if (amount < 0) return 0;
  setF64(AMOUNT, amount);
  p = amountEnd;
  if (at(p) != COMMA || at(p + 1) != QUOTE) return 0;
  const bookedEnd = plainEnd(p + 2, n);
  if (bookedEnd < 0) return 0;
  setI32(BOOKED_AT, p + 2);
  setI32(BOOKED_AT + 1, bookedEnd);
  p = bookedEnd + 1;
  // nine references, each null or a plain string
  for (let r = 0; r < 9; r++) {
    if (at(p) != COMMA) return 0;
    p++;
    const slot = REFERENCES + 2 * r;
    if (at(p) == QUOTE) {
      const end = plainEnd(p + 1, n);
      if (end < 0) return 0;
      setI32(slot, p + 1);
      setI32(slot + 1, end);
      p = end + 1;
    } else if (isNull(p)) {
      setI32(slot, -1);
      setI32(slot + 1, -1);
      p += 4;
    } else return 0;
  }
  // quota, balance, committed
  for (let b = 0; b < 3; b++) {
    if (at(p) != COMMA) return 0;
    const value = amountAt(p + 1);
    if (value < 0) return 0;
    setF64(QUOTA + b, value);
    p = amountEnd;
  }
  return at(p) == 0x5d && p + 1 == n ? 1 : 0;
}
