/// <reference lib="dom" />
// The card form both sign-in steps use (password, then code): a title, labelled inputs, a
// submit button and a message line; while it submits, the button is disabled.
import { type Child, h } from "./dom.ts";

/** `attempt` answers null when it succeeded, else the text to show (after selecting `retry`). */
export function signInForm(
  options: {
    titleId: string;
    title: string;
    fields: [id: string, label: string, input: HTMLInputElement][];
    intro: Child[];
    submitLabel: string;
    extra?: Child[];
    initialMessage?: string;
    retry: HTMLInputElement;
  },
  attempt: () => Promise<string | null>,
): HTMLFormElement {
  const message = h(
    "p",
    { class: "form-error", attrs: { role: "alert" } },
    options.initialMessage ?? "",
  );
  const submit = h("button", { attrs: { type: "submit" } }, options.submitLabel);
  const form = h(
    "form",
    { class: "card", attrs: { "aria-labelledby": options.titleId } },
    h("h1", { id: options.titleId }, options.title),
    ...options.intro,
    ...options.fields.map(([id, label, input]) =>
      h("div", { class: "field" }, h("label", { attrs: { for: id } }, label), input)
    ),
    submit,
    ...(options.extra ?? []),
    message,
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    submit.disabled = true;
    message.textContent = "";
    const problem = await attempt();
    submit.disabled = false;
    if (problem !== null) {
      message.textContent = problem;
      options.retry.select();
    }
  });
  return form;
}
