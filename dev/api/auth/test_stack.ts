// Test helper: the local auth and REST stand-ins behind one Deno.serve on a free port, the way
// dev/api/server.ts mounts them, plus optional extra routes (e.g. a functions stub).
import postgres from "postgres";
import { localDatabaseUrl } from "../../paths.ts";
import type { KeyMode } from "../key_mode.ts";
import { localKeys } from "../local_keys.ts";
import { authStandInDatabase, restStandInUrl } from "../stand_in_logins.ts";
import { printableUrl } from "../../db/local_password.ts";
import { localDashboardOrigins, withCors } from "../cors.ts";
import { createRestHandler } from "../rest/handler.ts";
import { createAuthHandler } from "./handler.ts";
import { ensureLocalAuthSchema } from "./schema.ts";

export interface TestStack {
  url: string;
  /** The test's own connection, as the superuser (for seeding and checks). */
  sql: postgres.Sql;
  close(): Promise<void>;
}

export type ExtraRoute = (req: Request, sql: postgres.Sql) => Promise<Response | null>;

export const testDatabaseUrl = Deno.env.get("TEST_DATABASE_URL") ?? localDatabaseUrl;

export async function startTestStack(
  options: {
    jwtExpirySeconds?: number;
    extra?: ExtraRoute;
    keyMode?: KeyMode;
    /**
     * Origins the auth and REST stand-ins answer browsers from (default the local dashboard's);
     * read at each request, so a test may add the dashboard it starts afterwards. Extra routes
     * answer CORS themselves, as the hosted functions and Storage do.
     */
    allowedOrigins?: string[];
  } = {},
): Promise<TestStack> {
  const sql = postgres(testDatabaseUrl, { max: 4, onnotice: () => {} });
  try {
    await sql`select 1`;
  } catch (error) {
    await sql.end();
    throw new Error(
      `PostgreSQL is not reachable at ${
        printableUrl(testDatabaseUrl)
      }: run "npx deno task db:start" ` +
        `(${error instanceof Error ? error.message : error})`,
    );
  }
  // The stand-ins log in as the services' roles, like dev/api/server.ts.
  const authSql = authStandInDatabase(testDatabaseUrl, 2);
  await ensureLocalAuthSchema(authSql);
  const project = { mode: options.keyMode ?? "both", keys: localKeys };
  const allowedOrigins = options.allowedOrigins ?? [...localDashboardOrigins];
  const auth = withCors(
    createAuthHandler({ sql: authSql, project, jwtExpirySeconds: options.jwtExpirySeconds }),
    allowedOrigins,
  );
  const rest = createRestHandler({ databaseUrl: restStandInUrl(testDatabaseUrl), project });
  const restWithCors = withCors(rest, allowedOrigins);
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (req) => {
    const path = new URL(req.url).pathname;
    if (options.extra) {
      const response = await options.extra(req, sql);
      if (response) return response;
    }
    if (path.startsWith("/auth/v1/")) return await auth(req);
    if (path.startsWith("/rest/v1/")) return await restWithCors(req);
    return new Response("not found", { status: 404 });
  });
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    sql,
    async close() {
      await server.shutdown();
      await rest.close();
      await authSql.end({ timeout: 5 });
      await sql.end({ timeout: 5 });
    },
  };
}

/** A unique suffix so parallel test files never collide on emails or entity names. */
export function uniqueSuffix(): string {
  return crypto.randomUUID().slice(0, 8);
}
