// Runs axe-core in headless Chromium on every URL given and prints the WCAG 2.0/2.1 A and AA
// violations as JSON: [{ url, status, violations: [{ id, impact, help, targets }] }].
// Usage: node axe.mjs URL... (CHROMIUM overrides the browser, default /usr/bin/chromium)
import { launch, wcagViolations } from "./common.mjs";

const browser = await launch();
// The pages forbid inline scripts (CSP); the checker's own script is injected regardless.
const context = await browser.newContext({ bypassCSP: true, locale: "de-DE" });
const results = [];
for (const url of process.argv.slice(2)) {
  const page = await context.newPage();
  const response = await page.goto(url, { waitUntil: "load" });
  results.push({ url, status: response ? response.status() : 0, violations: await wcagViolations(page) });
  await page.close();
}
await browser.close();
process.stdout.write(JSON.stringify(results));
