// Minimal path helpers (JSR's @std/path is unreachable here; node:path works in Deno).
import { fileURLToPath } from "node:url";
import nodePath from "node:path";

export function fromFileUrl(url: URL): string {
  return fileURLToPath(url);
}

export function join(...parts: string[]): string {
  return nodePath.join(...parts);
}
