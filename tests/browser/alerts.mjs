// Search alerts in headless Chromium: the sign-up form of a results page with errors, the
// "please confirm" page, the management page (pending, confirmed, with a field error, paused),
// the unsubscribe question and the page after it. Each is checked with axe-core (WCAG 2.0/2.1
// A and AA) and returned for the Nu checker.
// Usage: node alerts.mjs BASE_URL TOKEN
// Prints JSON: { axe: [{ name, url, violations }], html: { name: source }, steps: [], error }
import { check as record, launch } from "./common.mjs";

const [base, token] = process.argv.slice(2);

const browser = await launch();
const out = { axe: [], html: {}, steps: [] };
const context = await browser.newContext({ bypassCSP: true, locale: "de-DE" });
const page = await context.newPage();
const check = (name) => record(page, out, name);
const submit = (selector) => Promise.all([page.waitForNavigation(), page.click(selector)]);

try {
  await page.goto(`${base}/stellen?q=Erzieher&kommune=naunhof`);
  await page.fill("#f-email", "kein-at-zeichen");
  await submit("form.alert-form button[type=submit]");
  out.steps.push(`signup errors: ${(await page.textContent(".error-summary"))?.trim().replace(/\s+/g, " ")}`);
  await check("signup_errors");

  await page.fill("#f-email", "eva@example.de");
  await page.check("#f-consent");
  await submit("form.alert-form button[type=submit]");
  out.steps.push(`requested: ${(await page.textContent("h1"))?.trim()}`);
  await check("requested");

  await page.goto(`${base}/suchauftrag/${token}`);
  await check("manage_pending");
  await submit("text=Suchauftrag bestätigen");
  out.steps.push(`confirmed: ${(await page.textContent("[role=status]"))?.trim()}`);
  await check("manage_confirmed");

  await page.fill("#f-q", "x".repeat(201));
  await submit("text=Änderungen speichern");
  out.steps.push(`change error: ${(await page.textContent("#e-q"))?.trim()}`);
  await check("manage_error");

  await page.fill("#f-q", "Erzieherin");
  await page.uncheck("#f-kommune-naunhof");
  await page.check("#f-kommune-machern");
  await page.check("#f-art-job");
  await page.selectOption("#f-umkreis", "20");
  await submit("text=Änderungen speichern");
  out.steps.push(`changed: ${(await page.textContent("[role=status]"))?.trim()} ${(await page.textContent("dl.facts dd"))?.trim()}`);
  await check("manage_changed");

  await page.goto(`${base}/suchauftrag/${token}`);
  await submit("text=Suchauftrag pausieren");
  out.steps.push(`paused: ${(await page.textContent("[role=status]"))?.trim()}`);
  await check("manage_paused");

  await page.goto(`${base}/suchauftrag/abmelden/${token}`);
  await check("unsubscribe");
  await submit("text=Ja, abbestellen");
  out.steps.push(`unsubscribed: ${(await page.textContent("h1"))?.trim()}`);
  await check("unsubscribed");
} catch (e) {
  out.error = String(e);
}
await browser.close();
process.stdout.write(JSON.stringify(out));
