/// <reference lib="dom" />
// The second sign-in step when the project asks staff for aal2 (staff_sign_in_policy): a staff
// member with a TOTP factor types its code; one without is shown a QR code and secret to add to
// an authenticator app, then confirms with a code. Data views load only after this.
import type { SupabaseClient } from "@supabase/supabase-js";
import { h } from "./dom.ts";
import { signInForm } from "./sign_in_form.ts";

export type AssuranceStep = "none" | "challenge" | "enroll";

const factorName = "Lightspeed sync dashboard";

/** Reads the operator's policy; a project without the table asks for no second factor. */
async function aal2Required(client: SupabaseClient): Promise<boolean> {
  const { data, error } = await client.from("staff_sign_in_policy").select("require_aal2")
    .maybeSingle();
  return !error && data?.require_aal2 === true;
}

/** What the signed-in user still has to do before the data views may load. */
export async function assuranceStep(client: SupabaseClient): Promise<AssuranceStep> {
  const { data, error } = await client.auth.mfa.getAuthenticatorAssuranceLevel();
  if (error) throw error;
  if (data.currentLevel === "aal2") return "none";
  // Anyone with a verified factor is asked for it, as Supabase recommends.
  if (data.nextLevel === "aal2") return "challenge";
  return (await aal2Required(client)) ? "enroll" : "none";
}

function codeForm(
  client: SupabaseClient,
  title: string,
  intro: Node[],
  factorId: () => Promise<string>,
): HTMLElement {
  const code = h("input", {
    id: "mfa-code",
    attrs: {
      type: "text",
      inputmode: "numeric",
      autocomplete: "one-time-code",
      pattern: "[0-9]{6}",
      maxlength: 6,
      required: true,
    },
  });
  const signOut = h("button", { class: "secondary", attrs: { type: "button" } }, "Sign out");
  signOut.addEventListener("click", () => client.auth.signOut({ scope: "local" }));
  const form = signInForm(
    {
      titleId: "mfa-title",
      title,
      intro,
      fields: [["mfa-code", "Code", code]],
      submitLabel: "Verify",
      extra: [signOut],
      retry: code,
    },
    async () => {
      const { error } = await client.auth.mfa.challengeAndVerify({
        factorId: await factorId(),
        code: code.value.trim(),
      });
      // On success supabase-js announces MFA_CHALLENGE_VERIFIED and main.ts loads the data.
      if (!error) return null;
      return error.code === "mfa_verification_failed"
        ? "Wrong code: type the code your app shows now."
        : `Could not verify the code: ${error.message}`;
    },
  );
  return form;
}

async function verifiedFactorId(client: SupabaseClient): Promise<string> {
  const { data, error } = await client.auth.mfa.listFactors();
  if (error) throw error;
  const factor = data.totp[0];
  if (!factor) throw new Error("No verified authenticator app is registered for this account");
  return factor.id;
}

/** Enrolls a new TOTP factor, after removing half-finished ones (their names would clash). */
async function enrollFactor(client: SupabaseClient) {
  const { data: listed } = await client.auth.mfa.listFactors();
  for (const factor of listed?.all ?? []) {
    if (factor.status !== "verified") await client.auth.mfa.unenroll({ factorId: factor.id });
  }
  const { data, error } = await client.auth.mfa.enroll({
    factorType: "totp",
    friendlyName: factorName,
  });
  if (error) throw error;
  return data;
}

function qrImage(dataUrl: string): HTMLElement | null {
  if (!dataUrl.startsWith("data:image/svg+xml")) return null;
  const image = h("img", { class: "mfa-qr", attrs: { alt: "QR code for your authenticator app" } });
  image.src = dataUrl;
  return image;
}

export async function showAssuranceStep(
  root: HTMLElement,
  client: SupabaseClient,
  step: Exclude<AssuranceStep, "none">,
) {
  if (step === "challenge") {
    const intro = [
      h("p", { class: "muted" }, "Type the 6-digit code from your authenticator app."),
    ];
    const form = codeForm(client, "Two-step sign-in", intro, () => verifiedFactorId(client));
    root.replaceChildren(h("main", { class: "signin" }, form));
    form.querySelector("input")?.focus();
    return;
  }
  const factor = await enrollFactor(client);
  const intro = [
    h(
      "p",
      { class: "muted" },
      "This project requires a second step for staff. Add this account to an authenticator " +
        "app (scan the QR code or type the secret key), then type the code it shows.",
    ),
    qrImage(factor.totp.qr_code) ?? "",
    h("p", {}, "Secret key: ", h("code", { id: "mfa-secret" }, factor.totp.secret)),
  ].filter((node): node is HTMLElement => typeof node !== "string");
  const form = codeForm(client, "Set up two-step sign-in", intro, () => Promise.resolve(factor.id));
  root.replaceChildren(h("main", { class: "signin" }, form));
  form.querySelector("input")?.focus();
}
