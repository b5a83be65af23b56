// Secrets never reach sync_log, replies or logs: every message passes through here first.

const connectionPassword = /(postgres(?:ql)?:\/\/[^:/@\s]+:)[^@\s]+@/gi;
const bearerToken = /(bearer\s+)[A-Za-z0-9._~+/=-]{8,}/gi;

/** The text with every secret (and any connection password or bearer token) replaced. */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let result = text;
  for (const secret of secrets) {
    if (secret.length >= 4) result = result.replaceAll(secret, "[redacted]");
  }
  return result.replace(connectionPassword, "$1[redacted]@").replace(bearerToken, "$1[redacted]");
}

/**
 * The one way an unexpected failure becomes text for a log, a reply or sync_log: its message
 * (or its name when it has none), with every secret redacted.
 */
export function describeError(error: unknown, secrets: readonly string[]): string {
  const text = error instanceof Error ? error.message || error.name : String(error);
  return redactSecrets(text, secrets);
}
