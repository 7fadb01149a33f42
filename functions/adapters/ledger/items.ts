/**
 * The ledger's DynamoDB items (table `ledger`, one partition per fund, DOMAIN §5):
 *
 * | sk                     | item                                                                    |
 * |------------------------|-------------------------------------------------------------------------|
 * | `HEAD`                 | quota, balance, committed, sequence, revision, headHash, lastAlertState, alertPercent, closedThrough — and the OPEN PAGE: `openFirst`, `openBodies`, `openHashes`, `openIds` |
 * | `PAGE#<12-digit first seq>` | a sealed page, append-only: its entries' canonical encodings and hashes, in sequence order |
 * | `IDS#<12-digit first seq>`  | the same page's entry ids, in the same order, with the submission token that wrote each |
 *
 * The open page: the newest entries, not yet sealed into a `PAGE#` item, live on the head itself —
 * `openFirst` (the first sequence of the open page; absent on a head written before it existed,
 * read as `sequence + 1`, i.e. empty) and three lists with one element per entry: `openBodies`
 * (canonical encodings), `openHashes` (entry hashes) and `openIds` (`[entryId, submissionToken]`
 * as JSON); the lists are absent while the open page is empty. Lists, so that a small batch's
 * write carries only its own entries (`list_append`), not the whole open page again. Entry `openFirst + i` is the i-th body, and `sequence − openFirst + 1`
 * entries are open. Why: a lone payment (one caller, one entry a batch) is then ONE conditional
 * write of one item — measured on DynamoDB Local, a conditional UpdateItem of a 3 KB item costs
 * 0.98 ms against 2.48 ms for a TransactWriteItems of three — while big batches keep their pages.
 * The writer seals the open page when a batch would take it past `OPEN_PAGE_ENTRIES_MAX` entries or
 * `OPEN_PAGE_BYTES_MAX` bytes (writer.ts), or carries a low-balance outbox item: that batch's
 * transaction writes `PAGE#<openFirst>` and `IDS#<openFirst>` holding the open entries followed by
 * the batch, and the head with its open page emptied. So the page an id is located in (its
 * `openFirst`) never changes its key: open, it is read from the head; sealed, from `PAGE#<openFirst>`,
 * and the open entries are copied verbatim (a sealed page begins with the open page it replaced).
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
 * writer's condition on it pins the exact head it planned against — open page included.
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
  /** The entries on the head not yet sealed into a page (items.ts header). */
  open: OpenPage;
}

/** The open page on the head: entries `first … first + texts.length − 1`. */
export interface OpenPage {
  first: number;
  /** Canonical encodings, as hashed. */
  texts: readonly string[];
  /** Entry hashes, HASH_CHARS each, concatenated. */
  hashes: string;
  claims: readonly IdClaim[];
  /** Bytes of the texts, newlines and hashes: what the open page adds to the head. */
  bytes: number;
}

/** An empty open page after `sequence`. */
export function emptyOpenPage(sequence: number): OpenPage {
  return { first: sequence + 1, texts: [], hashes: "", claims: [], bytes: 0 };
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
    ...openPageAttributes(head.open),
  };
}

/** The head's open-page attributes; the text ones only when the open page holds entries. */
export function openPageAttributes(open: OpenPage): Item {
  if (open.texts.length === 0) return { openFirst: n(open.first) };
  return {
    openFirst: n(open.first),
    ...openListsOf(
      open.texts,
      Array.from({ length: open.texts.length }, (_, i) =>
        open.hashes.slice(i * HASH_CHARS, (i + 1) * HASH_CHARS),
      ),
      open.claims,
    ),
  };
}

/** Entries as the open page's three lists (the whole page, or what a write appends to it). */
export function openListsOf(
  texts: readonly string[],
  hashes: readonly string[],
  claims: readonly IdClaim[],
): { openBodies: AttributeValue; openHashes: AttributeValue; openIds: AttributeValue } {
  return {
    openBodies: { L: texts.map(s) },
    openHashes: { L: hashes.map(s) },
    openIds: { L: claims.map((c) => s(JSON.stringify([c.entryId, c.submissionToken]))) },
  };
}

