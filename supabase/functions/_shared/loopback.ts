// Whether a URL may carry the Lightspeed token: https anywhere, plain http only to this machine
// (the simulator and tests), where nothing on the network can read it (README "Lightspeed
// client safety"). Shared by the settings check and the client, so both refuse the same URLs.

/** 127.0.0.0/8, ::1 and localhost, as the WHATWG URL parser writes a hostname. */
export function isLoopbackHost(hostname: string): boolean {
  // The parser has already turned "127.1", "0x7f.0.0.1" and "[0:0::1]" into these forms.
  return hostname === "localhost" || hostname === "[::1]" ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);
}

/** An http URL to a loopback host; false for anything else, or anything that is not a URL. */
export function isLoopbackHttpUrl(value: string): boolean {
  const url = parsed(value);
  return url !== null && url.protocol === "http:" && isLoopbackHost(url.hostname);
}

/** https, or http to a loopback host; false for anything that is not a URL. */
export function isTokenSafeUrl(value: string): boolean {
  return parsed(value)?.protocol === "https:" || isLoopbackHttpUrl(value);
}

function parsed(value: string): URL | null {
  try {
    return new URL(value);
  } catch {
    return null;
  }
}
