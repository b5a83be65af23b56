// The failures of an OAuth connection's tokens. Neither ever carries a token or a reply body.
import { LightspeedError } from "../errors.ts";

/**
 * The connection cannot get a working token without an operator: never connected, or
 * Lightspeed refused the refresh token (revoked, or spent by a refresh that was cut off before
 * its result was stored). Permanent: no retry and no further refresh is tried until a
 * reconnect (README § OAuth).
 */
export class LightspeedReconnectNeededError extends LightspeedError {
  constructor(problem: string) {
    super(
      `Lightspeed OAuth needs reconnecting: ${problem}. Run "deno task connect" or use the ` +
        "dashboard's Connect button (README § OAuth)",
      {},
    );
    this.name = "LightspeedReconnectNeededError";
  }
}

/** A refresh that got no usable answer in time (5xx, network, timeout): a later try may pass. */
export class LightspeedTokenRefreshError extends LightspeedError {
  constructor(detail: string, options: { cause?: unknown } = {}) {
    super(`Refreshing the Lightspeed OAuth token failed: ${detail}`, options);
    this.name = "LightspeedTokenRefreshError";
  }
}
