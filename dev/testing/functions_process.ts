// The functions in their own OS process (`functions:serve`), so tests can kill it outright.
import { functionsV8Flags } from "../functions_runtime_flags.ts";
import { repoRoot } from "../paths.ts";

export interface FunctionsProcess {
  url: string;
  pid: number;
  /** SIGKILL: no cleanup, no final writes, like a platform killing a worker. */
  kill(): Promise<void>;
  stop(): Promise<void>;
}

export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

export async function startFunctionsProcess(
  env: Record<string, string>,
  options: { port?: number } = {},
): Promise<FunctionsProcess> {
  const port = options.port ?? freePort();
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--no-check", functionsV8Flags, "dev/functions_serve.ts"],
    cwd: repoRoot,
    env: { ...env, LOCAL_API_PORT: String(port), NO_COLOR: "1" },
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const url = `http://127.0.0.1:${port}`;
  let stderr = "";
  const drain = (async () => {
    const decoder = new TextDecoder();
    for await (const chunk of child.stderr) stderr += decoder.decode(chunk);
  })();
  const ready = Date.now() + 30_000;
  while (true) {
    try {
      const reply = await fetch(`${url}/functions/v1/health`);
      await reply.body?.cancel();
      break;
    } catch {
      if (Date.now() > ready) {
        child.kill("SIGKILL");
        throw new Error(`The functions process did not start: ${stderr.slice(-2000)}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  let exited = false;
  const status = child.status.then((s) => {
    exited = true;
    return s;
  });
  async function end(signal: Deno.Signal) {
    if (!exited) child.kill(signal);
    await status;
    await drain;
  }
  return { url, pid: child.pid, kill: () => end("SIGKILL"), stop: () => end("SIGTERM") };
}
