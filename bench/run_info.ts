// What a benchmark run measured and where: the commit of the checkout and the machine.
import { repoRoot } from "../dev/paths.ts";
import { runChecked } from "../dev/run_command.ts";

/**
 * `git rev-parse HEAD`, and whether the tree had changes (tracked or untracked files): a dirty
 * run measured code that no commit holds.
 */
export async function measuredCommit(): Promise<{ sha: string; dirty: boolean }> {
  const git = async (...args: string[]) =>
    (await runChecked("git", args, { cwd: repoRoot })).stdout.trim();
  const sha = await git("rev-parse", "HEAD");
  const dirty = (await git("status", "--porcelain")) !== "";
  return { sha, dirty };
}

export function cpuModel(): string {
  try {
    return Deno.readTextFileSync("/proc/cpuinfo").match(/model name\s*:\s*(.*)/)?.[1] ?? "?";
  } catch {
    return "?";
  }
}
