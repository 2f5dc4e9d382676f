// Runs axe-core in headless Chromium on every URL given and prints the WCAG 2.0/2.1 A and AA
// violations as JSON: [{ url, status, violations: [{ id, impact, help, targets }] }].
// Usage: node axe.mjs URL... (CHROMIUM overrides the browser, default /usr/bin/chromium)
import { createRequire } from "node:module";
import { chromium } from "playwright-core";

const require = createRequire(import.meta.url);
const axeSource = require("node:fs").readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
// The pages forbid inline scripts (CSP); the checker's own script is injected regardless.
const context = await browser.newContext({ bypassCSP: true, locale: "de-DE" });
const results = [];
for (const url of process.argv.slice(2)) {
  const page = await context.newPage();
  const response = await page.goto(url, { waitUntil: "load" });
  await page.addScriptTag({ content: axeSource });
  const outcome = await page.evaluate(async () =>
    // eslint-disable-next-line no-undef
    axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } }),
  );
  results.push({
    url,
    status: response ? response.status() : 0,
    violations: outcome.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      targets: v.nodes.map((n) => n.target.join(" ")),
    })),
  });
  await page.close();
}
await browser.close();
process.stdout.write(JSON.stringify(results));
