/**
 * The ledger's DynamoDB items (table `ledger`, one partition per fund, DOMAIN §5):
 *
 * | sk                     | item                                                                    |
 * |------------------------|-------------------------------------------------------------------------|
 * | `HEAD`                 | quota, balance, committed, sequence, revision, headHash, lastAlertState, alertPercent, closedThrough |
 * | `ENTRY#<12-digit seq>` | one chained entry, append-only: its canonical encoding, bookedAt, hash  |
 * | `ENTRYID#<entryId>`    | marks an entry id as applied, forever: sequence, entryHash, fingerprint |
 *
 * Amounts are stored as two-decimal strings built by `Yuan`, never as numbers (ARCHITECTURE §3.1).
 * `revision` counts every change of the head (a batch, a period close, a new alert percentage): the
 * writer's condition on it pins the exact head it planned against.
 */
import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import type { AlertState, ChainedEntry, PlanningHead, StoredEntry } from "#core/ledger/index.ts";
import { canonicalEncoding, decodeCanonical } from "#core/ledger/index.ts";
import { Yuan } from "#core/money/yuan.ts";

export type Item = Record<string, AttributeValue>;

const SEQUENCE_DIGITS = 12;
export const HEAD_SK = "HEAD";
export const ENTRY_PREFIX = "ENTRY#";
export const ENTRY_ID_PREFIX = "ENTRYID#";

export const fundPk = (fundId: string): string => `FUND#${fundId}`;
export const entrySk = (sequence: number): string =>
  `${ENTRY_PREFIX}${String(sequence).padStart(SEQUENCE_DIGITS, "0")}`;
export const entryIdSk = (entryId: string): string => `${ENTRY_ID_PREFIX}${entryId}`;

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
