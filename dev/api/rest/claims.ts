// DEVELOPMENT ONLY: whose request this is, as PostgREST behind the API gateway decides it: the
// Bearer token's claims when it is a JWT, else the apikey's own (an sb_ key in the Authorization
// header is not a JWT: the gateway puts the apikey's role in its place).
import { isApiKeyBearer } from "../auth/gateway.ts";
import { type JwtClaims, verifyWithKeys } from "../jwt.ts";
import { type ProjectKeys, tokenVerificationKeys } from "../key_mode.ts";
import { QueryError } from "./query.ts";

/** Bearer token when it is a JWT, else the apikey's claims (as PostgREST behind the gateway). */
export async function claimsFor(
  req: Request,
  apiKeyClaims: JwtClaims,
  project: ProjectKeys,
): Promise<JwtClaims> {
  const header = req.headers.get("authorization");
  if (!header) return apiKeyClaims;
  const match = header.match(/^Bearer\s+(\S+)$/i);
  if (!match) throw new QueryError(401, "PGRST301", "Authorization header is not a Bearer token");
  if (isApiKeyBearer(match[1])) return apiKeyClaims;
  try {
    return await verifyWithKeys(match[1], await tokenVerificationKeys(project.mode, project.keys));
  } catch (error) {
    const message = error instanceof Error ? error.message : "invalid JWT";
    if (/expired/.test(message)) throw new QueryError(401, "PGRST303", "JWT expired");
    throw new QueryError(401, "PGRST301", `JWT is invalid: ${message}`);
  }
}
