/**
 * The editor's "New tenant" flow in Chromium at 1280×800 against a real server: signed in with
 * a platform operator key, the operator chooses the returns template, fills in its params in
 * the params form (a required one left empty is refused on its field, by its JSON path), creates
 * the tenant, sees its admin key once, copies it, and signs in as the new tenant, whose policy
 * list shows the template's returns policy in force, which opens in the editor with the filled
 * params and its embedded tests passing in the browser. Screen: test-artifacts/new-tenant*.png.
 */
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEditorPage, screenshot, startEditorServer } from '../helpers/browser.ts';
import type { TestBrowser } from '../helpers/browser.ts';
import type { TestServer } from '../helpers/server.ts';

const OPERATOR_KEY = 'e2e-operator-key-0123456789-abcdefghijk';
const POLL = { timeout: 15_000, interval: 50 };

describe('New tenant in Chromium', () => {
  let server: TestServer;
  let browser: TestBrowser;
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    server = await startEditorServer({ env: { OPERATOR_KEY } });
    ({ browser, page, errors } = await openEditorPage(server, 15_000));
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('creates a tenant from the returns template, shows its admin key once, and signs in as it', async () => {
    await page.goto('/');
    await page.getByLabel('API key').fill(OPERATOR_KEY);
    await page.getByLabel('API key').press('Enter');
    await page.getByRole('heading', { name: 'New tenant' }).waitFor();
    await expect.poll(() => page.getByTestId('role').textContent(), POLL).toBe('operator');
    const template = page.getByRole('radio', { name: /Online store returns/ });
    await expect.poll(() => template.isChecked(), POLL).toBe(true);

    // The params form shows each param with its default; the required return address starts empty.
    const window = page.locator('#template-param-returnWindowDays');
    await expect.poll(() => window.inputValue(), POLL).toBe('30');
    await expect.poll(() => page.locator('[data-param=returnAddress] label').textContent(), POLL).toContain('required');
    await expect.poll(() => page.locator('#template-param-returnAddress').inputValue(), POLL).toBe('');

    await page.getByLabel('Tenant id').fill('acme-e2e');
    await page.getByLabel('Name', { exact: true }).fill('Acme E2E');
    await page.getByLabel('Explanation language').fill('ko');
    await window.fill('21');
    await page.locator('#template-param-restockingFeeRate').fill('0.15');
    await page.getByRole('button', { name: 'Create tenant' }).click();
    // Refused: the address is required; the problem is shown on its field.
    await expect.poll(() => page.locator('[data-param=returnAddress] .field-error').textContent(), POLL).toMatch(/fewer than 1 character/);
    expect((await server.runtime.db.execute({ sql: 'SELECT COUNT(*) AS n FROM tenants WHERE id = ?', args: ['acme-e2e'] })).rows[0]!.n).toBe(0);

    await page.locator('#template-param-returnAddress').fill('Acme returns, 9 Dock Road');
    await screenshot(page, 'new-tenant');
    await page.getByRole('button', { name: 'Create tenant' }).click();
    await page.getByRole('heading', { name: 'Tenant Acme E2E created' }).waitFor();
    const secret = await page.getByLabel("The new tenant's admin key").inputValue();
    expect(secret).toMatch(/^pk_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
    await page.getByRole('button', { name: 'Copy' }).click();
    await expect.poll(() => page.evaluate(() => navigator.clipboard.readText()), POLL).toBe(secret);
    await screenshot(page, 'new-tenant-created');

    // The key is the new tenant's admin key, and version 1 has the params as filled in.
    const me = await server.get('/v1/me', secret);
    expect(me.body).toMatchObject({ tenant: 'acme-e2e', tenantName: 'Acme E2E', language: 'ko', role: 'admin' });
    const v1 = await server.get('/v1/policies/returns/versions/1', secret);
    expect(v1.body.document.params.returnWindowDays.value).toBe(21);
    expect(v1.body.document.params.restockingFeeRate.value).toBe(0.15);
    expect(v1.body.document.params.returnAddress.value).toBe('Acme returns, 9 Dock Road');

    await page.getByRole('button', { name: 'Sign in as Acme E2E' }).click();
    await expect.poll(() => page.getByTestId('tenant').textContent(), POLL).toBe('Acme E2E');
    await expect.poll(() => page.getByTestId('role').textContent(), POLL).toBe('admin');
    await expect.poll(() => page.locator('main').textContent(), POLL).toContain('Returns and refunds');
    // The template's policy opens in the editor with the filled params, its tests passing in the browser.
    await page.getByRole('link', { name: /Returns and refunds/ }).first().click();
    await page.waitForURL('**/policies/returns');
    await expect.poll(() => page.getByLabel(/^returnWindowDays/).inputValue(), POLL).toBe('21');
    await page.locator('[data-testid=test-summary][data-stale=false]').waitFor();
    // Every test the template carries, and they all pass with the merchant's values.
    const templateTests = (JSON.parse(readFileSync(new URL('../../policies/_templates/returns-standard/returns.json', import.meta.url), 'utf8')) as { tests: unknown[] }).tests.length;
    await expect.poll(() => page.getByTestId('test-summary').textContent(), POLL).toMatch(new RegExp(`^All ${templateTests} tests pass`));
    expect(errors).toEqual([]);
  }, 120_000);
});
