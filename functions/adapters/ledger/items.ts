/**
 * The ledger's DynamoDB items (table `ledger`, one partition per fund, DOMAIN §5):
 *
 * | sk                     | item                                                                    |
 * |------------------------|-------------------------------------------------------------------------|
 * | `HEAD`                 | quota, balance, committed, sequence, revision, headHash, lastAlertState, alertPercent, closedThrough |
 * | `PAGE#<12-digit first seq>` | one committed batch, append-only: its entries' canonical encodings and hashes, in sequence order |
 * | `IDS#<12-digit first seq>`  | the same batch's entry ids, in the same order, with the submission token that wrote each |
 *
 * A page holds `firstSequence`, `lastSequence`, `minBookedAt`/`maxBookedAt` (to select a period),
 * `bodies` (the canonical encodings joined by a newline: `JSON.stringify` never writes a raw one)
 * and `hashes` (the entry hashes, 64 hex characters each, concatenated). Entry `firstSequence + i`
 * is the i-th body. Its `IDS#` item is written in the same transaction and names the page by the
 * same first sequence: `ids` is a JSON array of `[entryId, submissionToken]`.
 *
 * The layout before pages — `ENTRY#<12-digit seq>` (one entry: `body`, `bookedAt`, `entryHash`) and
 * `ENTRYID#<entryId>` (sequence, entryHash, fingerprint, submissionToken) — is read only by
 * `npx aidflow ledger migrate` (local/cli/ledger-migrate.ts), which rewrites it into pages.
 *
 * Amounts are stored as two-decimal strings built by `Yuan`, never as numbers (ARCHITECTURE §3.1).
 * `revision` counts every change of the head (a batch, a period close, a new alert percentage): the
 * writer's condition on it pins the exact head it planned against.
 */
import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import type { AlertState, ChainedEntry, PlanningHead, StoredEntry } from "#core/ledger/index.ts";
import { canonicalEncoding, decodeCanonical, UnreadableEntryError } from "#core/ledger/index.ts";
import { Yuan } from "#core/money/yuan.ts";

export type Item = Record<string, AttributeValue>;

const SEQUENCE_DIGITS = 12;
export const HEAD_SK = "HEAD";
export const ENTRY_PREFIX = "ENTRY#";
export const ENTRY_ID_PREFIX = "ENTRYID#";
export const PAGE_PREFIX = "PAGE#";
export const IDS_PREFIX = "IDS#";

export const fundPk = (fundId: string): string => `FUND#${fundId}`;
export const entrySk = (sequence: number): string =>
  `${ENTRY_PREFIX}${String(sequence).padStart(SEQUENCE_DIGITS, "0")}`;
export const entryIdSk = (entryId: string): string => `${ENTRY_ID_PREFIX}${entryId}`;
export const pageSk = (firstSequence: number): string =>
  `${PAGE_PREFIX}${String(firstSequence).padStart(SEQUENCE_DIGITS, "0")}`;
export const idsSk = (firstSequence: number): string =>
  `${IDS_PREFIX}${String(firstSequence).padStart(SEQUENCE_DIGITS, "0")}`;

export interface FundHead extends PlanningHead {
  revision: number;
}

/** The item marking an entry id as applied; `submissionToken` tells the writer that applied it apart. */
export interface AppliedId {
  entryId: string;
  sequence: number;
  entryHash: string;
  fingerprint: string;
  submissionToken: string;
}

const s = (value: string): AttributeValue => ({ S: value });
const n = (value: number): AttributeValue => ({ N: String(value) });

function str(item: Item, name: string): string {
  const value = item[name]?.S;
  if (value === undefined) throw new Error(`ledger item ${item.sk?.S} lacks ${name}`);
  return value;
}
function optStr(item: Item, name: string): string | undefined {
  return item[name]?.S;
}
function num(item: Item, name: string): number {
  const value = item[name]?.N;
  if (value === undefined) throw new Error(`ledger item ${item.sk?.S} lacks ${name}`);
  return Number(value);
}
function yuan(item: Item, name: string): Yuan {
  return Yuan.parse(str(item, name), name, { allowNegative: true });
}

