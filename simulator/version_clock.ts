import type { SeededRandom } from "./random.ts";

/** Above 2^32 so clients that store versions in 32-bit integers break visibly. */
export const FIRST_VERSION_FLOOR = 4_294_967_296 + 1_000_000;

/**
 * One counter for every resource in the store, as Lightspeed's is global:
 * consecutive versions within one feed therefore have gaps.
 */
export class VersionClock {
  #current: number;
  #random: SeededRandom;

  constructor(random: SeededRandom) {
    this.#random = random;
    this.#current = FIRST_VERSION_FLOOR + random.int(0, 9_999_999);
  }

  get current(): number {
    return this.#current;
  }

  next(): number {
    this.#current += this.#random.int(1, 37);
    return this.#current;
  }
}
