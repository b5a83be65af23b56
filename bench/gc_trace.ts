// Garbage collection of the functions' isolates, read from V8's --trace-gc lines on their
// stdout: how many collections and how long they paused the isolate thread.

/** Collections and their isolate-thread pauses, young generation and full, since the start. */
export interface GcTotals {
  scavenges: number;
  scavengeMs: number;
  markCompacts: number;
  markCompactMs: number;
}

// e.g. "[26578:0x56..]  20 ms: Scavenge 3.3 (4.4) -> 3.2 (5.4) MB, pooled: 0.0 MB, 2.20 / 0.00 ms
// (average mu = 1.000, ...) allocation failure;": the pause is the number before " / ".
const gcLine =
  /\d ms: (Scavenge|Minor Mark-Sweep|Mark-Compact|Mark-Sweep)\b.*? MB, (?:pooled: [\d.]+ MB, )?([\d.]+) \/ /;

export const emptyGcTotals = (): GcTotals => ({
  scavenges: 0,
  scavengeMs: 0,
  markCompacts: 0,
  markCompactMs: 0,
});

/** Adds one --trace-gc line to the totals; any other line is ignored. */
export function countGcLine(totals: GcTotals, line: string): void {
  const match = gcLine.exec(line);
  if (!match) return;
  const pauseMs = Number(match[2]);
  if (match[1] === "Scavenge" || match[1] === "Minor Mark-Sweep") {
    totals.scavenges++;
    totals.scavengeMs += pauseMs;
  } else {
    totals.markCompacts++;
    totals.markCompactMs += pauseMs;
  }
}

/** What the totals grew by between two readings. */
export function gcSince(now: GcTotals, before: GcTotals): GcTotals {
  return {
    scavenges: now.scavenges - before.scavenges,
    scavengeMs: now.scavengeMs - before.scavengeMs,
    markCompacts: now.markCompacts - before.markCompacts,
    markCompactMs: now.markCompactMs - before.markCompactMs,
  };
}

/** Reads a process's stdout to its end, counting its --trace-gc lines into `totals`. */
export async function tallyGcLines(
  stdout: ReadableStream<Uint8Array>,
  totals: GcTotals,
): Promise<void> {
  const decoder = new TextDecoder();
  let pending = "";
  for await (const bytes of stdout) {
    const lines = (pending + decoder.decode(bytes, { stream: true })).split("\n");
    pending = lines.pop() ?? "";
    for (const line of lines) countGcLine(totals, line);
  }
  countGcLine(totals, pending);
}
