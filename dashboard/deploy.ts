// deno task dashboard:deploy — publishes the built dashboard to a public Supabase Storage
// bucket and writes the launcher page staff open.
//
// Supabase Storage serves HTML as text/plain (a platform security rule), so index.html cannot
// be opened from Storage. The JS and CSS keep their types; they are uploaded under a versioned
// folder, and dashboard/dist/launcher/index.html — a small page with the project URL, the
// public key, a CSP and SRI hashes — loads them. Host that page on any static host.
//
// Environment (read here, never written anywhere):
//   SUPABASE_URL                      https://<ref>.supabase.co
//   SUPABASE_SECRET_KEY               a secret (sb_secret_…) or service-role key, for the upload
//     (or SUPABASE_SERVICE_ROLE_KEY)
//   SUPABASE_PUBLISHABLE_KEY          the public key the browser uses (sb_publishable_… or anon)
//     (or SUPABASE_ANON_KEY)
//   DASHBOARD_BUCKET                  optional, default "dashboard"
import { createClient } from "@supabase/supabase-js";
import { join } from "../dev/path_helpers.ts";
import { buildDashboard, type BuildResult, contentTypeOf, distDir } from "./build.ts";
import { contentSecurityPolicy, originOf } from "./csp.ts";

export interface DeployOptions {
  supabaseUrl: string;
  /** Secret or service-role key; used for the upload only. */
  secretKey: string;
  /** Public anon or publishable key, written into the launcher. */
  publicKey: string;
  bucket?: string;
  outDir?: string;
  quiet?: boolean;
}

export interface DeployResult {
  version: string;
  assetBaseUrl: string;
  launcherPath: string;
  launcherHtml: string;
}

const bucketPattern = /^[a-z0-9][a-z0-9._-]{1,62}$/;
/** Versioned assets never change, so browsers and the CDN may keep them for a year. */
const immutableSeconds = "31536000";

function escapeAttribute(value: string): string {
  return value.replaceAll("&", "&amp;").replaceAll('"', "&quot;").replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;");
}

/** The launcher: a static page that loads the versioned app from Storage. */
export function launcherHtml(options: {
  supabaseUrl: string;
  publicKey: string;
  assetBaseUrl: string;
  build: Pick<BuildResult, "files">;
}): string {
  const assetOrigin = originOf(options.assetBaseUrl);
  const csp = contentSecurityPolicy({
    connect: [originOf(options.supabaseUrl)],
    assets: [assetOrigin],
  });
  const a = (text: string) => escapeAttribute(text);
  const { files } = options.build;
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <meta http-equiv="Content-Security-Policy" content="${a(csp)}">
    <meta name="referrer" content="no-referrer">
    <meta name="supabase-url" content="${a(options.supabaseUrl)}">
    <meta name="supabase-anon-key" content="${a(options.publicKey)}">
    <title>Lightspeed sync</title>
    <link rel="stylesheet" href="${a(`${options.assetBaseUrl}/app.css`)}" integrity="${
    a(files["app.css"].integrity)
  }" crossorigin="anonymous">
    <script type="module" src="${a(`${options.assetBaseUrl}/app.js`)}" integrity="${
    a(files["app.js"].integrity)
  }" crossorigin="anonymous"></script>
  </head>
  <body>
    <div id="app"><p class="loading">Loading the dashboard…</p></div>
    <noscript>This dashboard needs JavaScript.</noscript>
  </body>
</html>
`;
}

export async function deployDashboard(options: DeployOptions): Promise<DeployResult> {
  const log = options.quiet ? () => {} : (line: string) => console.log(line);
  const bucket = options.bucket ?? "dashboard";
  if (!bucketPattern.test(bucket)) throw new Error(`Invalid bucket name "${bucket}"`);
  const supabaseUrl = options.supabaseUrl.replace(/\/+$/, "");
  originOf(supabaseUrl);
  const outDir = options.outDir ?? distDir;
  const build = await buildDashboard({
    outDir,
    connectOrigins: [originOf(supabaseUrl)],
    quiet: options.quiet,
  });

  const client = createClient(supabaseUrl, options.secretKey, {
    auth: { persistSession: false, autoRefreshToken: false },
  });
  const storage = client.storage;
  const existing = await storage.getBucket(bucket);
  if (existing.data) {
    if (!existing.data.public) {
      const { error } = await storage.updateBucket(bucket, { public: true });
      if (error) throw new Error(`Could not make bucket "${bucket}" public: ${error.message}`);
    }
  } else {
    const { error } = await storage.createBucket(bucket, { public: true });
    if (error && !/exist/i.test(error.message)) {
      throw new Error(`Could not create bucket "${bucket}": ${error.message}`);
    }
    log(`Created the public bucket "${bucket}"`);
  }

  for (const name of ["app.js", "app.css", "app.js.map"]) {
    const bytes = await Deno.readFile(join(outDir, name));
    const { error } = await storage.from(bucket).upload(`${build.version}/${name}`, bytes, {
      contentType: contentTypeOf(name),
      cacheControl: immutableSeconds,
      upsert: true,
    });
    if (error) throw new Error(`Could not upload ${name}: ${error.message}`);
    log(`Uploaded ${bucket}/${build.version}/${name} (${contentTypeOf(name)})`);
  }

  const assetBaseUrl = storage.from(bucket).getPublicUrl(build.version).data.publicUrl
    .replace(/\/+$/, "");
  const html = launcherHtml({ supabaseUrl, publicKey: options.publicKey, assetBaseUrl, build });
  const launcherDir = join(outDir, "launcher");
  await Deno.mkdir(launcherDir, { recursive: true });
  const launcherPath = join(launcherDir, "index.html");
  await Deno.writeTextFile(launcherPath, html);
  return { version: build.version, assetBaseUrl, launcherPath, launcherHtml: html };
}

function requireEnv(...names: string[]): string {
  for (const name of names) {
    const value = Deno.env.get(name)?.trim();
    if (value) return value;
  }
  throw new Error(`Missing setting ${names.join(" or ")}: see dashboard/README.md`);
}

if (import.meta.main) {
  try {
    const result = await deployDashboard({
      supabaseUrl: requireEnv("SUPABASE_URL"),
      secretKey: requireEnv("SUPABASE_SECRET_KEY", "SUPABASE_SERVICE_ROLE_KEY"),
      publicKey: requireEnv("SUPABASE_PUBLISHABLE_KEY", "SUPABASE_ANON_KEY"),
      bucket: Deno.env.get("DASHBOARD_BUCKET") || undefined,
    });
    console.log(`
Published version ${result.version} to ${result.assetBaseUrl}/

Storage serves HTML as plain text, so staff do not open a Storage URL. Instead host the
launcher page, which loads the app above from Storage:

  ${result.launcherPath}

Put that one file on any static host (your website, GitHub Pages, Netlify, an intranet server)
and give staff its URL. Redeploying writes a new launcher; replace the hosted copy.
See dashboard/README.md.`);
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    Deno.exit(1);
  }
}
