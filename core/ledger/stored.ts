/**
 * Reading a stored entry the fast way, for replays of long histories: when the stored text is
 * exactly the canonical encoding in its plain form (no escapes, amounts as `Yuan.toString` writes
 * them, references as text), it is read without `JSON.parse`, amounts straight to integer fen
 * (`fen.ts`): ASCII text by the entry scanner (scanner.ts, WebAssembly), any other by one native
 * regular-expression match (`CANONICAL`), which reads the same language. Text fields are cut out
 * only when asked for. Any other text — re-serialized, escaped, tampered, huge — is left to
 * `decodeStored` (canonical.ts), so verdicts never depend on which reader ran
 * (test/unit/ledger/fen-replay.test.ts and scanner.test.ts hold them equal on random valid,
 * mutated and tampered entries). */
import { Yuan } from "../money/yuan.ts";
import { type ChainedEntry, ENCODING_VERSION, type StoredEntry } from "./canonical.ts";
import {
  DRAW_KINDS,
  type DrawKind,
  ENTRY_KINDS,
  type EntryKind,
  type EntryReference,
  type LedgerEntry,
  REFERENCE_FIELDS,
} from "./entry.ts";
import { FAST_FEN_LIMIT, type FenBalances, yuanBalancesOf } from "./fen.ts";
import { NUMBER_SLOT, SLOT, scanCanonical, scannedF64, scannedI32 } from "./scanner.ts";

/** A stored entry read the fast way: amounts and balances in integer fen. */
export interface FenEntry {
  sequence: number;
  prevHash: string;
  fundId: string;
  entryId: string;
  kind: EntryKind;
  drawKind: DrawKind | undefined;
  amountFen: number;
  bookedAt: string;
  reference: EntryReference;
  after: FenBalances;
  /** The hash stored with the entry. */
  entryHash: string;
}

/**
 * A `FenEntry` as `readStoredFen` read it. It is also what matching reads of a draw (content, place,
 * `amountFen`). What the chain check and the figures need comes read (kind, amounts in fen); the
 * text fields are cut out of the stored text only when asked for, once, and its `amountYuan` is
 * made only when asked for, so a draw that checks out in fen never becomes a decimal.
 */
export class StoredFenEntry implements FenEntry {
  private entryIdText: string | undefined;
  private bookedAtText: string | undefined;
  private referenceRead: EntryReference | undefined;

  constructor(
    readonly sequence: number,
    readonly prevHash: string,
    readonly fundId: string,
    readonly kind: EntryKind,
    readonly drawKind: DrawKind | undefined,
    readonly amountFen: number,
    readonly after: FenBalances,
    readonly entryHash: string,
    /** The stored canonical text the fields are read from. */
    private readonly text: string,
    /** Where the text fields lie in it: `FIELD_AT` pairs of [start, end), start -1 for null. */
    private readonly spans: readonly number[],
  ) {}

  get entryId(): string {
    this.entryIdText ??= this.text.slice(this.spans[SPAN.entryId], this.spans[SPAN.entryId + 1]);
    return this.entryIdText;
  }

  get bookedAt(): string {
    this.bookedAtText ??= this.text.slice(this.spans[SPAN.bookedAt], this.spans[SPAN.bookedAt + 1]);
    return this.bookedAtText;
  }

  /** The reference fields, each set only when present (as `decodeStored` does). */
  get reference(): EntryReference {
    if (this.referenceRead) return this.referenceRead;
    const reference: EntryReference = {};
    REFERENCE_FIELDS.forEach((field, i) => {
      const value = this.referenceAt(i);
      if (value !== undefined) Object.assign(reference, { [field]: value });
    });
    this.referenceRead = reference;
    return reference;
  }

  private referenceAt(index: number): string | undefined {
    const start = this.spans[SPAN.references + 2 * index] as number;
    return start < 0 ? undefined : this.text.slice(start, this.spans[SPAN.references + 2 * index + 1]);
  }

  get amountYuan(): Yuan {
    return Yuan.fromFen(this.amountFen);
  }
}

/** Where each text field's [start, end) lies in `StoredFenEntry.spans`. */
// biome-ignore format: one line, so the not-policy mark covers every position
const SPAN = { entryId: 0, bookedAt: 2, references: 4 } as const; // not-policy: positions in the spans array

/** 13 integer digits of yuan: every amount read stays below `FAST_FEN_LIMIT`. */
const YUAN_DIGITS_MAX = String(FAST_FEN_LIMIT / 100).length - 1; // not-policy: fen to yuan
/** JSON text as `JSON.stringify` writes it unescaped: no quote, no backslash, no control char. */
const PLAIN = '"([^"\\\\\\u0000-\\u001f]*)"';
const NULLABLE = `(?:null|${PLAIN})`;
/** An amount as `Yuan.toString` writes it: yuan without a leading zero, a point, two decimals. */
const AMOUNT = `"((?:0|[1-9]\\d{0,${YUAN_DIGITS_MAX - 1}})\\.\\d\\d)"`;
/**
 * The canonical encoding (canonical.ts `canonicalEncoding`) in plain form: version, sequence,
 * prevHash, fundId, entryId, kind, drawKind, amount, bookedAt, the references, quota, balance,
 * committed. A match is exactly what `JSON.parse` reads and `JSON.stringify` writes back unchanged
 * (but for a lone surrogate, checked apart). One native pass over the text checks every character;
 * each amount is captured whole and read to fen by `fenOf`.
 */
