import type { SeededRandom } from "./random.ts";

/** Up to `count` distinct items, chosen by partial Fisher–Yates over a copy. */
export function sample<T>(random: SeededRandom, items: T[], count = 0): T[] {
  const pool = items.slice();
  const taken = Math.min(count, pool.length);
  for (let i = 0; i < taken; i++) {
    const j = random.int(i, pool.length - 1);
    [pool[i], pool[j]] = [pool[j], pool[i]];
  }
  return pool.slice(0, taken);
}
