import assert from "node:assert/strict";
import { isLoopbackHost, isLoopbackHttpUrl, isTokenSafeUrl } from "./loopback.ts";

Deno.test("isLoopbackHost() takes 127.0.0.0/8, ::1 and localhost as the URL parser writes them", () => {
  for (const host of ["127.0.0.1", "127.255.255.254", "[::1]", "localhost"]) {
    assert.ok(isLoopbackHost(host), host);
  }
  for (const host of ["128.0.0.1", "10.0.0.1", "127.0.0.1.nip.io", "localhost.", "[::2]", ""]) {
    assert.ok(!isLoopbackHost(host), host);
  }
});

Deno.test("isTokenSafeUrl() takes https anywhere and http only to a loopback host", () => {
  const safe = [
    "https://mystore.retail.lightspeed.app/api/2.0",
    "http://127.0.0.1:54330/api/2.0",
    "http://127.1/api", // the parser writes 127.0.0.1
    "http://2130706433/api", // ditto, as one number
    "http://[0:0:0:0:0:0:0:1]:8/api", // the parser writes [::1]
    "http://LOCALHOST:1/api",
  ];
  for (const url of safe) assert.ok(isTokenSafeUrl(url), url);
  const unsafe = [
    "http://mystore.retail.lightspeed.app/api/2.0",
    "http://192.168.1.10/api",
    "http://localhost.evil.example/api",
    "http://[::ffff:127.0.0.1]/api",
    "ftp://127.0.0.1/api",
    "ws://127.0.0.1/api",
    "not a url",
  ];
  for (const url of unsafe) assert.ok(!isTokenSafeUrl(url), url);
  assert.ok(!isLoopbackHttpUrl("https://127.0.0.1/"), "https is not plain http");
});