/**
 * The head's open page as stored. Texts and hashes are read as stored (a tampered open page is
 * named by the chain check, like a tampered page); ids that do not read back are empty claims,
 * so the check names the entry they should vouch for.
 */
function itemToOpenPage(item: Item, sequence: number): OpenPage {
  const first = item.openFirst?.N !== undefined ? Number(item.openFirst.N) : sequence + 1;
  const bodies = item.openBodies?.L;
  if (bodies === undefined) return emptyOpenPage(first - 1);
  const texts = bodies.map((b) => b.S ?? "");
  const hashes = (item.openHashes?.L ?? [])
    .map((h) => (h.S ?? "").padEnd(HASH_CHARS).slice(0, HASH_CHARS))
    .join("");
  const claims = (item.openIds?.L ?? []).flatMap((c) => {
    try {
      const parsed = JSON.parse(c.S ?? "") as unknown;
      if (Array.isArray(parsed) && typeof parsed[0] === "string" && typeof parsed[1] === "string")
        return [{ entryId: parsed[0], submissionToken: parsed[1] }];
    } catch {
      // below: an id that does not read back is an empty claim, named by verify
    }
    return [{ entryId: "", submissionToken: "" }];
  });
  return { first, texts, hashes, claims, bytes: openBytesOf(texts) };
}

/** Bytes an open page's texts take with their newlines and hashes. */
export function openBytesOf(texts: readonly string[]): number {
  let bytes = 0;
  for (const text of texts) bytes += Buffer.byteLength(text) + 1 + HASH_CHARS;
  return bytes;
}

/** The open page as a page read from the table: what the readers stream after the sealed pages. */
export function openPageToStored(open: OpenPage): StoredPage {
  return {
    firstSequence: open.first,
    lastSequence: open.first + open.texts.length - 1,
    entries: open.texts.map((text, i) => ({
      text,
      sequence: open.first + i,
      storedHash: open.hashes.slice(i * HASH_CHARS, (i + 1) * HASH_CHARS),
    })),
  };
}

