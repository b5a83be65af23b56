/** Lightspeed's documented budget: 300 requests per register plus 50, per 5 minutes. */
export function lightspeedRequestLimit(registerCount: number): number {
  return 300 * registerCount + 50;
}

export const LIGHTSPEED_WINDOW_MS = 5 * 60 * 1000;

export type RateDecision = { allowed: true } | { allowed: false; retryAtMs: number };

/**
 * A sliding window over accepted requests. Rejected requests are not recorded, so a
 * client that keeps knocking is not punished beyond the window itself.
 */
export class SlidingWindowRateLimiter {
  readonly limit: number;
  readonly windowMs: number;
  #now: () => number;
  #accepted: number[] = [];
  #head = 0;

  constructor(limit: number, windowMs: number, now: () => number = Date.now) {
    this.limit = limit;
    this.windowMs = windowMs;
    this.#now = now;
  }

  tryAcquire(): RateDecision {
    const now = this.#now();
    this.#evictExpired(now);
    if (this.#accepted.length - this.#head < this.limit) {
      this.#accepted.push(now);
      return { allowed: true };
    }
    return { allowed: false, retryAtMs: this.#accepted[this.#head] + this.windowMs };
  }

  remaining(): number {
    this.#evictExpired(this.#now());
    return this.limit - (this.#accepted.length - this.#head);
  }

  clear(): void {
    this.#accepted = [];
    this.#head = 0;
  }

  #evictExpired(now: number): void {
    while (
      this.#head < this.#accepted.length && this.#accepted[this.#head] <= now - this.windowMs
    ) {
      this.#head++;
    }
    if (this.#head > 4096 && this.#head * 2 > this.#accepted.length) {
      this.#accepted = this.#accepted.slice(this.#head);
      this.#head = 0;
    }
  }
}

/** `Retry-After` as an HTTP date, rounded up to the whole second when a retry may succeed. */
export function retryAfterHttpDate(retryAtMs: number): string {
  return new Date(Math.ceil(retryAtMs / 1000) * 1000).toUTCString();
}