const CANONICAL = new RegExp(
  `^\\[${[
    JSON.stringify(ENCODING_VERSION),
    "([1-9]\\d*)",
    PLAIN,
    PLAIN,
    PLAIN,
    PLAIN,
    NULLABLE,
    AMOUNT,
    PLAIN,
    ...REFERENCE_FIELDS.map(() => NULLABLE),
    AMOUNT,
    AMOUNT,
    AMOUNT,
  ].join(",")}\\]$`,
  "d",
);
/** Where each field is captured in a match of `CANONICAL`. */
// biome-ignore format: one line, so the not-policy mark covers every position
const AT = { sequence: 1, prevHash: 2, fundId: 3, entryId: 4, kind: 5, drawKind: 6, amount: 7, bookedAt: 8, references: 9 } as const; // not-policy: capture groups of CANONICAL
const BALANCES_AT = AT.references + REFERENCE_FIELDS.length;

const KIND_OF: ReadonlyMap<string, EntryKind> = new Map(ENTRY_KINDS.map((k) => [k, k]));
const DRAW_KIND_OF: ReadonlyMap<string, DrawKind> = new Map(DRAW_KINDS.map((k) => [k, k]));

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what it looks for
const NOT_PLAIN = /["\\\u0000-\u001f]/;

/** Node ≥ 20 has `String.prototype.isWellFormed` (ES2024); the project's lib is ES2023. */
const isWellFormed = (text: string): boolean => (text as string & { isWellFormed(): boolean }).isWellFormed();

/** True when JSON writes `value` as it is between quotes: no escape, no control char, no lone surrogate. */
export function isPlainText(value: string): boolean {
  return !NOT_PLAIN.test(value) && isWellFormed(value);
}

const DIGIT_0 = 48; // not-policy: char code of '0'
/** Digits of a safe integer: a longer sequence field is never the canonical spelling of one. */
const SEQUENCE_DIGITS_MAX = String(Number.MAX_SAFE_INTEGER).length;

/** True when `digits` (matched by `[1-9]\d*`) is exactly `String(sequence)`, read without a string made. */
function isSequenceText(digits: string, sequence: number): boolean {
  if (!Number.isSafeInteger(sequence) || digits.length > SEQUENCE_DIGITS_MAX) return false;
  let value = 0;
  for (let i = 0; i < digits.length; i++) value = value * 10 + (digits.charCodeAt(i) - DIGIT_0); // not-policy: decimal place value
  // Up to 16 digits read exactly or, past 2^53, round to a number that is not a safe integer.
  return value === sequence;
}

/**
 * Integer fen of an amount matched by `AMOUNT` ("470.59"): at most 13 digits of yuan and two of
 * fen, so the integer read digit by digit is exact and stays below `FAST_FEN_LIMIT`.
 */
function fenOf(amount: string): number {
  let fen = 0;
  const point = amount.length - 3; // not-policy: ".dd" ends every amount AMOUNT matches
  for (let i = 0; i < point; i++) fen = fen * 10 + (amount.charCodeAt(i) - DIGIT_0); // not-policy: decimal place value
  const tens = amount.charCodeAt(point + 1) - DIGIT_0;
  const units = amount.charCodeAt(point + 2) - DIGIT_0;
  return fen * 100 + tens * 10 + units; // not-policy: fen in a yuan, decimal place value
}

/**
 * The entry, when `stored.text` is the canonical encoding in plain form at `stored.sequence` and
 * links to `prevHash` in fund `fundId`; `undefined` otherwise, and then `decodeStored` reads it
 * (or finds it unreadable). For such text the stored hash is the hash of the encoding itself, as
 * `decodeStored` concludes too.
 */
export function readStoredFen(
  stored: StoredEntry,
  prevHash: string,
  fundId: string,
): StoredFenEntry | undefined {
  if (!isPlainText(prevHash) || !isPlainText(fundId)) return undefined;
  return readPlainStored(stored, prevHash, fundId);
}

/**
 * `readStoredFen` for a caller that knows `prevHash` and `fundId` are plain text (the chain
 * verifier: its head is a SHA-256 in hex, its fund id checked once): both are then compared with
 * what the text holds as they are. ASCII text is read by the scanner (scanner.ts) without making a
 * string; any other text by `CANONICAL`, which reads the same language.
 */
export function readPlainStored(
  stored: StoredEntry,
  prevHash: string,
  fundId: string,
): StoredFenEntry | undefined {
  const scanned = scanCanonical(stored.text, prevHash.length, fundId.length);
  if (scanned === "canonical") return fromScan(stored, prevHash, fundId);
  if (scanned === "not-canonical") return undefined;
  return readByPattern(stored, prevHash, fundId);
}

/** The entry the scanner just read, when it is at `stored.sequence` and links to `prevHash` in `fundId`. */
function fromScan(stored: StoredEntry, prevHash: string, fundId: string): StoredFenEntry | undefined {
  const { text, sequence } = stored;
  const i = scannedI32;
  const n = scannedF64;
  // The scanner read at most 16 digits exactly as `isSequenceText` does.
  if (n[NUMBER_SLOT.sequence] !== sequence || !Number.isSafeInteger(sequence)) return undefined;
  if (!spells(text, i[SLOT.prevHash] as number, i[SLOT.prevHash + 1] as number, prevHash)) return undefined;
  if (!spells(text, i[SLOT.fundId] as number, i[SLOT.fundId + 1] as number, fundId)) return undefined;
  const drawKindAt = i[SLOT.drawKind] as number;
  const r = SLOT.references;
  // biome-ignore format: the spans in the order of `SPAN`, one reference a line would be 22 lines
  const spans = [
    i[SLOT.entryId], i[SLOT.entryId + 1], i[SLOT.bookedAt], i[SLOT.bookedAt + 1],
    i[r], i[r + 1], i[r + 2], i[r + 3], i[r + 4], i[r + 5], i[r + 6], i[r + 7], i[r + 8], i[r + 9], // not-policy: nine references
    i[r + 10], i[r + 11], i[r + 12], i[r + 13], i[r + 14], i[r + 15], i[r + 16], i[r + 17], // not-policy: nine references
  ] as number[];
  return new StoredFenEntry(
    sequence,
    prevHash,
    fundId,
    ENTRY_KINDS[i[SLOT.kind] as number] as EntryKind,
    drawKindAt < 0 ? undefined : DRAW_KINDS[drawKindAt],
    n[NUMBER_SLOT.amount] as number,
    {
      quota: n[NUMBER_SLOT.quota] as number,
      balance: n[NUMBER_SLOT.balance] as number,
      committed: n[NUMBER_SLOT.committed] as number,
    },
    stored.storedHash,
    text,
    spans,
  );
}

/**
 * True when text[start, end) is exactly `expected`. Compared as a slice (a view of the text, no copy
 * for a hash or an id): string equality runs natively, where `startsWith` would go char by char.
 */
function spells(text: string, start: number, end: number, expected: string): boolean {
  return end - start === expected.length && text.slice(start, end) === expected;
}

/**
 * `readPlainStored` by `CANONICAL`, for text the scanner does not take (beyond ASCII, or very long).
 * The scanner reads exactly as this does (test/unit/ledger/scanner.test.ts holds them equal).
 */
export function readByPattern(
  stored: StoredEntry,
  prevHash: string,
  fundId: string,
): StoredFenEntry | undefined {
  const { text, sequence } = stored;
  const m = CANONICAL.exec(text);
  if (!m || m[AT.prevHash] !== prevHash || m[AT.fundId] !== fundId) return undefined;
  if (!isSequenceText(m[AT.sequence] as string, sequence) || !isWellFormed(text)) return undefined;
  const kind = KIND_OF.get(m[AT.kind] as string);
  const drawKindText = m[AT.drawKind];
  const drawKind = drawKindText === undefined ? undefined : DRAW_KIND_OF.get(drawKindText);
  if (kind === undefined || (drawKindText !== undefined && drawKind === undefined)) return undefined;
  const indices = m.indices as RegExpIndicesArray;
  const spans: number[] = [];
  for (const group of [AT.entryId, AT.bookedAt, ...REFERENCE_FIELDS.map((_, k) => AT.references + k)]) {
    const span = indices[group];
    spans.push(span ? span[0] : -1, span ? span[1] : -1);
  }
  const b = BALANCES_AT;
  return new StoredFenEntry(
    sequence,
    prevHash,
    fundId,
    kind,
    drawKind,
    fenOf(m[AT.amount] as string),
    {
      quota: fenOf(m[b] as string),
      balance: fenOf(m[b + 1] as string),
      committed: fenOf(m[b + 2] as string), // not-policy: third balance's capture
    },
    stored.storedHash,
    text,
    spans,
  );
}

/** The entry's content and place (what matching reads of a draw), amount as `Yuan`. */
export function ledgerEntryOf(entry: FenEntry): LedgerEntry & { sequence: number } {
  const content: LedgerEntry & { sequence: number } = {
    sequence: entry.sequence,
    fundId: entry.fundId,
    entryId: entry.entryId,
    kind: entry.kind,
    amountYuan: Yuan.fromFen(entry.amountFen),
    bookedAt: entry.bookedAt,
    reference: entry.reference,
  };
  if (entry.drawKind) content.drawKind = entry.drawKind;
  return content;
}

/** The entry as `decodeStored` gives it (decimals made here: for the few entries that need them). */
export function chainedOf(entry: FenEntry): ChainedEntry {
  return {
    ...ledgerEntryOf(entry),
    prevHash: entry.prevHash,
    after: yuanBalancesOf(entry.after),
    entryHash: entry.entryHash,
  };
}
