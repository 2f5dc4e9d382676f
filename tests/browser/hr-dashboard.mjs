// The postings overview of the HR workspace in headless Chromium: the officer's list with
// search, filters and sort, with bad parameters, the bulk action's result and its form error;
// then the admin's list of every municipality. Each is checked with axe-core (WCAG 2.0/2.1 A
// and AA) and returned for the Nu checker.
// Usage: node hr-dashboard.mjs BASE_URL OFFICER_EMAIL ADMIN_EMAIL PASSWORD
// Prints JSON: { axe: [{ name, url, violations }], html: { name: source }, steps: [] }
import { check as record, launch } from "./common.mjs";

const [base, officerEmail, adminEmail, password] = process.argv.slice(2);

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
  await signIn(officerEmail);
  await check("dashboard");

  // Filter with the form, then sort by a column header.
  await page.fill("#f-suche", "Bauhof");
  await page.selectOption("#f-status", "published");
  await Promise.all([page.waitForNavigation(), page.click("form[role=search] button[type=submit]")]);
  await Promise.all([page.waitForNavigation(), page.click("th >> text=Bewerbungsfrist")]);
  const sorted = await page.getAttribute("th[aria-sort]", "aria-sort");
  out.steps.push(`filtered → ${new URL(page.url()).search} (${sorted})`);
  await check("dashboard_filtered");

  await page.goto(`${base}/verwaltung?status=offen&frist=bald&suche=Bauhof`);
  out.steps.push(`bad parameters: ${(await page.textContent("#fehlerliste"))?.replace(/\s+/g, " ").trim()}`);
  await check("dashboard_errors");

  // Archive two selected postings, one of them archived already.
  await page.goto(`${base}/verwaltung?suche=Sammel`);
  for (const box of await page.$$("input[name=auswahl]")) await box.check();
  await page.check("#b-archive");
  await Promise.all([page.waitForNavigation(), page.click("fieldset.bulk button[type=submit]")]);
  out.steps.push(`bulk → ${(await page.textContent("[role=status]"))?.trim()}`);
  await check("bulk_result");

  await page.goto(`${base}/verwaltung?suche=Sammel`);
  await page.check("#b-extend");
  await Promise.all([page.waitForNavigation(), page.click("fieldset.bulk button[type=submit]")]);
  out.steps.push(`bulk without selection → ${(await page.textContent("#fehlerliste li"))?.trim()}`);
  await check("bulk_errors");

  await signIn(adminEmail);
  await Promise.all([page.waitForNavigation(), page.click("nav.hr-nav >> text=Anzeigen")]);
  await page.selectOption("#f-kommune", "naunhof");
  await Promise.all([page.waitForNavigation(), page.click("form[role=search] button[type=submit]")]);
  out.steps.push(`admin → ${new URL(page.url()).pathname}${new URL(page.url()).search}`);
  await check("admin_postings");
} catch (e) {
  out.error = String(e && e.stack || e);
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify(out));