export function headToItem(head: FundHead): Item {
  return {
    pk: s(fundPk(head.fundId)),
    sk: s(HEAD_SK),
    fundId: s(head.fundId),
    quotaYuan: s(head.balances.quota.toString()),
    balanceYuan: s(head.balances.balance.toString()),
    committedYuan: s(head.balances.committed.toString()),
    sequence: n(head.sequence),
    revision: n(head.revision),
    headHash: s(head.headHash),
    lastAlertState: s(head.alertState),
    ...(head.alertPercent !== undefined ? { alertPercent: s(head.alertPercent) } : {}),
    ...(head.closedThrough !== undefined ? { closedThrough: s(head.closedThrough) } : {}),
  };
}

export function itemToHead(item: Item): FundHead {
  const alertPercent = optStr(item, "alertPercent");
  const closedThrough = optStr(item, "closedThrough");
  return {
    fundId: str(item, "fundId"),
    sequence: num(item, "sequence"),
    revision: num(item, "revision"),
    headHash: str(item, "headHash"),
    balances: {
      quota: yuan(item, "quotaYuan"),
      balance: yuan(item, "balanceYuan"),
      committed: yuan(item, "committedYuan"),
    },
    alertState: str(item, "lastAlertState") as AlertState,
    ...(alertPercent !== undefined ? { alertPercent } : {}),
    ...(closedThrough !== undefined ? { closedThrough } : {}),
  };
}

/**
 * The layout before pages (read by the migration; written by it only in tests of the migration).
 * An entry item holds the entry's canonical encoding itself (`body`, the very text that is hashed)
 * plus `bookedAt` to select a period: few attributes keep the batch transaction cheap, and nothing
 * stored can disagree with what was hashed without the hash showing it.
 */
export function entryToItem(entry: ChainedEntry): Item {
  return {
    pk: s(fundPk(entry.fundId)),
    sk: s(entrySk(entry.sequence)),
    bookedAt: s(entry.bookedAt),
    entryHash: s(entry.entryHash),
    body: s(canonicalEncoding(entry)),
  };
}

/**
 * The entry as stored, for long replays (core/ledger `ChainVerifier.pushStoredFen`): the hashed text
 * as it is, read only by the replay, with the period copy of `bookedAt` that must agree with it.
 */
export function itemToStored(item: Item): StoredEntry {
  const stored: StoredEntry = {
    text: item.body?.S ?? "",
    sequence: Number(str(item, "sk").slice(ENTRY_PREFIX.length)),
    storedHash: item.entryHash?.S ?? "",
  };
  if (item.bookedAt?.S !== undefined) stored.bookedAtCopy = item.bookedAt.S;
  return stored;
}

export function itemToEntry(item: Item): ChainedEntry {
  const sequence = Number(str(item, "sk").slice(ENTRY_PREFIX.length));
  const decoded = decodeCanonical(item.body?.S ?? "", sequence);
  // The period copy must agree with the hashed text; if edited, the hash check names this entry.
  const bookedAt = item.bookedAt?.S ?? decoded.bookedAt;
  return { ...decoded, bookedAt, entryHash: item.entryHash?.S ?? "" };
}

export function appliedIdToItem(fundId: string, applied: AppliedId): Item {
  return {
    pk: s(fundPk(fundId)),
    sk: s(entryIdSk(applied.entryId)),
    entryId: s(applied.entryId),
    sequence: n(applied.sequence),
    entryHash: s(applied.entryHash),
    fingerprint: s(applied.fingerprint),
    submissionToken: s(applied.submissionToken),
  };
}

export function itemToAppliedId(item: Item): AppliedId {
  return {
    entryId: str(item, "entryId"),
    sequence: num(item, "sequence"),
    entryHash: str(item, "entryHash"),
    fingerprint: str(item, "fingerprint"),
    submissionToken: str(item, "submissionToken"),
  };
}

/** Characters of one entry hash in a page's `hashes`. */
export const HASH_CHARS = 64;

/** One entry id of a page's `IDS#` item: the id and the submission that wrote it. */
export interface IdClaim {
  entryId: string;
  submissionToken: string;
}

/** A page as read: its stored entries (text, sequence, stored hash) in order. */
export interface StoredPage {
  firstSequence: number;
  lastSequence: number;
  entries: StoredEntry[];
}

/**
 * The page item of a committed batch (entries in sequence order, consecutive); `encode` gives an
 * entry's canonical encoding (the writer hands in the texts it already made to size the batch).
 */
