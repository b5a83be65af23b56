// Runs a child process and captures its output; the local stack's scripts share it.

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  env?: Record<string, string>;
  cwd?: string;
  /** Pass output through to the terminal instead of capturing it. */
  inherit?: boolean;
  stdin?: string;
}

export async function runCommand(
  command: string,
  args: string[],
  options: RunOptions = {},
): Promise<CommandResult> {
  const child = new Deno.Command(command, {
    args,
    env: options.env,
    cwd: options.cwd,
    stdin: options.stdin === undefined ? "null" : "piped",
    stdout: options.inherit ? "inherit" : "piped",
    stderr: options.inherit ? "inherit" : "piped",
  }).spawn();
  if (options.stdin !== undefined) {
    const writer = child.stdin.getWriter();
    await writer.write(new TextEncoder().encode(options.stdin));
    await writer.close();
  }
  const output = await child.output();
  const decoder = new TextDecoder();
  return {
    code: output.code,
    stdout: options.inherit ? "" : decoder.decode(output.stdout),
    stderr: options.inherit ? "" : decoder.decode(output.stderr),
  };
}

/** Like runCommand, but throws with the command's own error output when it fails. */
export async function runChecked(
  command: string,
  args: string[],
  options: RunOptions = {},
): Promise<CommandResult> {
  const result = await runCommand(command, args, options);
  if (result.code !== 0) {
    const detail = (result.stderr || result.stdout).trim().split("\n").slice(-15).join("\n");
    throw new Error(
      `Command "${command} ${withoutPasswords(args).join(" ")}" failed (exit ${result.code})\n` +
        detail,
    );
  }
  return result;
}

/** Arguments fit to print: passwords in URLs and `name_password=value` settings as `***`. */
export function withoutPasswords(args: string[]): string[] {
  return args.map((arg) =>
    arg.replace(/(\/\/[^:@/\s]+:)[^@/\s]+@/g, "$1***@").replace(/(password=)\S+/gi, "$1***")
  );
}

export function isRoot(): boolean {
  return Deno.uid() === 0;
}
