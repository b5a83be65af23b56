import assert from "node:assert/strict";
import type { Api } from "./api.ts";
import { displayTimeZone, setDisplayTimeZone } from "./format.ts";
import { loadStoreTime } from "./store_time.ts";

const apiAnswering = (answer: () => Promise<string | null>) =>
  ({ storeTimeZone: answer }) as unknown as Api;

Deno.test("loadStoreTime() shows the store's zone, keeps the last one when the API fails", async () => {
  try {
    assert.equal(
      await loadStoreTime(apiAnswering(() => Promise.resolve("Pacific/Auckland"))),
      "Pacific/Auckland",
    );
    assert.equal(displayTimeZone(), "Pacific/Auckland");
    const failing = apiAnswering(() => Promise.reject(new Error("unreachable")));
    assert.equal(await loadStoreTime(failing), "Pacific/Auckland");
    // Not staff: no row, so nothing is claimed about the store.
    assert.equal(await loadStoreTime(apiAnswering(() => Promise.resolve(null))), "UTC");
  } finally {
    setDisplayTimeZone("UTC");
  }
});
