/**
 * Canonical encoding and SHA-256 chaining of ledger entries (DOMAIN §5: entries are chained so
 * tampering is detectable). The encoding is a JSON array in a fixed field order with every amount
 * as its two-decimal text, so the same entry hashes the same on every machine and in every year.
 * Changing it breaks every stored chain: add a new version tag instead.
 */
import { hash } from "node:crypto";
import { Yuan } from "../money/yuan.ts";
import type { FundBalances } from "./effects.ts";
import { DRAW_KINDS, ENTRY_KINDS, type EntryReference, type LedgerEntry, REFERENCE_FIELDS } from "./entry.ts";

export const ENCODING_VERSION = "aidflow-ledger-v1";

/** The predecessor of the first entry of every fund. */
export const GENESIS_HASH = "0".repeat(64);

/** An entry as stored: its place in the chain and the fund's balances right after it. */
export interface ChainedEntry extends LedgerEntry {
  sequence: number;
  prevHash: string;
  entryHash: string;
  after: FundBalances;
}

function contentFields(entry: LedgerEntry): unknown[] {
  return [
    entry.fundId,
    entry.entryId,
    entry.kind,
    entry.drawKind ?? null,
    entry.amountYuan.toString(),
    entry.bookedAt,
    ...REFERENCE_FIELDS.map((field) => entry.reference[field] ?? null),
  ];
}

export function canonicalEncoding(entry: Omit<ChainedEntry, "entryHash">): string {
  return JSON.stringify([
    ENCODING_VERSION,
    entry.sequence,
    entry.prevHash,
    ...contentFields(entry),
    entry.after.quota.toString(),
    entry.after.balance.toString(),
    entry.after.committed.toString(),
  ]);
}

export function hashEntry(entry: Omit<ChainedEntry, "entryHash">): string {
  return sha256(canonicalEncoding(entry));
}

/** Thrown when a stored encoding cannot be read back: the store reports it as tampering at that entry. */
export class UnreadableEntryError extends Error {
  constructor(
    readonly sequence: number,
    reason: string,
  ) {
    super(`entry ${sequence} cannot be read: ${reason}`);
    this.name = "UnreadableEntryError";
  }
}

/** Where each field sits in the canonical array written by `canonicalEncoding`. */
// biome-ignore format: one line, so the not-policy mark covers every position
const AT = { prevHash: 2, fundId: 3, entryId: 4, kind: 5, drawKind: 6, amount: 7, bookedAt: 8, reference: 9 } as const; // not-policy: array positions of the canonical encoding

/**
 * Reads an entry back from its canonical encoding (stores keep the encoding itself, so what is
 * hashed is exactly what is stored). `sequence` comes from where the entry was found: if someone
 * moved it, the hash no longer matches.
 */
export function decodeCanonical(text: string, sequence: number): Omit<ChainedEntry, "entryHash"> {
  return decodeFields(text, sequence).entry;
}

/** An entry as a store keeps it: its canonical text, where it was found, and the hash stored with it. */
export interface StoredEntry {
  text: string;
  sequence: number;
  storedHash: string;
  /**
   * The copy of `bookedAt` a store keeps beside the text (to select a period); it must equal the
   * text's. One that differs is read in place of the text's, so the hash check names the entry
   * edited (as decoding the store's item does).
   */
  bookedAtCopy?: string;
}

/** Amount text that `Yuan.toString` certainly writes back unchanged (others are compared the slow way). */
const PLAIN_AMOUNT = /^(0|[1-9]\d{0,14})\.\d\d$/;

/**
 * Decodes a stored entry and tells whether its stored hash is the hash of its canonical encoding,
 * without re-encoding it when the stored text IS that encoding (same JSON spelling, same sequence,
 * same amount spelling, text-only references): then the hash over the stored bytes is the hash of
 * the encoding. So `hashMatches` equals `hashEntry(decodeCanonical(text, sequence)) === storedHash`
 * exactly (test/unit/ledger/stored-chain.test.ts holds it on random valid and tampered chains).
 */
export function decodeStored(stored: StoredEntry): { entry: ChainedEntry; hashMatches: boolean } {
  const { fields, entry } = decodeFields(stored.text, stored.sequence);
  const chained: ChainedEntry = { ...entry, entryHash: stored.storedHash };
  if (stored.bookedAtCopy !== undefined && stored.bookedAtCopy !== entry.bookedAt) {
    // The copy was edited (or the text was): the entry read is no longer the one hashed.
    chained.bookedAt = stored.bookedAtCopy;
    return { entry: chained, hashMatches: hashEntry(chained) === stored.storedHash };
  }
  // Text that is not the canonical spelling (a store that re-serialized it) is checked the long way.
  const hashMatches = isCanonical(stored.text, fields, entry)
    ? sha256(stored.text) === stored.storedHash
    : hashEntry(entry) === stored.storedHash;
  return { entry: chained, hashMatches };
}

