// The numbers of the workspace in headless Chromium: an officer opens a posting's editor (with
// the „besetzt“ form), its numbers (SVG chart and tables) and the municipality's statistics;
// the admin opens the region's. Each page is checked with axe-core (WCAG 2.0/2.1 A and AA) and
// returned for the Nu checker.
// Usage: node hr-stats.mjs BASE_URL POSTING_ID OFFICER_EMAIL ADMIN_EMAIL PASSWORD
// Prints JSON: { axe: [{ name, url, violations }], html: { name: source }, steps: [] }
import { check as record, launch } from "./common.mjs";

const [base, posting, officer, admin, password] = process.argv.slice(2);

const browser = await launch();
const out = { axe: [], html: {}, steps: [] };

async function signIn(email) {
  const context = await browser.newContext({ bypassCSP: true, locale: "de-DE" });
  const page = await context.newPage();
  await page.goto(`${base}/anmelden`);
  await page.fill("#email", email);
  await page.fill("#password", password);
  await Promise.all([page.waitForNavigation(), page.click("button[type=submit]")]);
  return page;
}

try {
  const page = await signIn(officer);
  await page.goto(`${base}/verwaltung/anzeigen/${posting}`);
  await record(page, out, "editor_with_filled_form");
  await page.goto(`${base}/verwaltung/anzeigen/${posting}/zahlen`);
  out.steps.push(`posting charts: ${await page.locator("svg.chart[role=img]").count()}`);
  await record(page, out, "posting_numbers");
  await page.goto(`${base}/verwaltung/statistik`);
  out.steps.push(`statistics at ${new URL(page.url()).pathname}`);
  out.steps.push(`statistics charts: ${await page.locator("svg.chart[role=img]").count()}`);
  await record(page, out, "statistics");
  await page.selectOption("#zeitraum", "365");
  await Promise.all([page.waitForNavigation(), page.click("form.filters button[type=submit]")]);
  out.steps.push(`period → ${new URL(page.url()).search}`);

  const adminPage = await signIn(admin);
  await adminPage.goto(`${base}/verwaltung/statistik`);
  await record(adminPage, out, "statistics_region");
  await adminPage.goto(`${base}/zahlen`);
  await record(adminPage, out, "public_numbers");
} catch (e) {
  out.error = String(e && e.stack || e);
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify(out));
