import assert from "node:assert/strict";
import {
  apiFailureText,
  describeFunctionReply,
  displayTimeZone,
  entityTitle,
  formatAge,
  formatDuration,
  formatNumber,
  formatTimestamp,
  intervalToMinutes,
  localDate,
  safeHttpUrl,
  setDisplayTimeZone,
  toneOf,
} from "./format.ts";

Deno.test("toneOf() agrees with the health colour and flags failing and paused", () => {
  const base = { enabled: true, failing: false, last_success_at: "2026-01-01T00:00:00Z" };
  assert.equal(toneOf({ ...base, health: "green" }).tone, "green");
  assert.equal(toneOf({ ...base, health: "yellow" }).tone, "yellow");
  assert.equal(toneOf({ ...base, health: "red" }).label, "Stale");
  assert.equal(toneOf({ ...base, health: "red", last_success_at: null }).label, "Never synced");
  assert.equal(toneOf({ ...base, health: "red", failing: true }).tone, "failing");
  assert.equal(toneOf({ ...base, health: "green", enabled: false }).tone, "paused");
  assert.equal(toneOf({ ...base, health: "paused" }).label, "Paused");
});

Deno.test("toneOf() never says Healthy while the schedule is off", () => {
  const base = { enabled: true, failing: false, last_success_at: "2026-01-01T00:00:00Z" };
  assert.deepEqual(
    [toneOf({ ...base, health: "off" }).tone, toneOf({ ...base, health: "off" }).label],
    ["off", "Schedule off"],
  );
  assert.equal(toneOf({ ...base, health: "off", failing: true }).tone, "failing");
  assert.equal(toneOf({ ...base, health: "off", enabled: false }).tone, "paused");
});

Deno.test("formatDuration() and formatAge() read naturally", () => {
  assert.equal(formatDuration(850), "850 ms");
  assert.equal(formatDuration(3200), "3.2 s");
  assert.equal(formatDuration(245_000), "4 min 5 s");
  assert.equal(formatDuration(7_380_000), "2 h 3 min");
  assert.equal(formatDuration(null), "—");
  assert.equal(formatAge(45), "45 s");
  assert.equal(formatAge(300), "5 min");
  assert.equal(formatAge(3 * 3600 + 600), "3 h 10 min");
  assert.equal(formatAge(2 * 86_400 + 4 * 3600), "2 d 4 h");
  assert.equal(formatNumber("1234567"), "1,234,567");
  assert.equal(formatNumber(null), "—");
});

Deno.test("intervalToMinutes() reads PostgreSQL interval output", () => {
  assert.equal(intervalToMinutes("02:00:00"), 120);
  assert.equal(intervalToMinutes("00:45:00"), 45);
  assert.equal(intervalToMinutes("1 day 02:30:00"), 1590);
  assert.equal(intervalToMinutes("3 days"), 4320);
  assert.equal(intervalToMinutes("nonsense"), null);
});

Deno.test("safeHttpUrl() allows only http and https", () => {
  assert.equal(safeHttpUrl("https://example.com/a"), "https://example.com/a");
  assert.equal(safeHttpUrl("http://127.0.0.1:54321"), "http://127.0.0.1:54321/");
  for (const bad of ["javascript:alert(1)", " JavaScript:alert(1)", "data:text/html,x", "/x", 7]) {
    assert.equal(safeHttpUrl(bad), null, String(bad));
  }
});

Deno.test("describeFunctionReply() explains each function outcome", () => {
  assert.deepEqual(
    describeFunctionReply("sync-entity", 200, {
      status: "completed",
      records: 1200,
      pages: 3,
      duration_ms: 3200,
    }),
    { ok: true, text: "Completed: 1,200 records in 3 pages, 3.2 s" },
  );
  assert.equal(describeFunctionReply("sync-entity", 200, { status: "skipped" }).ok, true);
  assert.equal(describeFunctionReply("sync-entity", 200, { status: "failed" }).ok, false);
  assert.equal(
    describeFunctionReply("import-history", 202, { entities: ["sales", "products"] }).text,
    "Import started for sales, products",
  );
  assert.match(
    describeFunctionReply("import-history", 202, {
      entities: ["sales"],
      joined: true,
      running_since: "2026-11-25T14:03:09Z",
    }).text,
    /^An import was already running \(since 2026-11-2\d \d\d:\d3:09\): joined it for sales$/,
  );
  assert.match(describeFunctionReply("sync-entity", 401, { error: "x" }).text, /staff/);
  assert.equal(
    describeFunctionReply("sync-entity", 400, { error: 'Unknown entity "x"' }).text,
    'Failed (HTTP 400): Unknown entity "x"',
  );
});

Deno.test('apiFailureText() names the unreachable server instead of "Failed to fetch"', () => {
  const url = "http://127.0.0.1:1/rest";
  assert.equal(
    apiFailureText("Could not load sync status", "TypeError: Failed to fetch", 0, url),
    "Could not load sync status: the sync API at http://127.0.0.1:1 cannot be reached. " +
      "Check the network connection and try again.",
  );
  assert.equal(
    apiFailureText("Could not sign in", "Bad Gateway", 502, url),
    "Could not sign in: Bad Gateway",
  );
  assert.equal(
    apiFailureText("Could not save x", "permission denied", 403, url),
    "Could not save x: permission denied",
  );
});

Deno.test("entityTitle() shows the registered label, and the name of an unregistered entity", () => {
  assert.equal(entityTitle({ entity: "outlet_taxes", label: "Outlet taxes" }), "Outlet taxes");
  assert.equal(entityTitle({ entity: "legacy_feed", label: null }), "legacy_feed");
});

Deno.test("formatTimestamp() shows the store's wall clock, the repeated hour of a DST change too", () => {
  const zone = "Pacific/Auckland";
  assert.equal(formatTimestamp("2025-04-05T13:30:00Z", zone), "2025-04-06 02:30:00");
  assert.equal(formatTimestamp("2025-04-05T14:30:00Z", zone), "2025-04-06 02:30:00");
  assert.equal(formatTimestamp("2025-04-06T11:30:00Z", zone), "2025-04-06 23:30:00");
  assert.equal(formatTimestamp("2025-04-06T11:30:00Z", "UTC"), "2025-04-06 11:30:00");
  assert.equal(
    formatTimestamp("2025-04-06T00:00:00Z", "America/Los_Angeles"),
    "2025-04-05 17:00:00",
  );
  assert.equal(formatTimestamp("not a date", zone), "—");
  assert.equal(formatTimestamp(null, zone), "—");
});

Deno.test("setDisplayTimeZone() makes the store's zone the default; an unknown name means UTC", () => {
  try {
    setDisplayTimeZone("Pacific/Auckland");
    assert.equal(displayTimeZone(), "Pacific/Auckland");
    assert.equal(formatTimestamp("2025-04-06T11:30:00Z"), "2025-04-06 23:30:00");
    assert.equal(localDate(Date.parse("2025-04-05T11:00:00Z")), "2025-04-06");
    setDisplayTimeZone("Mars/Olympus_Mons");
    assert.equal(displayTimeZone(), "UTC");
    setDisplayTimeZone(null);
    assert.equal(formatTimestamp("2025-04-06T11:30:00Z"), "2025-04-06 11:30:00");
  } finally {
    setDisplayTimeZone("UTC");
  }
});
