import assert from "node:assert/strict";
import { ConfigProblem, validateConfig } from "./config.ts";
import { isSecretKey } from "./secret_key.ts";

const base = { supabaseUrl: "https://abcdefghijklmnopqrst.supabase.co", supabaseAnonKey: "pk" };

function jwtWithRole(role: string): string {
  const part = (value: unknown) => btoa(JSON.stringify(value)).replace(/=+$/, "");
  return `${part({ alg: "HS256" })}.${part({ role })}.signature`;
}

Deno.test("validateConfig() keeps the session per tab unless told 'browser'", () => {
  assert.equal(validateConfig(base).sessionPersistence, "tab");
  assert.equal(
    validateConfig({ ...base, sessionPersistence: "browser" }).sessionPersistence,
    "browser",
  );
  assert.throws(() => validateConfig({ ...base, sessionPersistence: "forever" }), ConfigProblem);
});

Deno.test("isSecretKey() tells secret and service-role keys from public ones", () => {
  assert.equal(isSecretKey("sb_secret_abc"), true);
  assert.equal(isSecretKey(jwtWithRole("service_role")), true);
  assert.equal(isSecretKey(jwtWithRole("anon")), false);
  assert.equal(isSecretKey("sb_publishable_abc"), false);
  assert.throws(() => validateConfig({ ...base, supabaseAnonKey: "sb_secret_abc" }), ConfigProblem);
});
