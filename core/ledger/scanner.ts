/**
 * The entry scanner (native/ledger-scanner/scanner.ts, compiled to WebAssembly): reads a stored
 * canonical encoding in ASCII without making a string, and says where each text field lies and
 * what numbers it holds. A replay of a million entries spends most of its time reading entries;
 * the scanner checks every byte in one pass and leaves the strings to be made only when asked
 * for (core/ledger/stored.ts). Text it cannot take (not ASCII, or longer than its input buffer)
 * is left to the regular expression of stored.ts, which reads the same language.
 *
 * Pure computation: no I/O, no clock, nothing allocated per entry; one module for the process.
 */
import { hash } from "node:crypto";
import { sha256 } from "./canonical.ts";
import { SCANNER_WASM_BASE64 } from "./scanner-wasm.ts";

/** Result slots, as native/ledger-scanner/scanner.ts writes them (i32 at byte 0, f64 at byte 128). */
// biome-ignore format: one line, so the not-policy mark covers every slot
export const SLOT = { kind: 0, drawKind: 1, prevHash: 2, fundId: 4, entryId: 6, bookedAt: 8, references: 10 } as const; // not-policy: result slots of the scanner's memory layout
export const NUMBER_SLOT = { sequence: 0, amount: 1, quota: 2, balance: 3, committed: 4 } as const; // not-policy: result slots of the scanner's memory layout

const I32_AT = 0; // not-policy: memory layout of the scanner
const F64_AT = 128; // not-policy: memory layout of the scanner
const INPUT_AT = 256; // not-policy: memory layout of the scanner
const STATIC_DATA_AT = 65_536 - 1_024; // not-policy: memory layout of the scanner (scripts/build-ledger-scanner.ts memoryBase)

const instance = new WebAssembly.Instance(
  new WebAssembly.Module(Buffer.from(SCANNER_WASM_BASE64, "base64")),
  {},
);
const scanBytes = instance.exports.scan as (
  length: number,
  prevHashLength: number,
  fundIdLength: number,
) => number;
const memory = instance.exports.memory as WebAssembly.Memory;

/** The scanner's i32 results (offsets in code units, kind indices). */
export const scannedI32 = new Int32Array(memory.buffer, I32_AT, 32); // not-policy: slots
/** The scanner's number results (sequence; amounts in integer fen). */
export const scannedF64 = new Float64Array(memory.buffer, F64_AT, 8); // not-policy: slots
const input = new Uint8Array(memory.buffer, INPUT_AT, STATIC_DATA_AT - INPUT_AT);
const encoder = new TextEncoder();
/** The text whose bytes are in `input` now (ASCII: its UTF-8 bytes are its characters). */
let lastScanned: string | undefined;
/** Views of the input of each length seen: a hash of the bytes makes no view per entry. */
const inputViews: (Uint8Array | undefined)[] = [];

/**
 * SHA-256 in hex of `text` as UTF-8, as core/ledger/canonical.ts `sha256` gives it; when `text` is
 * the text scanned last, over the bytes the scanner already holds (the same bytes: ASCII), without
 * encoding it again.
 */
export function sha256OfScanned(text: string): string {
  if (text !== lastScanned) return sha256(text);
  const length = text.length;
  let view = inputViews[length];
  if (!view) {
    view = input.subarray(0, length);
    inputViews[length] = view;
  }
  return hash("sha256", view, "hex");
}

/** What the scanner made of a text. */
export type ScanResult =
  /** The canonical encoding in plain form: its fields are in `scannedI32` / `scannedF64` until the next scan. */
  | "canonical"
  /** ASCII the scanner read, and not the canonical encoding in plain form with those lengths. */
  | "not-canonical"
  /** Not ASCII, or longer than the scanner's input: the caller reads it the regular-expression way. */
  | "not-scanned";

/**
 * Scans `text`, an entry expected to link to a head of `prevHashLength` characters in a fund whose
 * id has `fundIdLength` (both plain text): their spans are checked for length only, and the caller
 * compares their text.
 */
export function scanCanonical(text: string, prevHashLength: number, fundIdLength: number): ScanResult {
  const length = text.length;
  if (length >= input.length) return "not-scanned";
  lastScanned = undefined; // the input is about to change
  const { read, written } = encoder.encodeInto(text, input);
  // A character beyond ASCII takes more than one byte: then it is not the scanner's to read.
  if (read !== length || written !== length) return "not-scanned";
  input[length] = 0; // a stop byte: nothing after the text can pass for a field
  lastScanned = text;
  return scanBytes(length, prevHashLength, fundIdLength) === 1 ? "canonical" : "not-canonical";
}
