/**
 * Headless Chromium for the web console's tests: Debian's `chromium` package
 * (/usr/bin/chromium, installed by scripts/setup-test.sh) driven by playwright-core —
 * Playwright's own browser download does not work on a machine without internet. The
 * flags keep Chromium from reaching for Google's services (refused here, and slow).
 * Screenshots go to test-artifacts/ (git-ignored).
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { projectRoot } from './corpus.js';

/** Where Debian installs Chromium (override with HAETAE_CHROMIUM). */
export const CHROMIUM = process.env.HAETAE_CHROMIUM ?? '/usr/bin/chromium';

/** The directory of test artifacts (screenshots). */
export const ARTIFACTS = join(projectRoot, 'test-artifacts');

/** Launches headless Chromium; fails with the fix when it is not installed. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run npm run setup:test (it installs Debian's chromium package) or set HAETAE_CHROMIUM`);
  // Playwright gives each launch a fresh temporary profile (its own --user-data-dir).
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** Saves a full-page screenshot as test-artifacts/<dir>/<name>.png; returns the path. */
export async function screenshot(page: Page, dir: string, name: string): Promise<string> {
  const folder = join(ARTIFACTS, dir);
  mkdirSync(folder, { recursive: true });
  const path = join(folder, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}
