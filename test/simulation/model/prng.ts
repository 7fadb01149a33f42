/**
 * Seeded randomness of the simulation. One seed decides a whole run: the scenario, every choice of
 * the driver, the bank's fate for each transfer and every injected DynamoDB fault. Choices that
 * could be asked in a timing-dependent order (faults under concurrency) are not drawn from a shared
 * stream but hashed from (seed, what is asked), so the interleaving cannot change the answer.
 */
import { createHash } from "node:crypto";
import { mulberry32 } from "#local/bank-simulator/rng.ts";

export class Prng {
  private readonly next: () => number;

  constructor(readonly seed: number) {
    this.next = mulberry32(seed);
  }

  /** Uniform in [0, 1). */
  float(): number {
    return this.next();
  }

  /** Uniform integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError("nothing to pick from");
    return items[Math.floor(this.next() * items.length)] as T;
  }

  /** `count` distinct items in random order. */
  sample<T>(items: readonly T[], count: number): T[] {
    const pool = [...items];
    const out: T[] = [];
    while (out.length < count && pool.length > 0)
      out.push(pool.splice(Math.floor(this.next() * pool.length), 1)[0] as T);
    return out;
  }
}

/** A number in [0, 1) fixed by the seed and the question: the same question always gets the same answer. */
export function hashedUnit(seed: number, ...parts: readonly (string | number)[]): number {
  const digest = createHash("sha256")
    .update(`${seed}\n${parts.join("\n")}`)
    .digest();
  return digest.readUInt32BE(0) / 4294967296;
}
