/// <reference lib="dom" />
// dashboard:deploy against a local Storage fake, then the recommended way to open it: the
// launcher page on another static origin, loading the app from "Storage" with SRI and CSP.
import assert from "node:assert/strict";
import { startTestStack, uniqueSuffix } from "../dev/api/auth/test_stack.ts";
import { createLocalUser, deleteLocalUser } from "../dev/api/auth/users.ts";
import { localAnonKey, localServiceRoleKey } from "../dev/api/local_keys.ts";
import { deployDashboard } from "./deploy.ts";
import { storageFake } from "./storage_fake.ts";
import { launchChromium } from "./chromium.ts";

/** The Management API's auth config endpoint, remembering every change deploy asks for. */
function managementFake(passwordMinLength: number) {
  const patches: unknown[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (req) => {
    if (req.headers.get("authorization") !== "Bearer sbp_test_token") {
      return new Response("{}", { status: 401 });
    }
    if (new URL(req.url).pathname !== "/v1/projects/abcdefghijklmnopqrst/config/auth") {
      return new Response("{}", { status: 404 });
    }
    if (req.method === "PATCH") {
      const body = await req.json();
      patches.push(body);
      passwordMinLength = body.password_min_length;
    }
    return Response.json({ password_min_length: passwordMinLength });
  });
  return {
    patches,
    access: {
      apiUrl: `http://127.0.0.1:${server.addr.port}`,
      accessToken: "sbp_test_token",
      projectRef: "abcdefghijklmnopqrst",
    },
    close: () => server.shutdown(),
  };
}

