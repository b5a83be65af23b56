// Where a measurement's CPU went on the whole machine, from Linux /proc: the functions, this
// process (the simulator or the page replay), PostgreSQL, and everything else (other work on
// the machine), so a run that was slow can say whether it was crowded.
import { readCpuMs } from "./proc_stats.ts";

/** Clock ticks per second of /proc times (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100;

/** CPU milliseconds every core spent busy, and stolen by the hypervisor, since boot. */
export function readMachineCpuMs(): { busyMs: number; stealMs: number } {
  const line = Deno.readTextFileSync("/proc/stat").split("\n")[0];
  return machineCpuFromStatLine(line);
}

/** The first line of /proc/stat: "cpu user nice system idle iowait irq softirq steal ...". */
export function machineCpuFromStatLine(line: string): { busyMs: number; stealMs: number } {
  const [user, nice, system, _idle, _iowait, irq, softirq, steal] = line.trim().split(/\s+/)
    .slice(1).map(Number);
  const toMs = (ticks: number) => (ticks * 1000) / TICKS_PER_SECOND;
  return { busyMs: toMs(user + nice + system + irq + softirq), stealMs: toMs(steal ?? 0) };
}

/**
 * CPU milliseconds of a process and its children: its own, its waited-for children's (a
 * PostgreSQL backend that ended is counted in the postmaster's), and its live children's. A
 * child reaped while its siblings are read would be counted in neither (a run once showed
 * PostgreSQL at -12 s): the reading is taken again until nothing was reaped during it.
 */
export function readProcessTreeCpuMs(pid: number): number {
  for (let attempt = 1;; attempt++) {
    const reapedBefore = ownAndReapedCpuMs(pid);
    const children = liveChildrenCpuMs(pid);
    if (ownAndReapedCpuMs(pid) === reapedBefore || attempt === 10) return reapedBefore + children;
  }
}

function liveChildrenCpuMs(pid: number): number {
  let total = 0;
  for (const entry of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(entry.name)) continue;
    try {
      const fields = statFields(Deno.readTextFileSync(`/proc/${entry.name}/stat`));
      if (Number(fields[1]) === pid) total += readCpuMs(Number(entry.name));
    } catch {
      // The process ended between the listing and the read: its parent's reaped CPU has it.
    }
  }
  return total;
}

function ownAndReapedCpuMs(pid: number): number {
  const fields = statFields(Deno.readTextFileSync(`/proc/${pid}/stat`));
  // utime, stime, cutime, cstime: fields 14 to 17, here 11 to 14 after the command name.
  const ticks = [11, 12, 13, 14].reduce((sum, i) => sum + Number(fields[i]), 0);
  return (ticks * 1000) / TICKS_PER_SECOND;
}

/** The fields after the parenthesised command name: state, ppid, ... */
function statFields(stat: string): string[] {
  return stat.slice(stat.lastIndexOf(")") + 2).split(" ");
}

export interface CpuShares {
  functionsMs: number;
  /** This process: the simulator or the page replay, and the bench's polling. */
  benchMs: number;
  postgresMs: number;
  /** Busy CPU of the machine outside the three above: other work sharing the cores. */
  otherMs: number;
  stealMs: number;
}

/** Reads the shares now; call the result again at the end for what each used in between. */
export function startCpuShares(functionsPid: number, postmasterPid: number): () => CpuShares {
  const read = () => ({
    machine: readMachineCpuMs(),
    functionsMs: readCpuMs(functionsPid),
    benchMs: readCpuMs(Deno.pid),
    postgresMs: readProcessTreeCpuMs(postmasterPid),
  });
  const before = read();
  return () => {
    const after = read();
    const functionsMs = after.functionsMs - before.functionsMs;
    const benchMs = after.benchMs - before.benchMs;
    const postgresMs = after.postgresMs - before.postgresMs;
    const busyMs = after.machine.busyMs - before.machine.busyMs;
    return {
      functionsMs,
      benchMs,
      postgresMs,
      otherMs: Math.max(0, busyMs - functionsMs - benchMs - postgresMs),
      stealMs: after.machine.stealMs - before.machine.stealMs,
    };
  };
}
