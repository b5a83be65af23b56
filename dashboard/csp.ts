// The dashboard's Content-Security-Policy: scripts and styles only from the page's own origin
// (or, for the Storage launcher, the exact asset origin), data only from the API origins.
// No inline script or style, no eval, no plugins, no framing, no form posts elsewhere.

/** Origins the built index.html may call when nothing more specific is known. */
export const defaultConnectOrigins = [
  "http://127.0.0.1:54321",
  "http://localhost:54321",
  "https://*.supabase.co",
];

export function originOf(url: string): string {
  const parsed = new URL(url);
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw new Error(`"${url}" is not an http(s) URL`);
  }
  return parsed.origin;
}

export function contentSecurityPolicy(options: {
  connect: string[];
  assets?: string[];
  /** frame-ancestors only works in a header, never in a <meta> tag. */
  header?: boolean;
}): string {
  const assets = ["'self'", ...(options.assets ?? [])].join(" ");
  const directives = [
    "default-src 'none'",
    `script-src ${assets}`,
    `style-src ${assets}`,
    "img-src 'self' data:",
    `connect-src 'self' ${options.connect.join(" ")}`,
    "base-uri 'none'",
    "form-action 'none'",
    "object-src 'none'",
  ];
  if (options.header) directives.push("frame-ancestors 'none'");
  return directives.join("; ");
}

/** Replaces the CSP <meta> of a built index.html (used by the local server and deploy). */
export function withMetaCsp(html: string, csp: string): string {
  const pattern = /(<meta http-equiv="Content-Security-Policy" content=")[^"]*(")/;
  if (!pattern.test(html)) throw new Error("index.html has no Content-Security-Policy meta tag");
  return html.replace(pattern, `$1${csp.replaceAll('"', "&quot;")}$2`);
}
