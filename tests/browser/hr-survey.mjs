// The needs survey in headless Chromium: an officer fills in the answer form (first with a
// negative number, then fixed), the admin opens the planning page with its tables and SVG
// charts. Each page is checked with axe-core (WCAG 2.0/2.1 A and AA) and returned for the Nu
// checker. Usage: node hr-survey.mjs BASE_URL ROUND_ID OFFICER_EMAIL ADMIN_EMAIL PASSWORD
// Prints JSON: { axe: [{ name, url, violations }], html: { name: source }, steps: [] }
import { check as record, launch } from "./common.mjs";

const [base, round, officer, admin, password] = process.argv.slice(2);

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
  await page.goto(`${base}/verwaltung/bedarf/${round}`);
  await record(page, out, "survey_form");
  await page.fill("#f-o-vfa-s1", "1");
  await page.fill("#f-o-vfa-stations", "Bürgerbüro, Kämmerei");
  await page.fill("#f-g-verwaltung-r1", "-2");
  await page.fill("#f-c-motorsaege-n", "4");
  await Promise.all([page.waitForNavigation(), page.click("form.survey button[type=submit]")]);
  out.steps.push(`error shown: ${await page.getAttribute("#f-g-verwaltung-r1", "aria-invalid")}`);
  out.steps.push(`summary: ${(await page.textContent(".error-summary li"))?.trim()}`);
  await record(page, out, "survey_form_errors");
  await page.click(".error-summary a");
  out.steps.push(`focus after summary link: ${await page.evaluate(() => location.hash)}`);
  await page.fill("#f-g-verwaltung-r1", "2");
  await Promise.all([page.waitForNavigation(), page.click("form.survey button[type=submit]")]);
  out.steps.push(`saved → ${(await page.textContent("[role=status]"))?.trim()}`);
  out.steps.push(`kept: ${await page.inputValue("#f-o-vfa-stations")}`);

  const adminPage = await signIn(admin);
  await adminPage.goto(`${base}/verwaltung/bedarf/${round}/planung`);
  out.steps.push(`charts: ${await adminPage.locator("svg.chart[role=img]").count()}`);
  await record(adminPage, out, "planning");
  await adminPage.goto(`${base}/verwaltung/admin/bedarf`);
  await record(adminPage, out, "survey_admin");
} catch (e) {
  out.error = String(e && e.stack || e);
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify(out));
