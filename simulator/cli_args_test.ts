import assert from "node:assert/strict";
import { CLI_DEFAULT_PORT, parseCliArgs } from "./cli_args.ts";

Deno.test("CLI flags become simulator options, with port 54330 by default", () => {
  assert.deepEqual(parseCliArgs([]), { port: CLI_DEFAULT_PORT });
  assert.deepEqual(
    parseCliArgs([
      "--",
      "--port",
      "6000",
      "--seed",
      "7",
      "--scale",
      "1200",
      "--time-scale",
      "100",
      "--token",
      "t",
      "--latency-base-ms",
      "5",
    ]),
    {
      port: 6000,
      seed: 7,
      scale: { sales: 1200 },
      timeScale: 100,
      token: "t",
      latency: { baseMs: 5, perRecordMs: 0 },
    },
  );
  assert.equal(parseCliArgs(["--scale", "large"]).scale, "large");
  assert.throws(() => parseCliArgs(["--port", "many"]), /--port must be a number/);
});
