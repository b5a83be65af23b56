// deno task dashboard:build — bundles dashboard/src with the pinned Deno (deno bundle, esbuild
// inside) into static files in dashboard/dist: index.html, app.js, app.css, a config example
// and an asset manifest with SRI hashes (used by the Storage launcher). No source map: the
// published files would otherwise hand anyone the unminified source.
import { fromFileUrl, join } from "../dev/path_helpers.ts";
import { contentSecurityPolicy, defaultConnectOrigins, withMetaCsp } from "./csp.ts";
import type { SessionPersistence } from "./src/config.ts";

export const dashboardDir = fromFileUrl(new URL("./", import.meta.url));
export const distDir = join(dashboardDir, "dist");

export interface BuildResult {
  distDir: string;
  version: string;
  files: Record<string, { integrity: string; contentType: string }>;
}

export const contentTypes: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".txt": "text/plain; charset=utf-8",
};

export function contentTypeOf(path: string): string {
  const ext = path.slice(path.lastIndexOf("."));
  return contentTypes[ext] ?? "application/octet-stream";
}

async function sha384(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-384", bytes));
  return `sha384-${btoa(String.fromCharCode(...digest))}`;
}

/** DASHBOARD_SESSION_PERSISTENCE: "tab" (sessionStorage, the default) or "browser". */
export function sessionPersistenceSetting(): SessionPersistence {
  const value = Deno.env.get("DASHBOARD_SESSION_PERSISTENCE")?.trim() || "tab";
  if (value !== "tab" && value !== "browser") {
    throw new Error('DASHBOARD_SESSION_PERSISTENCE must be "tab" or "browser"');
  }
  return value;
}

export async function buildDashboard(
  options: {
    outDir?: string;
    connectOrigins?: string[];
    quiet?: boolean;
    sessionPersistence?: SessionPersistence;
  } = {},
): Promise<BuildResult> {
  const outDir = options.outDir ?? distDir;
  await Deno.mkdir(outDir, { recursive: true });
  const bundle = await new Deno.Command(Deno.execPath(), {
    args: [
      "bundle",
      "--platform",
      "browser",
      "--format",
      "esm",
      "--minify",
      "--output",
      join(outDir, "app.js"),
      join(dashboardDir, "src", "main.ts"),
    ],
    cwd: join(dashboardDir, ".."),
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!bundle.success) {
    throw new Error(`deno bundle failed:\n${new TextDecoder().decode(bundle.stderr)}`);
  }
  await Deno.copyFile(join(dashboardDir, "static", "app.css"), join(outDir, "app.css"));

  const files: BuildResult["files"] = {};
  for (const name of ["app.js", "app.css"]) {
    const bytes = await Deno.readFile(join(outDir, name));
    files[name] = { integrity: await sha384(bytes), contentType: contentTypeOf(name) };
  }
  const version = files["app.js"].integrity.slice(7, 19).replace(/[^A-Za-z0-9]/g, "x") +
    files["app.css"].integrity.slice(7, 11).replace(/[^A-Za-z0-9]/g, "x");

  const template = await Deno.readTextFile(join(dashboardDir, "static", "index.html"));
  const csp = contentSecurityPolicy({ connect: options.connectOrigins ?? defaultConnectOrigins });
  const html = withMetaCsp(template.replaceAll("__VERSION__", version), csp);
  await Deno.writeTextFile(join(outDir, "index.html"), html);
  await Deno.writeTextFile(
    join(outDir, "config.example.json"),
    JSON.stringify(
      {
        supabaseUrl: "https://YOUR-PROJECT-REF.supabase.co",
        supabaseAnonKey: "YOUR-PUBLIC-ANON-OR-PUBLISHABLE-KEY",
        refreshSeconds: 30,
        sessionPersistence: options.sessionPersistence ?? "tab",
      },
      null,
      2,
    ) + "\n",
  );
  await Deno.writeTextFile(
    join(outDir, "asset-manifest.json"),
    JSON.stringify({ version, files }, null, 2) + "\n",
  );
  if (!options.quiet) console.log(`Built the dashboard into ${outDir} (version ${version})`);
  return { distDir: outDir, version, files };
}

if (import.meta.main) {
  try {
    const connect = Deno.env.get("DASHBOARD_CONNECT_SRC");
    await buildDashboard({
      connectOrigins: connect ? connect.split(/\s+/) : undefined,
      sessionPersistence: sessionPersistenceSetting(),
    });
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    Deno.exit(1);
  }
}
