/**
 * Reading a stored entry the fast way, for replays of long histories: when the stored text is
 * exactly the canonical encoding in its plain form (no escapes, amounts as `Yuan.toString` writes
 * them, references as text), it is read by one left-to-right scan instead of `JSON.parse`, amounts
 * straight to integer fen (`fen.ts`). Any other text — re-serialized, escaped, tampered, huge — is
 * left to `decodeStored` (canonical.ts), so verdicts never depend on which reader ran
 * (test/unit/ledger/fen-replay.test.ts holds the two equal on random valid and tampered chains).
 */
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
  /** The reference fields in `REFERENCE_FIELDS` order, null where absent. */
  references: (string | null)[];
  after: FenBalances;
  /** The hash stored with the entry. */
  entryHash: string;
}

/** Where the fields reconciliation reads sit in `FenEntry.references`. */
export const REFERENCE_AT = {
  caseId: REFERENCE_FIELDS.indexOf("caseId"),
  obligationId: REFERENCE_FIELDS.indexOf("obligationId"),
  paymentId: REFERENCE_FIELDS.indexOf("paymentId"),
  flow: REFERENCE_FIELDS.indexOf("flow"),
  hardshipType: REFERENCE_FIELDS.indexOf("hardshipType"),
  residency: REFERENCE_FIELDS.indexOf("residency"),
} as const;

const PREFIX = `[${JSON.stringify(ENCODING_VERSION)},`;
const QUOTE = 34; // not-policy: char code of '"'
const COMMA = 44; // not-policy: char code of ","
const CLOSE = 93; // not-policy: char code of "]"
const DOT = 46; // not-policy: char code of "."
const ZERO = 48; // not-policy: char code of "0"
const NINE = 57; // not-policy: char code of "9"
const LOW_N = 110; // not-policy: char code of "n" (of null)
const SPACE = 32; // not-policy: first char code JSON may hold raw in a string
const SURROGATE_FIRST = 0xd800; // not-policy: UTF-16 surrogate range
const SURROGATE_LAST = 0xdfff; // not-policy: UTF-16 surrogate range
const NULL = "null";
/** 13 integer digits of yuan: every amount read stays below `FAST_FEN_LIMIT`. */
const YUAN_DIGITS_MAX = String(FAST_FEN_LIMIT / 100).length - 1; // not-policy: fen to yuan
const KIND_OF: ReadonlyMap<string, EntryKind> = new Map(ENTRY_KINDS.map((k) => [k, k]));
const DRAW_KIND_OF: ReadonlyMap<string, DrawKind> = new Map(DRAW_KINDS.map((k) => [k, k]));

/**
 * The scan's cursor. Module state, not an object per entry: the scan runs to its end without
 * yielding, so no two scans ever interleave. `FAILED` marks text that is not in plain form.
 */
let text = "";
let at = 0;
const FAILED = -1;

/** A string field and its separator; undefined when not plain (a control char, a surrogate, no end). */
function textField(last = false): string | undefined {
  if (text.charCodeAt(at) !== QUOTE) return undefined;
  const start = at + 1;
  const end = text.indexOf('"', start);
  if (end < 0) return undefined;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    // JSON refuses raw control chars; JSON.stringify would escape a lone surrogate.
    if (c < SPACE || (c >= SURROGATE_FIRST && c <= SURROGATE_LAST)) return undefined;
  }
  if (!separator(end + 1, last)) return undefined;
  return text.slice(start, end);
}

/** A reference field: text, or null; undefined when neither in plain form. */
function nullableField(last = false): string | null | undefined {
  if (text.charCodeAt(at) === LOW_N) {
    return text.startsWith(NULL, at) && separator(at + NULL.length, last) ? null : undefined;
  }
  return textField(last);
}

