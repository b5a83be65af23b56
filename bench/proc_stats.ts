// CPU time and memory of another process, from Linux /proc.

/** Clock ticks per second of /proc/<pid>/stat times (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100;

/** User + system CPU milliseconds the process (all its threads) has used so far. */
export function readCpuMs(pid: number): number {
  return cpuMsFromStat(`/proc/${pid}/stat`);
}

/**
 * The same for the process's main thread alone: the thread the JavaScript isolate runs on,
 * which is what the hosted platform's per-request CPU limit meters (GC helper and I/O threads
 * are in readCpuMs only).
 */
export function readMainThreadCpuMs(pid: number): number {
  return cpuMsFromStat(`/proc/${pid}/task/${pid}/stat`);
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
