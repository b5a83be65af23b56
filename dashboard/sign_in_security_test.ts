/// <reference lib="dom" />
// Browser tests of how staff sign in: the session lives in sessionStorage unless the operator
// keeps it longer, the local server forbids framing, and with staff_sign_in_policy's aal2
// requirement on, data loads only after an authenticator code (enrolled on first sign-in).
import assert from "node:assert/strict";
import type { Browser, Page } from "playwright-core";
import { startTestStack, type TestStack, uniqueSuffix } from "../dev/api/auth/test_stack.ts";
import { totpCode } from "../dev/api/auth/totp.ts";
import { createLocalUser, deleteLocalUser } from "../dev/api/auth/users.ts";
import { buildDashboard } from "./build.ts";
import { launchChromium } from "./chromium.ts";
import { type DashboardServer, serveDashboard } from "./serve.ts";
import type { SessionPersistence } from "./src/config.ts";

const storageKey = "lightspeed-sync-dashboard";

interface World {
  stack: TestStack;
  browser: Browser;
  outDir: string;
  staff: { email: string; password: string };
  entity: string;
  /** The origins the API answers browsers from: each dashboard started adds its own. */
  allowedOrigins: string[];
}

async function withWorld(run: (world: World) => Promise<void>) {
  const allowedOrigins: string[] = [];
  const stack = await startTestStack({ allowedOrigins });
  const suffix = uniqueSuffix();
  const outDir = await Deno.makeTempDir({ prefix: "dashboard-signin-" });
  const staff = { email: `signin-staff-${suffix}@example.com`, password: "signin-pass-123" };
  const entity = `signin_${suffix}`;
  let browser: Browser | null = null;
  try {
    await buildDashboard({ outDir, quiet: true });
    await createLocalUser(stack.sql, staff.email, staff.password, { staff: true });
    await stack.sql`insert into sync_settings (entity) values (${entity})`;
    browser = await launchChromium();
    await run({ stack, browser, outDir, staff, entity, allowedOrigins });
  } finally {
    await browser?.close();
    await stack.sql`delete from sync_settings where entity = ${entity}`;
    await deleteLocalUser(stack.sql, staff.email);
    await stack.close();
    await Deno.remove(outDir, { recursive: true });
  }
}

async function withDashboard(
  world: World,
  sessionPersistence: SessionPersistence | undefined,
  run: (server: DashboardServer) => Promise<void>,
) {
  const server = serveDashboard({
    port: 0,
    root: world.outDir,
    supabaseUrl: world.stack.url,
    refreshSeconds: 0,
    sessionPersistence,
  });
  world.allowedOrigins.push(server.url);
  try {
    await run(server);
  } finally {
    await server.stop();
  }
}

async function signIn(page: Page, url: string, login: World["staff"]) {
  await page.goto(url);
  await page.getByLabel("Email").fill(login.email);
  await page.getByLabel("Password").fill(login.password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

function storedSession(page: Page) {
  return page.evaluate((key) => ({
    local: localStorage.getItem(key) !== null,
    session: sessionStorage.getItem(key) !== null,
  }), storageKey);
}

Deno.test({
  name: "sign-in: the session is kept per tab by default, in localStorage only when chosen",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: () =>
    withWorld(async (world) => {
      await withDashboard(world, undefined, async (server) => {
        const headers = (await fetch(server.url)).headers;
        await (await fetch(server.url)).body?.cancel();
        assert.match(headers.get("content-security-policy") ?? "", /frame-ancestors 'none'/);
        assert.equal(headers.get("x-frame-options"), "DENY");

        const context = await world.browser.newContext();
        const page = await context.newPage();
        // A session an older version left in localStorage is cleared, never reused.
        await page.goto(server.url);
        await page.evaluate((key) => localStorage.setItem(key, "stale"), storageKey);
        await signIn(page, server.url, world.staff);
        await page.locator(`article.tile[data-entity="${world.entity}"]`).waitFor();
        assert.deepEqual(await storedSession(page), { local: false, session: true });
        const otherTab = await context.newPage();
        await otherTab.goto(server.url);
        await otherTab.getByLabel("Email").waitFor();
        await context.close();
      });
      await withDashboard(world, "browser", async (server) => {
        const context = await world.browser.newContext();
        const page = await context.newPage();
        await signIn(page, server.url, world.staff);
        await page.locator(`article.tile[data-entity="${world.entity}"]`).waitFor();
        assert.deepEqual(await storedSession(page), { local: true, session: false });
        await context.close();
      });
    }),
});

async function typeCode(page: Page, secret: string, wrong = false) {
  const code = await totpCode(secret);
  const typed = wrong ? String((Number(code) + 500_000) % 1_000_000).padStart(6, "0") : code;
  await page.getByLabel("Code").fill(typed);
  await page.getByRole("button", { name: "Verify" }).click();
}

Deno.test({
  name: "sign-in: with aal2 required, staff enroll an authenticator, and data loads only after",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: () =>
    withWorld(async (world) => {
      const { sql } = world.stack;
      const tile = `article.tile[data-entity="${world.entity}"]`;
      await sql`update staff_sign_in_policy set require_aal2 = true`;
      try {
        await withDashboard(world, undefined, async (server) => {
          const page = await world.browser.newPage();
          await signIn(page, server.url, world.staff);
          await page.getByRole("heading", { name: "Set up two-step sign-in" }).waitFor();
          assert.equal(await page.locator("article.tile").count(), 0);
          const secret = (await page.locator("#mfa-secret").textContent())!.trim();
          assert.match(secret, /^[A-Z2-7]{32}$/);

          await typeCode(page, secret, true);
          await page.getByText("Wrong code").waitFor();
          assert.equal(await page.locator("article.tile").count(), 0);
          await typeCode(page, secret);
          await page.locator(tile).waitFor();

          // Signed in again later: asked for a code, not a new enrollment.
          await page.getByRole("button", { name: "Sign out" }).click();
          await signIn(page, server.url, world.staff);
          await page.getByRole("heading", { name: "Two-step sign-in" }).waitFor();
          assert.equal(await page.locator("article.tile").count(), 0);
          await typeCode(page, secret);
          await page.locator(tile).waitFor();
          await page.close();
        });
      } finally {
        await sql`update staff_sign_in_policy set require_aal2 = false`;
      }
    }),
});
