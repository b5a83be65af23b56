// The hosted project's minimum password length (Auth settings), checked and raised by
// dashboard:deploy through the Supabase Management API when it has an access token; otherwise
// deploy prints what the operator must set by hand. Staff passwords are the first factor.

export interface ManagementAccess {
  /** https://api.supabase.com unless a test points elsewhere. */
  apiUrl: string;
  accessToken: string;
  projectRef: string;
}

export const defaultMinimumPasswordLength = 12;

/** DASHBOARD_MIN_PASSWORD_LENGTH, 8–72 (bcrypt reads at most 72 bytes), default 12. */
export function minimumPasswordLengthSetting(): number {
  const raw = Deno.env.get("DASHBOARD_MIN_PASSWORD_LENGTH")?.trim();
  if (!raw) return defaultMinimumPasswordLength;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 8 || value > 72) {
    throw new Error("DASHBOARD_MIN_PASSWORD_LENGTH must be a whole number from 8 to 72");
  }
  return value;
}

/** The project ref of a https://<ref>.supabase.co URL, else null (a custom domain, local). */
export function projectRefOf(supabaseUrl: string): string | null {
  return new URL(supabaseUrl).hostname.match(/^([a-z]{20})\.supabase\.co$/)?.[1] ?? null;
}

async function management(access: ManagementAccess, method: string, body?: unknown) {
  const response = await fetch(`${access.apiUrl}/v1/projects/${access.projectRef}/config/auth`, {
    method,
    headers: {
      authorization: `Bearer ${access.accessToken}`,
      ...(body ? { "content-type": "application/json" } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  if (!response.ok) {
    await response.body?.cancel();
    throw new Error(
      `The Management API refused ${method} config/auth (HTTP ${response.status}): check ` +
        "SUPABASE_ACCESS_TOKEN and the project ref",
    );
  }
  return await response.json() as { password_min_length?: number };
}

/** Raises the project's minimum password length to `minimum` if it is lower; says what it did. */
export async function enforcePasswordLength(
  access: ManagementAccess | null,
  minimum: number,
): Promise<string> {
  if (!access) {
    return `Not checked: set SUPABASE_ACCESS_TOKEN to let deploy check it, or set it yourself ` +
      `(Supabase dashboard → Authentication → Sign In / Providers → Email → Minimum password ` +
      `length: ${minimum}).`;
  }
  const current = (await management(access, "GET")).password_min_length ?? 0;
  if (current >= minimum) return `Minimum password length is ${current} (at least ${minimum}).`;
  await management(access, "PATCH", { password_min_length: minimum });
  return `Raised the minimum password length from ${current} to ${minimum}.`;
}
