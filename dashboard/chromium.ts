// Tests' browser: Debian's chromium, headless, driven by playwright-core.
import { type Browser, chromium } from "playwright-core";

export const chromiumPath = "/usr/bin/chromium";

export async function launchChromium(): Promise<Browser> {
  try {
    await Deno.stat(chromiumPath);
  } catch {
    throw new Error(
      `Chromium is missing at ${chromiumPath}: install it with "apt-get install chromium" (as root)`,
    );
  }
  return await chromium.launch({
    executablePath: chromiumPath,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--no-first-run",
    ],
  });
}
