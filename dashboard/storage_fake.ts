// Test stand-in for Supabase Storage: the few endpoints dashboard:deploy uses, and public
// object reads that — like the real service — rewrite any text/html type to text/plain and
// allow cross-origin reads.
import { localJwtSecret, localSecretKey, verifyJwt } from "../dev/api/local_keys.ts";

/** Supabase Storage answers any origin (public objects are meant to be read from anywhere). */
const corsHeaders: Record<string, string> = {
  "access-control-allow-origin": "*",
  "access-control-allow-methods": "GET, HEAD, POST, PUT, DELETE, OPTIONS",
  "access-control-allow-headers": "authorization, apikey, content-type, x-client-info, x-upsert",
  "access-control-max-age": "3600",
};

export interface StoredObject {
  bytes: Uint8Array;
  contentType: string;
  cacheControl: string | null;
}

export function storageFake() {
  const buckets = new Map<string, { public: boolean }>();
  const objects = new Map<string, StoredObject>();

  async function isAdmin(req: Request): Promise<boolean> {
    // The secret key acts as service_role, as the gateway in front of Storage decides.
    if (req.headers.get("apikey") === localSecretKey) return true;
    const token = (req.headers.get("authorization") ?? "").replace(/^Bearer\s+/i, "");
    try {
      return (await verifyJwt(token, localJwtSecret)).role === "service_role";
    } catch {
      return false;
    }
  }

  const json = (body: unknown, status = 200) =>
    new Response(JSON.stringify(body), {
      status,
      headers: { ...corsHeaders, "content-type": "application/json" },
    });

  async function handle(req: Request): Promise<Response | null> {
    const path = new URL(req.url).pathname;
    if (!path.startsWith("/storage/v1/")) return null;
    const rest = path.slice("/storage/v1".length);
    const publicRead = rest.match(/^\/object\/public\/([^/]+)\/(.+)$/);
    if (publicRead && (req.method === "GET" || req.method === "HEAD")) {
      const [, bucket, key] = publicRead;
      const object = objects.get(`${bucket}/${key}`);
      if (!buckets.get(bucket)?.public || !object) {
        return json({ statusCode: "404", error: "not_found", message: "Object not found" }, 400);
      }
      const type = /text\/html/i.test(object.contentType) ? "text/plain" : object.contentType;
      return new Response(object.bytes as BodyInit, {
        headers: {
          ...corsHeaders,
          "content-type": type,
          ...(object.cacheControl ? { "cache-control": object.cacheControl } : {}),
        },
      });
    }
    if (req.method === "OPTIONS") return new Response(null, { status: 204, headers: corsHeaders });
    if (!(await isAdmin(req))) {
      return json({ statusCode: "403", error: "Unauthorized", message: "Unauthorized" }, 403);
    }
    const bucketMatch = rest.match(/^\/bucket(?:\/([^/]+))?$/);
    if (bucketMatch) {
      const id = bucketMatch[1];
      if (req.method === "GET" && id) {
        const bucket = buckets.get(id);
        return bucket ? json({ id, name: id, public: bucket.public }) : json(
          { statusCode: "404", error: "Bucket not found", message: "Bucket not found" },
          400,
        );
      }
      const body = await req.json();
      if (req.method === "POST") {
        if (buckets.has(body.id)) {
          return json({ statusCode: "409", error: "Duplicate", message: "already exists" }, 400);
        }
        buckets.set(body.id, { public: Boolean(body.public) });
        return json({ name: body.id });
      }
      if (req.method === "PUT" && id) {
        buckets.set(id, { public: Boolean(body.public) });
        return json({ message: "Successfully updated" });
      }
    }
    const upload = rest.match(/^\/object\/([^/]+)\/(.+)$/);
    if (upload && (req.method === "POST" || req.method === "PUT")) {
      const [, bucket, key] = upload;
      if (!buckets.has(bucket)) {
        return json({ statusCode: "404", message: "Bucket not found" }, 400);
      }
      const id = `${bucket}/${key}`;
      if (objects.has(id) && req.headers.get("x-upsert") !== "true") {
        return json({ statusCode: "409", message: "The resource already exists" }, 400);
      }
      objects.set(id, {
        bytes: new Uint8Array(await req.arrayBuffer()),
        contentType: req.headers.get("content-type") ?? "application/octet-stream",
        cacheControl: req.headers.get("cache-control"),
      });
      return json({ Key: id, Id: crypto.randomUUID() });
    }
    return json({ statusCode: "404", message: "Not found" }, 404);
  }

  return { handle, buckets, objects };
}
