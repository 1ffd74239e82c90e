/**
 * Publishing and scheduling end to end, as one Solum editor's session in Chromium at 1280×800
 * against a real server (fresh database): a param edit that breaks a test is refused at
 * publish with the failing tests and their rules; fixed, the draft publishes as version 3 with
 * its reason; version 3 is scheduled for January 2030 and the API decides with it inside the
 * window and with version 1 outside; a future window is deleted; version 3 goes live from now
 * and is rolled back to version 1. A viewer and a decider are offered none of it. Each screen
 * is saved to test-artifacts/publish-*.png.
 */
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEditorPage, pageErrors, POLL, screenshot, startEditorServer } from '../helpers/browser.ts';
import type { TestBrowser } from '../helpers/browser.ts';
import type { TestServer } from '../helpers/server.ts';

const STEP = 15_000;
const HOLIDAY_2029 = { purchasedFrom: '2029-10-11', purchasedThrough: '2029-12-25', returnUntil: '2030-01-31' };

/** Solum's "placed October 11, returned January 20" holiday sample, moved six years on (2029/2030). */
function holidayOrder2029(): unknown {
  const sample = JSON.parse(readFileSync(new URL('../../policies/solum/samples/solum-holiday-placed-oct-11-asked-jan-20.json', import.meta.url), 'utf8'));
  const moved = JSON.parse(JSON.stringify({ order: sample.order, request: sample.requests.returns }).replace(/"2023-/g, '"2029-').replace(/"2024-/g, '"2030-'));
  return moved;
}

describe('publish and schedule in Chromium', () => {
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
  const checked = () => page.locator('[data-testid=test-summary][data-stale=false]').waitFor();
  const dialog = () => page.locator('dialog[open]');
  /** Waits until the schedule screen's notice (a polite live region) says this. */
  const notice = (text: string | RegExp) => page.getByTestId('schedule-notice').filter({ hasText: text }).waitFor();
  const decideAt = async (at: string) => {
    const res = await server.post('/v1/policies/returns/decide', { input: holidayOrder2029(), at }, editorKey);
    expect(res.status).toBe(200);
    return res.body as { version: number; decision: { eligible: boolean; holidayExtensionApplied: boolean; returnBy: string } };
  };
  const segments = () =>
    page.locator('[data-testid=timeline] li.segment').evaluateAll((els) => els.map((el) => ({ version: el.getAttribute('data-version'), from: el.getAttribute('data-from'), until: el.getAttribute('data-until') })));

  it('signs in as a Solum editor on the edit screen of returns', async () => {
    await page.goto('/policies/returns');
    await page.getByLabel('API key').fill(editorKey);
    await page.getByLabel('API key').press('Enter');
    await page.locator('[data-testid=monaco][data-ready=true] .view-lines').waitFor();
    await checked();
    await expect.poll(() => summary().textContent(), POLL).toMatch(/^All \d+ tests pass/);
    await expect.poll(() => page.getByRole('button', { name: 'Publish…' }).isVisible(), POLL).toBe(true);
  });

  it('refuses to publish while a test fails, showing each failing test and the rule that decided it', async () => {
    // The 2029 holiday extension (keeps every test passing) and, by mistake, a 10-day window.
    await page.getByLabel(/^holidayExtension/).fill(JSON.stringify(HOLIDAY_2029));
    await page.getByLabel(/^returnWindowDays/).fill('10');
    await checked();
    await expect.poll(() => summary().textContent(), POLL).toMatch(/^\d+ of \d+ tests failing/);

    await page.getByRole('button', { name: 'Publish…' }).click();
    await dialog().waitFor();
    // The reason field has the focus; the dialog warns that the server will refuse.
    await expect.poll(() => page.evaluate(() => document.activeElement?.id), POLL).toBe('publish-reason');
    await expect.poll(() => dialog().textContent(), POLL).toContain('the server will refuse');
    await page.keyboard.type('2029 holiday season: purchases Oct 11 to Dec 25 returnable until Jan 31, 2030');
    await page.getByLabel('Label (optional)').fill('2029 holiday extension');
    await expect.poll(() => page.getByLabel(/^Do not activate it now/).isChecked(), POLL).toBe(true);
    await page.getByRole('button', { name: 'Publish', exact: true }).click();

    const refused = page.locator('[data-testid=publish-refused][data-kind=tests]');
    await refused.waitFor();
    await expect.poll(() => refused.locator('strong').first().textContent(), POLL).toMatch(/^Not published: \d+ of \d+ tests of the draft fail/);
    const first = refused.locator('ul.refused-tests > li').first();
    await expect.poll(() => first.textContent(), POLL).toMatch(/expected .*, got /);
    const ruleLink = first.locator('.rule-link');
    await expect.poll(() => ruleLink.textContent(), POLL).toMatch(/^decided by rule [a-z0-9-]+ \(line \d+\)$/);
    await screenshot(page, 'publish-refused');

    // Nothing was published.
    const versions = await server.get('/v1/policies/returns/versions', editorKey);
    expect(versions.body.versions.map((v: { version: number }) => v.version)).toEqual([1, 2]);

    // The rule link closes the dialog and shows the rule in the document.
    const line = Number(/\(line (\d+)\)/.exec((await ruleLink.textContent())!)![1]);
    await ruleLink.click();
    await dialog().waitFor({ state: 'detached' });
    await expect.poll(() => page.locator('.line-numbers.active-line-number').first().textContent(), POLL).toBe(String(line));
  });

  it('fixed, the draft publishes as version 3 with its reason, and what decides does not change', async () => {
    await page.getByLabel(/^returnWindowDays/).fill('30');
    await checked();
    await expect.poll(() => summary().textContent(), POLL).toMatch(/^All \d+ tests pass/);

    // By keyboard: Enter opens the dialog, Escape closes it and gives the focus back.
    await page.getByRole('button', { name: 'Publish…' }).focus();
    await page.keyboard.press('Enter');
    await dialog().waitFor();
    await page.keyboard.press('Escape');
    await dialog().waitFor({ state: 'detached' });
    await page.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'publish-open');
    await page.keyboard.press('Enter');
    await dialog().waitFor();
    // What was typed before is still there.
    await expect.poll(() => page.getByLabel('Reason (required)').inputValue(), POLL).toMatch(/^2029 holiday season/);
    await page.getByRole('button', { name: 'Publish', exact: true }).click();
    const result = page.getByTestId('publish-result');
    await result.waitFor();
    await expect.poll(() => result.getAttribute('data-version'), POLL).toBe('3');
    await expect.poll(() => result.textContent(), POLL).toMatch(/Version 3 of returns is published \(“2029 holiday extension”\)\. All \d+ tests passed\..*It is not activated/);
    await screenshot(page, 'publish-done');

    const v3 = await server.get('/v1/policies/returns/versions/3', editorKey);
    expect(v3.body).toMatchObject({ reason: '2029 holiday season: purchases Oct 11 to Dec 25 returnable until Jan 31, 2030', note: '2029 holiday extension', createdBy: (await server.actor('solum', 'editor')).keyId });
    expect(v3.body.document.params.holidayExtension.value).toEqual(HOLIDAY_2029);
    expect((await server.get('/v1/policies/returns/draft', editorKey)).status).toBe(404);
    expect((await decideAt('2030-01-20T15:00:00Z')).version).toBe(1);
  });

  it('the schedule screen shows the timeline and the activations', async () => {
    await page.getByRole('link', { name: 'Schedule version 3' }).click();
    await page.waitForURL('**/policies/returns/schedule');
    await page.getByTestId('timeline').waitFor();
    await expect.poll(() => segments(), POLL).toEqual([
      { version: '1', from: '', until: '2023-10-11T00:00:00.000Z' },
      { version: '2', from: '2023-10-11T00:00:00.000Z', until: '2024-02-01T00:00:00.000Z' },
      { version: '1', from: '2024-02-01T00:00:00.000Z', until: '' },
    ]);
    await expect.poll(() => page.locator('[data-testid=timeline] li.segment.current').getAttribute('data-version'), POLL).toBe('1');
    await expect.poll(() => page.getByTestId('timeline-list').textContent(), POLL).toContain('Version 2 from 2023-10-11 until 2024-02-01');
    await expect.poll(() => page.locator('[data-testid=activations] tbody tr').count(), POLL).toBe(2);
    await screenshot(page, 'schedule');
  });

  it('schedules version 3 for January 2030; through the API a decision inside the window uses it, outside uses version 1', async () => {
    const form = page.getByTestId('schedule-form');
    await expect.poll(() => form.locator('#schedule-version').inputValue(), POLL).toBe('3');
    await expect.poll(() => form.getByLabel('For a window (from … until)').isChecked(), POLL).toBe(true);
    await form.getByLabel('From date (UTC)').fill('2030-01-01');
    await form.getByLabel('Until date (UTC)').fill('2030-02-01');
    // The preview shows the timeline it will make before anything is saved.
    await form.locator('.preview li.segment[data-version="3"]').waitFor();
    await form.getByLabel('Reason (required)').fill('The 2029 holiday extension, in force for January 2030 returns');
    await screenshot(page, 'schedule-form');
    await form.getByRole('button', { name: 'Schedule version 3' }).click();
    await notice('Scheduled: version 3 decides from 2030-01-01 00:00 UTC until 2030-02-01 00:00 UTC.');
    await page.locator('[data-testid=timeline] li.segment[data-version="3"]').waitFor();
    await expect.poll(() => segments(), POLL).toEqual([
      { version: '1', from: '', until: '2023-10-11T00:00:00.000Z' },
      { version: '2', from: '2023-10-11T00:00:00.000Z', until: '2024-02-01T00:00:00.000Z' },
      { version: '1', from: '2024-02-01T00:00:00.000Z', until: '2030-01-01T00:00:00.000Z' },
      { version: '3', from: '2030-01-01T00:00:00.000Z', until: '2030-02-01T00:00:00.000Z' },
      { version: '1', from: '2030-02-01T00:00:00.000Z', until: '' },
    ]);
    await expect.poll(() => page.locator('[data-testid=activations] tr[data-state=future]').textContent(), POLL).toContain('version 3from 2030-01-01until 2030-02-01');
    await screenshot(page, 'schedule-window');

    // Inside the window version 3 decides (the 2029 holiday purchase is still returnable)…
    const inside = await decideAt('2030-01-20T15:00:00Z');
    expect(inside.version).toBe(3);
    expect(inside.decision).toMatchObject({ eligible: true, holidayExtensionApplied: true, returnBy: '2030-01-31' });
    // …and outside it version 1 (30 days from delivery: long past).
    const before = await decideAt('2029-12-31T23:59:59Z');
    expect(before.version).toBe(1);
    expect(before.decision).toMatchObject({ eligible: false, holidayExtensionApplied: false });
    expect((await decideAt('2030-02-01T00:00:00Z')).version).toBe(1); // until is exclusive
  });

  it('deletes a future activation after confirming', async () => {
    const form = page.getByTestId('schedule-form');
    await form.getByLabel('From date (UTC)').fill('2031-01-01');
    await form.getByLabel('Until date (UTC)').fill('2031-02-01');
    await form.getByLabel('Reason (required)').fill('Same again in 2031 (scheduled by mistake)');
    await form.getByRole('button', { name: 'Schedule version 3' }).click();
    const row = page.locator('[data-testid=activations] tr[data-state=future]', { hasText: '2031-01-01' });
    await row.waitFor();
    // Only activations that have not started can be deleted.
    await expect.poll(() => page.locator('[data-testid=activations] tr[data-state=current] button, [data-testid=activations] tr[data-state=past] button').count(), POLL).toBe(0);
    await row.getByRole('button', { name: /^Delete activation \d+/ }).click();
    await dialog().waitFor();
    await page.getByLabel('Reason (optional, kept in the audit log)').fill('scheduled by mistake');
    await page.getByRole('button', { name: /^Delete activation \d+$/ }).click();
    await row.waitFor({ state: 'detached' });
    await notice(/^Deleted activation \d+: version 3 from 2031-01-01 until 2031-02-01 will not decide\.$/);
    await expect.poll(() => page.locator('[data-testid=timeline] li.segment[data-from^="2031"]').count(), POLL).toBe(0);
  });

  it('rollback is one confirmed action: version 3 goes live from now, then back to version 1', async () => {
    const form = page.getByTestId('schedule-form');
    await form.getByLabel('From now on').check();
    await form.getByLabel('Reason (required)').fill('Try the 2029 document now');
    await form.getByRole('button', { name: 'Schedule version 3' }).click();
    await notice('Scheduled: version 3 decides from now on.');
    await expect.poll(() => page.locator('[data-testid=timeline] li.segment.current').getAttribute('data-version'), POLL).toBe('3');
    expect((await server.post('/v1/policies/returns/decide', { input: holidayOrder2029() }, editorKey)).body.version).toBe(3);

    await page.locator('#rollback-version').selectOption('1');
    await page.getByRole('button', { name: 'Roll back to version 1…' }).click();
    await dialog().waitFor();
    await expect.poll(() => dialog().textContent(), POLL).toContain('From now on version 1 decides instead of version 3');
    await dialog().locator('.timeline li.segment').last().waitFor();
    await expect.poll(() => dialog().locator('.timeline li.segment').last().getAttribute('data-version'), POLL).toBe('1');
    // A reason is required.
    await page.getByRole('button', { name: 'Roll back to version 1', exact: true }).click();
    await expect.poll(() => dialog().locator('.field-error').textContent(), POLL).toContain('Say why');
    await dialog().getByLabel('Reason (required)').fill('Customers asked: back to the standard policy');
    await screenshot(page, 'schedule-rollback-confirm');
    await page.getByRole('button', { name: 'Roll back to version 1', exact: true }).click();
    await dialog().waitFor({ state: 'detached' });
    await notice('Rolled back: version 1 decides from now on.');

    // The timeline changed: version 1 decides from now on, over the January 2030 window too.
    await expect.poll(() => page.locator('[data-testid=timeline] li.segment.current').getAttribute('data-version'), POLL).toBe('1');
    const after = await segments();
    expect(after.at(-1)).toMatchObject({ version: '1', until: '' });
    expect(after.at(-2)).toMatchObject({ version: '3' }); // the few seconds version 3 decided
    expect(after.some((s) => s.from === '2030-01-01T00:00:00.000Z')).toBe(false);
    // The January 2030 window is still listed, marked as never deciding now.
    await expect.poll(() => page.locator('[data-testid=activations] tr[data-state=future]', { hasText: '2030-01-01' }).getAttribute('data-overridden'), POLL).toBe('true');
    await screenshot(page, 'schedule-rolled-back');
    expect((await server.post('/v1/policies/returns/decide', { input: holidayOrder2029() }, editorKey)).body.version).toBe(1);
    expect((await decideAt('2030-01-20T15:00:00Z')).version).toBe(1);
    const activations = await server.get('/v1/policies/returns/activations', editorKey);
    expect(activations.body.activations.at(-1)).toMatchObject({ version: 1, until: null, reason: 'Customers asked: back to the standard policy', inForce: true });
  });

  it('publishing can activate the new version for a window in the same step', async () => {
    await page.getByRole('link', { name: 'Document' }).click();
    await page.locator('[data-testid=monaco][data-ready=true]').waitFor();
    await page.getByLabel(/^holidayExtension/).fill(JSON.stringify({ ...HOLIDAY_2029, returnUntil: '2030-02-15' }));
    await checked();
    await expect.poll(() => summary().textContent(), POLL).toMatch(/^All \d+ tests pass/);
    await page.getByRole('button', { name: 'Publish…' }).click();
    await dialog().waitFor();
    await dialog().getByLabel('Reason (required)').fill('Returns of the 2029 season until February 15');
    await dialog().getByLabel('For a window (from … until)').check();
    await dialog().getByLabel('From date (UTC)').fill('2031-01-01');
    await dialog().getByLabel('Until date (UTC)').fill('2031-02-01');
    await dialog().getByLabel('Until time (UTC)').fill('12:00');
    // The instants understood are said in words, whatever the date picker's locale shows.
    await expect.poll(() => dialog().locator('.instant .hint').allTextContents(), POLL).toEqual([
      'Starts Wednesday 2031-01-01 00:00 UTC (inclusive).',
      'Ends Saturday 2031-02-01 12:00 UTC (exclusive: the last instant is just before it).',
    ]);
    await screenshot(page, 'publish-window');
    await page.getByRole('button', { name: 'Publish', exact: true }).click();
    const result = page.getByTestId('publish-result');
    await result.waitFor();
    await expect.poll(() => result.getAttribute('data-version'), POLL).toBe('4');
    await expect.poll(() => result.textContent(), POLL).toContain('It decides from 2031-01-01 00:00 UTC until 2031-02-01 12:00 UTC.');
    const timeline = (await server.get('/v1/policies/returns/timeline?from=2030-12-01T00:00:00Z&until=2031-03-01T00:00:00Z', editorKey)).body;
    expect(timeline.segments).toEqual([
      { from: '2030-12-01T00:00:00.000Z', until: '2031-01-01T00:00:00.000Z', version: 1 },
      { from: '2031-01-01T00:00:00.000Z', until: '2031-02-01T12:00:00.000Z', version: 4 },
      { from: '2031-02-01T12:00:00.000Z', until: '2031-03-01T00:00:00.000Z', version: 1 },
    ]);
    await page.getByRole('button', { name: 'Back to the document' }).click();
    await dialog().waitFor({ state: 'detached' });
    // The screen reloaded: the draft became version 4, which it shows (the next change starts from it).
    await page.locator('.origin', { hasText: 'Showing version 4 (not active now). Your first change starts a draft.' }).waitFor();
    await expect.poll(() => page.getByLabel(/^holidayExtension/).inputValue(), POLL).toMatch(/"returnUntil": ?"2030-02-15"/);
  });

  it('a draft changed and changed back is refused as identical to version 4, discarded, and the screen shows version 4 again', async () => {
    const saved = () => page.locator('[data-testid=save-status][data-status=saved]').waitFor();
    await page.getByLabel(/^returnWindowDays/).fill('31');
    await saved();
    await page.getByLabel(/^returnWindowDays/).fill('30');
    await checked();
    await saved();
    expect((await server.get('/v1/policies/returns/draft', editorKey)).status).toBe(200);

    await page.getByRole('button', { name: 'Publish…' }).click();
    await dialog().waitFor();
    // The last publish's reason and activation window are not offered again for this one.
    await expect.poll(() => dialog().getByLabel('Reason (required)').inputValue(), POLL).toBe('');
    await expect.poll(() => page.getByLabel(/^Do not activate it now/).isChecked(), POLL).toBe(true);
    await dialog().getByLabel('Reason (required)').fill('Nothing changed after all');
    await page.getByRole('button', { name: 'Publish', exact: true }).click();
    const refused = page.locator('[data-testid=publish-refused][data-kind=identical]');
    await refused.waitFor();
    await expect.poll(() => refused.locator('strong').textContent(), POLL).toBe('Not published: the draft is identical to version 4, so there is nothing new to publish. The draft held no change and is discarded: closing this shows version 4.');
    await expect.poll(() => page.getByRole('button', { name: 'Publish', exact: true }).isDisabled(), POLL).toBe(true);
    await screenshot(page, 'publish-identical');
    // The server discarded the draft and made no version.
    expect((await server.get('/v1/policies/returns/draft', editorKey)).status).toBe(404);
    const versions = await server.get('/v1/policies/returns/versions', editorKey);
    expect(versions.body.versions.map((v: { version: number }) => v.version)).toEqual([1, 2, 3, 4]);

    await dialog().locator('.modal-actions').getByRole('button', { name: 'Close', exact: true }).click();
    await dialog().waitFor({ state: 'detached' });
    await page.locator('.origin', { hasText: 'Showing version 4 (not active now). Your first change starts a draft.' }).waitFor();
    await expect.poll(() => page.getByLabel(/^returnWindowDays/).inputValue(), POLL).toBe('30');
    expect(errors).toEqual([]);
  });

  it('a viewer sees the schedule but is offered no publish, schedule, rollback or delete; a decider nothing', async () => {
    const viewer = await browser.newPage({ baseURL: server.url });
    const viewerErrors = pageErrors(viewer);
    await viewer.goto('/policies/returns/schedule');
    await viewer.getByLabel('API key').fill(await server.key('solum', 'viewer'));
    await viewer.getByLabel('API key').press('Enter');
    await viewer.getByTestId('timeline').waitFor();
    await expect.poll(() => viewer.getByText('A viewer key can read the schedule but not change it.').isVisible(), POLL).toBe(true);
    await expect.poll(() => viewer.locator('[data-testid=schedule-form], [data-testid=rollback-open], [data-testid=activations] button').count(), POLL).toBe(0);
    await screenshot(viewer, 'schedule-viewer');
    await viewer.getByRole('link', { name: 'Document' }).click();
    await viewer.locator('[data-testid=monaco][data-ready=true]').waitFor();
    await expect.poll(() => viewer.getByRole('button', { name: 'Publish…' }).count(), POLL).toBe(0);
    await viewer.context().close();
    expect(viewerErrors).toEqual([]);

    const decider = await browser.newPage({ baseURL: server.url });
    await decider.goto('/policies/returns/schedule');
    await decider.getByLabel('API key').fill(await server.key('solum', 'decider'));
    await decider.getByLabel('API key').press('Enter');
    await decider.getByText('can ask for decisions but cannot read policies').waitFor();
    await expect.poll(() => decider.locator('.policy-tabs, [data-testid=timeline], form').count(), POLL).toBe(0);
    await decider.context().close();
    expect(errors).toEqual([]);
  });
});
