// How deeply a parsed JSON value nests, measured without recursion. PostgreSQL's JSON functions
// give up on deep nesting by stack depth (SQLSTATE 54001), and so does V8's JSON.stringify,
// each at a depth a run cannot predict (somewhere past 10,000 levels here): the slow path of
// ingest_page.ts and the rejects it files keep below a fixed limit instead.

/**
 * Nesting no record is sent to PostgreSQL or serialized beyond. Lightspeed's records nest a
 * handful of levels (a sale, its line items, their taxes); this is far above any of them and
 * far below where PostgreSQL or V8 give up.
 */
export const MAX_JSON_NESTING = 1000;

/** Stands in, in a reject's payload, for a field nested deeper than MAX_JSON_NESTING. */
export const TOO_DEEP_NOTE = `[not kept: nested deeper than ${MAX_JSON_NESTING} levels]`;

/**
 * Whether `value` nests more than `maxDepth` arrays or objects (a flat object is 1 deep).
 * Iterative, and stops as soon as the answer is known.
 */
export function nestsDeeperThan(value: unknown, maxDepth: number): boolean {
  const pending: [unknown, number][] = [[value, 1]];
  while (pending.length > 0) {
    const [current, depth] = pending.pop()!;
    if (current === null || typeof current !== "object") continue;
    if (depth > maxDepth) return true;
    for (const child of Object.values(current)) {
      if (child !== null && typeof child === "object") pending.push([child, depth + 1]);
    }
  }
  return false;
}

/**
 * `value` as it is when it nests at most MAX_JSON_NESTING deep; otherwise each of its fields
 * that is too deep replaced by TOO_DEEP_NOTE (the whole value, when it is not an object), so
 * the rest of a refused record can still be serialized, stored and read.
 */
export function withinNesting(value: unknown): unknown {
  if (!nestsDeeperThan(value, MAX_JSON_NESTING)) return value;
  if (value === null || typeof value !== "object" || Array.isArray(value)) return TOO_DEEP_NOTE;
  return Object.fromEntries(
    Object.entries(value).map((
      [name, field],
    ) => [name, nestsDeeperThan(field, MAX_JSON_NESTING - 1) ? TOO_DEEP_NOTE : field]),
  );
}
