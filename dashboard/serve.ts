// deno task dashboard — builds, then serves dashboard/dist at http://127.0.0.1:5001 against the
// local API (http://127.0.0.1:54321) with its public key (the publishable key unless
// LOCAL_API_KEYS=legacy, then the anon key), with correct content types and a
// Content-Security-Policy header that forbids framing (frame-ancestors 'none', X-Frame-Options).
// config.json is generated here, never read from disk.
import { browserKeyOf, keyModeFrom } from "../dev/api/key_mode.ts";
import { localApiUrl, localKeys } from "../dev/api/local_keys.ts";
import { ensureDemoStaff } from "../dev/api/auth/users.ts";
import { localDatabaseUrl } from "../dev/paths.ts";
import { localDashboardPort } from "../dev/api/cors.ts";
import { createDatabase } from "../supabase/functions/_shared/database.ts";
import nodePath from "node:path";
import { buildDashboard, contentTypeOf, distDir, sessionPersistenceSetting } from "./build.ts";
import type { SessionPersistence } from "./src/config.ts";
import { contentSecurityPolicy, originOf, withMetaCsp } from "./csp.ts";

export interface DashboardServerOptions {
  port?: number;
  supabaseUrl?: string;
  anonKey?: string;
  functionsUrl?: string;
  refreshSeconds?: number;
  sessionPersistence?: SessionPersistence;
  root?: string;
}

export interface DashboardServer {
  url: string;
  stop(): Promise<void>;
}

/** The local stack's public key for a browser, in the key mode functions:serve runs. */
function localBrowserKey(): string {
  return browserKeyOf(keyModeFrom(Deno.env.get("LOCAL_API_KEYS")), localKeys);
}

export function serveDashboard(options: DashboardServerOptions = {}): DashboardServer {
  const root = options.root ?? distDir;
  const supabaseUrl = options.supabaseUrl ?? localApiUrl;
  const connect = [originOf(supabaseUrl)];
  if (options.functionsUrl) connect.push(originOf(options.functionsUrl));
  const config = {
    supabaseUrl,
    supabaseAnonKey: options.anonKey ?? localBrowserKey(),
    ...(options.functionsUrl ? { functionsUrl: options.functionsUrl } : {}),
    refreshSeconds: options.refreshSeconds ?? 30,
    sessionPersistence: options.sessionPersistence ?? "tab",
  };
  const metaCsp = contentSecurityPolicy({ connect });
  const headerCsp = contentSecurityPolicy({ connect, header: true });
  const security = {
    "content-security-policy": headerCsp,
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
    "cache-control": "no-cache",
  };

  const server = Deno.serve({
    hostname: "127.0.0.1",
    port: options.port ?? localDashboardPort,
    onListen: () => {},
  }, async (req) => {
    if (req.method !== "GET" && req.method !== "HEAD") {
      return new Response("Method not allowed", { status: 405, headers: security });
    }
    const path = decodeURIComponent(new URL(req.url).pathname);
    if (path === "/config.json") {
      return new Response(JSON.stringify(config), {
        headers: { ...security, "content-type": "application/json; charset=utf-8" },
      });
    }
    const relative = path === "/" ? "index.html" : path.slice(1);
    const base = nodePath.resolve(root);
    const file = nodePath.resolve(base, relative);
    if (!file.startsWith(base + nodePath.sep) || relative.includes("\0")) {
      return new Response("Not found", { status: 404, headers: security });
    }
    try {
      let body: Uint8Array | string = await Deno.readFile(file);
      if (relative === "index.html") {
        body = withMetaCsp(new TextDecoder().decode(body), metaCsp);
      }
      return new Response(req.method === "HEAD" ? null : body as BodyInit, {
        headers: { ...security, "content-type": contentTypeOf(file) },
      });
    } catch {
      return new Response("Not found", {
        status: 404,
        headers: { ...security, "content-type": "text/plain; charset=utf-8" },
      });
    }
  });
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    stop: () => server.shutdown(),
  };
}

if (import.meta.main) {
  try {
    await buildDashboard();
    const supabaseUrl = Deno.env.get("DASHBOARD_SUPABASE_URL") ?? localApiUrl;
    const server = serveDashboard({
      supabaseUrl,
      anonKey: Deno.env.get("DASHBOARD_ANON_KEY") ?? localBrowserKey(),
      sessionPersistence: sessionPersistenceSetting(),
    });
    console.log(`Dashboard: ${server.url} (API ${supabaseUrl})`);
    if (supabaseUrl === localApiUrl) {
      // Against the local stack there is always a demo staff login to sign in with.
      const sql = createDatabase(localDatabaseUrl, { max: 1 });
      const staff = await ensureDemoStaff(sql);
      await sql.end({ timeout: 5 });
      console.log(`Demo staff login (local only): ${staff.email} / ${staff.password}`);
    } else {
      console.log("Sign in with a staff account of that project.");
    }
    console.log("Ctrl-C to stop.");
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    Deno.exit(1);
  }
}
