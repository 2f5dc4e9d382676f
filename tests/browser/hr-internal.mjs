// Internal vacancies and the signed agreement document in headless Chromium (issue 17):
// Naunhof's officer (another member) lists Borsdorf's internal posting and reads it, makes
// Naunhof's internal feed address and reads the feed; Borsdorf's officer makes a posting
// internal in the editor (first with a bad public day), and uploads the signed agreement
// (first a file that is no PDF). Every page on the way is checked with axe-core and returned
// for the Nu checker.
// Usage: node hr-internal.mjs BASE_URL PASSWORD AGREEMENT_ID DEADLINE PAST_DAY (yyyy-mm-dd)
// Prints JSON: { axe: [...], html: {...}, steps: [] }
import { check as record, launch } from "./common.mjs";

const [base, password, agreementId, deadline, pastDay] = process.argv.slice(2);

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

try {
  const naunhof = await signedIn("personal@naunhof.de");
  const borsdorf = await signedIn("personal@borsdorf.de");

  // Another member's officer: the list through the navigation, then the posting, read-only.
  await naunhof.goto(`${base}/verwaltung`);
  await submit(naunhof, "nav >> text=Interne Stellen");
  await record(naunhof, out, "internal_list");
  out.steps.push(`listed: ${(await naunhof.textContent("table.list tbody")).includes("Kämmerei")}`);
  out.steps.push(`edit links: ${await naunhof.locator("table.list a[href^='/verwaltung/anzeigen/']").count()}`);
  await submit(naunhof, "table.list a[href^='/verwaltung/intern/']");
  out.steps.push(`read: ${(await naunhof.textContent("h1"))?.trim()}`);
  await record(naunhof, out, "internal_posting");

  // Naunhof's own feed address: shown once, reads Naunhof's (none), not Borsdorf's.
  await naunhof.goto(`${base}/verwaltung/intern`);
  await submit(naunhof, "#feed ~ .actions button[type=submit]");
  await record(naunhof, out, "internal_feed");
  const feed = await naunhof.inputValue("#feed-json");
  const items = JSON.parse(await (await naunhof.request.get(feed)).text()).items;
  out.steps.push(`naunhof feed items: ${items.length}`);

  // The editor: internal with a public day in the past, then fixed.
  await borsdorf.goto(`${base}/verwaltung/anzeigen/neu`);
  await borsdorf.fill("#f-title", "Sachbearbeitung Personal (m/w/d)");
  await borsdorf.fill("#f-reference_number", "BOR-INT-B");
  await borsdorf.fill("#f-location_place", "Borsdorf");
  await borsdorf.fill("#f-location_postcode", "04451");
  await borsdorf.fill("#f-application_deadline", deadline);
  await borsdorf.fill("#f-description", "Für unsere **Personalstelle**.");
  await borsdorf.fill("#f-apply_email", "personal@borsdorf.de");
  await borsdorf.selectOption("#f-audience", "internal");
  await borsdorf.fill("#f-public_from", pastDay);
  await submit(borsdorf, "button[value=speichern]");
  out.steps.push(`public day error: ${await borsdorf.getAttribute("#f-public_from", "aria-invalid")}`);
  await record(borsdorf, out, "posting_form_internal_errors");
  await borsdorf.fill("#f-public_from", "");
  await submit(borsdorf, "button[value=speichern]");
  out.steps.push(`saved internal → ${(await borsdorf.textContent("[role=status]"))?.trim()}`);

  // The agreement: a file that is no PDF, then the signed PDF.
  const agreementUrl = `${base}/verwaltung/vereinbarungen/${agreementId}`;
  await borsdorf.goto(agreementUrl);
  await borsdorf.setInputFiles("#f-document", { name: "scan.pdf", mimeType: "application/pdf", buffer: Buffer.from("\x89PNG\r\n\x1a\n kein PDF") });
  await submit(borsdorf, "#dokument ~ form button[type=submit]");
  out.steps.push(`upload error: ${await borsdorf.getAttribute("#f-document", "aria-invalid")}`);
  await record(borsdorf, out, "agreement_document_errors");
  const pdf = "%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\nxref\n0 1\ntrailer\n<< /Root 1 0 R >>\nstartxref\n9\n%%EOF\n";
  await borsdorf.setInputFiles("#f-document", { name: "Vereinbarung unterschrieben.pdf", mimeType: "application/pdf", buffer: Buffer.from(pdf) });
  await submit(borsdorf, "#dokument ~ form button[type=submit]");
  out.steps.push(`uploaded → ${(await borsdorf.textContent("[role=status]"))?.trim()}`);
  await record(borsdorf, out, "agreement_document");
  const download = await borsdorf.request.get(`${agreementUrl}/dokument.pdf`);
  out.steps.push(`download: ${download.status()} ${download.headers()["content-type"]}`);
} catch (e) {
  out.error = String(e && e.stack || e);
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify(out));
