// Opens the router's dashboard in headless Chromium (Debian's /usr/bin/chromium via playwright-core),
// waits for the first data refresh and prints what the page shows as JSON. argv: url [screenshot.png] [adminKey]
import { createRequire } from "node:module";
const require = createRequire(import.meta.url);
const { chromium } = require("playwright-core");
const [url, screenshot, adminKey] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 440 } });
  const errors = [];
  page.on("pageerror", e => errors.push(String(e)));
  await page.goto(url);
  if (adminKey) {
    await page.waitForSelector("#login", { state: "visible" });
    await page.fill("#key", adminKey);
    await page.click("#use-key");
  }
  await page.waitForSelector("body[data-loaded=true]", { timeout: 15000 });
  const text = sel => page.$eval(sel, e => e.textContent.trim());
  const rows = sel => page.$$eval(`${sel} tr[data-name]`, trs => Object.fromEntries(trs.map(tr => [tr.dataset.name, tr.cells[tr.cells.length - 1].textContent.trim()])));
  const result = {
    requests: await text("[data-testid=requests-total]"),
    cacheHitRate: await text("[data-testid=cache-hit-rate]"),
    blocked: await text("[data-testid=blocked-total]"),
    hallucinationRate: await text("[data-testid=hallucination-rate]"),
    models: await rows("[data-testid=models]"),
    decisions: await rows("[data-testid=decisions]"),
    latencyRows: await page.$$eval("[data-testid=latency] tr[data-name]", trs => trs.map(tr => [tr.dataset.name, ...[...tr.cells].slice(1).map(c => c.textContent.trim())])),
    errors,
  };
  if (screenshot) await page.screenshot({ path: screenshot, fullPage: true });
  process.stdout.write(JSON.stringify(result));
} finally {
  await browser.close();
}
