/**
 * The decision browser says which version decided as of which instant when a policy pins to the
 * order date: a server seeded with Solum's order-pinned returns (test/helpers/pinned-policies.ts),
 * the order placed 2023-11-20 decided 2024-02-10 (version 2, the holiday version in force when
 * it was bought), opened in Debian's Chromium from its address. A decision-pinned policy's
 * heading stays "· version N" with no such note (test/e2e/history.test.ts).
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEditorPage, screenshot, startEditorServer } from '../helpers/browser.ts';
import type { TestBrowser } from '../helpers/browser.ts';
import { pinCases, pinnedPoliciesDir } from '../helpers/pinned-policies.ts';

import type { TestServer } from '../helpers/server.ts';

const POLL = { timeout: 20_000, interval: 50 };

describe('an order-pinned decision in the decision browser', () => {
  let server: TestServer;
  let browser: TestBrowser;
  let page: Page;
  let errors: string[];
  let pinnedId: string;
  let plainId: string;
  let key: string;

  beforeAll(async () => {
    server = await startEditorServer({ env: { POLICIES_DIR: pinnedPoliciesDir() } });
    const decider = await server.key('solum', 'decider');
    key = await server.key('solum', 'viewer');
    const decide = async (policy: string) => (await server.post(`/v1/policies/${policy}/decide`, { input: pinCases.Q.input, at: pinCases.Q.at }, decider)).body.id as string;
    pinnedId = await decide('returns-by-order');
    plainId = await decide('returns');
    ({ browser, page, errors } = await openEditorPage(server, 20_000));
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('says the version in force when the order was placed, and when that was', async () => {
    await page.goto(`/policies/returns-by-order/decisions?decision=${pinnedId}`);
    await page.getByLabel('API key').fill(key);
    await page.getByLabel('API key').press('Enter');
    const detail = page.locator(`[data-testid=decision-detail][data-decision="${pinnedId}"]`);
    await detail.waitFor();
    await expect.poll(() => detail.locator('h2').textContent(), POLL).toBe('Decision at 2024-02-10 12:00 UTC · version 2');
    await expect.poll(() => detail.getByTestId('decision-version-as-of').textContent(), POLL).toBe(
      'Version 2 was in force when the order was placed (2023-11-20 10:00 UTC): this policy decides each order with the rules it was bought under.',
    );
    await screenshot(page, 'decision-version-as-of');
  });

  it('says nothing of the kind for the decision-pinned policy', async () => {
    await page.goto(`/policies/returns/decisions?decision=${plainId}`);
    const detail = page.locator(`[data-testid=decision-detail][data-decision="${plainId}"]`);
    await detail.waitFor();
    await expect.poll(() => detail.locator('h2').textContent(), POLL).toBe('Decision at 2024-02-10 12:00 UTC · version 1');
    expect(await detail.getByTestId('decision-version-as-of').count()).toBe(0);
    expect(errors).toEqual([]);
  });
});