Deno.test({
  name:
    "deployDashboard() uploads typed, versioned assets and a launcher that works from another origin",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const storage = storageFake();
    // The API answers browsers from the launcher's origin only, known once it is served.
    const allowedOrigins: string[] = [];
    const stack = await startTestStack({ allowedOrigins, extra: (req) => storage.handle(req) });
    const suffix = uniqueSuffix();
    const email = `deploy-staff-${suffix}@example.com`;
    const outDir = await Deno.makeTempDir({ prefix: "dashboard-deploy-" });
    let launcherServer: Deno.HttpServer<Deno.NetAddr> | null = null;
    const browser = await launchChromium();
    const management = managementFake(6);
    try {
      await createLocalUser(stack.sql, email, "deploy-pass-123", { staff: true });
      const result = await deployDashboard({
        supabaseUrl: stack.url,
        secretKey: localServiceRoleKey,
        publicKey: localAnonKey,
        bucket: `dashboard-${suffix}`,
        outDir,
        quiet: true,
        management: management.access,
        minimumPasswordLength: 12,
      });
      assert.equal(storage.buckets.get(`dashboard-${suffix}`)?.public, true);
      assert.deepEqual(management.patches, [{ password_min_length: 12 }]);
      assert.match(result.passwordLength, /from 6 to 12/);
      // No source map: none uploaded, and the bundle does not point at one.
      const keys = [...storage.objects.keys()].filter((key) =>
        key.startsWith(`dashboard-${suffix}/`)
      );
      assert.deepEqual(keys.map((key) => key.split("/").pop()).sort(), ["app.css", "app.js"]);
      const js = storage.objects.get(`dashboard-${suffix}/${result.version}/app.js`)!;
      assert.equal(js.contentType, "text/javascript; charset=utf-8");
      assert.doesNotMatch(new TextDecoder().decode(js.bytes), /sourceMappingURL/);
      assert.match(result.launcherHtml, /name="session-persistence" content="tab"/);
      assert.equal(js.cacheControl, "max-age=31536000");
      assert.equal(
        storage.objects.get(`dashboard-${suffix}/${result.version}/app.css`)?.contentType,
        "text/css; charset=utf-8",
      );
      assert.ok(result.launcherHtml.includes(`content="${stack.url}"`));
      assert.ok(!result.launcherHtml.includes(localServiceRoleKey), "no secret in the launcher");
      assert.match(result.launcherHtml, /integrity="sha384-/);

      // Re-deploying the same build is idempotent (upsert); the password length is now enough.
      const again = await deployDashboard({
        supabaseUrl: stack.url,
        secretKey: localServiceRoleKey,
        publicKey: localAnonKey,
        bucket: `dashboard-${suffix}`,
        outDir,
        quiet: true,
        management: management.access,
        minimumPasswordLength: 12,
      });
      assert.equal(management.patches.length, 1);
      assert.match(again.passwordLength, /is 12/);

      // Host the launcher on a different origin, as staff would.
      let html = result.launcherHtml;
      launcherServer = Deno.serve(
        { hostname: "127.0.0.1", port: 0, onListen: () => {} },
        () => new Response(html, { headers: { "content-type": "text/html; charset=utf-8" } }),
      );
      const launcherUrl = `http://localhost:${launcherServer.addr.port}/`;
      allowedOrigins.push(new URL(launcherUrl).origin);

      const page = await browser.newPage();
      const problems: string[] = [];
      page.on("pageerror", (e) => problems.push(e.message));
      page.on("console", (m) => m.type() === "error" && problems.push(m.text()));
      await page.goto(launcherUrl);
      await page.getByLabel("Email").fill(email);
      await page.getByLabel("Password").fill("deploy-pass-123");
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.locator("article.tile").first().waitFor();
      assert.deepEqual(problems, []);

      // Framed by another site (the launcher's host sends no frame headers), the page refuses.
      const framing = Deno.serve(
        { hostname: "127.0.0.1", port: 0, onListen: () => {} },
        () =>
          new Response(`<iframe src="${launcherUrl}" width="800" height="600"></iframe>`, {
            headers: { "content-type": "text/html; charset=utf-8" },
          }),
      );
      try {
        const framed = await browser.newPage();
        await framed.goto(`http://127.0.0.1:${framing.addr.port}/`);
        const frame = framed.frameLocator("iframe");
        await frame.getByText("cannot run inside another page").waitFor();
        assert.equal(await frame.getByLabel("Email").count(), 0);
        await framed.close();
      } finally {
        await framing.shutdown();
      }

      // A tampered asset in Storage is refused by the browser (subresource integrity).
      storage.objects.get(`dashboard-${suffix}/${result.version}/app.js`)!.bytes = new TextEncoder()
        .encode("window.__tampered = true;");
      html = result.launcherHtml.replace("app.js", "app.js?nocache=1");
      const tampered = await browser.newPage();
      const refused: string[] = [];
      tampered.on("console", (m) => refused.push(m.text()));
      await tampered.goto(launcherUrl);
      await tampered.waitForTimeout(500);
      assert.equal(await tampered.evaluate(() => "__tampered" in globalThis), false);
      assert.equal(await tampered.locator("#app").textContent(), "Loading the dashboard…");
      assert.ok(refused.some((t) => /integrity/i.test(t)), refused.join("\n"));
    } finally {
      await browser.close();
      await management.close();
      await launcherServer?.shutdown();
      await deleteLocalUser(stack.sql, email);
      await stack.close();
      await Deno.remove(outDir, { recursive: true });
    }
  },
});

Deno.test({
  name: "deployDashboard() refuses a secret key for the launcher and never makes a bucket public",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const storage = storageFake();
    const stack = await startTestStack({ extra: (req) => storage.handle(req) });
    const outDir = await Deno.makeTempDir({ prefix: "dashboard-deploy-" });
    const bucket = `private-${uniqueSuffix()}`;
    const deploy = (publicKey: string) =>
      deployDashboard({
        supabaseUrl: stack.url,
        secretKey: localServiceRoleKey,
        publicKey,
        bucket,
        outDir,
        quiet: true,
      });
    try {
      for (const secret of [localServiceRoleKey, "sb_secret_0123456789abcdefghijkl"]) {
        await assert.rejects(deploy(secret), /holds a secret key.*publishable/s);
      }
      assert.equal(storage.buckets.size, 0, "nothing was created");

      storage.buckets.set(bucket, { public: false });
      await assert.rejects(deploy(localAnonKey), /exists and is private.*DASHBOARD_BUCKET/s);
      assert.equal(storage.buckets.get(bucket)?.public, false, "the bucket stays private");
      assert.equal(storage.objects.size, 0, "nothing was uploaded");
    } finally {
      await stack.close();
      await Deno.remove(outDir, { recursive: true });
    }
  },
});
