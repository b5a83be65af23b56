import assert from "node:assert/strict";
import process from "node:process";
import { readCpuMs, readStatusKb, readThreadsCpuMs, WorkerThreadsCpu } from "./proc_stats.ts";

/** Keeps this thread busy for `ms` of wall time. */
function spin(ms: number) {
  const until = performance.now() + ms;
  while (performance.now() < until) Math.sqrt(Math.random());
}

Deno.test("reads this process's CPU time and peak memory from /proc", () => {
  // getrusage (node:process) measures the same CPU another way; /proc counts in 10 ms ticks
  // for user and system time each, so the two agree within a few ticks.
  const before = readCpuMs(Deno.pid);
  const rusageBefore = process.cpuUsage();
  spin(300);
  const used = readCpuMs(Deno.pid) - before;
  const rusage = process.cpuUsage(rusageBefore);
  const rusageMs = (rusage.user + rusage.system) / 1000;
  assert.ok(rusageMs > 50, `the spin used only ${rusageMs} ms of CPU`);
  assert.ok(Math.abs(used - rusageMs) <= 30, `/proc counted ${used} ms, getrusage ${rusageMs}`);
  const peak = readStatusKb(Deno.pid, "VmHWM");
  assert.ok(peak >= readStatusKb(Deno.pid, "VmRSS") * 0.5 && peak > 1_000);
});

/** Runs a worker until its thread has used `ms` of CPU; returns what its thread counted. */
async function spinInWorker(tally: WorkerThreadsCpu, ms: number): Promise<number> {
  const worker = new Worker(new URL("./testdata/busy_worker.ts", import.meta.url).href, {
    type: "module",
  });
  const done = new Promise<number>((resolve) => (worker.onmessage = (e) => resolve(e.data)));
  const sampling = setInterval(() => tally.sample(), 20);
  worker.postMessage(ms);
  const used = await done;
  clearInterval(sampling);
  tally.sample();
  worker.terminate();
  // Its thread is gone once terminated; wait for that so nothing can read it again.
  while (readThreadsCpuMs(Deno.pid, /^worker-\d+$/).size > 0) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return used;
}

Deno.test("worker threads' CPU is kept after the worker ends, and is not the main thread's", async () => {
  const tally = new WorkerThreadsCpu(Deno.pid);
  const first = await spinInWorker(tally, 100);
  assert.ok(first >= 100);
  assert.ok(tally.usedMs() >= first, `${tally.usedMs()} ms counted, the worker used ${first}`);
  const second = await spinInWorker(tally, 100);
  assert.ok(tally.usedMs() >= first + second, "the ended first worker's CPU is still counted");
  // This (main) thread only waited meanwhile; a tally begun now has nothing to count.
  assert.equal(new WorkerThreadsCpu(Deno.pid).usedMs(), 0);
});
