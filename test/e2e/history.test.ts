/**
 * Versions and the decision log end to end, in Chromium at 1280×800 against a real server
 * (fresh database): version 3 of Solum returns is published through the API (the 2029
 * holiday extension and a reworded rule); the versions screen lists who published what and
 * why, and its diff names the changed param and rule with their values before and after.
 * Every Solum sample is decided through the API; the decision browser pages through them,
 * filters by outcome and by time exactly as the API does, opens one with its input, decision
 * and trace, and replays it against the draft. Screens go to test-artifacts/history-*.png.
 */
import { readdirSync, readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEditorPage, pageErrors, POLL, screenshot, startEditorServer } from '../helpers/browser.ts';
import type { TestBrowser } from '../helpers/browser.ts';
import { sampleBody } from '../helpers/server.ts';
import type { TestServer } from '../helpers/server.ts';

const STEP = 15_000;
const SAMPLES = new URL('../../policies/solum/samples/', import.meta.url);

describe('versions and decisions in Chromium', () => {
  let server: TestServer;
  let browser: TestBrowser;
  let page: Page;
  let errors: string[];
  let key: string;
  let traced: string;

  beforeAll(async () => {
    server = await startEditorServer();
    key = await server.key('solum', 'editor');

    // Version 3: the 2029 holiday extension, and the "nothing returnable" rule reworded.
    const v1 = (await server.get('/v1/policies/returns/versions/1', key)).body.document;
    const doc = structuredClone(v1);
    doc.params.holidayExtension.value = { purchasedFrom: '2029-10-11', purchasedThrough: '2029-12-25', returnUntil: '2030-01-31' };
    const rule = doc.rules.find((r: { id: string }) => r.id === 'nothing-returnable');
    rule.description = `${rule.description} (Reworded for 2029.)`;
    const draft = await server.request('PUT', '/v1/policies/returns/draft', { key, body: { document: doc }, headers: { 'If-None-Match': '*' } });
    const published = await server.request('POST', '/v1/policies/returns/draft/publish', { key, body: { reason: 'The 2029 holiday season', note: '2029 holiday extension' }, headers: { 'If-Match': `"${draft.body.etag}"` } });
    expect(published.status).toBe(201);

    // Every Solum sample decided at its own instant (35 decisions: two pages), one with its trace stored.
    const requests = readdirSync(SAMPLES)
      .filter((f) => f.endsWith('.json'))
      .sort()
      .map((f) => sampleBody(JSON.parse(readFileSync(new URL(f, SAMPLES), 'utf8')), 'returns'));
    const batch = await server.post('/v1/policies/returns/decide/batch', { requests }, key);
    expect(batch.status).toBe(200);
    expect(batch.body.results.every((r: { id?: string }) => typeof r.id === 'string')).toBe(true);
    const one = await server.post('/v1/policies/returns/decide', { input: requests[0]!.input, trace: true }, key); // now: the newest
    traced = one.body.id;

    ({ browser, page, errors } = await openEditorPage(server, STEP));
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const rows = () => page.locator('[data-testid=decisions] tbody tr');
  const apiIds = async (query: string) => ((await server.get(`/v1/decisions?policy=returns&limit=100${query}`, key)).body.decisions as Array<{ id: string }>).map((d) => d.id);
  const shownIds = () => rows().evaluateAll((els) => els.map((el) => el.getAttribute('data-decision')));
  /** Waits for the list to show exactly these decisions. */
  const listShows = (ids: string[]) => page.waitForFunction((want) => JSON.stringify([...document.querySelectorAll('[data-testid=decisions] tbody tr')].map((el) => el.getAttribute('data-decision'))) === JSON.stringify(want), ids);

  it('lists the versions with who published them, when and why', async () => {
    await page.goto('/policies/returns/history');
    await page.getByLabel('API key').fill(key);
    await page.getByLabel('API key').press('Enter');
    const table = page.getByTestId('versions');
    await table.waitFor();
    await expect.poll(() => table.locator('tbody tr').evaluateAll((els) => els.map((el) => el.getAttribute('data-version'))), POLL).toEqual(['3', '2', '1']);
    const v3 = table.locator('tr[data-version="3"]');
    await expect.poll(() => v3.textContent(), POLL).toMatch(/^\s*3\s*2029 holiday extension\s*The 2029 holiday season\s*you \(this key\)\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC/);
    await expect.poll(() => table.locator('tr[data-version="1"]').textContent(), POLL).toContain('decides now');
    await expect.poll(() => table.locator('tr[data-version="2"]').textContent(), POLL).toContain('seeded from policies/');
  });

  it('the diff of versions 2 and 3 names the changed param and rule, with before and after', async () => {
    const diff = page.getByTestId('diff');
    await diff.waitFor();
    await expect.poll(() => page.getByTestId('diff-summary').textContent(), POLL).toBe('4 changes from version 2 to version 3, in params, rules.');
    // Each changed leaf of the param, named by the param and the field inside its value.
    const params = diff.locator('section[aria-label=Params] li.change');
    await expect.poll(() => params.evaluateAll((els) => els.map((el) => el.getAttribute('data-path'))), POLL).toEqual(['purchasedFrom', 'purchasedThrough', 'returnUntil'].map((f) => `/params/holidayExtension/value/${f}`));
    const from = params.first();
    await expect.poll(() => from.locator('.change-head').textContent(), POLL).toMatch(/^changed\s*holidayExtension › purchasedFrom\s*\/params/);
    await expect.poll(() => from.locator('del').textContent(), POLL).toBe('before: "2023-10-11"');
    await expect.poll(() => from.locator('ins').textContent(), POLL).toBe('after: "2029-10-11"');
    const rule = diff.locator('li.change', { hasText: 'nothing-returnable' });
    await expect.poll(() => rule.locator('.change-head').textContent(), POLL).toMatch(/^changed\s*rule "nothing-returnable" \(3rd\) › description\s*\/rules\/2\/description$/);
    await expect.poll(() => rule.locator('.after').textContent(), POLL).toContain('(Reworded for 2029.)');
    await screenshot(page, 'history-diff');

    // Any two versions: 1 → 2 is the seeded holiday param alone.
    await page.getByLabel('From version').selectOption('1');
    await page.getByLabel('to version').selectOption('2');
    await page.getByTestId('diff-summary').filter({ hasText: '1 change from version 1 to version 2' }).waitFor();
    await expect.poll(() => diff.locator('li.change').count(), POLL).toBe(1);
    const change = diff.locator('li.change[data-path="/params/holidayExtension/value"]');
    await expect.poll(() => change.locator('.before').textContent(), POLL).toBe('beforenull');
    await expect.poll(() => change.locator('.after').textContent(), POLL).toContain('"purchasedFrom": "2023-10-11"');
  });

  it('the decision browser pages through the log, newest first, as the API does', async () => {
    await page.getByRole('link', { name: 'Decisions' }).click();
    await page.waitForURL('**/policies/returns/decisions');
    const all = await apiIds('');
    expect(all).toHaveLength(36);
    await listShows(all.slice(0, 25));
    await expect.poll(() => page.getByTestId('decision-count').textContent(), POLL).toMatch(/^25\+ decisions, newest first\./);
    await page.getByRole('button', { name: 'Older →' }).click();
    await listShows(all.slice(25));
    await expect.poll(() => page.getByRole('button', { name: 'Older →' }).isDisabled(), POLL).toBe(true);
    await page.getByRole('button', { name: '← Newer' }).click();
    await listShows(all.slice(0, 25));
  });

  it('filters by outcome (eligible = false) and by a time range exactly as the API', async () => {
    await page.getByLabel('Field').fill('eligible');
    await page.getByLabel('Value').fill('false');
    await page.getByRole('button', { name: 'Show decisions' }).click();
    const ineligible = await apiIds('&field=eligible&value=false');
    expect(ineligible.length).toBeGreaterThan(0);
    expect(ineligible.length).toBeLessThan(25);
    await listShows(ineligible);
    for (const text of await rows().locator('.outcome').allTextContents()) expect(text).toContain('eligible: false');

    await page.getByLabel('From', { exact: true }).fill('2024-01-01');
    await page.getByLabel('until', { exact: true }).fill('2024-02-01');
    await page.getByRole('button', { name: 'Show decisions' }).click();
    const january = await apiIds('&field=eligible&value=false&from=2024-01-01T00:00:00Z&until=2024-02-01T00:00:00Z');
    expect(january.length).toBeGreaterThan(0);
    expect(january.length).toBeLessThan(ineligible.length);
    await listShows(january);
    for (const at of await rows().locator('td:first-child').allTextContents()) expect(at).toMatch(/^2024-01-/);
    await screenshot(page, 'history-decisions-filtered');
  });

  it('opens a decision with its input, decision and trace (recomputed by the server)', async () => {
    const first = rows().first();
    const id = (await first.getAttribute('data-decision'))!;
    // By keyboard: each decision is a button in the list.
    await first.getByRole('button').focus();
    await page.keyboard.press('Enter');
    const detail = page.locator(`[data-testid=decision-detail][data-decision="${id}"]`);
    await detail.waitFor();
    const logged = (await server.get(`/v1/decisions/${id}`, key)).body;
    await expect.poll(() => detail.locator('h2').textContent(), POLL).toMatch(/^Decision at 2024-01-\d\d \d\d:\d\d UTC · version \d$/);
    await expect.poll(() => detail.textContent(), POLL).toContain('recomputed with version');
    // The trace: the rules tried in order, the one that decided marked.
    const trace = detail.getByTestId('trace');
    await expect.poll(() => trace.locator(':scope > .trace-rules > ol > li.matched > code').textContent(), POLL).toBe(logged.rule);
    await expect.poll(() => trace.locator('.trace-item').count(), POLL).toBe(logged.decision.items.length);
    // Why in plain language: the reasons GET /v1/decisions/{id}?explain=true gives (replayed by the server).
    const explained = (await server.get(`/v1/decisions/${id}?explain=true`, key)).body.explanation as { reasons: Array<{ text: string }> };
    expect(explained.reasons.length).toBeGreaterThan(0);
    await expect.poll(() => detail.getByTestId('explanation').locator('ul.reasons li').allTextContents(), POLL).toEqual(explained.reasons.map((r) => r.text));
    // The decision and the input as logged.
    await expect.poll(() => detail.locator('details.section', { hasText: 'Decision' }).first().locator('pre').textContent(), POLL).toContain(`"rule": "${logged.rule}"`);
    await detail.locator('summary', { hasText: 'Input' }).click();
    await expect.poll(() => detail.locator('details.section', { hasText: 'Input' }).locator('pre').textContent(), POLL).toContain(`"id": "${logged.input.order.id}"`);
    await screenshot(page, 'history-decision-trace');
  });

  it('the filters and the open decision are in the address: a reload (or a shared link) shows the same view', async () => {
    const id = (await page.getByTestId('decision-detail').getAttribute('data-decision'))!;
    const url = new URL(page.url());
    expect(url.pathname).toBe('/policies/returns/decisions');
    expect(Object.fromEntries(url.searchParams)).toEqual({ field: 'eligible', value: 'false', from: '2024-01-01', until: '2024-02-01', decision: id });
    const shown = await rows().evaluateAll((els) => els.map((el) => el.getAttribute('data-decision')));
    await page.reload();
    await listShows(shown as string[]);
    await page.locator(`[data-testid=decision-detail][data-decision="${id}"]`).waitFor();
    await expect.poll(() => page.getByLabel('Field').inputValue(), POLL).toBe('eligible');
    await expect.poll(() => page.getByLabel('From', { exact: true }).inputValue(), POLL).toBe('2024-01-01');
  });

  it('replays a decision against the draft: none yet, then one with a shorter window shows what changes', async () => {
    await page.getByTestId('replay-draft').click();
    await expect.poll(() => page.getByTestId('replay-result').textContent(), POLL).toContain('This policy has no draft');

    // Someone starts a draft: version 3 with a 10-day window.
    const v3 = (await server.get('/v1/policies/returns/versions/3', key)).body.document;
    v3.params.returnWindowDays.value = 10;
    expect((await server.request('PUT', '/v1/policies/returns/draft', { key, body: { document: v3 }, headers: { 'If-None-Match': '*' } })).status).toBe(201);

    await page.getByTestId('replay-draft').click();
    const result = page.locator('[data-testid=replay-result][data-equal=false]');
    await result.waitFor();
    const id = (await page.getByTestId('decision-detail').getAttribute('data-decision'))!;
    const replay = (await server.post(`/v1/decisions/${id}/replay`, { draft: true }, key)).body;
    expect(replay.equal).toBe(false);
    await expect.poll(() => result.locator('tbody tr').count(), POLL).toBe(replay.changes.length);
    const returnBy = result.locator('tbody tr', { hasText: 'returnBy' });
    const change = replay.changes.find((c: { path: string }) => c.path === '/returnBy');
    await expect.poll(() => returnBy.locator('del').textContent(), POLL).toBe(change.before);
    await expect.poll(() => returnBy.locator('ins').textContent(), POLL).toBe(change.after);
    await screenshot(page, 'history-replay');
  });

  it('a decision decided with trace: true shows its stored trace; the page made no errors', async () => {
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await page.locator(`[data-testid=decisions] tr[data-decision="${traced}"]`).getByRole('button').click();
    const detail = page.locator(`[data-testid=decision-detail][data-decision="${traced}"]`);
    await detail.waitFor();
    await expect.poll(() => detail.textContent(), POLL).toContain('stored when it was decided');
    await detail.getByTestId('trace').waitFor();
    expect(errors).toEqual([]);
  });

  it('a viewer reads the versions, the diff, the schedule and the decisions, and is offered no change', async () => {
    const viewer = await browser.newPage({ baseURL: server.url });
    viewer.setDefaultTimeout(STEP);
    const viewerErrors = pageErrors(viewer);
    try {
      await viewer.goto('/policies/returns/history');
      await viewer.getByLabel('API key').fill(await server.key('solum', 'viewer'));
      await viewer.getByLabel('API key').press('Enter');
      await expect.poll(() => viewer.getByTestId('versions').locator('tbody tr').count()).toBe(3);
      await viewer.getByTestId('diff').waitFor();
      await viewer.getByRole('link', { name: 'Schedule' }).click();
      await viewer.waitForURL('**/policies/returns/schedule');
      await viewer.getByTestId('timeline-list').waitFor();
      // Nothing that changes what decides is offered to a viewer.
      for (const name of [/^Schedule/, /^Roll back/, /^Publish/, /^Delete/]) await expect(viewer.getByRole('button', { name }).count()).resolves.toBe(0);
      await viewer.getByRole('link', { name: 'Decisions' }).click();
      await viewer.waitForURL('**/policies/returns/decisions');
      await expect.poll(() => viewer.locator('[data-testid=decisions] tbody tr').count()).toBe(25);
      await viewer.locator('[data-testid=decisions] tbody tr').first().getByRole('button').click();
      await viewer.getByTestId('decision-detail').waitFor();
      await screenshot(viewer, 'history-viewer-decision');
      expect(viewerErrors).toEqual([]);
    } finally {
      await viewer.close();
    }
  });
});
