import type { QueuedFault } from "./options.ts";

/**
 * Faults waiting for API requests. Each request takes at most one fault: the first
 * queued one whose path filter matches; a fault with `count: n` hits n requests.
 */
export class FaultQueue {
  #pending: QueuedFault[] = [];

  add(fault: QueuedFault): void {
    this.#pending.push({ ...fault });
  }

  clear(): void {
    this.#pending = [];
  }

  list(): QueuedFault[] {
    return this.#pending.map((fault) => ({ ...fault }));
  }

  /** Takes one use of the first fault matching `resourcePath` (e.g. `/sales`). */
  take(resourcePath: string): QueuedFault | undefined {
    const index = this.#pending.findIndex((fault) => matchesPath(fault.path, resourcePath));
    if (index < 0) return undefined;
    const fault = this.#pending[index];
    if (fault.skip) {
      fault.skip--;
      return undefined;
    }
    if (--fault.count <= 0) this.#pending.splice(index, 1);
    return { ...fault, count: 1 };
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
