// How the entry serves health, shared by its index.ts and the tests that serve its handler.
import type { ServeOptions } from "../_shared/function_entry.ts";

/** A health check that failed cannot say the sync is healthy: 503, like a red entity. */
export const healthServeOptions: ServeOptions = { failureStatus: 503 };
