// The functions in their own OS process (`functions:serve`), so tests can kill it outright.
// The one launcher for tests and suites: same V8 limits as the task, output kept for searches;
// through the transaction pooler when TEST_SYNC_DATABASE_URL names one for this database.
import { functionsV8Flags } from "../functions_runtime_flags.ts";
import { repoRoot } from "../paths.ts";
import { pooledFunctionsEnv } from "./database.ts";

export interface FunctionsProcess {
  url: string;
  port: number;
  pid: number;
  /** Everything the process printed so far (stdout and stderr). */
  output(): string;
  exited(): boolean;
  /** SIGKILL: no cleanup, no final writes, like a platform killing a worker. */
  kill(): Promise<void>;
  stop(): Promise<void>;
}

export interface FunctionsProcessOptions {
  port?: number;
  /** Called with every chunk the process prints. */
  onOutput?: (text: string) => void;
}

export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

export async function startFunctionsProcess(
  env: Record<string, string>,
  options: FunctionsProcessOptions = {},
): Promise<FunctionsProcess> {
  const port = options.port ?? freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--no-check", functionsV8Flags, "dev/functions_serve.ts"],
    cwd: repoRoot,
    env: {
      ...pooledFunctionsEnv(env.SUPABASE_DB_URL),
      ...env,
      LOCAL_API_PORT: String(port),
      NO_COLOR: "1",
    },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let output = "";
  const drain = async (stream: ReadableStream<Uint8Array>) => {
    const decoder = new TextDecoder();
    for await (const chunk of stream) {
      const text = decoder.decode(chunk, { stream: true });
      output += text;
      options.onOutput?.(text);
    }
  };
  const drained = Promise.all([drain(child.stdout), drain(child.stderr)]);
  let exited = false;
  const status = child.status.then((s) => {
    exited = true;
    return s;
  });
  const ready = Date.now() + 30_000;
  while (true) {
    if (exited) throw new Error(`The functions process exited at start: ${output.slice(-2000)}`);
    try {
      const reply = await fetch(`${url}/functions/v1/health`);
      await reply.body?.cancel();
      break;
    } catch {
      if (Date.now() > ready) {
        child.kill("SIGKILL");
        throw new Error(`The functions process did not start: ${output.slice(-2000)}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  async function end(signal: Deno.Signal) {
    if (!exited) child.kill(signal);
    await status;
    await drained;
  }
  return {
    url,
    port,
    pid: child.pid,
    output: () => output,
    exited: () => exited,
    kill: () => end("SIGKILL"),
    stop: () => end("SIGTERM"),
  };
}
