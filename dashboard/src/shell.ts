/// <reference lib="dom" />
// The signed-in dashboard: shows the section the URL names, refreshes it on a timer while the
// tab is visible, reports each update (or its failure), and signs out.
import type { Session, SupabaseClient } from "@supabase/supabase-js";
import type { Api } from "./api.ts";
import type { DashboardConfig } from "./config.ts";
import type { NoticeKind, View, ViewContext } from "./context.ts";
import { formatTimestamp } from "./format.ts";
import { parseRoute, viewFor } from "./routes.ts";
import { shellLayout, type ShellParts } from "./shell_layout.ts";

/** Notices above the view; errors stay until replaced and are counted. */
function noticeBoard(notice: HTMLElement) {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let failures = 0;
  return {
    failures: () => failures,
    notify(text: string, kind: NoticeKind = "info") {
      if (kind === "error") failures++;
      notice.className = `notice ${kind}`;
      notice.setAttribute("role", kind === "error" ? "alert" : "status");
      notice.textContent = text;
      clearTimeout(timer);
      if (kind !== "error") timer = setTimeout(() => (notice.textContent = ""), 6000);
    },
  };
}

function signOutOnClick(client: SupabaseClient, signOut: HTMLButtonElement) {
  signOut.addEventListener("click", async () => {
    signOut.disabled = true;
    const { error } = await client.auth.signOut();
    if (error) {
      // The server may already have ended the session; forget it locally either way.
      await client.auth.signOut({ scope: "local" });
    }
  });
}

function markCurrent(links: ShellParts["links"], name: string) {
  for (const a of links) {
    if (a.dataset.route === name) a.setAttribute("aria-current", "page");
    else a.removeAttribute("aria-current");
  }
}

/** Shows the dashboard for a session; the returned function stops its timer and listener. */
export function startShell(
  root: HTMLElement,
  session: Session,
  deps: { client: SupabaseClient; api: Api; config: DashboardConfig },
): () => void {
  const email = session.user.email ?? "signed in";
  const refreshSeconds = deps.config.refreshSeconds;
  const parts = shellLayout(root, email, refreshSeconds);
  const notices = noticeBoard(parts.notice);
  const ctx: ViewContext = {
    api: deps.api,
    email,
    notify: notices.notify,
    go(route: string) {
      location.hash = `#/${route}`;
    },
  };
  let current: View | null = null;
  let currentRoute = "";

  async function refresh(autoRun: boolean) {
    if (!current) return;
    if (!autoRun) parts.notice.textContent = "";
    const failedBefore = notices.failures();
    await current.refresh(autoRun);
    // Views report their own failures through notify(); "Updated" would then be untrue.
    const at = formatTimestamp(new Date().toISOString());
    parts.updated.textContent = notices.failures() > failedBefore
      ? `Could not update at ${at}`
      : `Updated ${at}`;
  }

  function route() {
    const next = parseRoute(location.hash);
    if (next.key === currentRoute) return;
    currentRoute = next.key;
    markCurrent(parts.links, next.name);
    current = viewFor(next, ctx);
    parts.viewHost.replaceChildren(current.el);
    document.title = `${next.label} · Lightspeed sync`;
    refresh(false);
  }

  const timer = setInterval(() => {
    if (parts.auto.checked && document.visibilityState === "visible") refresh(true);
  }, (refreshSeconds || 30) * 1000);
  parts.refreshButton.addEventListener("click", () => refresh(false));
  signOutOnClick(deps.client, parts.signOut);
  globalThis.addEventListener("hashchange", route);
  route();
  return () => {
    clearInterval(timer);
    globalThis.removeEventListener("hashchange", route);
  };
}
