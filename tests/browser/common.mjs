// What every browser check shares: Debian's Chromium started headless (CHROMIUM overrides the
// path), and axe-core's WCAG 2.0/2.1 A and AA rules run on a page.
import { createRequire } from "node:module";
import { chromium } from "playwright-core";

const require = createRequire(import.meta.url);
const axeSource = require("node:fs").readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

export function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}

// The pages forbid inline scripts (CSP); contexts are opened with bypassCSP so the checker's own
// script can be injected. Returns [{ id, impact, help, targets }].
export async function wcagViolations(page) {
  await page.addScriptTag({ content: axeSource });
  const r = await page.evaluate(async () =>
    // eslint-disable-next-line no-undef
    axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } }),
  );
  return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => n.target.join(" ")) }));
}

// Record `page` under `name` in `out`: its HTML for the Nu checker and its axe-core violations.
export async function check(page, out, name) {
  out.html[name] = await page.content();
  out.axe.push({ name, url: page.url(), violations: await wcagViolations(page) });
}
