// A worker that burns CPU until its own thread has used the milliseconds it is told, as Linux
// counts them, then answers with that count (bench/proc_stats_test.ts).
interface WorkerScope {
  postMessage(message: number): void;
  onmessage: ((event: MessageEvent<number>) => void) | null;
}

const scope = globalThis as unknown as WorkerScope;

/** utime + stime of this thread, in ms (fields 14 and 15 of its stat, in 10 ms ticks). */
function ownCpuMs(): number {
  const stat = Deno.readTextFileSync("/proc/thread-self/stat");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

scope.onmessage = (event) => {
  let used = ownCpuMs();
  while (used < event.data) {
    for (let spin = 0; spin < 1e6; spin++) used += 0;
    used = ownCpuMs();
  }
  scope.postMessage(used);
};
