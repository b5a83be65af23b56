// Tells a secret API key from a public one: a secret key (sb_secret_…) or a legacy JWT key with
// role service_role bypasses row-level security and must never reach a browser.

function jwtRole(key: string): string | null {
  const parts = key.split(".");
  if (parts.length !== 3) return null;
  try {
    const json = atob(parts[1].replaceAll("-", "+").replaceAll("_", "/"));
    const role = JSON.parse(json).role;
    return typeof role === "string" ? role : null;
  } catch {
    return null;
  }
}

export function isSecretKey(key: string): boolean {
  return key.trim().startsWith("sb_secret_") || jwtRole(key.trim()) === "service_role";
}