export function pageToItem(
  fundId: string,
  entries: readonly ChainedEntry[],
  encode: (entry: ChainedEntry) => string = canonicalEncoding,
): Item {
  const first = entries[0];
  if (!first) throw new Error("a page holds at least one entry");
  let min = first.bookedAt;
  let max = first.bookedAt;
  for (const entry of entries) {
    if (entry.bookedAt < min) min = entry.bookedAt;
    if (entry.bookedAt > max) max = entry.bookedAt;
  }
  return {
    pk: s(fundPk(fundId)),
    sk: s(pageSk(first.sequence)),
    firstSequence: n(first.sequence),
    lastSequence: n(first.sequence + entries.length - 1),
    minBookedAt: s(min),
    maxBookedAt: s(max),
    bodies: s(entries.map(encode).join("\n")),
    hashes: s(entries.map((entry) => entry.entryHash).join("")),
  };
}

/**
 * A page item from entries as stored elsewhere (the migration's `ENTRY#` items): their texts and
 * hashes verbatim — what was hashed is what the page holds.
 */
export function storedPageToItem(
  fundId: string,
  entries: readonly { stored: StoredEntry; bookedAt: string }[],
): Item {
  const first = entries[0];
  if (!first) throw new Error("a page holds at least one entry");
  const instants = entries.map((e) => e.bookedAt).sort();
  return {
    pk: s(fundPk(fundId)),
    sk: s(pageSk(first.stored.sequence)),
    firstSequence: n(first.stored.sequence),
    lastSequence: n(first.stored.sequence + entries.length - 1),
    minBookedAt: s(instants[0] as string),
    maxBookedAt: s(instants.at(-1) as string),
    bodies: s(entries.map((e) => e.stored.text).join("\n")),
    hashes: s(entries.map((e) => e.stored.storedHash).join("")),
  };
}

/**
 * A page's stored entries. The sequence of each comes from its place in the page; a page whose
 * bodies and hashes do not pair up reads with empty hashes from there, so the chain check names
 * the first entry it cannot vouch for.
 */
export function itemToPage(item: Item): StoredPage {
  const firstSequence = num(item, "firstSequence");
  const lastSequence = num(item, "lastSequence");
  const bodies = (item.bodies?.S ?? "").split("\n");
  const hashes = item.hashes?.S ?? "";
  const entries = bodies.map((text, i) => ({
    text,
    sequence: firstSequence + i,
    storedHash: hashes.slice(i * HASH_CHARS, (i + 1) * HASH_CHARS),
  }));
  return { firstSequence, lastSequence, entries };
}

/** A stored entry of a page decoded, with the hash stored beside it. */
export function storedToEntry(stored: StoredEntry): ChainedEntry {
  return { ...decodeCanonical(stored.text, stored.sequence), entryHash: stored.storedHash };
}

/** The booking instant of a stored entry (its text decoded); an unreadable one throws UnreadableEntryError. */
export function bookedAtOf(stored: StoredEntry): string {
  return decodeCanonical(stored.text, stored.sequence).bookedAt;
}

export function idsToItem(fundId: string, firstSequence: number, claims: readonly IdClaim[]): Item {
  return {
    pk: s(fundPk(fundId)),
    sk: s(idsSk(firstSequence)),
    firstSequence: n(firstSequence),
    ids: s(JSON.stringify(claims.map((c) => [c.entryId, c.submissionToken]))),
  };
}

/** An `IDS#` item's claims in page order; one that does not read back is reported as unreadable at its page. */
export function itemToIds(item: Item): { firstSequence: number; claims: IdClaim[] } {
  const firstSequence = num(item, "firstSequence");
  let parsed: unknown;
  try {
    parsed = JSON.parse(item.ids?.S ?? "");
  } catch {
    throw new UnreadableEntryError(firstSequence, "its page's entry ids are not JSON");
  }
  if (
    !Array.isArray(parsed) ||
    !parsed.every((c) => Array.isArray(c) && typeof c[0] === "string" && typeof c[1] === "string")
  ) {
    throw new UnreadableEntryError(firstSequence, "its page's entry ids are not a list of [id, token]");
  }
  return {
    firstSequence,
    claims: (parsed as [string, string][]).map(([entryId, submissionToken]) => ({
      entryId,
      submissionToken,
    })),
  };
}
