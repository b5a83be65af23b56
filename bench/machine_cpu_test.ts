import assert from "node:assert/strict";
import { machineCpuFromStatLine, readMachineCpuMs, readProcessTreeCpuMs } from "./machine_cpu.ts";
import { readCpuMs } from "./proc_stats.ts";

Deno.test("the machine's busy CPU is user, nice, system, irq and softirq; steal apart", () => {
  // user nice system idle iowait irq softirq steal guest guest_nice, in ticks of 10 ms.
  const line = "cpu  1000 20 300 90000 50 4 6 7 0 0";
  assert.deepEqual(machineCpuFromStatLine(line), { busyMs: 13_300, stealMs: 70 });
});

Deno.test("CPU this process spends shows in its tree's and in the machine's busy time", async () => {
  const machineBefore = readMachineCpuMs().busyMs;
  const treeBefore = readProcessTreeCpuMs(Deno.pid);
  const ownBefore = readCpuMs(Deno.pid);
  // Spin until the kernel has counted 200 ms of this process's CPU, however busy the machine.
  while (readCpuMs(Deno.pid) - ownBefore < 200) {
    for (let i = 0; i < 100_000; i++) Math.sqrt(i);
  }
  assert.ok(readProcessTreeCpuMs(Deno.pid) - treeBefore >= 200, "the tree's CPU grew");
  // The machine's counters can trail the process's by a tick or a sampling period (seen once
  // under load): give them a few seconds to catch up before calling it missing.
  const deadline = Date.now() + 5_000;
  let machineGrowth = readMachineCpuMs().busyMs - machineBefore;
  while (machineGrowth < 200 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    machineGrowth = readMachineCpuMs().busyMs - machineBefore;
  }
  assert.ok(machineGrowth >= 200, `the machine's busy time grew ${machineGrowth} ms`);
});
