/**
 * Waves of concurrent identical requests against one route in one state (issue 18 "must be shown"):
 * twenty with the same Idempotency-Key, then twenty without one, then twenty each with its own key.
 * Each answer is classed by what it says it did — took effect, replayed the recorded answer, repeated
 * an effect already made, or refused — and the classes are counted per wave for the printed table.
 */
import { REPLAY_HEADER } from "#functions/middleware/idempotency.ts";
import type { ApiClient, ApiResponse, RequestOptions } from "#test/e2e/support/api.ts";

export const WAVE_SIZE = 20;
export const WAVES = ["same key", "no key", "distinct keys"] as const;
export type Wave = (typeof WAVES)[number];

export type AnswerKind = "effect" | "replay" | "repeat" | "refused" | "server-error";

/** One request of a wave: who sends what where (headers are sent as given, the wave adds its key). */
export interface WaveRequest {
  client: ApiClient;
  /** POST unless said otherwise (a PUT replaces a resource). */
  method?: "POST" | "PUT";
  path: string;
  body?: unknown;
  /** Sent as the raw body instead of JSON (a signed callback signs these exact bytes). */
  rawBody?: string;
  headers?: Record<string, string>;
}

/**
 * What the answer says it did. A 2xx that carries the replay header, or a body marking it as a repeat
 * of an effect already made (`repeated`, `existing`, `duplicate`, outcome `duplicate`,
 * `executedNow: false`), did not take effect; any other 2xx did.
 */
export function kindOf(answer: ApiResponse): AnswerKind {
  if (answer.status >= 500) return "server-error";
  if (answer.status >= 300) return "refused";
  if (answer.headers.get(REPLAY_HEADER) === "true") return "replay";
  const body = answer.body;
  if (body && typeof body === "object") {
    const b = body as Record<string, unknown>;
    if (
      b.repeated === true ||
      b.existing === true ||
      b.duplicate === true ||
      b.outcome === "duplicate" ||
      b.executedNow === false
    ) {
      return "repeat";
    }
  }
  return "effect";
}

let waveSequence = 0;

/** Fires one wave of WAVE_SIZE identical requests at once and returns the answers. */
export async function fireWave(request: WaveRequest, wave: Wave, label: string): Promise<ApiResponse[]> {
  waveSequence += 1;
  const sharedKey = `${label}-same-${waveSequence}-${Math.random().toString(36).slice(2, 8)}`;
  const options = (i: number): RequestOptions => {
    const base: RequestOptions = {
      ...(request.headers ? { headers: { ...request.headers } } : {}),
      ...(request.rawBody !== undefined ? { rawBody: request.rawBody } : {}),
    };
    if (wave === "same key") return { ...base, idempotencyKey: sharedKey };
    if (wave === "distinct keys")
      return {
        ...base,
        idempotencyKey: `${label}-own-${waveSequence}-${i}-${Math.random().toString(36).slice(2, 8)}`,
      };
    return base;
  };
  return Promise.all(
    Array.from({ length: WAVE_SIZE }, (_, i) =>
      request.client.request(
        request.method ?? "POST",
        request.path,
        request.rawBody !== undefined ? undefined : request.body,
        options(i),
      ),
    ),
  );
}

/** "201×1 201↺×19": status and kind counts of a wave (↺ replay, = repeat, ✓ effect). */
export function histogram(answers: readonly ApiResponse[]): string {
  const mark: Record<AnswerKind, string> = {
    effect: "✓",
    replay: "↺",
    repeat: "=",
    refused: "",
    "server-error": "!",
  };
  const counts = new Map<string, number>();
  for (const answer of answers) {
    const label = `${answer.status}${mark[kindOf(answer)]}`;
    counts.set(label, (counts.get(label) ?? 0) + 1);
  }
  return [...counts.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([label, n]) => `${label}×${n}`)
    .join(" ");
}

/** A fixed-width table for the console (monospace; CJK is not used in cells). */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(" | ");
  return [line(header), widths.map((w) => "-".repeat(w)).join("-|-"), ...rows.map(line)].join("\n");
}
