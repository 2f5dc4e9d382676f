// The embeddable job list as a member's website gets it: each URL is a host page on another
// origin with one <iframe data-stellenboerse> and the board's rahmen.js. Reports whether the list
// shows inside the frame (the CSP frame-ancestors of the board allowed it), the frame's height
// after the resize script had a chance to run (it starts at 150), and the list's links.
// Usage: node embed.mjs HOST_URL...
// Prints JSON: [{ url, framed, height, links: [{ target, rel }] }]
import { launch } from "./common.mjs";

const browser = await launch();
const context = await browser.newContext({ locale: "de-DE" });
const results = [];
for (const url of process.argv.slice(2)) {
  const page = await context.newPage();
  await page.goto(url, { waitUntil: "load" });
  const frame = page.frames().find((f) => f !== page.mainFrame());
  let framed = false;
  let links = [];
  if (frame) {
    try {
      framed = (await frame.locator("body.embedded").count()) > 0;
      links = await frame.$$eval("a", (as) => as.map((a) => ({ target: a.target, rel: a.rel })));
    } catch (e) {
      framed = false;
    }
  }
  if (framed) {
    await page
      .waitForFunction(() => document.querySelector("iframe").getBoundingClientRect().height !== 150, null, { timeout: 5000 })
      .catch(() => {});
  }
  const height = await page.evaluate(() => document.querySelector("iframe").getBoundingClientRect().height);
  results.push({ url, framed, height, links });
  await page.close();
}
await browser.close();
process.stdout.write(JSON.stringify(results));
