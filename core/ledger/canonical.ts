/**
 * Canonical encoding and SHA-256 chaining of ledger entries (DOMAIN §5: entries are chained so
 * tampering is detectable). The encoding is a JSON array in a fixed field order with every amount
 * as its two-decimal text, so the same entry hashes the same on every machine and in every year.
 * Changing it breaks every stored chain: add a new version tag instead.
 */
import { createHash } from "node:crypto";
import type { FundBalances } from "./effects.ts";
import { type LedgerEntry, REFERENCE_FIELDS } from "./entry.ts";

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
  return { ...unhashed, entryHash: hashEntry(unhashed) };
}

function sha256(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}
