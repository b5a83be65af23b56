/// <reference lib="dom" />
// dashboard:deploy against a local Storage fake, then the recommended way to open it: the
// launcher page on another static origin, loading the app from "Storage" with SRI and CSP.
import assert from "node:assert/strict";
import { chromium } from "playwright-core";
import { startTestStack, uniqueSuffix } from "../dev/api/auth/test_stack.ts";
import { createLocalUser, deleteLocalUser } from "../dev/api/auth/users.ts";
import { localAnonKey, localServiceRoleKey } from "../dev/api/local_keys.ts";
import { deployDashboard } from "./deploy.ts";
import { storageFake } from "./storage_fake.ts";

const chromiumPath = "/usr/bin/chromium";

Deno.test({
  name:
    "deployDashboard() uploads typed, versioned assets and a launcher that works from another origin",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    try {
      await Deno.stat(chromiumPath);
    } catch {
      throw new Error(`Chromium is missing at ${chromiumPath}: run "apt-get install chromium"`);
    }
    const storage = storageFake();
    const stack = await startTestStack({ extra: (req) => storage.handle(req) });
    const suffix = uniqueSuffix();
    const email = `deploy-staff-${suffix}@example.com`;
    const outDir = await Deno.makeTempDir({ prefix: "dashboard-deploy-" });
    let launcherServer: Deno.HttpServer<Deno.NetAddr> | null = null;
    const browser = await chromium.launch({
      executablePath: chromiumPath,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"],
    });
    try {
      await createLocalUser(stack.sql, email, "deploy-pass-123", { staff: true });
      const result = await deployDashboard({
        supabaseUrl: stack.url,
        secretKey: localServiceRoleKey,
        publicKey: localAnonKey,
        bucket: `dashboard-${suffix}`,
        outDir,
        quiet: true,
      });
      assert.equal(storage.buckets.get(`dashboard-${suffix}`)?.public, true);
      const js = storage.objects.get(`dashboard-${suffix}/${result.version}/app.js`)!;
      assert.equal(js.contentType, "text/javascript; charset=utf-8");
      assert.equal(js.cacheControl, "max-age=31536000");
      assert.equal(
        storage.objects.get(`dashboard-${suffix}/${result.version}/app.css`)?.contentType,
        "text/css; charset=utf-8",
      );
      assert.ok(result.launcherHtml.includes(`content="${stack.url}"`));
      assert.ok(!result.launcherHtml.includes(localServiceRoleKey), "no secret in the launcher");
      assert.match(result.launcherHtml, /integrity="sha384-/);

      // Re-deploying the same build is idempotent (upsert).
      await deployDashboard({
        supabaseUrl: stack.url,
        secretKey: localServiceRoleKey,
        publicKey: localAnonKey,
        bucket: `dashboard-${suffix}`,
        outDir,
        quiet: true,
      });

      // Host the launcher on a different origin, as staff would.
      let html = result.launcherHtml;
      launcherServer = Deno.serve(
        { hostname: "127.0.0.1", port: 0, onListen: () => {} },
        () => new Response(html, { headers: { "content-type": "text/html; charset=utf-8" } }),
      );
      const launcherUrl = `http://localhost:${launcherServer.addr.port}/`;

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
      await launcherServer?.shutdown();
      await deleteLocalUser(stack.sql, email);
      await stack.close();
      await Deno.remove(outDir, { recursive: true });
    }
  },
});
