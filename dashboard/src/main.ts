/// <reference lib="dom" />
// The staff dashboard: sign-in (sign_in.ts), then overview, history, rejected records and
// settings (shell.ts), read through staff-only views with the signed-in user's JWT. Every value
// is rendered as text. This file loads the configuration and follows the auth state.
import { createClient } from "@supabase/supabase-js";
import { Api } from "./api.ts";
import { type DashboardConfig, loadConfig } from "./config.ts";
import { errorText } from "./context.ts";
import { h } from "./dom.ts";
import { startShell } from "./shell.ts";
import { showSignIn } from "./sign_in.ts";

function fatal(root: HTMLElement, title: string, text: string) {
  root.replaceChildren(
    h(
      "main",
      { class: "signin" },
      h("div", { class: "card" }, h("h1", {}, title), h("p", { class: "error-text" }, text)),
    ),
  );
}

async function start() {
  const root = document.getElementById("app")!;
  let config: DashboardConfig;
  try {
    config = await loadConfig();
  } catch (error) {
    return fatal(root, "The dashboard is not configured", errorText(error));
  }
  const client = createClient(config.supabaseUrl, config.supabaseAnonKey, {
    auth: { persistSession: true, autoRefreshToken: true, storageKey: "lightspeed-sync-dashboard" },
  });
  const api = new Api(client, config);
  let currentUser: string | null | undefined = undefined;
  let stopShell: (() => void) | null = null;
  let signedOutMessage = "";

  client.auth.onAuthStateChange((event, session) => {
    // Run outside the auth callback (supabase-js holds a lock while it runs).
    setTimeout(() => {
      const user = session?.user.id ?? null;
      if (user === currentUser) return;
      if (event === "SIGNED_OUT" && currentUser) {
        signedOutMessage = "You are signed out.";
      }
      currentUser = user;
      stopShell?.();
      stopShell = null;
      if (session) stopShell = startShell(root, session, { client, api, config });
      else showSignIn(root, client, config.supabaseUrl, signedOutMessage);
    });
  });
}

start();
