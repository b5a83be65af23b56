import assert from "node:assert/strict";
import {
  lightspeedRule,
  rateBoundMs,
  requestsNeeded,
  requestsNeededForRecords,
  slidingWindowBoundMs,
} from "./bounds.ts";
import { readCpuMs, readStatusKb } from "./proc_stats.ts";

Deno.test("rate bounds follow Lightspeed's rule, time-scaled", () => {
  const rule = lightspeedRule(1, 10);
  assert.deepEqual(rule, { limit: 350, windowMs: 30_000 });
  assert.equal(rateBoundMs(700, rule), 60_000);
  assert.equal(slidingWindowBoundMs(350, rule), 0);
  assert.equal(slidingWindowBoundMs(351, rule), 30_000);
  assert.equal(slidingWindowBoundMs(700, rule), 30_000);
  assert.equal(requestsNeeded([0, 3, 10]), 16);
  // 0 records: just the empty page; 30 in pages of 30: one full page and the empty one.
  assert.equal(
    requestsNeededForRecords([
      { records: 0, pageSize: 30 },
      { records: 30, pageSize: 30 },
      { records: 31, pageSize: 30 },
    ]),
    1 + 2 + 3,
  );
});

Deno.test("reads this process's CPU time and peak memory from /proc", () => {
  const cpu = readCpuMs(Deno.pid);
  assert.ok(cpu >= 0);
  const peak = readStatusKb(Deno.pid, "VmHWM");
  assert.ok(peak >= readStatusKb(Deno.pid, "VmRSS") * 0.5 && peak > 1_000);
});
