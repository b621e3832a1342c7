// Browser-test support: Debian's chromium driven by playwright-core
// (never playwright's own browser download), headless, with JavaScript off
// by default because every page must work without it. Screenshots go to
// tests/web/screenshots/ (not committed) for a person to look at.
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
export const shotDir = join(here, 'screenshots');
mkdirSync(shotDir, { recursive: true });

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-gpu',
      '--disable-sync', '--no-first-run', '--disable-quic'],
  });
}

// A fresh browser context (its own cookies) in LOCALE, JavaScript off
// unless asked, at WIDTH pixels.
export async function newPage(browser, { locale = 'ja-JP', javaScript = false, width = 1100, height = 900 } = {}) {
  const context = await browser.newContext({ locale, javaScriptEnabled: javaScript, viewport: { width, height } });
  return context.newPage();
}

export async function shot(page, name) {
  await page.screenshot({ path: join(shotDir, `${name}.png`), fullPage: true });
}

// True when the page is wider than its viewport (no horizontal scrolling
// is allowed at 360 px).
export async function overflowsX(page) {
  return page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
}
