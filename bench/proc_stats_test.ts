import assert from "node:assert/strict";
import { readCpuMs, readMainThreadCpuMs, readStatusKb } from "./proc_stats.ts";

Deno.test("reads this process's CPU time and peak memory from /proc", () => {
  const cpu = readCpuMs(Deno.pid);
  assert.ok(cpu >= 0);
  assert.ok(readMainThreadCpuMs(Deno.pid) <= readCpuMs(Deno.pid), "a thread of the process");
  const peak = readStatusKb(Deno.pid, "VmHWM");
  assert.ok(peak >= readStatusKb(Deno.pid, "VmRSS") * 0.5 && peak > 1_000);
});
