import assert from "node:assert/strict";
import { countGcLine, emptyGcTotals, gcSince, tallyGcLines } from "./gc_trace.ts";

// Lines as Deno 2.9's V8 prints them with --trace-gc.
const scavenge = "[26578:0x5619ae2ca000]       20 ms: Scavenge 3.3 (4.4) -> 3.2 (5.4) MB, " +
  "pooled: 0.0 MB, 2.20 / 0.00 ms (average mu = 1.000, current mu = 1.000) allocation failure; ";
const markCompact = "[26578:0x5619ae2ca000]     1234 ms: Mark-Compact 20.1 (25.2) -> 15.3 " +
  "(24.1) MB, pooled: 0.0 MB, 10.50 / 0.00 ms (+ 2.1 ms in 20 steps since start of marking, " +
  "biggest step 0.3 ms, walltime since start of marking 50 ms) (average mu = 0.9) finalize";

Deno.test("a Scavenge and a Mark-Compact line count their isolate-thread pauses", () => {
  const totals = emptyGcTotals();
  countGcLine(totals, scavenge);
  countGcLine(totals, markCompact);
  countGcLine(totals, "The import of sales started");
  assert.deepEqual(totals, {
    scavenges: 1,
    scavengeMs: 2.2,
    markCompacts: 1,
    markCompactMs: 10.5,
  });
  const later = { ...totals, scavenges: 3, scavengeMs: 6.2 };
  assert.deepEqual(gcSince(later, totals), {
    scavenges: 2,
    scavengeMs: 4,
    markCompacts: 0,
    markCompactMs: 0,
  });
});

Deno.test("lines split across chunks are counted once each, the last one unterminated", async () => {
  const text = `${scavenge}\nother output\n${markCompact}`;
  const bytes = new TextEncoder().encode(text);
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      for (let at = 0; at < bytes.length; at += 37) controller.enqueue(bytes.slice(at, at + 37));
      controller.close();
    },
  });
  const totals = emptyGcTotals();
  await tallyGcLines(stream, totals);
  assert.equal(totals.scavenges, 1);
  assert.equal(totals.markCompacts, 1);
  assert.equal(totals.markCompactMs, 10.5);
});
