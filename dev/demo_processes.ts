// Child processes the demo and the benchmark start, and how they are stopped without leaving
// orphans: `deno task` runs its command as a grandchild, so the whole tree is signalled.

/** Pids of every descendant of `pid` (Linux /proc; empty elsewhere). */
export function descendantPids(pid: number): number[] {
  const found: number[] = [];
  const visit = (parent: number) => {
    let tasks: Iterable<Deno.DirEntry>;
    try {
      tasks = Deno.readDirSync(`/proc/${parent}/task`);
    } catch {
      return;
    }
    for (const task of tasks) {
      let children = "";
      try {
        children = Deno.readTextFileSync(`/proc/${parent}/task/${task.name}/children`);
      } catch {
        continue;
      }
      for (const child of children.trim().split(/\s+/).filter(Boolean).map(Number)) {
        if (!found.includes(child)) {
          found.push(child);
          visit(child);
        }
      }
    }
  };
  visit(pid);
  return found;
}

export function isAlive(pid: number): boolean {
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    // A zombie has exited; it only waits to be reaped.
    return !/^\d+ \(.*\) Z /.test(stat);
  } catch {
    return false;
  }
}

function signal(pid: number, sig: Deno.Signal): void {
  try {
    Deno.kill(pid, sig);
  } catch {
    // Already gone.
  }
}

/** SIGTERM to the process and its descendants, SIGKILL after `graceMs`; waits for the exit. */
export async function stopProcessTree(
  child: Deno.ChildProcess,
  graceMs = 5_000,
): Promise<Deno.CommandStatus> {
  const tree = [child.pid, ...descendantPids(child.pid)];
  for (const pid of tree.slice().reverse()) signal(pid, "SIGTERM");
  const timer = setTimeout(() => {
    for (const pid of [child.pid, ...descendantPids(child.pid), ...tree]) signal(pid, "SIGKILL");
  }, graceMs);
  try {
    const status = await child.status;
    // Grandchildren may outlive their parent by a moment.
    const deadline = Date.now() + graceMs;
    while (tree.some(isAlive) && Date.now() < deadline) await sleep(50);
    for (const pid of tree.filter(isAlive)) signal(pid, "SIGKILL");
    return status;
  } finally {
    clearTimeout(timer);
  }
}

/** True when nothing accepts connections on 127.0.0.1:port. */
export async function isPortFree(port: number): Promise<boolean> {
  try {
    const conn = await Deno.connect({ hostname: "127.0.0.1", port });
    conn.close();
    return false;
  } catch {
    return true;
  }
}

/** Waits until an HTTP GET of `url` answers (any status), or throws after `timeoutMs`. */
export async function waitForHttp(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (true) {
    try {
      const reply = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      await reply.body?.cancel();
      return;
    } catch (error) {
      if (Date.now() > deadline) {
        throw new Error(`${url} did not answer within ${timeoutMs / 1000} s (${error})`);
      }
      await sleep(200);
    }
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
