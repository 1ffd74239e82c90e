/**
 * The staff editor end to end: the real server (fresh database, seeded from policies/) serving
 * the real build of editor/, driven in Debian's Chromium at 1280×800. One browser and one
 * server for the file; the tests run in order as one person's session (sign in → policies →
 * edit), each screen saved to test-artifacts/<name>.png.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEditorPage, pageErrors, POLL, screenshot, startEditorServer } from '../helpers/browser.ts';
import type { TestBrowser } from '../helpers/browser.ts';
import type { TestServer } from '../helpers/server.ts';

const STEP = 15_000;

describe('staff editor in Chromium', () => {
  let server: TestServer;
  let browser: TestBrowser;
  let page: Page;
  let errors: string[];
  let editorKey: string;

  beforeAll(async () => {
    server = await startEditorServer();
    editorKey = await server.key('solum', 'editor');
    ({ browser, page, errors } = await openEditorPage(server, STEP));
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const summary = () => page.getByTestId('test-summary');
  /** The editor's visible text (Monaco renders spaces as no-break spaces). */
  const editorText = async () => ((await page.locator('.view-lines').textContent()) ?? '').replace(/\u00a0/g, ' ');
  /** Waits for the in-browser check of the current text to finish. */
  const checked = () => page.locator('[data-testid=test-summary][data-stale=false]').waitFor();

  it('/ renders the sign-in', async () => {
    const res = await page.goto('/');
    expect(res?.status()).toBe(200);
    await expect.poll(() => page.title(), POLL).toBe('Sign in · Policy editor');
    const input = page.getByLabel('API key');
    await input.waitFor();
    await expect.poll(() => input.getAttribute('type'), POLL).toBe('password');
    await expect.poll(() => page.evaluate(() => document.activeElement?.id), POLL).toBe('api-key');
    await screenshot(page, 'sign-in');
  });

  it('refuses a wrong key, saying so plainly', async () => {
    await page.getByLabel('API key').fill('pk_000000000000_not-a-key');
    await page.getByLabel('API key').press('Enter');
    await expect.poll(() => page.getByRole('alert').textContent(), POLL).toContain('This key is not valid');
    await expect.poll(() => page.evaluate(() => sessionStorage.length), POLL).toBe(0);
  });

  it('signing in with a solum editor key shows the tenant, the role and the policy list', async () => {
    await page.getByLabel('API key').fill(editorKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByTestId('policy-list').waitFor();
    await expect.poll(() => page.getByTestId('tenant').textContent(), POLL).toBe('Solum');
    await expect.poll(() => page.getByTestId('role').textContent(), POLL).toBe('editor');
    const row = page.locator('tr[data-policy=returns]');
    await expect.poll(() => row.textContent(), POLL).toMatch(/Solum returns and refunds.*version 1.*latest: version 2.*none/);
    // What is coming up links to the policy's timeline.
    await expect.poll(() => row.getByRole('link', { name: 'Schedule and timeline: returns' }).getAttribute('href'), POLL).toBe('/policies/returns/schedule');
    // The key is kept for this tab's session only.
    await expect.poll(() => page.evaluate(() => [sessionStorage.getItem('policy-editor.key'), localStorage.length]), POLL).toEqual([editorKey, 0]);
    await screenshot(page, 'policies');
  });

  it('opening solum/returns (by keyboard) shows the Monaco editor with the document, the params form and all tests passing', async () => {
    await tabTo('Solum returns and refunds');
    await page.keyboard.press('Enter');
    await page.waitForURL('**/policies/returns');
    await page.locator('[data-testid=monaco][data-ready=true] .view-lines').waitFor();
    await expect.poll(() => editorText(), POLL).toContain('"key": "returns"');
    await expect.poll(() => page.getByLabel(/^returnWindowDays/).inputValue(), POLL).toBe('30');
    await checked();
    await expect.poll(() => summary().textContent(), POLL).toMatch(/^All \d+ tests pass/);
    await expect.poll(() => page.getByTestId('save-status').textContent(), POLL).toContain('your first change starts a draft');
    await screenshot(page, 'edit');
  });

  it('marks the static-analysis warning of solum/returns (no Alipay row in refundTimes) as a yellow squiggle at its line and lists it', async () => {
    await checked();
    const warning = page.getByTestId('warnings').locator('li.warning').first();
    await expect.poll(() => warning.textContent(), POLL).toMatch(/line \d+ \/tables\/refundTimes table `refundTimes` has no row for refundMethod = "alipay".*\(table-gap\)$/);
    const line = Number(/line (\d+)/.exec((await warning.textContent())!)![1]);
    await warning.getByRole('button', { name: `line ${line}` }).click();
    await expect.poll(() => page.locator('.line-numbers.active-line-number').first().textContent(), POLL).toBe(String(line));
    // The squiggle is Monaco's warning marker: hovering it shows the warning.
    const squiggle = page.locator('.squiggly-warning').first();
    await squiggle.waitFor();
    const box = (await squiggle.boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2, { steps: 4 });
    const hover = page.locator('.monaco-hover:visible', { hasText: 'has no row for refundMethod' });
    await hover.waitFor();
    await expect.poll(() => hover.textContent(), POLL).toContain('(/tables/refundTimes)');
    await screenshot(page, 'edit-warning');
    await page.mouse.move(1000, 700);
  });

  it('shows the operator registry docs on hover', async () => {
    await findInEditor('"daysBetween"');
    const match = page.locator('.currentFindMatch').first();
    const box = (await match.boundingBox())!;
    await page.keyboard.press('Escape');
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2, { steps: 4 });
    const hover = page.locator('.monaco-hover:visible', { hasText: 'time operator' });
    await hover.waitFor();
    await expect.poll(() => hover.textContent(), POLL).toMatch(/daysBetween · time operator, 2 arguments.*Examples/s);
    await page.waitForTimeout(300); // the hover fades in
    await screenshot(page, 'edit-hover');
    await page.mouse.move(1000, 700);
  });

  it('editing a param in the form makes an embedded test fail, pointing at its rule; putting it back makes it pass', async () => {
    const field = page.getByLabel(/^returnWindowDays/);
    await field.fill('10');
    // The JSON follows the form.
    await page.locator('.view-lines', { hasText: '"value": 10,' }).waitFor();
    await checked();
    await expect.poll(() => summary().textContent(), POLL).toMatch(/^\d+ of \d+ tests failing/);
    const failing = page.getByTestId('failing-tests').locator('li.test').first();
    await expect.poll(() => failing.textContent(), POLL).toMatch(/expected .*, got /);
    const ruleLink = failing.locator('.rule-link');
    await expect.poll(() => ruleLink.textContent(), POLL).toMatch(/^decided by rule [a-z0-9-]+ \(line \d+\)$/);
    await screenshot(page, 'edit-failing-test');

    // The link takes the cursor to the rule's line.
    const line = Number(/\(line (\d+)\)/.exec((await ruleLink.textContent())!)![1]);
    await ruleLink.click();
    await expect.poll(() => page.locator('.line-numbers.active-line-number').first().textContent(), POLL).toBe(String(line));

    await field.fill('30');
    await checked();
    await expect.poll(() => summary().textContent(), POLL).toMatch(/^All \d+ tests pass/);
  });

  it('autosaves the edit as the draft (If-None-Match, then If-Match), which the API returns', async () => {
    await page.locator('[data-testid=save-status][data-status=saved]').waitFor();
    // Back to the seed's value, but the draft exists now: the text round-trips through the API.
    const draft = await server.get('/v1/policies/returns/draft', editorKey);
    expect(draft.status).toBe(200);
    expect(draft.body.document.params.returnWindowDays.value).toBe(30);

    await page.getByLabel(/^processingMaxDays/).fill('15');
    await page.locator('[data-testid=save-status][data-status=pending], [data-testid=save-status][data-status=saving]').first().waitFor();
    await page.locator('[data-testid=save-status][data-status=saved]').waitFor();
    const saved = await server.get('/v1/policies/returns/draft', editorKey);
    expect(saved.body.document.params.processingMaxDays.value).toBe(15);
    expect(saved.body.etag).not.toBe(draft.body.etag);
    await page.getByLabel(/^processingMaxDays/).fill('14');
    await checked();
    await expect.poll(() => summary().textContent(), POLL).toMatch(/^All \d+ tests pass/);
    await page.locator('[data-testid=save-status][data-status=saved]').waitFor();
  });

  it('marks a compile problem at its line and lists it with its JSON path', async () => {
    // Find selects the match; the cursor goes inside its closing quote and deletes a letter.
    await findInEditor('"daysBetween"');
    await page.keyboard.press('Escape');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('Backspace');
    await checked();
    await expect.poll(() => summary().textContent(), POLL).toMatch(/problem.*does not compile/);
    const problem = page.locator('li.problem', { hasText: 'daysBetwee' }).first();
    await expect.poll(() => problem.textContent(), POLL).toMatch(/^line \d+ \/[\w/]+ unknown operator "daysBetwee"/);
    await page.locator('.squiggly-error').first().waitFor();
    await screenshot(page, 'edit-compile-problem');
    await page.locator('.view-lines').click();
    await page.keyboard.press('Control+z');
    await checked();
    await expect.poll(() => summary().textContent(), POLL).toMatch(/^All \d+ tests pass/);
    await page.locator('[data-testid=save-status][data-status=saved]').waitFor();
  });

  it('a conflicting save by someone else is shown plainly and never overwritten', async () => {
    // Someone else saves the draft through the API.
    const theirs = await server.get('/v1/policies/returns/draft', editorKey);
    const document = { ...theirs.body.document, title: 'Saved by someone else' };
    const put = await server.request('PUT', '/v1/policies/returns/draft', { key: editorKey, body: { document }, headers: { 'If-Match': `"${theirs.body.etag}"` } });
    expect(put.status).toBe(200);

    await page.getByLabel(/^processingMaxDays/).fill('16');
    const status = page.locator('[data-testid=save-status][data-status=conflict]');
    await status.waitFor();
    await expect.poll(() => status.textContent(), POLL).toContain('Someone else saved this draft');
    await screenshot(page, 'edit-conflict');
    // Their draft is untouched, and no further autosave happens while the conflict stands.
    await page.getByLabel(/^processingMaxDays/).fill('17');
    await page.waitForTimeout(1200);
    const still = await server.get('/v1/policies/returns/draft', editorKey);
    expect(still.body.etag).toBe(put.body.etag);
    expect(still.body.document.title).toBe('Saved by someone else');

    await page.getByRole('button', { name: 'Load their draft (drop my changes)' }).click();
    await page.locator('[data-testid=save-status][data-status=saved]').waitFor();
    // The form follows the reloaded document a render after the status changes.
    await expect.poll(() => page.getByLabel(/^processingMaxDays/).inputValue()).toBe('14');
    await page.locator('.view-lines', { hasText: 'Saved by someone else' }).waitFor();
  });

  it('a viewer sees the document read-only, and the page made no errors', async () => {
    const viewer = await browser.newPage({ baseURL: server.url });
    const viewerErrors = pageErrors(viewer);
    await viewer.goto('/policies/returns');
    await viewer.getByLabel('API key').fill(await server.key('solum', 'viewer'));
    await viewer.getByLabel('API key').press('Enter');
    await viewer.locator('[data-testid=monaco][data-ready=true] .view-lines').waitFor();
    await expect.poll(() => viewer.getByTestId('role').textContent(), POLL).toBe('viewer');
    await expect.poll(() => viewer.getByTestId('save-status').textContent(), POLL).toMatch(/^Read only/);
    await expect.poll(() => viewer.locator('.origin').textContent(), POLL).toBe('Showing the draft (started when version 2 was the newest).');
    await expect.poll(() => viewer.getByLabel(/^returnWindowDays/).isDisabled(), POLL).toBe(true);
    await screenshot(viewer, 'edit-read-only');
    await viewer.context().close();
    expect(viewerErrors).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('a reload keeps the session (this tab only) and reopens the same policy, now its draft', async () => {
    await page.reload();
    await page.locator('[data-testid=monaco][data-ready=true] .view-lines').waitFor();
    await expect.poll(() => page.getByTestId('tenant').textContent(), POLL).toBe('Solum');
    await expect.poll(() => page.locator('.origin').textContent(), POLL).toBe('Editing the draft (started when version 2 was the newest).');
    await expect.poll(() => page.getByTestId('save-status').getAttribute('data-status'), POLL).toBe('unchanged');
    const other = await browser.newPage({ baseURL: server.url });
    await other.goto('/policies/returns');
    await other.getByLabel('API key').waitFor(); // another tab (context) has no key
    await other.context().close();
  });

  it('signs out, forgetting the key', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('API key').waitFor();
    await expect.poll(() => page.evaluate(() => sessionStorage.getItem('policy-editor.key')), POLL).toBeNull();
  });

  /** Presses Tab until the focused element's text is `name`, as a keyboard user would. */
  async function tabTo(name: string): Promise<void> {
    for (let i = 0; i < 20; i++) {
      await page.keyboard.press('Tab');
      if ((await page.evaluate(() => document.activeElement?.textContent?.trim())) === name) return;
    }
    throw new Error(`Tab never reached ${name}`);
  }

  async function findInEditor(text: string): Promise<void> {
    await page.locator('.view-lines').click();
    await page.keyboard.press('Control+f');
    await page.keyboard.insertText(text);
    await page.keyboard.press('Enter');
    await page.locator('.currentFindMatch').first().waitFor();
  }
});
