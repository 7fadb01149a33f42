/**
 * Structured JSON logs with personal data masked in every line (DOMAIN §7, ARCHITECTURE §3.8).
 * Masking works twice over: by key name (a field called `idNumber`, `phone`, `bankAccount` … is
 * masked whatever it holds) and by pattern inside every string (an ID number pasted into an error
 * message is still caught). The correlation id of the current request is added to every line.
 *
 * Sinks: lines go to stdout (CloudWatch in AWS); tests add a sink with `captureLogs()` to assert that
 * no unmasked personal data ever reaches a line.
 */
import { AsyncLocalStorage } from "node:async_hooks";

export type LogLevel = "DEBUG" | "INFO" | "WARN" | "ERROR";
const LEVEL_ORDER: Record<LogLevel, number> = { DEBUG: 10, INFO: 20, WARN: 30, ERROR: 40 };

// ---------------------------------------------------------------------------------------- masking

/** `230102199001011234` → `2301**********1234` (DOMAIN §7). Other documents: all but the last 4. */
export function maskIdNumber(value: string): string {
  if (value.length === 18) return `${value.slice(0, 4)}${"*".repeat(10)}${value.slice(-4)}`;
  return maskAllButLast(value, 4);
}

/** `13812345678` → `138****5678`. */
export function maskPhone(value: string): string {
  if (value.length === 11) return `${value.slice(0, 3)}****${value.slice(-4)}`;
  return maskAllButLast(value, 4);
}

/** Bank account: only the last 4 digits stay. */
export function maskBankAccount(value: string): string {
  return maskAllButLast(value, 4);
}

function maskAllButLast(value: string, keep: number): string {
  if (value.length <= keep) return "*".repeat(value.length);
  return "*".repeat(value.length - keep) + value.slice(-keep);
}

// Digit look-arounds rather than \b: a number glued to letters or Chinese text is still caught.
const ID_NUMBER_PATTERN = /(?<![0-9])[1-9][0-9]{16}[0-9Xx](?![0-9A-Za-z])/g;
const BANK_ACCOUNT_PATTERN = /(?<![0-9*])[0-9]{12,19}(?![0-9])/g;
const PHONE_PATTERN = /(?<![0-9])(?:\+?86[- ]?)?1[3-9][0-9]{9}(?![0-9])/g;

/** Masks ID numbers, bank accounts and mobile numbers found anywhere in free text. */
export function maskText(text: string): string {
  return text
    .replace(ID_NUMBER_PATTERN, (match) => maskIdNumber(match))
    .replace(BANK_ACCOUNT_PATTERN, (match) => maskBankAccount(match))
    .replace(PHONE_PATTERN, (match) => {
      const digits = match.slice(-11);
      return match.slice(0, match.length - 11) + maskPhone(digits);
    });
}

type KeyKind = "id" | "phone" | "bank";
const KEY_RULES: ReadonlyArray<[RegExp, KeyKind]> = [
  [
    /^(id(entity)?(number|no|card|cardno)|identity(number|no)?|idcard|certificateno|documentnumber|证件号码?|身份证号?)$/i,
    "id",
  ],
  [/(phone|mobile|tel|telephone|contactnumber|手机|电话)$/i, "phone"],
  [/(bankaccount|accountnumber|accountno|cardnumber|iban|银行账号|账号)$/i, "bank"],
];

function keyKind(key: string): KeyKind | undefined {
  const normalized = key.replace(/[-_\s]/g, "");
  for (const [pattern, kind] of KEY_RULES) if (pattern.test(normalized)) return kind;
  return undefined;
}

function maskByKind(kind: KeyKind, value: string): string {
  if (kind === "id") return maskIdNumber(value);
  if (kind === "phone") return maskPhone(value);
  return maskBankAccount(value);
}

/** Deep copy of `value` with personal data masked by key name and by pattern. Cycles become "[Circular]". */
export function maskPersonalData<T>(value: T): T {
  return maskValue(value, undefined, new WeakSet()) as T;
}

