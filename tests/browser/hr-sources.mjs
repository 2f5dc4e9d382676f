// Import sources in the HR workspace in headless Chromium: the admin's list, the add form with
// errors, a new source's status page and a failed source's status page; then an officer's
// read-only list and status page. Each is checked with axe-core (WCAG 2.0/2.1 A and AA) and
// returned for the Nu checker.
// Usage: node hr-sources.mjs BASE_URL ADMIN_EMAIL OFFICER_EMAIL PASSWORD FAILED_SOURCE_ID
// Prints JSON: { axe: [{ name, url, violations }], html: { name: source }, steps: [] }
import { check as record, launch } from "./common.mjs";

const [base, adminEmail, officerEmail, password, failedId] = process.argv.slice(2);

const browser = await launch();
const out = { axe: [], html: {}, steps: [] };
let page;

const check = (name) => record(page, out, name);

async function signIn(email) {
  const context = await browser.newContext({ bypassCSP: true, locale: "de-DE" });
  page = await context.newPage();
  await page.goto(`${base}/anmelden`);
  await page.fill("#email", email);
  await page.fill("#password", password);
  await Promise.all([page.waitForNavigation(), page.click("button[type=submit]")]);
}

try {
  await signIn(adminEmail);
  await Promise.all([page.waitForNavigation(), page.click("nav.hr-nav >> text=Importquellen")]);
  out.steps.push(`admin list → ${new URL(page.url()).pathname}`);
  await check("sources");

  await page.selectOption("#q-municipality_id", { label: "Naunhof" });
  await page.fill("#q-url", "naunhof.example/stellen.rss");
  await Promise.all([page.waitForNavigation(), page.click("form[action='/verwaltung/admin/quellen'] button[type=submit]")]);
  out.steps.push(`error shown: ${await page.getAttribute("#q-url", "aria-invalid")}, input kept: ${await page.inputValue("#q-url")}`);
  await check("source_form_errors");

  await page.fill("#q-url", "https://stellen.naunhof.example/feed.xml");
  await page.selectOption("#q-format", "rss");
  await Promise.all([page.waitForNavigation(), page.click("form[action='/verwaltung/admin/quellen'] button[type=submit]")]);
  out.steps.push(`added → ${(await page.textContent("[role=status]"))?.trim()}`);
  await check("source_added");

  await page.goto(`${base}/verwaltung/admin/quellen/${failedId}`);
  out.steps.push(`failed source error: ${(await page.textContent("#quellenfehler"))?.trim()}`);
  await check("source_failed");

  await signIn(officerEmail);
  await Promise.all([page.waitForNavigation(), page.click("nav.hr-nav >> text=Importquellen")]);
  await check("officer_sources");
  await Promise.all([page.waitForNavigation(), page.click(`a[href='/verwaltung/quellen/${failedId}']`)]);
  out.steps.push(`officer status → ${new URL(page.url()).pathname}`);
  await check("officer_source");
} catch (e) {
  out.error = String(e && e.stack || e);
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify(out));