function isCanonical(text: string, fields: unknown[], entry: Omit<ChainedEntry, "entryHash">): boolean {
  if (fields[1] !== entry.sequence) return false;
  for (let i = 0; i < REFERENCE_FIELDS.length; i++) {
    const value = fields[AT.reference + i];
    if (value !== null && typeof value !== "string") return false;
  }
  const after = AT.reference + REFERENCE_FIELDS.length;
  const amounts: [number, Yuan][] = [
    [AT.amount, entry.amountYuan],
    [after, entry.after.quota],
    [after + 1, entry.after.balance],
    [after + 2, entry.after.committed],
  ];
  for (const [index, yuan] of amounts) {
    const written = fields[index] as string;
    if (!PLAIN_AMOUNT.test(written) && yuan.toString() !== written) return false;
  }
  return JSON.stringify(fields) === text;
}

function decodeFields(
  text: string,
  sequence: number,
): { fields: unknown[]; entry: Omit<ChainedEntry, "entryHash"> } {
  let fields: unknown;
  try {
    fields = JSON.parse(text);
  } catch {
    throw new UnreadableEntryError(sequence, "not JSON");
  }
  const width = AT.reference + REFERENCE_FIELDS.length + 3;
  if (!Array.isArray(fields) || fields.length !== width || fields[0] !== ENCODING_VERSION) {
    throw new UnreadableEntryError(sequence, `not a ${ENCODING_VERSION} encoding`);
  }
  const text_ = (index: number): string => {
    const value = fields[index];
    if (typeof value !== "string") throw new UnreadableEntryError(sequence, `field ${index} is not text`);
    return value;
  };
  const money = (index: number): Yuan => {
    try {
      return Yuan.parse(text_(index), "amount", { allowNegative: true });
    } catch {
      throw new UnreadableEntryError(sequence, `field ${index} is not an amount`);
    }
  };
  const kind = text_(AT.kind);
  const drawKind = fields[AT.drawKind];
  if (!(ENTRY_KINDS as readonly string[]).includes(kind))
    throw new UnreadableEntryError(sequence, "unknown kind");
  if (drawKind !== null && !(DRAW_KINDS as readonly unknown[]).includes(drawKind)) {
    throw new UnreadableEntryError(sequence, "unknown draw kind");
  }
  const reference: EntryReference = {};
  REFERENCE_FIELDS.forEach((field, i) => {
    const value = fields[AT.reference + i];
    if (value !== null) Object.assign(reference, { [field]: String(value) });
  });
  const after = AT.reference + REFERENCE_FIELDS.length;
  const entry = {
    sequence,
    prevHash: text_(AT.prevHash),
    fundId: text_(AT.fundId),
    entryId: text_(AT.entryId),
    kind: kind as LedgerEntry["kind"],
    ...(drawKind !== null ? { drawKind: drawKind as NonNullable<LedgerEntry["drawKind"]> } : {}),
    amountYuan: money(AT.amount),
    bookedAt: text_(AT.bookedAt),
    reference,
    after: { quota: money(after), balance: money(after + 1), committed: money(after + 2) },
  };
  return { fields, entry };
}

/**
 * The hash of what the caller asked for, independent of where it landed in the chain: a retry with
 * the same id and the same content is a plain duplicate; the same id with other content is a conflict.
 */
export function fingerprintEntry(entry: LedgerEntry): string {
  return sha256(JSON.stringify([ENCODING_VERSION, ...contentFields(entry)]));
}

/** Chains `entry` after `prevHash` at `sequence` with the balances `after` it. */
export function chainEntry(
  entry: LedgerEntry,
  sequence: number,
  prevHash: string,
  after: FundBalances,
): ChainedEntry {
  const unhashed = { ...entry, sequence, prevHash, after };
  const text = canonicalEncoding(unhashed);
  const chained = { ...unhashed, entryHash: sha256(text) };
  chainedTexts.set(chained, text);
  return chained;
}

/** The text each entry chained here was hashed from: a writer stores that very text, unencoded again. */
const chainedTexts = new WeakMap<ChainedEntry, string>();

/**
 * `canonicalEncoding(entry)`: for an entry made by `chainEntry` (and not modified since — entries
 * are values), the text it was hashed from, without encoding it again.
 */
export function canonicalTextOf(entry: ChainedEntry): string {
  return chainedTexts.get(entry) ?? canonicalEncoding(entry);
}

/** SHA-256 of text as UTF-8, in hex: the hash of the chain (one-shot: no Hash object per entry). */
export function sha256(text: string): string {
  return hash("sha256", text, "hex");
}
