/// <reference lib="dom" />
// The sign-in page: email and password through Supabase Auth. A wrong login gets a plain
// answer; an unreachable API is named, so staff can tell the two apart.
import type { SupabaseClient } from "@supabase/supabase-js";
import { h } from "./dom.ts";
import { apiFailureText } from "./format.ts";
import { signInForm } from "./sign_in_form.ts";

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
  const form = signInForm(
    {
      titleId: "signin-title",
      title: "Lightspeed sync",
      intro: [
        h("p", { class: "muted" }, "Sign in with your staff account to see the sync's health."),
      ],
      fields: [["email", "Email", email], ["password", "Password", password]],
      submitLabel: "Sign in",
      initialMessage,
      retry: password,
    },
    async () => {
      const { error } = await client.auth.signInWithPassword({
        email: email.value.trim(),
        password: password.value,
      });
      if (!error) return null;
      return error.code === "invalid_credentials"
        ? "Wrong email or password."
        : apiFailureText("Could not sign in", error.message, error.status, supabaseUrl);
    },
  );
  root.replaceChildren(h("main", { class: "signin" }, form));
  email.focus();
}
