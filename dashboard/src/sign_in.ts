/// <reference lib="dom" />
// The sign-in page: email and password through Supabase Auth. A wrong login gets a plain
// answer; an unreachable API is named, so staff can tell the two apart.
import type { SupabaseClient } from "@supabase/supabase-js";
import { h } from "./dom.ts";
import { apiFailureText } from "./format.ts";

/** `initialMessage` is shown from the start, e.g. "You are signed out." */
export function showSignIn(
  root: HTMLElement,
  client: SupabaseClient,
  supabaseUrl: string,
  initialMessage: string,
) {
  const email = h("input", {
    id: "email",
    attrs: { type: "email", autocomplete: "username", required: true },
  });
  const password = h("input", {
    id: "password",
    attrs: { type: "password", autocomplete: "current-password", required: true },
  });
  const message = h("p", { class: "form-error", attrs: { role: "alert" } }, initialMessage);
  const submit = h("button", { attrs: { type: "submit" } }, "Sign in");
  const form = h(
    "form",
    { class: "card", attrs: { "aria-labelledby": "signin-title" } },
    h("h1", { id: "signin-title" }, "Lightspeed sync"),
    h("p", { class: "muted" }, "Sign in with your staff account to see the sync's health."),
    h("div", { class: "field" }, h("label", { attrs: { for: "email" } }, "Email"), email),
    h("div", { class: "field" }, h("label", { attrs: { for: "password" } }, "Password"), password),
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
        : apiFailureText("Could not sign in", error.message, error.status, supabaseUrl);
      password.select();
    }
  });
  root.replaceChildren(h("main", { class: "signin" }, form));
  email.focus();
}
