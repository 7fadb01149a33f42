/**
 * Seedable randomness for reproducible runs. Each instruction draws from its own stream derived from
 * (seed, instructionId), so its fate does not depend on the order in which concurrent instructions
 * arrive: the same seed gives the same outcomes, whatever the interleaving.
 */
import { createHash } from "node:crypto";

export type Random = () => number;

/** mulberry32: small, fast, good enough for simulation (not for secrets). */
export function mulberry32(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function streamFor(seed: number, key: string): Random {
  const digest = createHash("sha256").update(`${seed}\n${key}`).digest();
  return mulberry32(digest.readUInt32BE(0));
}

/** Picks a key with probability proportional to its weight. */
export function weightedPick<K extends string>(random: Random, weights: Partial<Record<K, number>>): K {
  const entries = Object.entries(weights).filter(([, w]) => typeof w === "number" && w > 0) as [K, number][];
  if (entries.length === 0) throw new RangeError("no positive weight to pick from");
  const total = entries.reduce((sum, [, w]) => sum + w, 0);
  let point = random() * total;
  for (const [key, weight] of entries) {
    point -= weight;
    if (point < 0) return key;
  }
  return (entries.at(-1) as [K, number])[0];
}
