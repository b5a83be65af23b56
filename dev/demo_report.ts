// What the demo prints: a progress display while the import runs (redrawn in place on a
// terminal, one line per change otherwise) and the closing summary tables.
import { entityNames } from "../supabase/functions/_shared/entities/registry.ts";

export interface EntityProgress {
  entity: string;
  /** sync_state.import_status, or the latest run's status. */
  status: string;
  records: number;
  pages: number;
  error?: string | null;
}

export interface SummaryRow {
  entity: string;
  rows: number;
  pages: number;
  requests: number;
  rateLimited: number;
  rejected: number;
  seconds: number;
}

const encoder = new TextEncoder();

/** Shows import progress; `interactive` redraws a block in place with ANSI escapes. */
export class ProgressDisplay {
  #interactive: boolean;
  #write: (text: string) => void;
  #drawnLines = 0;
  #lastLine = new Map<string, string>();
  #lastPrinted = new Map<string, number>();
  #started = performance.now();

  constructor(
    interactive: boolean,
    write: (text: string) => void = (text) => Deno.stdout.writeSync(encoder.encode(text)),
  ) {
    this.#interactive = interactive;
    this.#write = write;
  }

  update(rows: readonly EntityProgress[], note = ""): void {
    const elapsed = `${((performance.now() - this.#started) / 1000).toFixed(0)} s`;
    if (this.#interactive) {
      const lines = rows.map((row) => progressLine(row));
      lines.push(`  ${elapsed} elapsed${note ? `, ${note}` : ""}`);
      const up = this.#drawnLines > 0 ? `\x1b[${this.#drawnLines}A` : "";
      this.#write(up + lines.map((line) => `\x1b[2K${line}\n`).join(""));
      this.#drawnLines = lines.length;
      return;
    }
    // Not a terminal: a line when an entity's status changes, else at most every 10 s.
    const now = performance.now();
    for (const row of rows) {
      const line = progressLine(row);
      const previous = this.#lastLine.get(row.entity);
      const statusChanged = previous === undefined || !previous.includes(` ${row.status}`);
      const stale = now - (this.#lastPrinted.get(row.entity) ?? 0) >= 10_000;
      if (line !== previous && (statusChanged || stale)) {
        this.#write(`${line}  (${elapsed})\n`);
        this.#lastLine.set(row.entity, line);
        this.#lastPrinted.set(row.entity, now);
      }
    }
  }
}

export function progressLine(row: EntityProgress): string {
  const mark = row.status === "completed"
    ? "done"
    : row.status === "failed"
    ? "FAIL"
    : row.status === "running"
    ? " .. "
    : "    ";
  const error = row.error ? `  ${row.error.slice(0, 80)}` : "";
  return `  [${mark}] ${row.entity.padEnd(entityNameWidth)} ${
    formatInt(row.records).padStart(9)
  } records ` +
    `${formatInt(row.pages).padStart(6)} pages  ${row.status}${error}`;
}

// Progress lines stay in columns whatever entity is the longest (customer_groups today).
const entityNameWidth = Math.max(...entityNames.map((name) => name.length));

export function formatInt(value: number): string {
  return Math.round(value).toLocaleString("en-US");
}

/** A fixed-width table with a total line. */
export function formatSummaryTable(rows: readonly SummaryRow[], wallSeconds?: number): string {
  const header = ["entity", "rows", "pages", "requests", "429s", "rejected", "seconds"];
  const total: SummaryRow = {
    entity: "total",
    rows: sum(rows, "rows"),
    pages: sum(rows, "pages"),
    requests: sum(rows, "requests"),
    rateLimited: sum(rows, "rateLimited"),
    rejected: sum(rows, "rejected"),
    seconds: wallSeconds ?? Math.max(0, ...rows.map((r) => r.seconds)),
  };
  const cells = [...rows, total].map((r) => [
    r.entity,
    formatInt(r.rows),
    formatInt(r.pages),
    formatInt(r.requests),
    formatInt(r.rateLimited),
    formatInt(r.rejected),
    r.seconds.toFixed(1),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c: string[]) =>
    "  " + c.map((cell, i) => i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))
      .join("  ");
  const rule = "  " + widths.map((w) => "-".repeat(w)).join("  ");
  return [
    line(header),
    rule,
    ...cells.slice(0, -1).map(line),
    rule,
    line(cells[cells.length - 1]),
  ].join("\n");
}

function sum(rows: readonly SummaryRow[], key: keyof Omit<SummaryRow, "entity">): number {
  return rows.reduce((total, row) => total + row[key], 0);
}
