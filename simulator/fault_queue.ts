import type { QueuedFault } from "./options.ts";

/** A queued fault; one with `untilMs` (an outage) hits every request until then. */
type PendingFault = QueuedFault & { untilMs?: number };

/**
 * Faults waiting for API requests. Each request takes at most one fault: the first
 * queued one whose path filter matches; a fault with `count: n` hits n requests.
 */
export class FaultQueue {
  #pending: PendingFault[] = [];

  /** Queues a fault; with `untilMs` it lasts until that time instead of `count` requests. */
  add(fault: QueuedFault, untilMs?: number): void {
    this.#pending.push(untilMs === undefined ? { ...fault } : { ...fault, untilMs });
  }

  clear(): void {
    this.#pending = [];
  }

  list(): PendingFault[] {
    return this.#pending.map((fault) => ({ ...fault }));
  }

  /** Takes one use of the first fault matching `resourcePath` (e.g. `/sales`) at `now`. */
  take(resourcePath: string, now: number = Date.now()): QueuedFault | undefined {
    this.#pending = this.#pending.filter((fault) => !(fault.untilMs! <= now));
    const index = this.#pending.findIndex((fault) => matchesPath(fault.path, resourcePath));
    if (index < 0) return undefined;
    const fault = this.#pending[index];
    if (fault.skip) {
      fault.skip--;
      return undefined;
    }
    if (fault.untilMs === undefined && --fault.count <= 0) this.#pending.splice(index, 1);
    const { untilMs: _until, ...taken } = fault;
    return { ...taken, count: 1 };
  }
}

/** `/sales` matches it and every path under it; `{id}` matches any one segment, exactly. */
function matchesPath(filter: string | undefined, resourcePath: string): boolean {
  if (filter === undefined) return true;
  const normalized = filter.replace(/^\/api\/2\.0/, "").replace(/\/+$/, "");
  if (normalized.includes("{id}")) {
    const segments = normalized.split("/");
    const parts = resourcePath.split("/");
    return segments.length === parts.length &&
      segments.every((segment, i) => segment === "{id}" ? parts[i] !== "" : segment === parts[i]);
  }
  return resourcePath === normalized || resourcePath.startsWith(`${normalized}/`);
}
