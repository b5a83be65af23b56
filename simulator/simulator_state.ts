import { FaultQueue } from "./fault_queue.ts";
import { DEFAULT_SETTINGS, type ResolvedSettings, type StoreSettings } from "./options.ts";
import {
  LIGHTSPEED_WINDOW_MS,
  lightspeedRequestLimit,
  SlidingWindowRateLimiter,
} from "./rate_limiter.ts";
import { emptyStats, type SimulatorStats } from "./stats.ts";
import { SimulatorStore } from "./store.ts";
import { apiOnePayload, WEBHOOK_TYPE_OF_ENTITY } from "./webhook_payload.ts";
import { WebhookRegistry } from "./webhook_registry.ts";
import { WebhookSender } from "./webhook_sender.ts";

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
  /** The store's webhooks; a reset keeps them, as a receiver's registration outlives data. */
  readonly webhooks = new WebhookRegistry();
  webhookSender: WebhookSender;
  /** Bearer tokens let in besides the store's own: an OAuth app's live access tokens. */
  acceptsToken: (token: string) => boolean = () => false;

  constructor(settings: StoreSettings, now: () => number = Date.now) {
    this.startupSettings = resolveSettings(DEFAULT_SETTINGS, settings);
    this.now = now;
    this.settings = this.startupSettings;
    this.store = buildStore(this.settings);
    this.limiter = this.#buildLimiter();
    this.webhookSender = new WebhookSender(() => this.settings, this.webhooks);
    this.#sendWebhooksFor(this.store);
  }

  /** Rebuilds the store from the startup settings overridden by `changes`. */
  reset(changes: StoreSettings): void {
    const settings = resolveSettings(this.startupSettings, changes);
    this.store = buildStore(settings);
    this.settings = settings;
    this.limiter = this.#buildLimiter();
    this.faults.clear();
    this.stats = emptyStats();
    // Deliveries of the old store's changes stop with it.
    this.webhookSender.stop();
    this.webhookSender = new WebhookSender(() => this.settings, this.webhooks);
    this.#sendWebhooksFor(this.store);
  }

  /** Every change the store makes from now on goes to the webhooks of its type. */
  #sendWebhooksFor(store: SimulatorStore): void {
    store.onChange = (entity, record) => {
      const type = WEBHOOK_TYPE_OF_ENTITY[entity];
      if (type === undefined || !this.webhookSender.wanted(type)) return;
      const rendered = store.render(entity, record) as Record<string, unknown>;
      this.webhookSender.send(type, apiOnePayload(entity, rendered));
    };
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
