// Courses in the HR workspace in headless Chromium: the provider creates a course (first with
// an error), opens it; the page lists, the editor with errors and the participants page with a
// registration error are checked with axe-core (WCAG 2.0/2.1 A and AA) and returned for the Nu
// checker. Usage: node hr-courses.mjs BASE_URL EMAIL PASSWORD DEADLINE DAY (yyyy-mm-dd)
// Prints JSON: { axe: [{ name, url, violations }], html: { name: source }, steps: [] }
import { check as record, launch } from "./common.mjs";

const [base, email, password, deadline, day] = process.argv.slice(2);

const browser = await launch();
const context = await browser.newContext({ bypassCSP: true, locale: "de-DE" });
const page = await context.newPage();
const out = { axe: [], html: {}, steps: [] };

const check = (name) => record(page, out, name);

try {
  await page.goto(`${base}/anmelden`);
  await page.fill("#email", email);
  await page.fill("#password", password);
  await Promise.all([page.waitForNavigation(), page.click("button[type=submit]")]);
  await page.goto(`${base}/verwaltung/lehrgaenge`);
  await check("courses");

  await Promise.all([page.waitForNavigation(), page.click("text=Neuen Lehrgang anlegen")]);
  await page.fill("#f-title", "Erste Hilfe im Ehrenamt");
  await page.selectOption("#f-category", "soziales");
  await page.fill("#f-description", "Grundlagen der **Ersten Hilfe**.");
  await page.fill("#f-seats", "12");
  await page.fill("#f-registration_deadline", deadline);
  await page.fill("#s-day-1", day);
  await page.fill("#s-start-1", "09:00");
  await page.fill("#s-end-1", "08:00");
  await page.fill("#s-place-1", "Rathaus Naunhof");
  // Target group missing and the end before the start: the form comes back with both errors.
  await Promise.all([page.waitForNavigation(), page.click("form.editor button[type=submit]")]);
  out.steps.push(`errors shown: ${await page.getAttribute("#f-target_group", "aria-invalid")}`);
  await check("course_form_errors");

  await page.fill("#f-target_group", "Beschäftigte aller Kommunen");
  await page.fill("#s-end-1", "12:00");
  await Promise.all([page.waitForNavigation(), page.click("form.editor button[type=submit]")]);
  out.steps.push(`saved → ${(await page.textContent("[role=status]"))?.trim()}`);
  await Promise.all([page.waitForNavigation(), page.click("button[value=open]")]);
  out.steps.push(`status → ${(await page.textContent("#status-h"))?.trim()}`);

  await Promise.all([page.waitForNavigation(), page.click("text=Teilnehmende")]);
  await page.fill("#r-name", "Jana Beispiel");
  await page.fill("#r-email", "keine-adresse");
  await Promise.all([page.waitForNavigation(), page.click("form[action$='/anmeldungen'] button[type=submit]")]);
  out.steps.push(`registration error: ${await page.getAttribute("#r-email", "aria-invalid")}`);
  await check("participants_errors");
  await page.fill("#r-email", "jana@naunhof.de");
  await Promise.all([page.waitForNavigation(), page.click("form[action$='/anmeldungen'] button[type=submit]")]);
  out.steps.push(`registered → ${(await page.textContent("[role=status]"))?.trim()}`);
  await check("participants");
} catch (e) {
  out.error = String(e && e.stack || e);
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify(out));
