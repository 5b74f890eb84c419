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
    layout: {},
  };
  if (screenshot) await page.screenshot({ path: screenshot, fullPage: true });
  // Layout problems at a desktop and a phone width: a card whose content is wider than the card, a cell whose text
  // spills out of it unclipped, a number or bar outside its card's content box, a name running into its bar.
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: 440 });
    result.layout[width] = await page.$$eval("main section", sections => sections.flatMap(section => {
      const title = section.querySelector("h2").textContent;
      const style = getComputedStyle(section);
      const box = section.getBoundingClientRect();
      const contentRight = box.right - parseFloat(style.paddingRight) - parseFloat(style.borderRightWidth) + 0.5;
      const problems = [];
      if (section.scrollWidth > section.clientWidth + 1) problems.push(`${title}: content ${section.scrollWidth - section.clientWidth}px wider than the card`);
      for (const td of section.querySelectorAll("td")) {
        const text = td.textContent.trim();
        if (td.scrollWidth > td.clientWidth + 1 && getComputedStyle(td).overflowX !== "hidden") problems.push(`${title}: '${text}' spills out of its cell`);
        if (td.getBoundingClientRect().right > contentRight) problems.push(`${title}: '${text}' ends ${Math.round(td.getBoundingClientRect().right - contentRight)}px outside the card`);
      }
      for (const tr of section.querySelectorAll("tr[data-name]")) {
        const bar = tr.querySelector(".bar");
        if (!bar) continue;
        const name = tr.cells[0];
        const nameEnd = Math.min(name.getBoundingClientRect().left + name.scrollWidth, getComputedStyle(name).overflowX === "hidden" ? name.getBoundingClientRect().right : Infinity);
        if (nameEnd > bar.getBoundingClientRect().left + 0.5) problems.push(`${title}: '${tr.dataset.name}' runs into its bar`);
        if (bar.getBoundingClientRect().right > tr.cells[tr.cells.length - 1].getBoundingClientRect().left + 0.5) problems.push(`${title}: the bar of '${tr.dataset.name}' runs into its number`);
      }
      return problems;
    }));
  }
  process.stdout.write(JSON.stringify(result));
} finally {
  await browser.close();
}
