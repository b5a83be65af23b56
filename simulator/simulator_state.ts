import { FaultQueue } from "./fault_queue.ts";
import { DEFAULT_SETTINGS, type ResolvedSettings, type StoreSettings } from "./options.ts";
import {
  LIGHTSPEED_WINDOW_MS,
  lightspeedRequestLimit,
  SlidingWindowRateLimiter,
} from "./rate_limiter.ts";
import { emptyStats, type SimulatorStats } from "./stats.ts";
import { SimulatorStore } from "./store.ts";

export interface RateLimitConfig {
  limit: number;
  windowMs: number;
  timeScale: number;
  remaining: number;
}

/** Everything one running simulator holds; a control reset swaps it wholesale. */
export class SimulatorState {
  readonly startupSettings: ResolvedSettings;
  readonly now: () => number;
  settings: ResolvedSettings;
  store: SimulatorStore;
  limiter: SlidingWindowRateLimiter;
  faults = new FaultQueue();
  stats: SimulatorStats = emptyStats();

  constructor(settings: StoreSettings, now: () => number = Date.now) {
    this.startupSettings = resolveSettings(DEFAULT_SETTINGS, settings);
    this.now = now;
    this.settings = this.startupSettings;
    this.store = buildStore(this.settings);
    this.limiter = this.#buildLimiter();
  }

  /** Rebuilds the store from the startup settings overridden by `changes`. */
  reset(changes: StoreSettings): void {
    const settings = resolveSettings(this.startupSettings, changes);
    this.store = buildStore(settings);
    this.settings = settings;
    this.limiter = this.#buildLimiter();
    this.faults.clear();
    this.stats = emptyStats();
  }

  rateLimitConfig(): RateLimitConfig {
    return {
      limit: this.limiter.limit,
      windowMs: this.limiter.windowMs,
      timeScale: this.settings.timeScale,
      remaining: this.limiter.remaining(),
    };
  }

  #buildLimiter(): SlidingWindowRateLimiter {
    return new SlidingWindowRateLimiter(
      lightspeedRequestLimit(this.store.registerCount),
      LIGHTSPEED_WINDOW_MS / this.settings.timeScale,
      this.now,
    );
  }
}

function resolveSettings(base: ResolvedSettings, changes: StoreSettings): ResolvedSettings {
  const defined = Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined));
  return { ...base, ...defined } as ResolvedSettings;
}

function buildStore(settings: ResolvedSettings): SimulatorStore {
  return new SimulatorStore({
    seed: settings.seed,
    scale: settings.scale,
    outlets: settings.outlets,
    registers: settings.registers,
  });
}
