/**
 * A REAL browser for end-to-end tests: Debian's Chromium (/usr/bin/chromium, or CHROMIUM_PATH)
 * driven by playwright-core (which cannot download browsers here), headless, with a fresh
 * profile, plus the editor's build (made once if dist/editor is missing or stale). One browser
 * per test file; a fresh context (cookies, sessionStorage) per test or group of tests.
 *
 * @example
 *   await buildEditor();
 *   const browser = await launchBrowser();
 *   afterAll(() => browser.close());
 *   const page = await browser.newPage({ baseURL: server.url });
 *   await page.goto('/');
 *   await screenshot(page, 'sign-in');   // test-artifacts/sign-in.png
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { ensureEditorBuild } from '../../editor/scripts/ensure-build.ts';
import { startServer } from './server.ts';
import type { TestServer } from './server.ts';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/', import.meta.url));
/** expect.poll options for reads of the page: it renders a moment after the event that changes it. */
export const POLL = { timeout: 10_000, interval: 50 };
/** The smallest screen the editor is made for. */
export const VIEWPORT = { width: 1280, height: 800 };

export function hasChromium(): boolean {
  return existsSync(CHROMIUM_PATH);
}

/** Builds dist/editor when missing or stale (a few seconds; nothing when fresh). */
export async function buildEditor(): Promise<void> {
  await ensureEditorBuild({ log: () => {} });
}

export interface TestBrowser {
  browser: Browser;
  /** A fresh context (its own sessionStorage) at 1280×800 with one page. */
  newPage(options?: { baseURL?: string }): Promise<Page>;
  close(): Promise<void>;
}

export async function launchBrowser(): Promise<TestBrowser> {
  // launch() gives the browser a fresh temporary profile (user-data-dir) and removes it on close.
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const contexts: BrowserContext[] = [];
  return {
    browser,
    async newPage(options = {}) {
      const context = await browser.newContext({ viewport: VIEWPORT, ...(options.baseURL ? { baseURL: options.baseURL } : {}) });
      contexts.push(context);
      return context.newPage();
    },
    async close() {
      await Promise.allSettled(contexts.map((c) => c.close()));
      await browser.close();
    },
  };
}

/**
 * The start of every browser test file: a real server (fresh database) with the editor's build,
 * refusing plainly when Chromium is missing. Set up data through the API, then openEditorPage().
 */
export async function startEditorServer(options: Parameters<typeof startServer>[0] = {}): Promise<TestServer> {
  if (!hasChromium()) throw new Error(`the browser tests need Chromium at ${CHROMIUM_PATH} (apt-get install chromium, or set CHROMIUM_PATH)`);
  const [, server] = await Promise.all([buildEditor(), startServer(options)]);
  return server;
}

/** Chromium with one page on the server (1280×800, fresh session), its errors collected for pageErrors assertions. */
export async function openEditorPage(server: TestServer, stepTimeoutMs = 15_000): Promise<{ browser: TestBrowser; page: Page; errors: string[] }> {
  const browser = await launchBrowser();
  const page = await browser.newPage({ baseURL: server.url });
  page.setDefaultTimeout(stepTimeoutMs);
  return { browser, page, errors: pageErrors(page) };
}

/** Saves a PNG of the page under test-artifacts/ (gitignored) and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path });
  return path;
}

/**
 * Collects the page's uncaught exceptions and console errors, to assert there are none.
 * Chromium also logs every 4xx/5xx answer as a console error ("Failed to load resource"):
 * those are left out, since a test that provokes a 401 or a 412 means to.
 */
export function pageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error' && !msg.text().startsWith('Failed to load resource: the server responded with a status of')) errors.push(`console: ${msg.text()}`);
  });
  return errors;
}

export interface AccessibilityViolation {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

/**
 * Runs axe-core (WCAG 2.0/2.1 A and AA rules) in the page and returns the serious and critical
 * violations, each with the elements it names. Monaco's own DOM is left out: it is a third-party
 * widget with its own accessibility mode (Ctrl+M / Alt+F1), not markup of ours.
 */
export async function accessibilityViolations(page: Page): Promise<AccessibilityViolation[]> {
  const loaded = await page.evaluate(() => typeof (window as unknown as { axe?: unknown }).axe === 'object');
  if (!loaded) await page.addScriptTag({ path: fileURLToPath(new URL('../../node_modules/axe-core/axe.min.js', import.meta.url)) });
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(context: unknown, options: unknown): Promise<{ violations: Array<{ id: string; impact: string | null; help: string; nodes: Array<{ target: unknown[] }> }> }> } }).axe;
    const result = await axe.run({ exclude: [['.monaco-editor']] }, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }, resultTypes: ['violations'] });
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => n.target.join(' ')) }));
  });
}
