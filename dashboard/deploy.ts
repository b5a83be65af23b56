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
//   DASHBOARD_BUCKET                  optional, default "dashboard"; never made public if private
//   DASHBOARD_SESSION_PERSISTENCE     optional, "tab" (default) or "browser"
//   DASHBOARD_MIN_PASSWORD_LENGTH     optional, default 12; the project's Auth setting
//   SUPABASE_ACCESS_TOKEN             optional, lets deploy check and raise that setting
import { createClient } from "@supabase/supabase-js";
import { join } from "../dev/path_helpers.ts";
import {
  buildDashboard,
  type BuildResult,
  contentTypeOf,
  distDir,
  sessionPersistenceSetting,
} from "./build.ts";
import { contentSecurityPolicy, originOf } from "./csp.ts";
import {
  enforcePasswordLength,
  type ManagementAccess,
  minimumPasswordLengthSetting,
  projectRefOf,
} from "./password_policy.ts";
import type { SessionPersistence } from "./src/config.ts";
import { isSecretKey } from "./src/secret_key.ts";

export interface DeployOptions {
  supabaseUrl: string;
  /** Secret or service-role key; used for the upload only. */
  secretKey: string;
  /** Public anon or publishable key, written into the launcher. */
  publicKey: string;
  bucket?: string;
  outDir?: string;
  quiet?: boolean;
  /** Where staff sessions are kept; "tab" (sessionStorage) unless the operator chose longer. */
  sessionPersistence?: SessionPersistence;
  /** The Management API access that lets deploy check the project's password length. */
  management?: ManagementAccess | null;
  minimumPasswordLength?: number;
}

export interface DeployResult {
  version: string;
  assetBaseUrl: string;
  launcherPath: string;
  launcherHtml: string;
  /** What deploy found or changed about the project's minimum password length. */
  passwordLength: string;
}

/** The files the launcher loads; the build makes no source map and none is uploaded. */
const uploadedFiles = ["app.js", "app.css"];

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
  sessionPersistence?: SessionPersistence;
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
    <meta name="session-persistence" content="${a(options.sessionPersistence ?? "tab")}">
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

/** Refuses a secret key where the browser would get it, with what to use instead. */
function checkPublicKey(publicKey: string): void {
  if (isSecretKey(publicKey)) {
    throw new Error(
      "SUPABASE_PUBLISHABLE_KEY (or SUPABASE_ANON_KEY) holds a secret key (sb_secret_… or a " +
        "service_role JWT). The launcher is public: give it the publishable (sb_publishable_…) " +
        "or anon key from Project Settings → API Keys. Nothing was uploaded.",
    );
  }
}

/** Creates the public bucket, reuses a public one, and stops at a private one. */
async function ensurePublicBucket(
  storage: ReturnType<typeof createClient>["storage"],
  bucket: string,
  log: (line: string) => void,
): Promise<void> {
  const existing = await storage.getBucket(bucket);
  if (existing.data) {
    if (existing.data.public) return;
    throw new Error(
      `The bucket "${bucket}" exists and is private. Deploy will not make it public: its files ` +
        `would become readable by anyone. Choose another bucket with DASHBOARD_BUCKET (deploy ` +
        `creates it public), or, if "${bucket}" holds nothing but this dashboard, make it ` +
        `public yourself (Supabase dashboard → Storage → ${bucket} → Edit bucket → Public).`,
    );
  }
  const { error } = await storage.createBucket(bucket, { public: true });
  if (error && !/exist/i.test(error.message)) {
    throw new Error(`Could not create bucket "${bucket}": ${error.message}`);
  }
  log(`Created the public bucket "${bucket}"`);
}

export async function deployDashboard(options: DeployOptions): Promise<DeployResult> {
  const log = options.quiet ? () => {} : (line: string) => console.log(line);
  const bucket = options.bucket ?? "dashboard";
  if (!bucketPattern.test(bucket)) throw new Error(`Invalid bucket name "${bucket}"`);
  checkPublicKey(options.publicKey);
  const supabaseUrl = options.supabaseUrl.replace(/\/+$/, "");
  originOf(supabaseUrl);
  const outDir = options.outDir ?? distDir;
  const build = await buildDashboard({
    outDir,
    connectOrigins: [originOf(supabaseUrl)],
    quiet: options.quiet,
    sessionPersistence: options.sessionPersistence,
  });

  const client = createClient(supabaseUrl, options.secretKey, {
    auth: { persistSession: false, autoRefreshToken: false },
  });
  const storage = client.storage;
  await ensurePublicBucket(storage, bucket, log);

  for (const name of uploadedFiles) {
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
  const html = launcherHtml({
    supabaseUrl,
    publicKey: options.publicKey,
    assetBaseUrl,
    build,
    sessionPersistence: options.sessionPersistence,
  });
  const launcherDir = join(outDir, "launcher");
  await Deno.mkdir(launcherDir, { recursive: true });
  const launcherPath = join(launcherDir, "index.html");
  await Deno.writeTextFile(launcherPath, html);
  const passwordLength = await enforcePasswordLength(
    options.management ?? null,
    options.minimumPasswordLength ?? minimumPasswordLengthSetting(),
  );
  log(passwordLength);
  return { version: build.version, assetBaseUrl, launcherPath, launcherHtml: html, passwordLength };
}

/** Management API access from SUPABASE_ACCESS_TOKEN and the project's URL (or its ref). */
function managementFromEnv(supabaseUrl: string): ManagementAccess | null {
  const accessToken = Deno.env.get("SUPABASE_ACCESS_TOKEN")?.trim();
  const projectRef = Deno.env.get("SUPABASE_PROJECT_REF")?.trim() || projectRefOf(supabaseUrl);
  if (!accessToken || !projectRef) return null;
  return { apiUrl: "https://api.supabase.com", accessToken, projectRef };
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
    const supabaseUrl = requireEnv("SUPABASE_URL");
    const result = await deployDashboard({
      supabaseUrl,
      secretKey: requireEnv("SUPABASE_SECRET_KEY", "SUPABASE_SERVICE_ROLE_KEY"),
      publicKey: requireEnv("SUPABASE_PUBLISHABLE_KEY", "SUPABASE_ANON_KEY"),
      bucket: Deno.env.get("DASHBOARD_BUCKET") || undefined,
      sessionPersistence: sessionPersistenceSetting(),
      management: managementFromEnv(supabaseUrl),
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
