import assert from "node:assert/strict";
import { machineCpuFromStatLine, readMachineCpuMs, readProcessTreeCpuMs } from "./machine_cpu.ts";
import { readCpuMs } from "./proc_stats.ts";

Deno.test("the machine's busy CPU is user, nice, system, irq and softirq; steal apart", () => {
  // user nice system idle iowait irq softirq steal guest guest_nice, in ticks of 10 ms.
  const line = "cpu  1000 20 300 90000 50 4 6 7 0 0";
  assert.deepEqual(machineCpuFromStatLine(line), { busyMs: 13_300, stealMs: 70 });
});

Deno.test("CPU this process spends shows in its tree's and in the machine's busy time", () => {
  const machineBefore = readMachineCpuMs().busyMs;
  const treeBefore = readProcessTreeCpuMs(Deno.pid);
  const ownBefore = readCpuMs(Deno.pid);
  // Spin until the kernel has counted 200 ms of this process's CPU, however busy the machine.
  while (readCpuMs(Deno.pid) - ownBefore < 200) {
    for (let i = 0; i < 100_000; i++) Math.sqrt(i);
  }
  assert.ok(readProcessTreeCpuMs(Deno.pid) - treeBefore >= 200, "the tree's CPU grew");
  assert.ok(readMachineCpuMs().busyMs - machineBefore >= 200, "the machine's busy time grew");
});
