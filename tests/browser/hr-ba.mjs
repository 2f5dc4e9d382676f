// The admin's page of the vacancy report to the Bundesagentur für Arbeit in headless Chromium,
// reached from the admin's overview, checked with axe-core (WCAG 2.0/2.1 A and AA) and returned
// for the Nu checker.
// Usage: node hr-ba.mjs BASE_URL ADMIN_EMAIL PASSWORD
// Prints JSON: { axe: [{ name, url, violations }], html: { name: source }, steps: [] }
import { check as record, launch } from "./common.mjs";

const [base, adminEmail, password] = process.argv.slice(2);

const browser = await launch();
const out = { axe: [], html: {}, steps: [] };
let page;

try {
  const context = await browser.newContext({ bypassCSP: true, locale: "de-DE" });
  page = await context.newPage();
  await page.goto(`${base}/anmelden`);
  await page.fill("#email", adminEmail);
  await page.fill("#password", password);
  await Promise.all([page.waitForNavigation(), page.click("button[type=submit]")]);
  await page.goto(`${base}/verwaltung/admin`);
  await Promise.all([page.waitForNavigation(), page.click("a[href='/verwaltung/admin/ba-meldung']")]);
  out.steps.push(`ba page → ${new URL(page.url()).pathname}`);
  out.steps.push(`heading: ${(await page.textContent("h1"))?.trim()}`);
  await record(page, out, "ba_report");
} catch (e) {
  out.error = String(e && e.stack || e);
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify(out));
