// Delivers webhooks the way Lightspeed does: POST, UTF-8 application/x-www-form-urlencoded,
// field `payload` holding the JSON of an API 1.0 object (plus `type`, `domain_prefix`,
// `environment` and `retailer_id`, which a receiver may not rely on); a 2xx within the timeout
// (5 s) acknowledges, anything else is retried with exponential back-off, up to 20 attempts
// (about 48 h; the delays shrink with the store's timeScale). Signed with X-Signature when
// the store plays an OAuth app (a `secret` is set). Faults: drops, duplicates and reordering.
import { createHmac } from "node:crypto";
import type { ResolvedSettings } from "./options.ts";
import { SeededRandom } from "./random.ts";
import type { Webhook, WebhookRegistry } from "./webhook_registry.ts";
import type { WebhookType } from "./webhook_payload.ts";

export interface WebhookStats {
  /** Changes that had at least one webhook to go to. */
  events: number;
  /** POSTs made, retries and duplicates included. */
  attempts: number;
  /** Deliveries acknowledged with a 2xx. */
  delivered: number;
  /** Attempts that timed out, failed or got a non-2xx reply. */
  failedAttempts: number;
  /** Deliveries lost on purpose (the `dropRate` fault). */
  dropped: number;
  /** Extra copies sent (the `duplicateRate` fault). */
  duplicated: number;
  /** Deliveries given up after the last attempt. */
  abandoned: number;
}

export function emptyWebhookStats(): WebhookStats {
  return {
    events: 0,
    attempts: 0,
    delivered: 0,
    failedAttempts: 0,
    dropped: 0,
    duplicated: 0,
    abandoned: 0,
  };
}

/** Longest gap between two attempts before timeScale: 4 h, so 20 attempts span about 48 h. */
const RETRY_CAP_MS = 4 * 60 * 60 * 1000;

export function retryDelayMs(attempt: number, baseMs: number, timeScale: number): number {
  return Math.min(RETRY_CAP_MS, baseMs * 2 ** (attempt - 1)) / timeScale;
}

/** `signature=<hex HMAC-SHA256(secret, body)>,algorithm=HMAC-SHA256`. */
export function webhookSignature(secret: string, body: string): string {
  const mac = createHmac("sha256", secret).update(body, "utf8").digest("hex");
  return `signature=${mac},algorithm=HMAC-SHA256`;
}

export class WebhookSender {
  stats = emptyWebhookStats();
  #settings: () => ResolvedSettings;
  #registry: WebhookRegistry;
  #random: SeededRandom;
  #timers = new Set<ReturnType<typeof setTimeout>>();
  #inFlight = new Set<AbortController>();
  #pending = 0;
  #idleWaiters: (() => void)[] = [];
  #stopped = false;

  constructor(settings: () => ResolvedSettings, registry: WebhookRegistry) {
    this.#settings = settings;
    this.#registry = registry;
    this.#random = new SeededRandom(`${settings().seed}:webhooks`);
  }

  /** Whether a change of this type would be sent anywhere (so callers skip rendering). */
  wanted(type: WebhookType): boolean {
    return !this.#stopped && this.#registry.targets(type).length > 0;
  }

  send(type: WebhookType, payload: unknown): void {
    const targets = this.#registry.targets(type);
    if (this.#stopped || targets.length === 0) return;
    this.stats.events++;
    const body = this.#formBody(type, payload);
    const faults = this.#settings().webhooks;
    for (const hook of targets) {
      if (this.#random.chance(faults.dropRate)) {
        this.stats.dropped++;
        continue;
      }
      const copies = this.#random.chance(faults.duplicateRate) ? 2 : 1;
      this.stats.duplicated += copies - 1;
      for (let copy = 0; copy < copies; copy++) {
        this.#schedule(hook, body, 1, this.#random.next() * faults.reorderMs);
      }
    }
  }

  /** Resolves once no delivery is waiting or in flight. */
  idle(): Promise<void> {
    if (this.#pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  stop(): void {
    this.#stopped = true;
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    for (const controller of this.#inFlight) controller.abort();
    this.#pending = 0;
    this.#wakeIdle();
  }

  #formBody(type: WebhookType, payload: unknown): string {
    return new URLSearchParams({
      environment: "simulator",
      domain_prefix: "simulator",
      retailer_id: "00000000-0000-4000-8000-000000000001",
      type,
      payload: JSON.stringify(payload),
    }).toString();
  }

  #schedule(hook: Webhook, body: string, attempt: number, delayMs: number): void {
    this.#pending++;
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      this.#attempt(hook, body, attempt).finally(() => this.#settle());
    }, delayMs);
    this.#timers.add(timer);
  }

  async #attempt(hook: Webhook, body: string, attempt: number): Promise<void> {
    if (this.#stopped) return;
    const { webhooks, timeScale } = this.#settings();
    this.stats.attempts++;
    if (await this.#post(hook.url, body, webhooks.secret, webhooks.timeoutMs)) {
      this.stats.delivered++;
      return;
    }
    this.stats.failedAttempts++;
    if (this.#stopped) return;
    if (attempt >= webhooks.maxAttempts) {
      this.stats.abandoned++;
      return;
    }
    this.#schedule(hook, body, attempt + 1, retryDelayMs(attempt, webhooks.retryBaseMs, timeScale));
  }

  async #post(url: string, body: string, secret: string | null, timeoutMs: number) {
    const controller = new AbortController();
    this.#inFlight.add(controller);
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    try {
      const headers: Record<string, string> = {
        "content-type": "application/x-www-form-urlencoded; charset=UTF-8",
        "user-agent": "lightspeed-simulator-webhooks",
      };
      if (secret !== null) headers["x-signature"] = webhookSignature(secret, body);
      const response = await fetch(url, {
        method: "POST",
        headers,
        body,
        signal: controller.signal,
        redirect: "manual",
      });
      await response.body?.cancel();
      return response.status >= 200 && response.status < 300;
    } catch {
      return false;
    } finally {
      clearTimeout(timer);
      this.#inFlight.delete(controller);
    }
  }

  #settle(): void {
    this.#pending = Math.max(0, this.#pending - 1);
    if (this.#pending === 0) this.#wakeIdle();
  }

  #wakeIdle(): void {
    for (const wake of this.#idleWaiters.splice(0)) wake();
  }
}