export function itemToHead(item: Item): FundHead {
  const alertPercent = optStr(item, "alertPercent");
  const closedThrough = optStr(item, "closedThrough");
  const sequence = num(item, "sequence");
  return {
    fundId: str(item, "fundId"),
    sequence,
    open: itemToOpenPage(item, sequence),
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
 * The page item that seals an open page: its entries (verbatim) followed by a batch's, keyed by the
 * open page's first sequence.
 */
export function sealedPageItem(
  fundId: string,
  open: readonly { text: string; hash: string; bookedAt: string }[],
  batch: readonly { text: string; hash: string; bookedAt: string }[],
  firstSequence: number,
): Item {
  const all = open.length === 0 ? batch : [...open, ...batch];
  const firstEntry = all[0];
  if (!firstEntry) throw new Error("a page holds at least one entry");
  let min = firstEntry.bookedAt;
  let max = firstEntry.bookedAt;
  let bodies = "";
  let hashes = "";
  for (const [i, entry] of all.entries()) {
    if (entry.bookedAt < min) min = entry.bookedAt;
    if (entry.bookedAt > max) max = entry.bookedAt;
    bodies += i === 0 ? entry.text : `\n${entry.text}`;
    hashes += entry.hash;
  }
  return {
    pk: s(fundPk(fundId)),
    sk: s(pageSk(firstSequence)),
    firstSequence: n(firstSequence),
    lastSequence: n(firstSequence + all.length - 1),
    minBookedAt: s(min),
    maxBookedAt: s(max),
    bodies: s(bodies),
    hashes: s(hashes),
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

/**
 * `itemBytes(headToItem(head))` without building the item: its attributes counted as `itemBytes`
 * counts them, the open page's lists as each list's name, 3 bytes and per element 1 byte and its
 * text — the lists' share kept per open page, carried on by `appendToOpenPage`.
 */
export function headItemBytes(head: FundHead): number {
  const b = head.balances;
  let bytes =
    stringBytes("pk", fundPk(head.fundId)) +
    stringBytes("sk", HEAD_SK) +
    stringBytes("fundId", head.fundId) +
    stringBytes("quotaYuan", b.quota.toString()) +
    stringBytes("balanceYuan", b.balance.toString()) +
    stringBytes("committedYuan", b.committed.toString()) +
    numberBytes("sequence", head.sequence) +
    numberBytes("revision", head.revision) +
    stringBytes("headHash", head.headHash) +
    stringBytes("lastAlertState", head.alertState) +
    numberBytes("openFirst", head.open.first);
  if (head.alertPercent !== undefined) bytes += stringBytes("alertPercent", head.alertPercent);
  if (head.closedThrough !== undefined) bytes += stringBytes("closedThrough", head.closedThrough);
  return bytes + openListBytes(head.open);
}

const stringBytes = (name: string, value: string): number => name.length + Buffer.byteLength(value);
const numberBytes = (name: string, value: number): number => name.length + valueBytes({ N: String(value) });

/** The three lists' names and list overheads: what a non-empty open page adds besides its elements. */
const OPEN_LISTS_BYTES = "openBodies".length + "openHashes".length + "openIds".length + 3 * 3;

/** What each open page's lists add to the head item, once per page. */
const openListBytesMemo = new WeakMap<OpenPage, number>();

function openListBytes(open: OpenPage): number {
  const count = open.texts.length;
  if (count === 0) return 0;
  let bytes = openListBytesMemo.get(open);
  if (bytes === undefined) {
    bytes = OPEN_LISTS_BYTES + entriesListBytes(open.bytes, count, open.claims);
    openListBytesMemo.set(open, bytes);
  }
  return bytes;
}

/** The elements' share of the lists: `textBytes` is the texts with a newline each and their hashes. */
function entriesListBytes(textBytes: number, count: number, claims: readonly IdClaim[]): number {
  let ids = 0;
  for (const c of claims) ids += 1 + Buffer.byteLength(JSON.stringify([c.entryId, c.submissionToken]));
  const bodies = textBytes - count * HASH_CHARS; // each text's bytes plus 1
  const hashes = count * (1 + HASH_CHARS);
  return bodies + hashes + ids;
}

/**
 * The open page with entries appended (texts, their hashes concatenated, their claims), as a write
 * that appends to the head's lists leaves it; its size in the head is counted from the page before.
 */
export function appendToOpenPage(
  open: OpenPage,
  texts: readonly string[],
  hashes: string,
  claims: readonly IdClaim[],
): OpenPage {
  const added = openBytesOf(texts);
  const next: OpenPage = {
    first: open.first,
    texts: [...open.texts, ...texts],
    hashes: open.hashes + hashes,
    claims: [...open.claims, ...claims],
    bytes: open.bytes + added,
  };
  const before = open.texts.length === 0 ? OPEN_LISTS_BYTES : openListBytesMemo.get(open);
  if (before !== undefined && texts.length > 0)
    openListBytesMemo.set(next, before + entriesListBytes(added, texts.length, claims));
  return next;
}

/**
 * DynamoDB's size of an item: each attribute's name plus its value (strings in UTF-8, numbers ≈
 * digits ÷ 2 + 1, a list 3 bytes plus 1 and the size of each element).
 */
export function itemBytes(item: Item): number {
  let bytes = 0;
  for (const [name, value] of Object.entries(item)) bytes += Buffer.byteLength(name) + valueBytes(value);
  return bytes;
}

function valueBytes(value: AttributeValue): number {
  if (value.S !== undefined) return Buffer.byteLength(value.S);
  if (value.N !== undefined) return Math.ceil(value.N.replace(/[-.]/g, "").length / 2) + 1;
  if (value.L !== undefined) return value.L.reduce((sum, v) => sum + 1 + valueBytes(v), 3);
  return 1;
}
