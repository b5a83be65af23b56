// Minimal path helpers (JSR's @std/path is unreachable here; node:path works in Deno).
import { fileURLToPath } from "node:url";
import nodePath from "node:path";

export function fromFileUrl(url: URL): string {
  return fileURLToPath(url);
}

export function join(...parts: string[]): string {
  return nodePath.join(...parts);
}

/** True when something exists at `path` (a file, a folder, a link's target). */
export function pathExists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}
