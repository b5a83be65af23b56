// DEVELOPMENT ONLY: whose request this is, as PostgREST behind Kong decides it: the Bearer
// token's claims when there is one, else the apikey's own.
import { type JwtClaims, verifyJwt } from "../local_keys.ts";
import { QueryError } from "./query.ts";

/** Bearer token when present, else the apikey itself (as PostgREST behind Kong). */
export async function claimsFor(
  req: Request,
  apiKeyClaims: JwtClaims,
  jwtSecret: string,
): Promise<JwtClaims> {
  const header = req.headers.get("authorization");
  if (!header) return apiKeyClaims;
  const match = header.match(/^Bearer\s+(\S+)$/i);
  if (!match) throw new QueryError(401, "PGRST301", "Authorization header is not a Bearer token");
  try {
    return await verifyJwt(match[1], jwtSecret);
  } catch (error) {
    const message = error instanceof Error ? error.message : "invalid JWT";
    if (/expired/.test(message)) throw new QueryError(401, "PGRST303", "JWT expired");
    throw new QueryError(401, "PGRST301", `JWT is invalid: ${message}`);
  }
}
