// The HR path in headless Chromium: sign in, create a posting with a validation error, fix it,
// publish it and find it in the public search. Runs axe-core (WCAG 2.0/2.1 A and AA) on the
// sign-in page, the dashboard, the form showing errors and the other workspace pages, and returns
// their HTML for the Nu checker. Usage: node hr-flow.mjs BASE_URL EMAIL PASSWORD DEADLINE(yyyy-mm-dd)
// Prints JSON: { axe: [{ name, url, violations }], html: { name: source }, found: bool, steps: [] }
import { check as record, launch } from "./common.mjs";

const [base, email, password, deadline] = process.argv.slice(2);

const browser = await launch();
const context = await browser.newContext({ bypassCSP: true, locale: "de-DE" });
const page = await context.newPage();
const out = { axe: [], html: {}, found: false, steps: [] };

const check = (name) => record(page, out, name);

try {
  await page.goto(`${base}/verwaltung`);
  out.steps.push(`anonymous → ${new URL(page.url()).pathname}`);
  await check("signin");
  await page.fill("#email", email);
  await page.fill("#password", password);
  await Promise.all([page.waitForNavigation(), page.click("button[type=submit]")]);
  out.steps.push(`signed in → ${new URL(page.url()).pathname}`);
  await check("dashboard");

  await Promise.all([page.waitForNavigation(), page.click("text=Neue Anzeige anlegen")]);
  const title = "Gemeindearbeiter Bauhof (m/w/d)";
  await page.selectOption("#f-kind", "job");
  await page.fill("#f-reference_number", "NAU-BROWSER-1");
  await page.selectOption("#f-category", "bauhof_technik");
  await page.fill("#f-weekly_hours", "39");
  await page.fill("#f-location_postcode", "04683");
  await page.fill("#f-application_deadline", deadline);
  await page.fill("#f-description", "Der **Bauhof** sucht Verstärkung.");
  await page.fill("#f-apply_email", "bauhof@naunhof.de");
  // The title is left out: the form must come back with the error beside it.
  await Promise.all([page.waitForNavigation(), page.click("button[value=speichern]")]);
  const invalid = await page.getAttribute("#f-title", "aria-invalid");
  const kept = await page.inputValue("#f-reference_number");
  out.steps.push(`error shown: ${invalid === "true"}, input kept: ${kept === "NAU-BROWSER-1"}`);
  await check("form_errors");

  await page.fill("#f-title", title);
  await Promise.all([page.waitForNavigation(), page.click("button[value=speichern]")]);
  out.steps.push(`saved → ${(await page.textContent("[role=status]"))?.trim()}`);
  await Promise.all([page.waitForNavigation(), page.click("button[value=publish]")]);
  out.steps.push(`status → ${(await page.textContent("#status-h"))?.trim()}`);
  await check("editor");
  const postingPath = new URL(page.url()).pathname;
  await page.goto(`${base}${postingPath}/verlauf`);
  await check("history");
  await page.goto(`${base}/verwaltung/profil`);
  await check("profile");
  await page.goto(`${base}/passwort-vergessen`);
  await check("reset_request");

  // The index follows the outbox in the background: poll the public search.
  const until = Date.now() + 60_000;
  while (Date.now() < until) {
    await page.goto(`${base}/stellen?q=Gemeindearbeiter`);
    if (await page.locator("a[href^='/stellen/gemeindearbeiter-bauhof']").count()) {
      out.found = true;
      break;
    }
    await page.waitForTimeout(200);
  }
} catch (e) {
  out.error = String(e && e.stack || e);
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify(out));
