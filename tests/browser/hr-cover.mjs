// Working together in headless Chromium, three municipalities: Borsdorf records an agreement
// with Brandis (first with errors), Brandis confirms; Borsdorf asks for cover (first with
// errors), Brandis offers, Borsdorf accepts; Naunhof gets "not found"; Brandis makes its
// calendar address; the cancel forms fail without a reason; the platform admin's agreement
// pages. Every page on the way is checked with axe-core and returned for the Nu
// checker; the calendar and the ledger CSV are returned for the caller to parse.
// Usage: node hr-cover.mjs BASE_URL PASSWORD BRANDIS_ID MONDAY FRIDAY (yyyy-mm-dd)
// Prints JSON: { axe: [...], html: {...}, steps: [], ics, csv }
import { check as record, launch } from "./common.mjs";

const [base, password, brandisId, monday, friday] = process.argv.slice(2);

const browser = await launch();
const out = { axe: [], html: {}, steps: [] };

async function signedIn(email) {
  const context = await browser.newContext({ bypassCSP: true, locale: "de-DE" });
  const page = await context.newPage();
  await page.goto(`${base}/anmelden`);
  await page.fill("#email", email);
  await page.fill("#password", password);
  await Promise.all([page.waitForNavigation(), page.click("button[type=submit]")]);
  return page;
}
const submit = (page, selector) => Promise.all([page.waitForNavigation(), page.click(selector)]);
const status = async (page) => (await page.textContent("[role=status]"))?.trim();

try {
  const borsdorf = await signedIn("personal@borsdorf.de");
  const brandis = await signedIn("personal@brandis.de");
  const naunhof = await signedIn("personal@naunhof.de");

  await borsdorf.goto(`${base}/verwaltung/zusammenarbeit`);
  await record(borsdorf, out, "cooperation");
  await submit(borsdorf, "text=Neue Vereinbarung erfassen");
  await borsdorf.fill("#f-title", "Vertretung Meldewesen");
  await borsdorf.fill("#f-hourly_rate", "viel");
  await submit(borsdorf, "form.editor button[type=submit]");
  out.steps.push(`agreement errors: ${await borsdorf.getAttribute("#f-hourly_rate", "aria-invalid")}`);
  await record(borsdorf, out, "agreement_form_errors");
  await borsdorf.fill("#f-hourly_rate", "42,50");
  await borsdorf.check("#area-meldewesen");
  await borsdorf.check(`#party-${brandisId}`);
  await submit(borsdorf, "form.editor button[type=submit]");
  out.steps.push(`agreement → ${await status(borsdorf)}`);
  const agreementUrl = borsdorf.url().split("?")[0];

  await brandis.goto(agreementUrl);
  await record(brandis, out, "agreement_to_confirm");
  await submit(brandis, "text=Für Ihre Kommune bestätigen");
  out.steps.push(`confirmed → ${(await brandis.textContent("#status-h"))?.trim()}`);
  await record(brandis, out, "agreement");

  await borsdorf.goto(`${base}/verwaltung/vertretungen/neu`);
  await borsdorf.selectOption("#f-task_area", "meldewesen");
  await borsdorf.fill("#f-starts_on", friday);
  await borsdorf.fill("#f-ends_on", monday);
  await borsdorf.fill("#f-hours", "12");
  await borsdorf.fill("#f-place", "Rathaus Borsdorf, Bürgerbüro");
  await submit(borsdorf, "form.editor button[type=submit]");
  out.steps.push(`request errors: ${await borsdorf.getAttribute("#f-hours", "aria-invalid")}`);
  await record(borsdorf, out, "request_form_errors");
  await borsdorf.fill("#f-starts_on", monday);
  await borsdorf.fill("#f-ends_on", friday);
  await borsdorf.fill("#f-hours", "7,5");
  await borsdorf.check("#requirement-meldesoftware");
  await submit(borsdorf, "form.editor button[type=submit]");
  out.steps.push(`request → ${await status(borsdorf)}`);
  const requestUrl = borsdorf.url().split("?")[0];

  const denied = await naunhof.goto(requestUrl);
  out.steps.push(`naunhof sees request: ${denied.status()}`);

  await brandis.goto(requestUrl);
  await record(brandis, out, "request_partner");
  await brandis.fill("#f-person_name", "Frau Beispiel");
  await submit(brandis, "form.editor button[type=submit]");
  out.steps.push(`offer → ${await status(brandis)}`);

  await borsdorf.goto(requestUrl);
  await record(borsdorf, out, "request_with_offer");
  // Cancelling without a reason: the error stands at the field of the form that was sent.
  await submit(borsdorf, "form[action^='/verwaltung/angebote/'] button[type=submit]");
  out.steps.push(`offer cancel error: ${await borsdorf.getAttribute("input[id^=reason-]", "aria-invalid")}`);
  await record(borsdorf, out, "request_offer_cancel_error");
  await submit(borsdorf, "form[action$='/absagen']:not(.inline) button[type=submit]");
  out.steps.push(`request cancel error: ${await borsdorf.getAttribute("#f-reason", "aria-invalid")}`);
  await record(borsdorf, out, "request_cancel_error");
  await borsdorf.goto(requestUrl);
  await borsdorf.check("input[name=offer]");
  await submit(borsdorf, "button[form=accept-form]");
  out.steps.push(`accepted → ${await status(borsdorf)}`);
  await record(borsdorf, out, "request_accepted");

  // The platform admin's list, form (with errors) and read-only view of the agreement.
  const admin = await signedIn("admin@partheland.de");
  await admin.goto(`${base}/verwaltung/admin/vereinbarungen`);
  await record(admin, out, "admin_agreements");
  await submit(admin, "text=Neue Vereinbarung erfassen");
  await admin.fill("#f-title", "Bauhof-Hilfe");
  await submit(admin, "form.editor button[type=submit]");
  out.steps.push(`admin agreement errors: ${await admin.textContent("#e-parties")}`);
  await record(admin, out, "admin_agreement_form_errors");
  await admin.goto(agreementUrl.replace("/verwaltung/vereinbarungen/", "/verwaltung/admin/vereinbarungen/"));
  await record(admin, out, "admin_agreement");

  await brandis.goto(`${base}/verwaltung/zusammenarbeit`);
  await submit(brandis, "#kalender ~ .actions button[type=submit]");
  await record(brandis, out, "cooperation_calendar");
  const feed = await brandis.inputValue("#calendar-url");
  out.ics = await (await brandis.request.get(feed)).text();
  out.csv = await (await borsdorf.request.get(`${agreementUrl}/stunden.csv`)).text();
} catch (e) {
  out.error = String(e && e.stack || e);
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify(out));
