/**
 * Accessibility of every main screen, as a person with a screen reader or a keyboard meets it:
 * axe-core's WCAG 2.1 A/AA rules run in Chromium on the sign-in, the policies list, the editor
 * (params form, table grids, checks), Simulate with results, the schedule and timeline, the
 * versions with a diff, and the decision browser with a decision open. No serious or critical
 * violation is allowed (Monaco's own DOM is left out: see accessibilityViolations).
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessibilityViolations, openEditorPage, screenshot, startEditorServer } from '../helpers/browser.ts';
import type { TestBrowser } from '../helpers/browser.ts';
import { samples } from '../helpers/orders.ts';
import { sampleBody } from '../helpers/server.ts';
import type { TestServer } from '../helpers/server.ts';

describe('accessibility of the editor in Chromium (axe-core, WCAG 2.1 A/AA)', () => {
  let server: TestServer;
  let browser: TestBrowser;
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    server = await startEditorServer();
    // A few logged decisions for the decision browser.
    const key = await server.key('solum', 'decider');
    for (const sample of samples('solum').slice(0, 3)) expect((await server.post('/v1/policies/returns/decide', sampleBody(sample, 'returns'), key)).status).toBe(200);
    ({ browser, page, errors } = await openEditorPage(server, 15_000));
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function expectAccessible(name: string): Promise<void> {
    const violations = await accessibilityViolations(page);
    if (violations.length) await screenshot(page, `a11y-${name}`);
    expect(violations, `${name}: ${JSON.stringify(violations, null, 2)}`).toEqual([]);
  }

  it('the sign-in', async () => {
    await page.goto('/');
    await page.getByLabel('API key').waitFor();
    await expectAccessible('sign-in');
  });

  it('the policies list', async () => {
    await page.getByLabel('API key').fill(await server.key('solum', 'editor'));
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByTestId('policy-list').waitFor();
    await expectAccessible('policies');
  });

  it('the editor: params form, table grids and checks (with a failing test listed)', async () => {
    await page.getByRole('link', { name: 'Solum returns and refunds' }).click();
    await page.locator('[data-testid=monaco][data-ready=true] .view-lines').waitFor();
    await page.locator('details[data-table=returnFees] table').waitFor();
    await page.getByLabel(/^returnWindowDays/).fill('20');
    await page.locator('[data-testid=test-summary][data-stale=false]').filter({ hasText: /tests failing/ }).waitFor();
    await expectAccessible('edit');
  });

  it('Simulate with its results and one changed decision open side by side', async () => {
    await page.getByRole('navigation', { name: 'Screens of returns' }).getByRole('link', { name: 'Simulate' }).click();
    await page.waitForURL('**/policies/returns/simulate');
    await page.locator('[data-testid=sim-summary][data-stale=false]').waitFor();
    await page.locator('[data-testid=changes] tbody').first().getByRole('button').first().click();
    await page.getByTestId('change-detail').getByTestId('traces').waitFor();
    await expectAccessible('simulate');
  });

  it('the schedule and its timeline', async () => {
    await page.getByRole('navigation', { name: 'Screens of returns' }).getByRole('link', { name: 'Schedule' }).click();
    await page.waitForURL('**/policies/returns/schedule');
    await page.getByTestId('timeline-list').waitFor();
    await expectAccessible('schedule');
  });

  it('the versions and a diff', async () => {
    await page.getByRole('navigation', { name: 'Screens of returns' }).getByRole('link', { name: 'Versions' }).click();
    await page.waitForURL('**/policies/returns/history');
    await page.getByTestId('diff').waitFor();
    await expectAccessible('history');
  });

  it('the decision browser with a decision open; the page made no errors', async () => {
    await page.getByRole('navigation', { name: 'Screens of returns' }).getByRole('link', { name: 'Decisions' }).click();
    await page.waitForURL('**/policies/returns/decisions');
    await page.locator('[data-testid=decisions] tbody tr').first().getByRole('button').click();
    await page.getByTestId('decision-detail').waitFor();
    await expectAccessible('decisions');
    expect(errors).toEqual([]);
  });
});
