// CPU time and memory of another process, from Linux /proc.

/** Clock ticks per second of /proc/<pid>/stat times (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100;

/** User + system CPU milliseconds the process (all its threads) has used so far. */
export function readCpuMs(pid: number): number {
  return cpuMsFromStat(`/proc/${pid}/stat`);
}

/** Deno names the thread of each Worker worker-<n>; functions:serve runs each function in one. */
const workerThread = /^worker-\d+$/;

/** CPU milliseconds of each live thread of the process whose name matches, by thread id. */
export function readThreadsCpuMs(pid: number, name: RegExp): Map<number, number> {
  const byThread = new Map<number, number>();
  for (const entry of Deno.readDirSync(`/proc/${pid}/task`)) {
    try {
      const comm = Deno.readTextFileSync(`/proc/${pid}/task/${entry.name}/comm`).trim();
      if (name.test(comm)) {
        byThread.set(Number(entry.name), cpuMsFromStat(`/proc/${pid}/task/${entry.name}/stat`));
      }
    } catch {
      // The thread ended between the listing and the read.
    }
  }
  return byThread;
}

/**
 * CPU of the function workers' isolate threads, what the hosted platform's per-request CPU
 * limit meters (V8's GC helper and the I/O threads are in readCpuMs only). A worker's thread
 * ends when the worker retires, and its figure with it, so the tally keeps each thread's last
 * reading: sample often. What a thread used after its last sample is missed, so usedMs() is a
 * lower bound.
 */
export class WorkerThreadsCpu {
  readonly #pid: number;
  readonly #start: Map<number, number>;
  readonly #last: Map<number, number>;

  constructor(pid: number) {
    this.#pid = pid;
    this.#start = readThreadsCpuMs(pid, workerThread);
    this.#last = new Map(this.#start);
  }

  sample(): void {
    for (const [thread, ms] of readThreadsCpuMs(this.#pid, workerThread)) {
      this.#last.set(thread, ms);
    }
  }

  /** Worker threads that used CPU since the tally began: each is a worker started cold. */
  threadsUsed(): number {
    this.sample();
    let used = 0;
    for (const [thread, ms] of this.#last) if (ms > (this.#start.get(thread) ?? 0)) used++;
    return used;
  }

  /** CPU milliseconds the worker threads used since the tally began, as last sampled. */
  usedMs(): number {
    this.sample();
    let total = 0;
    for (const [thread, ms] of this.#last) total += ms - (this.#start.get(thread) ?? 0);
    return total;
  }
}

function cpuMsFromStat(path: string): number {
  const stat = Deno.readTextFileSync(path);
  // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return ((utime + stime) * 1000) / TICKS_PER_SECOND;
}

/** A line of /proc/<pid>/status in kB, e.g. VmHWM (peak resident) or VmRSS. */
export function readStatusKb(pid: number, field: "VmHWM" | "VmRSS"): number {
  const status = Deno.readTextFileSync(`/proc/${pid}/status`);
  const match = status.match(new RegExp(`^${field}:\\s+(\\d+) kB`, "m"));
  if (!match) throw new Error(`/proc/${pid}/status has no ${field}`);
  return Number(match[1]);
}
