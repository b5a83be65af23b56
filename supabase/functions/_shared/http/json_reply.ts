// JSON replies of the functions. Errors carry a message meant for the operator, never a stack.

export function jsonReply(status: number, body: unknown, headers: HeadersInit = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json; charset=utf-8", ...headers },
  });
}

export function errorReply(status: number, message: string, extra: Record<string, unknown> = {}) {
  return jsonReply(status, { error: message, ...extra });
}

export const unauthorizedReply = () =>
  errorReply(401, "Missing or invalid credentials: send the x-sync-secret header or a staff JWT");

/** Reads a JSON object body; an empty body counts as {}. */
export async function readJsonObject(req: Request): Promise<Record<string, unknown> | null> {
  const text = await req.text();
  if (text.trim() === "") return {};
  try {
    const value = JSON.parse(text);
    return typeof value === "object" && value !== null && !Array.isArray(value) ? value : null;
  } catch {
    return null;
  }
}
