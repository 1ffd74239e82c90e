/**
 * The Simulate view's "with other policies" panel end to end: the real server (fresh database
 * seeded from policies/) serving the real build of editor/, in Debian's Chromium, as a Soom
 * editor. Returns has a draft raising the inventory handling cost to 30% and points a draft
 * doubling the rate; on returns' Simulate tab, points joins with its draft and cancellation
 * unchanged, and the panel shows the combined summary POST /v1/simulate gives for the same
 * body over the cases of the main simulation (every returns sample; then the two samples chosen
 * under Cases), its amounts written as the Simulate tab writes money (its figures are checked by
 * hand in test/api/simulate-tenant.test.ts). Screen saved to test-artifacts/simulate-cross-policy.png.
 */
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEditorPage, screenshot, startEditorServer } from '../helpers/browser.ts';
import type { TestBrowser } from '../helpers/browser.ts';
import type { TestServer } from '../helpers/server.ts';

const STEP = 20_000;
const POLL = { timeout: 20_000, interval: 50 };

describe('simulating returns together with other Soom policies in Chromium', () => {
  let server: TestServer;
  let browser: TestBrowser;
  let page: Page;
  let errors: string[];
  let key: string;
  let expected: any;
  let names: string[];
  /** POST /v1/simulate's answer for returns' and points' drafts with cancellation unchanged over these samples. */
  const together = async (samples: string[]) => {
    const res = await server.post('/v1/simulate', { changes: [{ policy: 'returns', candidate: { draft: true } }, { policy: 'points', candidate: { draft: true } }], policies: ['cancellation'], cases: { samples } }, key);
    expect(res.status, res.text).toBe(200);
    return res.body;
  };
  /** Money as the Simulate tab writes it (components/simulation-format.tsx): the currency's symbol and minor unit, signed. */
  const money = (n: number, currency: string) => new Intl.NumberFormat('en-US', { style: 'currency', currency, signDisplay: 'exceptZero' }).format(n);

  beforeAll(async () => {
    server = await startEditorServer();
    key = await server.key('soom', 'editor');
    const draft = (policy: string, param: string, value: number) => {
      const document = JSON.parse(readFileSync(new URL(`../../policies/soom/${policy}.json`, import.meta.url), 'utf8'));
      document.params[param].value = value;
      return document;
    };
    const returns = draft('returns', 'inventoryChargeRate', 0.3);
    for (const [policy, document] of [['returns', returns], ['points', draft('points', 'earnRate', 0.02)]] as const) {
      const res = await server.request('PUT', `/v1/policies/${policy}/draft`, { key, body: { document }, headers: { 'If-None-Match': '*' } });
      expect(res.status, res.text).toBeLessThan(300);
    }
    // The main simulation's cases: every sample of returns.
    names = (await server.get('/v1/samples?policy=returns', key)).body.samples.map((x: { name: string }) => x.name);
    expected = await together(names);
    ({ browser, page, errors } = await openEditorPage(server, STEP));
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('offers the other policies, each left out, unchanged, or with its draft where it has one', async () => {
    await page.goto('/policies/returns/simulate');
    await page.getByLabel('API key').fill(key);
    await page.getByLabel('API key').press('Enter');
    const panel = page.getByTestId('cross-policy');
    await panel.waitFor();
    await expect.poll(() => panel.locator('select').evaluateAll((s) => s.map((x) => x.id)), POLL).toEqual(['cross-after-service', 'cross-cancellation', 'cross-layaway', 'cross-membership', 'cross-points']);
    await expect.poll(() => page.getByLabel('points', { exact: true }).locator('option').allTextContents(), POLL).toEqual(['not included', 'unchanged (as it decides now)', 'its draft']);
    await expect.poll(() => page.getByLabel('cancellation', { exact: true }).locator('option').allTextContents(), POLL).toEqual(['not included', 'unchanged (as it decides now)']);
    expect(await page.getByTestId('cross-run').isDisabled()).toBe(true);
  });

  it('shows the combined summary of the server for this document, points\' draft and cancellation unchanged', async () => {
    await page.getByLabel('points', { exact: true }).selectOption('draft');
    await page.getByLabel('cancellation', { exact: true }).selectOption('active');
    await page.getByTestId('cross-run').click();
    await page.getByTestId('cross-result').waitFor();
    await expect.poll(() => page.getByTestId('cross-over').textContent(), POLL).toBe(`Over every sample of returns (${names.length}).`);
    const s = expected.summary;
    expect(s.changedOrders).toBeGreaterThan(0);
    await expect.poll(() => page.getByTestId('cross-orders').textContent(), POLL).toBe(`${s.orders} orders, ${s.changedOrders} with a changed decision`);
    for (const [policy, compared] of [['returns', 'this document'], ['points', 'its draft'], ['cancellation', 'unchanged']] as const) {
      const cells = await page.getByTestId(`cross-row-${policy}`).locator('td').allTextContents();
      expect(cells.slice(0, 3)).toEqual([compared, String(s.byPolicy[policy].evaluated), String(s.byPolicy[policy].changed)]);
    }
    const all = await page.getByTestId('cross-row-all').locator('td').allTextContents();
    expect(all.slice(0, 3)).toEqual(['combined', String(s.evaluated), String(s.changed)]);
    // The amounts per currency of the orders (the samples are in USD, KRW and JPY), never added across them.
    const currencies = Object.keys(s.byCurrency);
    expect(currencies.length).toBeGreaterThan(1);
    for (const c of currencies) {
      const f = s.byCurrency[c].fields;
      if (f['/earned']?.net) expect(all[3]).toContain(`earned ${money(f['/earned'].net, c)}`);
      if (f['/refundAmount']?.net) expect(all[3]).toContain(`refundAmount ${money(f['/refundAmount'].net, c)}`);
    }
    const listed = await page.getByRole('list', { name: 'Changed orders' }).locator('li code').allTextContents();
    expect(listed).toEqual(expected.orders.map((o: { id: string }) => o.id));
    expect(errors).toEqual([]);
    await page.getByTestId('cross-result').scrollIntoViewIfNeeded();
    await screenshot(page, 'simulate-cross-policy');
  });

  it('runs over the samples chosen for the main simulation: two of them, one changed and one not', async () => {
    const changed = expected.orders[0].id as string;
    const unchanged = names.find((n) => !expected.orders.some((o: { id: string }) => o.id === n))!;
    const two = await together([changed, unchanged]);
    await page.getByRole('button', { name: 'None', exact: true }).click();
    await page.getByRole('checkbox', { name: changed, exact: true }).check();
    await page.getByRole('checkbox', { name: unchanged, exact: true }).check();
    await expect.poll(() => page.getByTestId('samples-chosen').textContent(), POLL).toBe(`2 of ${names.length} samples`);
    await expect.poll(() => page.getByTestId('cross-cases').textContent(), POLL).toContain('over the 2 chosen samples (on the server)');
    await page.getByTestId('cross-run').click();
    await expect.poll(() => page.getByTestId('cross-over').textContent(), POLL).toBe('Over the 2 chosen samples.');
    const s = two.summary;
    expect(s.orders).toBe(2);
    await expect.poll(() => page.getByTestId('cross-orders').textContent(), POLL).toBe(`2 orders, ${s.changedOrders} with a changed decision`);
    const all = await page.getByTestId('cross-row-all').locator('td').allTextContents();
    expect(all.slice(0, 3)).toEqual(['combined', String(s.evaluated), String(s.changed)]);
    const moved = Object.entries(s.byCurrency as Record<string, { fields: Record<string, { net: number }> }>).flatMap(([c, x]) => Object.entries(x.fields).filter(([, m]) => m.net !== 0).map(([f, m]) => `${f.slice(1)} ${money(m.net, c)}`));
    expect(moved.length).toBeGreaterThan(0);
    for (const m of moved) expect(all[3]).toContain(m);
    expect(await page.getByRole('list', { name: 'Changed orders' }).locator('li code').allTextContents()).toEqual([changed]);
    expect(errors).toEqual([]);
  });
});
