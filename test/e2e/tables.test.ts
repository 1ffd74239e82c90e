/**
 * The decision tables as grids, end to end: the real server and build in Chromium, a solum
 * editor on solum/returns. A grid cell edit changes that value in the JSON (and the checks run
 * again), Monaco's undo puts it back and the grid follows, and a cell that is not a cell is
 * shown as an error and not written. Screenshot: test-artifacts/tables.png.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEditorPage, POLL, screenshot, startEditorServer } from '../helpers/browser.ts';
import type { TestBrowser } from '../helpers/browser.ts';
import type { TestServer } from '../helpers/server.ts';

describe('tables as grids in Chromium', () => {
  let server: TestServer;
  let browser: TestBrowser;
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    server = await startEditorServer();
    ({ browser, page, errors } = await openEditorPage(server, 15_000));
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const summary = () => page.getByTestId('test-summary');
  const checked = () => page.locator('[data-testid=test-summary][data-stale=false]').waitFor();
  /** Puts the keyboard focus in Monaco. */
  async function focusEditor(): Promise<void> {
    await page.getByTestId('monaco').click({ position: { x: 300, y: 60 } });
    await page.waitForFunction(() => document.activeElement?.closest('.monaco-editor') !== null);
  }
  /** Finds `text` in Monaco (which renders only the lines in view) and closes the find widget. */
  async function findInEditor(text: string): Promise<void> {
    await focusEditor();
    await page.keyboard.press('Control+f');
    const input = page.locator('.find-widget .monaco-findInput').locator('textarea, input').first();
    await input.fill(text);
    await input.press('Enter');
    try {
      await page.locator('.currentFindMatch').first().waitFor();
    } catch (e) {
      await screenshot(page, 'tables-find-failed');
      throw e;
    }
    await page.keyboard.press('Escape');
  }

  it('shows each table of solum/returns as a grid; a cell edit changes that value in the JSON, undo puts it back, a bad cell is not written', async () => {
    await page.goto('/');
    await page.getByLabel('API key').fill(await server.key('solum', 'editor'));
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('link', { name: 'Solum returns and refunds' }).click();
    await page.locator('[data-testid=monaco][data-ready=true] .view-lines').waitFor();
    await checked();
    const before = (await summary().textContent()) ?? '';
    expect(before).toMatch(/^All \d+ tests pass/);

    // One real <table> per table, with column and row headers.
    for (const name of ['partialRefunds', 'returnFees', 'refundTimes']) await page.locator(`details[data-table=${name}] table`).waitFor();
    const fees = page.locator('details[data-table=returnFees] table');
    await expect.poll(() => fees.locator('th[scope=col]').allTextContents(), POLL).toEqual(['categorywhen', 'perShipmentthen', 'perItemthen']);
    await expect.poll(() => fees.locator('th[scope=row]').evaluateAll((ths) => ths.map((th) => th.querySelector('.row-number')?.textContent ?? th.textContent)), POLL).toEqual(['1', '2', '3', '4', 'default']);
    await expect.poll(() => page.getByLabel('returnFees row 1, category (condition)').inputValue(), POLL).toBe('newton_link');

    // Grid → JSON: only that value changes, the checks run again.
    const cell = page.getByLabel('returnFees row 1, perShipment (output)');
    await expect.poll(() => cell.inputValue(), POLL).toBe('12');
    await cell.fill('99');
    await findInEditor('"perShipment": 99,');
    await checked();
    const after = (await summary().textContent()) ?? '';
    // The embedded tests ran on the new text: those expecting NEWTON Link's fee of 12 now fail.
    expect(after).toMatch(/^\d+ of \d+ tests failing/);
    await page.getByLabel('returnFees row 1, perShipment (output)').scrollIntoViewIfNeeded();
    await screenshot(page, 'tables');

    // JSON → grid: Monaco's undo takes the value back, and the grid follows.
    await focusEditor();
    await page.keyboard.press('Control+z');
    await expect.poll(() => cell.inputValue()).toBe('12');
    await findInEditor('"perShipment": 12,');
    await checked();
    expect((await summary().textContent())?.split(' · ')[0]).toBe(before.split(' · ')[0]);

    // A bad cell: shown as an error on the cell, the JSON keeps the last valid value.
    const perItem = page.getByLabel('returnFees row 1, perItem (output)');
    await perItem.fill('{"oops": ');
    await expect.poll(() => perItem.getAttribute('aria-invalid'), POLL).toBe('true');
    await expect.poll(() => page.locator('details[data-table=returnFees] td.invalid .cell-error').textContent(), POLL).toContain('Not valid JSON');
    await findInEditor('"perItem": 2');
    const condition = page.getByLabel('returnFees row 2, category (condition)');
    await condition.fill('{"like": 1}');
    await expect.poll(() => condition.getAttribute('aria-invalid'), POLL).toBe('true');
    await screenshot(page, 'tables-invalid');
    // Grid → JSON again, and back: the cell goes back to the document's value.
    await perItem.fill('2');
    await expect.poll(() => perItem.getAttribute('aria-invalid'), POLL).toBeNull();
    await condition.fill('accessory');
    await expect.poll(() => condition.getAttribute('aria-invalid'), POLL).toBeNull();
    await checked();
    expect((await summary().textContent())?.split(' · ')[0]).toBe(before.split(' · ')[0]);
    expect(errors).toEqual([]);
  }, 90_000);

  it('rows are added, moved and removed from the grid (order decides under hit policy first), and the JSON follows', async () => {
    await page.setViewportSize({ width: 1280, height: 800 });
    const rowHeads = () => page.locator('details[data-table=returnFees] table .row-number').allTextContents();
    const category = (n: number) => page.getByLabel(`returnFees row ${n}, category (condition)`);
    const before = (await summary().textContent()) ?? '';
    await expect.poll(() => rowHeads(), POLL).toEqual(['1', '2', '3', '4']);

    // A new first row that matches every category and charges nothing shadows the others:
    // the fee tests fail, which is what staff must see before they publish.
    await page.getByRole('button', { name: 'Insert a row into returnFees above row 1' }).click();
    await expect.poll(rowHeads).toEqual(['1', '2', '3', '4', '5']);
    await expect.poll(() => category(1).inputValue(), POLL).toBe('-');
    await page.getByLabel('returnFees row 1, perShipment (output)').fill('0');
    await page.getByLabel('returnFees row 1, perItem (output)').fill('0');
    await checked();
    await expect.poll(() => summary().textContent(), POLL).toMatch(/^\d+ of \d+ tests failing/);
    await screenshot(page, 'tables-row-added');

    // Moved to the end it only catches what no other row does; then removed, all is as before.
    for (let n = 1; n <= 4; n++) await page.getByRole('button', { name: `Move returnFees row ${n} down` }).click();
    await expect.poll(() => category(1).inputValue()).toBe('newton_link');
    await expect.poll(() => category(5).inputValue(), POLL).toBe('-');
    await expect.poll(() => page.getByRole('button', { name: 'Move returnFees row 5 down' }).isDisabled(), POLL).toBe(true);
    await page.getByRole('button', { name: 'Remove returnFees row 5' }).click();
    await expect.poll(rowHeads).toEqual(['1', '2', '3', '4']);
    await checked();
    expect((await summary().textContent())?.split(' · ')[0]).toBe(before.split(' · ')[0]);
    await findInEditor('"perShipment": 12,');
    expect(errors).toEqual([]);
  }, 90_000);
});
