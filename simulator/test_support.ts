import { type RunningSimulator, type SimulatorOptions, startSimulator } from "./simulator.ts";

/** Starts a simulator on a free port, runs `body`, and always stops it. */
export async function withSimulator(
  options: SimulatorOptions,
  body: (sim: RunningSimulator) => Promise<void>,
): Promise<void> {
  const sim = await startSimulator({ port: 0, ...options });
  try {
    await body(sim);
  } finally {
    await sim.stop();
  }
}

export interface ApiReply {
  status: number;
  headers: Headers;
  // deno-lint-ignore no-explicit-any
  body: any;
}

/** GET an API path with the simulator's token (or `token`, or none when null). */
export async function apiGet(
  sim: RunningSimulator,
  pathAndQuery: string,
  token: string | null = sim.token,
): Promise<ApiReply> {
  const headers: Record<string, string> = {};
  if (token !== null) headers.authorization = `Bearer ${token}`;
  const response = await fetch(`${sim.apiBaseUrl}${pathAndQuery}`, { headers });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: JSON.parse(text) };
}

export async function control(
  sim: RunningSimulator,
  method: string,
  path: string,
  body?: unknown,
  // deno-lint-ignore no-explicit-any
): Promise<any> {
  const response = await fetch(`${sim.controlUrl}${path}`, {
    method,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await response.json();
  if (!response.ok) throw new Error(`Control ${method} ${path} failed: ${JSON.stringify(json)}`);
  return json;
}

/** Reads a whole feed the way a sync should: `after = version.max` until an empty page. */
export async function readFeed(
  sim: RunningSimulator,
  entity: string,
  query: Record<string, string> = {},
  // deno-lint-ignore no-explicit-any
): Promise<{ records: any[]; pages: number }> {
  // deno-lint-ignore no-explicit-any
  const records: any[] = [];
  let after = query.after ?? "0";
  let pages = 0;
  for (;;) {
    const params = new URLSearchParams({ ...query, after });
    const reply = await apiGet(sim, `/${entity}?${params}`);
    if (reply.status !== 200) throw new Error(`Feed read failed with ${reply.status}`);
    pages++;
    if (reply.body.data.length === 0) return { records, pages };
    records.push(...reply.body.data);
    after = String(reply.body.version.max);
  }
}
