// The store's webhooks, as Lightspeed keeps them: one per type and URL, made and removed
// through the API (`/api/webhooks`) or by hand on the store's /setup/api page.
import type { WebhookType } from "./webhook_payload.ts";

export interface Webhook {
  id: string;
  url: string;
  type: WebhookType;
  active: boolean;
}

export class WebhookRegistry {
  #hooks = new Map<string, Webhook>();

  list(): Webhook[] {
    return [...this.#hooks.values()];
  }

  /** Null when a webhook of that type and URL exists already (Lightspeed answers 409). */
  add(input: Omit<Webhook, "id">): Webhook | null {
    if (this.list().some((h) => h.type === input.type && h.url === input.url)) return null;
    const hook = { id: crypto.randomUUID(), ...input };
    this.#hooks.set(hook.id, hook);
    return hook;
  }

  remove(id: string): boolean {
    return this.#hooks.delete(id);
  }

  /** The active webhooks a change of this type goes to. */
  targets(type: WebhookType): Webhook[] {
    return this.list().filter((h) => h.active && h.type === type);
  }

  clear(): void {
    this.#hooks.clear();
  }
}
