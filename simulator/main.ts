import { parseCliArgs } from "./cli_args.ts";
import { startSimulator } from "./simulator.ts";

// `deno task simulator -- --port 54330 --seed 1 --scale demo --time-scale 1 --token ...`
if (import.meta.main) {
  let options;
  try {
    options = parseCliArgs(Deno.args);
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    Deno.exit(2);
  }
  const started = performance.now();
  const simulator = await startSimulator(options).catch((error) => {
    console.error(`Simulator did not start: ${error instanceof Error ? error.message : error}`);
    Deno.exit(1);
  });
  const summary = simulator.store.summary();
  const rate = simulator.state.rateLimitConfig();
  console.log(`Simulated Lightspeed X-Series store (a fake store; the token is not a secret)
  API:      ${simulator.apiBaseUrl}
  Control:  ${simulator.controlUrl}
  Token:    ${simulator.token}
  Data:     ${summary.entities.sales.records} sales, ${summary.saleLineItems} line items, ${summary.entities.products.records} products, ${summary.entities.customers.records} customers (seed ${summary.seed}, built in ${
    Math.round(performance.now() - started)
  } ms)
  Limit:    ${rate.limit} requests per ${rate.windowMs / 1000} s
Press Ctrl-C to stop.`);
  Deno.addSignalListener("SIGINT", async () => {
    await simulator.stop();
    Deno.exit(0);
  });
}