function maskValue(value: unknown, kind: KeyKind | undefined, seen: WeakSet<object>): unknown {
  if (typeof value === "string") return kind ? maskByKind(kind, value) : maskText(value);
  if (typeof value === "number" || typeof value === "bigint") {
    return kind ? maskByKind(kind, String(value)) : value;
  }
  if (value === null || typeof value !== "object") return value;
  if (seen.has(value)) return "[Circular]";
  seen.add(value);
  if (value instanceof Error) {
    return {
      name: value.name,
      message: maskText(value.message),
      ...(value.stack ? { stack: maskText(value.stack) } : {}),
      ...("code" in value ? { code: maskValue((value as { code: unknown }).code, undefined, seen) } : {}),
    };
  }
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map((item) => maskValue(item, kind, seen));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) out[key] = maskValue(item, keyKind(key) ?? kind, seen);
  return out;
}

// ---------------------------------------------------------------------------------------- logging

export interface LogContext {
  correlationId?: string;
  [key: string]: unknown;
}

const contextStore = new AsyncLocalStorage<LogContext>();

/** Runs `fn` with `context` (e.g. the correlation id) attached to every log line written inside it. */
export function withLogContext<T>(context: LogContext, fn: () => T): T {
  return contextStore.run({ ...contextStore.getStore(), ...context }, fn);
}

export function currentLogContext(): LogContext {
  return contextStore.getStore() ?? {};
}

export type LogSink = (line: string) => void;
const stdoutSink: LogSink = (line) => {
  process.stdout.write(`${line}\n`);
};
const sinks = new Set<LogSink>([stdoutSink]);

/** Adds a sink receiving every (already masked) JSON line; returns a function removing it. */
export function addLogSink(sink: LogSink): () => void {
  sinks.add(sink);
  return () => sinks.delete(sink);
}

/**
 * For tests: collect the lines written from now on (stdout stays quiet unless `echo`).
 * `stop()` restores stdout and returns the lines.
 */
export function captureLogs(options: { echo?: boolean } = {}): { lines: string[]; stop(): string[] } {
  const lines: string[] = [];
  const remove = addLogSink((line) => lines.push(line));
  const hadStdout = sinks.has(stdoutSink);
  if (!options.echo) sinks.delete(stdoutSink);
  return {
    lines,
    stop() {
      remove();
      if (hadStdout) sinks.add(stdoutSink);
      return lines;
    },
  };
}

/** INFO until the configuration is read, which sets its `AIDFLOW_LOG_LEVEL` (config.ts). */
let minimumLevel: LogLevel = "INFO";

export function setLogLevel(level: LogLevel): void {
  minimumLevel = level;
}

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  /** A logger whose lines all carry `fields` (e.g. `{ component: "audit" }`). */
  child(fields: Record<string, unknown>): Logger;
}

function write(
  level: LogLevel,
  base: Record<string, unknown>,
  message: string,
  fields?: Record<string, unknown>,
) {
  if (LEVEL_ORDER[level] < LEVEL_ORDER[minimumLevel]) return;
  const record = maskPersonalData({
    level,
    timestamp: new Date().toISOString(),
    message,
    ...base,
    ...currentLogContext(),
    ...fields,
  });
  const line = JSON.stringify(record);
  for (const sink of sinks) sink(line);
}

export function createLogger(base: Record<string, unknown> = {}): Logger {
  return {
    debug: (message, fields) => write("DEBUG", base, message, fields),
    info: (message, fields) => write("INFO", base, message, fields),
    warn: (message, fields) => write("WARN", base, message, fields),
    error: (message, fields) => write("ERROR", base, message, fields),
    child: (fields) => createLogger({ ...base, ...fields }),
  };
}

/**
 * Writes `record` as one line (masked, with the log context) whatever the log level: for records a
 * machine reads, such as the CloudWatch metrics of ./metrics.ts, which a quieter level must not drop.
 */
export function writeRecord(record: Record<string, unknown>): void {
  const line = JSON.stringify(maskPersonalData({ ...currentLogContext(), ...record }));
  for (const sink of sinks) sink(line);
}

/** The process-wide logger; every module may use it. */
export const logger: Logger = createLogger({ service: "aidflow" });
