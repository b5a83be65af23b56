// The Prefer request header (RFC 7240): a comma-separated list of preferences, each a token with
// an optional `=value` and optional `;parameters`. Names are case-insensitive; a value may be a
// quoted string, inside which a comma or semicolon separates nothing. Several Prefer headers
// arrive joined by commas, which reads the same.

const token = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** The names of the preferences a Prefer header value asks for, lower-cased. */
export function preferenceNames(header: string | null): Set<string> {
  const names = new Set<string>();
  if (!header) return names;
  for (const preference of splitOutsideQuotes(header, ",")) {
    const name = splitOutsideQuotes(preference, ";")[0].split("=")[0].trim();
    if (token.test(name)) names.add(name.toLowerCase());
  }
  return names;
}

/** True when the request asks for an immediate 202 and the work to go on without it. */
export function prefersRespondAsync(headers: Headers): boolean {
  return preferenceNames(headers.get("prefer")).has("respond-async");
}

/** Splits on `separator` where it is not inside a quoted string (with backslash escapes). */
function splitOutsideQuotes(text: string, separator: string): string[] {
  const parts: string[] = [];
  let current = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (quoted && char === "\\" && i + 1 < text.length) {
      current += char + text[++i];
      continue;
    }
    if (char === '"') quoted = !quoted;
    if (char === separator && !quoted) {
      parts.push(current);
      current = "";
    } else {
      current += char;
    }
  }
  parts.push(current);
  return parts;
}