/** An amount as `Yuan.toString` writes it, in integer fen; FAILED for any other spelling. */
function amountField(last = false): number {
  if (text.charCodeAt(at) !== QUOTE) return FAILED;
  const start = at + 1;
  const end = text.indexOf('"', start);
  const dot = end - 3; // not-policy: two decimals and the point
  const digits = dot - start;
  if (digits < 1 || digits > YUAN_DIGITS_MAX || text.charCodeAt(dot) !== DOT) return FAILED;
  if (digits > 1 && text.charCodeAt(start) === ZERO) return FAILED;
  let fen = 0;
  for (let i = start; i < end; i++) {
    if (i === dot) continue;
    const c = text.charCodeAt(i);
    if (c < ZERO || c > NINE) return FAILED;
    fen = fen * 10 + (c - ZERO);
  }
  return separator(end + 1, last) ? fen : FAILED;
}

/** The sequence number as JSON writes it, equal to `sequence`. */
function sequenceField(sequence: number): boolean {
  const digits = String(sequence);
  return text.startsWith(digits, at) && separator(at + digits.length, false);
}

function separator(position: number, last: boolean): boolean {
  if (text.charCodeAt(position) !== (last ? CLOSE : COMMA)) return false;
  at = position + 1;
  return !last || at === text.length;
}

/**
 * The entry, when `stored.text` is the canonical encoding in plain form at `stored.sequence`;
 * `undefined` otherwise (then `decodeStored` reads it, or finds it unreadable). For such text the
 * stored hash is the hash of the encoding itself, as `decodeStored` concludes too.
 */
export function readStoredFen(stored: StoredEntry): FenEntry | undefined {
  const { sequence } = stored;
  text = stored.text;
  at = PREFIX.length;
  try {
    if (!Number.isSafeInteger(sequence) || sequence < 1) return undefined;
    if (!text.startsWith(PREFIX) || text.indexOf("\\", at) >= 0 || !sequenceField(sequence)) return undefined;
    return scanFields(stored);
  } finally {
    text = "";
  }
}

function scanFields(stored: StoredEntry): FenEntry | undefined {
  const prevHash = textField();
  const fundId = textField();
  const entryId = textField();
  const kindText = textField();
  if (prevHash === undefined || fundId === undefined || entryId === undefined || kindText === undefined) {
    return undefined;
  }
  const kind = KIND_OF.get(kindText);
  const drawKindText = nullableField();
  const drawKind = drawKindText == null ? undefined : DRAW_KIND_OF.get(drawKindText);
  if (kind === undefined || drawKindText === undefined || (drawKindText !== null && drawKind === undefined)) {
    return undefined;
  }
  const amountFen = amountField();
  const bookedAt = amountFen === FAILED ? undefined : textField();
  if (bookedAt === undefined) return undefined;
  const references: (string | null)[] = [];
  for (let i = 0; i < REFERENCE_FIELDS.length; i++) {
    const value = nullableField();
    if (value === undefined) return undefined;
    references.push(value);
  }
  const quota = amountField();
  const balance = quota === FAILED ? FAILED : amountField();
  const committed = balance === FAILED ? FAILED : amountField(true);
  if (committed === FAILED) return undefined;
  return {
    sequence: stored.sequence,
    prevHash,
    fundId,
    entryId,
    kind,
    drawKind,
    amountFen,
    bookedAt,
    references,
    after: { quota, balance, committed },
    entryHash: stored.storedHash,
  };
}

export function referenceOf(references: readonly (string | null)[]): EntryReference {
  const reference: Record<string, string> = {};
  for (let i = 0; i < REFERENCE_FIELDS.length; i++) {
    const value = references[i];
    if (value != null) reference[REFERENCE_FIELDS[i] as string] = value;
  }
  return reference as EntryReference;
}

/** The entry's content and place (what matching reads of a draw), amount as `Yuan`. */
export function ledgerEntryOf(entry: FenEntry): LedgerEntry & { sequence: number } {
  return {
    sequence: entry.sequence,
    fundId: entry.fundId,
    entryId: entry.entryId,
    kind: entry.kind,
    ...(entry.drawKind ? { drawKind: entry.drawKind } : {}),
    amountYuan: Yuan.fromFen(entry.amountFen),
    bookedAt: entry.bookedAt,
    reference: referenceOf(entry.references),
  };
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
