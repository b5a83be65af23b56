/**
 * Turns a setting's declaration (settings.ts) into its zod check and into the text an operator
 * reads when the setting is missing or malformed; both come from the same fields.
 */
import { z } from "zod";
import { isLoopbackHttpUrl } from "./loopback.ts";
import type { SettingDeclaration, SettingShape } from "./settings.ts";

/** What is expected of a setting, as shown after its name; never includes a value. */
export function expectedText(setting: SettingDeclaration): string {
  return requirementText(setting.required) + shapeText(setting) + defaultText(setting.shape);
}

/** The check of one setting's present (non-blank) value, with its default when unset. */
export function settingSchema(setting: SettingDeclaration): z.ZodType {
  const value = valueSchema(setting.shape);
  const fallback = defaultOf(setting.shape);
  if (fallback !== undefined) return value.default(fallback);
  return setting.required === true ? value : value.optional();
}

/** Whether a conditionally required setting is required, given the present (raw) values. */
export function isRequiredBy(
  required: SettingDeclaration["required"],
  present: Record<string, string>,
): boolean {
  if (typeof required === "boolean") return required;
  if ("unlessSet" in required) return !present[required.unlessSet];
  const value = present[required.whenSetting]?.trim().toLowerCase();
  return value === undefined ? required.orUnset === true : value === required.equals;
}

/** Our own explanation carried by an issue (e.g. a pasted URL as prefix), if it has one. */
export function explanationOf(issue: z.core.$ZodIssue): string | undefined {
  return issue.code === "custom" && issue.params?.explanation === true ? issue.message : undefined;
}

function requirementText(required: SettingDeclaration["required"]): string {
  if (required === true) return "required: ";
  if (required === false) return "";
  if ("unlessSet" in required) return `required unless ${required.unlessSet} is set: `;
  const unset = required.orUnset ? " or unset" : "";
  return `required when ${required.whenSetting} is ${required.equals}${unset}: `;
}

function shapeText({ description, shape }: SettingDeclaration): string {
  switch (shape.kind) {
    case "text": {
      const minLength = shape.minLength ?? 1;
      return minLength > 1 ? `${description} of at least ${minLength} characters` : description;
    }
    case "url": {
      const starts = shape.protocols.map((protocol) => `"${protocol}://"`).join(" or ");
      const loopback = shape.loopbackHttp
        ? ' ("http://" only for a loopback host: 127.0.0.0/8, ::1 or localhost)'
        : "";
      const example = shape.example ? `, e.g. "${shape.example}"` : "";
      return `${description} starting with ${starts}${loopback}${example}`;
    }
    case "integer": {
      const unit = shape.unit ? ` number of ${shape.unit}` : "";
      return `an integer${unit} from ${shape.min} to ${shape.max}`;
    }
    case "fraction":
      return `a fraction above ${shape.above} and at most ${shape.atMost}`;
    case "storePrefix":
      return description;
    case "choice":
      return `${description}; one of ${shape.options.map((o) => `"${o}"`).join(", ")}`;
  }
}

function defaultOf(shape: SettingShape): number | undefined {
  return "default" in shape ? shape.default : undefined;
}

function defaultText(shape: SettingShape): string {
  const fallback = defaultOf(shape);
  return fallback === undefined ? "" : ` (default ${fallback})`;
}

function valueSchema(shape: SettingShape): z.ZodType {
  switch (shape.kind) {
    case "text":
      return (shape.keepSpaces ? z.string() : z.string().trim()).min(shape.minLength ?? 1);
    case "url": {
      const url = z.string().trim().refine((value) =>
        hasProtocol(value, shape.protocols) ||
        (shape.loopbackHttp === true && isLoopbackHttpUrl(value))
      );
      return shape.refusesVendHq ? url.superRefine(explainWith(vendHqUrlProblem)) : url;
    }
    case "integer":
      return z.string().trim().regex(/^\d+$/).transform(Number).pipe(
        z.number().int().min(shape.min).max(shape.max),
      );
    case "fraction":
      return z.string().trim().regex(/^(?:\d+\.?\d*|\.\d+)$/).transform(Number).pipe(
        z.number().gt(shape.above).lte(shape.atMost),
      );
    case "storePrefix":
      return z.string().trim().superRefine(explainWith(storePrefixProblem));
    case "choice":
      return z.string().trim().toLowerCase().pipe(z.enum(shape.options as [string, ...string[]]));
  }
}

function hasProtocol(value: string, protocols: readonly string[]): boolean {
  try {
    return protocols.includes(new URL(value).protocol.replace(/:$/, ""));
  } catch {
    return false;
  }
}

/** A refinement that reports the problem's explanation in place of the generic text. */
function explainWith(problemOf: (value: string) => string | undefined) {
  return (value: string, context: z.RefinementCtx) => {
    const message = problemOf(value);
    if (message) context.addIssue({ code: "custom", message, params: { explanation: true } });
  };
}

const DOMAIN_PREFIX = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const VENDHQ_HOST = /vendhq\.com/i;

/** Explains a domain prefix that is really a URL or the retired vendhq.com host. */
function storePrefixProblem(raw: string): string | undefined {
  const value = raw.trim().toLowerCase();
  if (DOMAIN_PREFIX.test(value)) return undefined;
  const host = value.replace(/^[a-z]+:\/\//, "").split(/[/:?#]/)[0];
  const guess = host.split(".")[0];
  // Suggest only from a Lightspeed or Vend host, so a pasted token is never echoed.
  const fromKnownHost = /\.(retail\.lightspeed\.app|vendhq\.com)$/.test(host);
  const hint = fromKnownHost && DOMAIN_PREFIX.test(guess) ? ` (did you mean "${guess}"?)` : "";
  if (VENDHQ_HOST.test(value)) {
    return "must be only the store's prefix, not a vendhq.com address: that host stopped " +
      `serving the API on 2025-03-31${hint}`;
  }
  if (value.includes(".") || value.includes("/")) {
    return 'must be only the store\'s prefix, e.g. "mystore" for ' +
      `https://mystore.retail.lightspeed.app, not a URL or host name${hint}`;
  }
  return "must be the store's prefix: letters, digits and inner hyphens, at most 63 characters";
}

function vendHqUrlProblem(value: string): string | undefined {
  if (!VENDHQ_HOST.test(value)) return undefined;
  return "must not point at vendhq.com: that host stopped serving the API on 2025-03-31; " +
    'use "https://<prefix>.retail.lightspeed.app/api/2.0"';
}
