import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

/** Debian's Chromium (apt install chromium), or the one TASKPLANE_CHROMIUM names. */
export const CHROMIUM = process.env.TASKPLANE_CHROMIUM ?? '/usr/bin/chromium';

/** Where the browser tests leave their screenshots (git-ignored): look at them. */
export const SCREENSHOTS = path.resolve(__dirname, '..', '..', '..', 'test-output', 'screenshots');

/**
 * Launches Chromium headless for one test file, or skips the file, saying
 * why, where no browser is installed. Where one must be (CI sets CI or
 * TASKPLANE_REQUIRE_BROWSER; .ci/run installs chromium first), a missing
 * browser fails instead of skipping.
 */
export async function launchBrowser(context: Mocha.Context): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM)) {
    const why = `no Chromium at ${CHROMIUM} (install Debian's chromium, or set TASKPLANE_CHROMIUM)`;
    if (process.env.CI || process.env.TASKPLANE_REQUIRE_BROWSER) throw new Error(`the browser tests must run here, but there is ${why}`);
    process.stderr.write(`\n  SKIPPING the browser tests: ${why}\n\n`);
    context.skip();
  }
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  // Playwright gives every launch a fresh profile (--user-data-dir in a new
  // temporary directory). Without the background-networking flags Chromium
  // reaches out to Google's services, which a closed network refuses.
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/**
 * Errors the page's scripts threw or logged, and server errors (5xx) it
 * was answered with; a test fails if there are any. A 4xx is the API
 * refusing bad input, which the page shows: Chromium logs it, and it is no
 * error of the page.
 */
export function watchForErrors(page: Page): () => string[] {
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(`page error: ${err.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' && !/^Failed to load resource: the server responded with a status of 4\d\d/.test(message.text())) errors.push(`console error: ${message.text()}`);
  });
  page.on('response', (response) => {
    if (response.status() >= 500) errors.push(`${response.status()} from ${response.url()}`);
  });
  return () => errors.splice(0);
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
}
