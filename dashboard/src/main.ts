/// <reference lib="dom" />
// The staff dashboard: sign-in (sign_in.ts, then sign_in_mfa.ts when a second factor is due),
// then overview, history, rejected records and settings (shell.ts), read through staff-only
// views with the signed-in user's JWT. Every value is rendered as text. This file refuses to
// run inside a frame, loads the configuration and follows the auth state.
import { createClient, type Session } from "@supabase/supabase-js";
import { Api } from "./api.ts";
import { type DashboardConfig, loadConfig } from "./config.ts";
import { errorText } from "./context.ts";
import { h } from "./dom.ts";
import { startShell } from "./shell.ts";
import { showSignIn } from "./sign_in.ts";
import { assuranceStep, showAssuranceStep } from "./sign_in_mfa.ts";

const storageKey = "lightspeed-sync-dashboard";

function fatal(root: HTMLElement, title: string, text: string) {
  root.replaceChildren(
    h(
      "main",
      { class: "signin" },
      h("div", { class: "card" }, h("h1", {}, title), h("p", { class: "error-text" }, text)),
    ),
  );
}

/** Another page could frame the dashboard and trick staff into clicks (clickjacking). */
function isFramed(): boolean {
  try {
    return globalThis.top !== globalThis.self;
  } catch {
    return true;
  }
}

/** Where supabase-js keeps the session; a tab-only session also clears an older stored one. */
function sessionStore(config: DashboardConfig): Storage {
  if (config.sessionPersistence === "browser") return localStorage;
  localStorage.removeItem(storageKey);
  return sessionStorage;
}

/** Changes when the user or their assurance level changes; token refreshes keep it. */
function sessionKey(session: Session | null): string | null {
  if (!session) return null;
  try {
    const payload = session.access_token.split(".")[1].replaceAll("-", "+").replaceAll("_", "/");
    return `${session.user.id}:${JSON.parse(atob(payload)).aal ?? ""}`;
  } catch {
    return `${session.user.id}:`;
  }
}

async function start() {
  const root = document.getElementById("app")!;
  if (isFramed()) {
    return fatal(
      root,
      "The dashboard cannot run inside another page",
      "It was opened inside a frame, which could trick you into clicking its buttons. " +
        "Open it directly in its own tab.",
    );
  }
  let config: DashboardConfig;
  try {
    config = await loadConfig();
  } catch (error) {
    return fatal(root, "The dashboard is not configured", errorText(error));
  }
  const client = createClient(config.supabaseUrl, config.supabaseAnonKey, {
    auth: {
      persistSession: true,
      autoRefreshToken: true,
      storageKey,
      storage: sessionStore(config),
    },
  });
  const api = new Api(client, config);
  let current: string | null | undefined = undefined;
  let stopShell: (() => void) | null = null;
  let signedOutMessage = "";

  async function show(session: Session | null) {
    stopShell?.();
    stopShell = null;
    if (!session) return showSignIn(root, client, config.supabaseUrl, signedOutMessage);
    const step = await assuranceStep(client);
    if (step === "none") stopShell = startShell(root, session, { client, api, config });
    else await showAssuranceStep(root, client, step);
  }

  client.auth.onAuthStateChange((event, session) => {
    // Run outside the auth callback (supabase-js holds a lock while it runs).
    setTimeout(() => {
      const key = sessionKey(session);
      if (key === current) return;
      if (event === "SIGNED_OUT" && current) signedOutMessage = "You are signed out.";
      current = key;
      show(session).catch((error) => fatal(root, "Could not finish signing in", errorText(error)));
    });
  });
}

start();
