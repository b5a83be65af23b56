// `deno task connect`: starts connecting the store as an OAuth app (README § OAuth). Asks the
// lightspeed-oauth function (local stack, or the project in SUPABASE_URL) for a new authorize
// URL with the operator's secret, and prints it to open in a browser signed in to the store.
// The secret is never printed; the URL carries only the single-use state.
import { InvokeError, type InvokeIo, resolveTarget } from "./invoke_function.ts";

interface StartReply {
  authorize_url: string;
  redirect_url: string;
  expires_at: string;
}

/** Runs the command; returns the exit code. */
export async function runConnect(args: string[], io: InvokeIo): Promise<number> {
  try {
    if (args.length > 0) throw new InvokeError("Usage: deno task connect");
    const target = resolveTarget(io);
    const url = `${target.baseUrl}/functions/v1/lightspeed-oauth`;
    io.err(`POST ${url} (secret from ${target.secretSource})`);
    const reply = await fetch(url, {
      method: "POST",
      headers: { "x-sync-secret": target.secret, "content-type": "application/json" },
      body: JSON.stringify({ action: "start" }),
      signal: AbortSignal.timeout(io.timeoutMs ?? 30_000),
    }).catch((error) => {
      throw new InvokeError(`Cannot reach ${url}: ${(error as Error).message.split("\n")[0]}`);
    });
    const body = await reply.json().catch(() => ({}));
    if (!reply.ok) {
      const reason = typeof body.error === "string" ? body.error : `HTTP ${reply.status}`;
      throw new InvokeError(`lightspeed-oauth refused to start a connect: ${reason}`);
    }
    io.out(instructions(body as StartReply));
    return 0;
  } catch (error) {
    if (error instanceof InvokeError) {
      io.err(error.message);
      return 2;
    }
    throw error;
  }
}

function instructions(reply: StartReply): string {
  return [
    "Open this URL in a browser signed in to the Lightspeed store, and approve:",
    "",
    `  ${reply.authorize_url}`,
    "",
    `It works once, until ${reply.expires_at}. Lightspeed then sends the browser to`,
    `${reply.redirect_url}, which says "Connected" (or what went wrong).`,
    "Check with: deno task invoke health (lightspeed_auth.status is connected).",
  ].join("\n");
}
