/// <reference lib="dom" />
// The staff dashboard: sign-in, then overview, history, rejected records and settings, read
// through staff-only views with the signed-in user's JWT. Every value is rendered as text.
import { createClient, type Session } from "@supabase/supabase-js";
import { Api } from "./api.ts";
import { type DashboardConfig, loadConfig } from "./config.ts";
import { errorText, type NoticeKind, type View, type ViewContext } from "./context.ts";
import { h } from "./dom.ts";
import { apiFailureText, formatTimestamp } from "./format.ts";
import { historyView } from "./view_history.ts";
import { overviewView } from "./view_overview.ts";
import { rejectsView } from "./view_rejects.ts";
import { settingsView } from "./view_settings.ts";

const routes = [
  ["overview", "Overview"],
  ["history", "History"],
  ["rejects", "Rejected records"],
  ["settings", "Settings"],
] as const;

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

  function signInPage() {
    const email = h("input", {
      id: "email",
      attrs: { type: "email", autocomplete: "username", required: true },
    });
    const password = h("input", {
      id: "password",
      attrs: { type: "password", autocomplete: "current-password", required: true },
    });
    const message = h("p", { class: "form-error", attrs: { role: "alert" } }, signedOutMessage);
    const submit = h("button", { attrs: { type: "submit" } }, "Sign in");
    const form = h(
      "form",
      { class: "card", attrs: { "aria-labelledby": "signin-title" } },
      h("h1", { id: "signin-title" }, "Lightspeed sync"),
      h("p", { class: "muted" }, "Sign in with your staff account to see the sync's health."),
      h("div", { class: "field" }, h("label", { attrs: { for: "email" } }, "Email"), email),
      h(
        "div",
        { class: "field" },
        h("label", { attrs: { for: "password" } }, "Password"),
        password,
      ),
      submit,
      message,
    );
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      submit.disabled = true;
      message.textContent = "";
      const { error } = await client.auth.signInWithPassword({
        email: email.value.trim(),
        password: password.value,
      });
      submit.disabled = false;
      if (error) {
        message.textContent = error.code === "invalid_credentials"
          ? "Wrong email or password."
          : apiFailureText("Could not sign in", error.message, error.status, config.supabaseUrl);
        password.select();
      }
    });
    root.replaceChildren(h("main", { class: "signin" }, form));
    email.focus();
  }

  function shell(session: Session): () => void {
    const emailText = session.user.email ?? "signed in";
    const notice = h("div", { class: "notice", attrs: { role: "status", "aria-live": "polite" } });
    const updated = h("span", { class: "muted", attrs: { "aria-live": "off" } });
    const auto = h("input", { id: "auto-refresh", attrs: { type: "checkbox" } });
    auto.checked = config.refreshSeconds > 0;
    const refreshButton = h("button", { class: "secondary", attrs: { type: "button" } }, "Refresh");
    const signOut = h("button", { class: "secondary", attrs: { type: "button" } }, "Sign out");
    const nav = h("nav", { attrs: { "aria-label": "Sections" } });
    const links = routes.map(([route, label]) => {
      const a = h("a", { attrs: { "data-route": route } }, label);
      a.href = `#/${route}`;
      nav.append(a);
      return a;
    });
    const viewHost = h("main", { id: "main", attrs: { tabindex: "-1" } });
    root.replaceChildren(
      h("button", {
        class: "skip",
        attrs: { type: "button" },
        on: { click: () => viewHost.focus() },
      }, "Skip to content"),
      h(
        "header",
        { class: "topbar" },
        h(
          "div",
          { class: "brand" },
          h("span", { class: "logo", attrs: { "aria-hidden": "true" } }),
          "Lightspeed sync",
        ),
        nav,
        h("div", { class: "account" }, h("span", { class: "who" }, emailText), signOut),
      ),
      h(
        "div",
        { class: "toolbar" },
        h(
          "div",
          { class: "field checkbox" },
          auto,
          h(
            "label",
            { attrs: { for: "auto-refresh" } },
            `Auto-refresh every ${config.refreshSeconds || 30} s`,
          ),
        ),
        updated,
        refreshButton,
      ),
      notice,
      viewHost,
    );

    let noticeTimer: ReturnType<typeof setTimeout> | undefined;
    let failedLoads = 0;
    let current: View | null = null;
    let currentRoute = "";
    const ctx: ViewContext = {
      api,
      email: emailText,
      notify(text: string, kind: NoticeKind = "info") {
        if (kind === "error") failedLoads++;
        notice.className = `notice ${kind}`;
        notice.setAttribute("role", kind === "error" ? "alert" : "status");
        notice.textContent = text;
        clearTimeout(noticeTimer);
        if (kind !== "error") noticeTimer = setTimeout(() => (notice.textContent = ""), 6000);
      },
      go(route: string) {
        location.hash = `#/${route}`;
      },
    };

    async function refresh(autoRun: boolean) {
      if (!current) return;
      if (!autoRun) notice.textContent = "";
      const failedBefore = failedLoads;
      await current.refresh(autoRun);
      // Views report their own failures through notify(); "Updated" would then be untrue.
      const at = formatTimestamp(new Date().toISOString());
      updated.textContent = failedLoads > failedBefore
        ? `Could not update at ${at}`
        : `Updated ${at}`;
    }

    function route() {
      const [name, arg] = location.hash.replace(/^#\/?/, "").split("/");
      const known = routes.some(([r]) => r === name) ? name : "overview";
      const param = arg ? decodeURIComponent(arg) : undefined;
      const key = `${known}/${param ?? ""}`;
      if (key === currentRoute) return;
      currentRoute = key;
      for (const a of links) {
        if (a.dataset.route === known) a.setAttribute("aria-current", "page");
        else a.removeAttribute("aria-current");
      }
      current = known === "history"
        ? historyView(ctx, param)
        : known === "rejects"
        ? rejectsView(ctx, param)
        : known === "settings"
        ? settingsView(ctx)
        : overviewView(ctx);
      viewHost.replaceChildren(current.el);
      document.title = `${routes.find(([r]) => r === known)![1]} · Lightspeed sync`;
      refresh(false);
    }

    const timer = setInterval(() => {
      if (auto.checked && document.visibilityState === "visible") refresh(true);
    }, (config.refreshSeconds || 30) * 1000);
    refreshButton.addEventListener("click", () => refresh(false));
    signOut.addEventListener("click", async () => {
      signOut.disabled = true;
      const { error } = await client.auth.signOut();
      if (error) {
        // The server may already have ended the session; forget it locally either way.
        await client.auth.signOut({ scope: "local" });
      }
    });
    globalThis.addEventListener("hashchange", route);
    route();
    return () => {
      clearInterval(timer);
      globalThis.removeEventListener("hashchange", route);
    };
  }

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
      if (session) stopShell = shell(session);
      else signInPage();
    });
  });
}

start();
