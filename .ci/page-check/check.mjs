// Checks the registry's pages for people against a running registry: every page must be valid
// HTML (html-validate, its recommended rules) and have no accessibility violation that axe-core
// finds (WCAG 2 A and AA rules) in the machine's Chromium, driven by playwright-core.
// Usage: node check.mjs <base URL> [path ...]; Chromium from $CHROMIUM (default /usr/bin/chromium).
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { HtmlValidate } from "html-validate";
import { chromium } from "playwright-core";

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

const base = process.argv[2];
if (!base) {
  console.error("usage: node check.mjs <base URL> [path ...]");
  process.exit(2);
}
const paths = process.argv.length > 3
  ? process.argv.slice(3)
  : ["/", "/coverage/UA-NAP-2021-2025", "/coverage/UA-NAP-2021-2025?sort=status", "/id/plan/UA-NAP-2021-2025"];

const validator = new HtmlValidate({
  extends: ["html-validate:recommended"],
  rules: {
    // Inline styles and style attributes are the templates' choice; not a validity question.
    "no-inline-style": "off",
    // Headings contain bilingual spans by design.
    "long-title": "off",
  },
});

let failures = 0;
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu"],
});
try {
  const page = await browser.newPage();
  for (const path of paths) {
    const url = new URL(path, base).toString();
    const response = await fetch(url, { headers: { accept: "text/html" } });
    const html = await response.text();
    if (response.status !== 200) {
      console.error(`FAIL ${path}: HTTP ${response.status}`);
      failures++;
      continue;
    }
    const report = await validator.validateString(html, path);
    for (const result of report.results) {
      for (const m of result.messages) {
        console.error(`FAIL ${path}:${m.line}:${m.column} html-validate ${m.ruleId}: ${m.message}`);
        failures++;
      }
    }
    await page.goto(url);
    await page.addScriptTag({ content: axeSource });
    const axe = await page.evaluate(async () =>
      // eslint-disable-next-line no-undef
      await axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } }),
    );
    for (const v of axe.violations) {
      const where = v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join("; ");
      console.error(`FAIL ${path} axe ${v.id} (${v.impact}): ${v.help} at ${where}`);
      failures++;
    }
    console.log(`checked ${path}: ${axe.passes.length} axe rules passed, ${axe.violations.length} violated`);
  }
} finally {
  await browser.close();
}
if (failures > 0) {
  console.error(`${failures} problem(s)`);
  process.exit(1);
}
console.log("every page is valid HTML with no accessibility violation found");
