import assert from "node:assert/strict";
import process from "node:process";
import { readCpuMs, readStatusKb, readThreadsCpuMs, WorkerThreadsCpu } from "./proc_stats.ts";

/** CPU milliseconds this process used since `start`, by getrusage (node:process). */
function rusageMsSince(start: NodeJS.CpuUsage): number {
  const { user, system } = process.cpuUsage(start);
  return (user + system) / 1000;
}

Deno.test("reads this process's CPU time and peak memory from /proc", () => {
  // getrusage measures the same CPU another way; /proc counts in 10 ms ticks for user and
  // system time each, so the two agree within a few ticks. Spun on CPU, not wall time, so a
  // busy machine only makes it take longer.
  const before = readCpuMs(Deno.pid);
  const rusageStart = process.cpuUsage();
  const giveUpAt = performance.now() + 10_000;
  while (rusageMsSince(rusageStart) < 200 && performance.now() < giveUpAt) Math.sqrt(Math.random());
  const used = readCpuMs(Deno.pid) - before;
  const rusageMs = rusageMsSince(rusageStart);
  assert.ok(rusageMs >= 200, `the spin got only ${rusageMs} ms of CPU in 10 s`);
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
  assert.equal(tally.threadsUsed(), 2, "two workers ran");
  // This (main) thread only waited meanwhile; a tally begun now has nothing to count.
  assert.equal(new WorkerThreadsCpu(Deno.pid).usedMs(), 0);
  assert.equal(new WorkerThreadsCpu(Deno.pid).threadsUsed(), 0);
});
