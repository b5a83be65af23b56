// The store's time zone for the page: loaded beside each view's own data, so a slow or failing
// API costs no extra wait, and set as the zone every day and time is shown in (format.ts).
import type { Api } from "./api.ts";
import { displayTimeZone, setDisplayTimeZone } from "./format.ts";

/** Shows every day and time in the store's zone from now on, and returns it. */
export async function loadStoreTime(api: Api): Promise<string> {
  try {
    setDisplayTimeZone(await api.storeTimeZone());
  } catch {
    // The view's own loading, beside this one, meets the same API and says what is wrong in
    // its words; the zone known so far (UTC at first), named on the page, stays meanwhile.
    return displayTimeZone();
  }
  return displayTimeZone();
}
