// Secrets never reach sync_log, replies or logs: every message passes through here first.

const connectionPassword = /(postgres(?:ql)?:\/\/[^:/@\s]+:)[^@\s]+@/gi;
const bearerToken = /(bearer\s+)[A-Za-z0-9._~+/=-]{8,}/gi;

export function redactSecrets(text: string, secrets: readonly string[]): string {
  let result = text;
  for (const secret of secrets) {
    if (secret.length >= 4) result = result.replaceAll(secret, "[redacted]");
  }
  return result.replace(connectionPassword, "$1[redacted]@").replace(bearerToken, "$1[redacted]");
}
