/**
 * The Simulate view end to end: the real server (fresh database seeded from policies/) serving
 * the real build of editor/, in Debian's Chromium at 1280×800, as one Solum editor's session.
 * The holiday scenario: open returns, set holidayExtension in the params form, simulate the
 * samples against version 1, and see the changed orders and the money moved — the same figures
 * the engine computes in this process over the same seeded samples. Then one changed decision
 * side by side with its trace, "Add as test" (a passing test), pasted orders with path-named
 * problems, a large pasted set with progress while the page stays responsive, and logged
 * decisions simulated on the server. Screens are saved to test-artifacts/simulate-*.png.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compile, evaluate, explain, simulateAll } from '../../server/engine/index.ts';
import type { CompiledPolicy, SimulationCase } from '../../server/engine/index.ts';
import { schemaRegistry } from '../../server/catalog/schema-files.ts';
import { openEditorPage, pageErrors, POLL, screenshot, startEditorServer } from '../helpers/browser.ts';
import type { TestBrowser } from '../helpers/browser.ts';
import type { TestServer } from '../helpers/server.ts';

const STEP = 20_000;
const HOLIDAY = { purchasedFrom: '2023-10-11', purchasedThrough: '2023-12-25', returnUntil: '2024-01-31' };
const usd = (n: number, signed = false) => new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', ...(signed ? { signDisplay: 'exceptZero' as const } : {}) }).format(n);

describe('the Simulate view in Chromium', () => {
  let server: TestServer;
  let browser: TestBrowser;
  let page: Page;
  let errors: string[];
  let key: string;
  /** What the engine says in this process: version 1 against version 1 with the holiday window, over the seeded samples. */
  let expected: ReturnType<typeof simulateAll>;
  let cases: SimulationCase[];
  let candidate: CompiledPolicy;
  let version1: CompiledPolicy;
  let version1Document: Record<string, any>;

  beforeAll(async () => {
    server = await startEditorServer();
    key = await server.key('solum', 'editor');
    ({ browser, page, errors } = await openEditorPage(server, STEP));

    // The expectation, from the seeded database through the API and the engine in this process.
    const registry = schemaRegistry();
    const ok = (doc: unknown) => {
      const r = compile(doc, { registry });
      if (!r.ok) throw new Error(JSON.stringify(r.problems));
      return r.policy;
    };
    version1Document = (await server.get('/v1/policies/returns/versions/1', key)).body.document;
    version1 = ok(version1Document);
    const withHoliday = structuredClone(version1Document);
    withHoliday.params.holidayExtension.value = HOLIDAY;
    candidate = ok(withHoliday);
    const list = (await server.get('/v1/samples?policy=returns', key)).body.samples as Array<{ name: string }>;
    cases = await Promise.all(
      list.map(async ({ name }) => {
        const sample = (await server.get(`/v1/samples/${name}`, key)).body;
        return { id: name, at: sample.at, input: { order: sample.order, request: sample.requests.returns } };
      }),
    );
    expected = simulateAll(version1, candidate, cases);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const summary = () => page.getByTestId('sim-summary');
  /** Waits for a current (not out of date) result with these counts. */
  const settled = async (evaluated: number) => {
    // A run may take a while when CI runs every test file at once: it waits only as long as it runs.
    await page.locator(`[data-testid=sim-summary][data-stale=false][data-evaluated="${evaluated}"]`).waitFor({ timeout: 90_000 });
    await page.getByTestId('sim-progress').waitFor({ state: 'detached', timeout: 90_000 });
  };

  it('signs in as a Solum editor and opens returns; setting the holiday window in the params form changes the document', async () => {
    await page.goto('/policies/returns');
    await page.getByLabel('API key').fill(key);
    await page.getByLabel('API key').press('Enter');
    await page.locator('[data-testid=monaco][data-ready=true] .view-lines').waitFor();
    await page.getByLabel(/^holidayExtension/).fill(JSON.stringify(HOLIDAY));
    await page.locator('.view-lines', { hasText: '"purchasedFrom": "2023-10-11"' }).waitFor();
  });

  it('Simulate runs the unsaved document over every sample; the baseline defaults to the version active at each case\'s time, and offers version 1', async () => {
    const tabs = page.getByRole('navigation', { name: 'Screens of returns' });
    await tabs.getByRole('link', { name: 'Simulate' }).click();
    await page.waitForURL('**/policies/returns/simulate');
    await expect.poll(() => tabs.getByRole('link', { name: 'Simulate' }).getAttribute('aria-current'), POLL).toBe('page');
    await expect.poll(() => page.title(), POLL).toBe('returns simulation · Policy editor');
    await settled(cases.length);
    await expect.poll(() => page.getByTestId('samples-chosen').textContent(), POLL).toBe(`${cases.length} of ${cases.length} samples`);
    await expect.poll(() => page.getByRole('combobox', { name: 'Compare with' }).inputValue(), POLL).toBe('active');
    // Most samples are asked for during the seeded holiday version (2): few change against it.
    const use = await page.getByTestId('baseline-use').textContent();
    expect(use).toMatch(/^version 1 for \d+ cases, version 2 for \d+ cases\.$/);
    await expect.poll(() => page.getByTestId('baseline-hint').textContent(), POLL).toMatch(/met version 2 \(active at their time\), not version 1, which decides now/);
    const againstActive = Number(await summary().getAttribute('data-changed'));
    expect(againstActive).toBeLessThan(expected.summary.changed);
    await screenshot(page, 'simulate-active-baseline');
  });

  it('against version 1: the changed orders and the money moved are the engine\'s figures for the same samples', async () => {
    await page.getByRole('button', { name: 'Compare with version 1' }).click();
    await page.locator(`[data-testid=sim-summary][data-stale=false][data-changed="${expected.summary.changed}"]`).waitFor();
    await expect.poll(() => page.getByRole('combobox', { name: 'Compare with' }).inputValue(), POLL).toBe('1');
    await expect.poll(() => page.getByTestId('count-evaluated').textContent(), POLL).toBe(String(expected.summary.evaluated));
    await expect.poll(() => page.getByTestId('count-changed').textContent(), POLL).toBe(String(expected.summary.changed));
    await expect.poll(() => page.getByTestId('count-unchanged').textContent(), POLL).toBe(String(expected.summary.unchanged));
    await expect.poll(() => page.getByTestId('count-errors').textContent(), POLL).toBe(`${expected.summary.errors.before} / ${expected.summary.errors.after}`);
    expect(expected.summary.changed).toBeGreaterThan(5);

    // Money moved: every money field the engine says changed, with its sums, in dollars.
    const moneyFields = ['/returnShippingFee', '/perShipmentFee', '/perItemFees', '/itemsRefundAmount', '/refundAmount', '/items/[]/refundAmount', '/items/[]/shipmentFee', '/items/[]/itemReturnFee'];
    const moved = moneyFields.filter((f) => expected.summary.fields[f]?.changed);
    expect(moved).toContain('/refundAmount');
    const rows = page.getByTestId('money-table').locator('tbody tr');
    await expect.poll(() => rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-field'))), POLL).toEqual(moved);
    for (const field of moved) {
      const m = expected.summary.fields[field]!;
      const row = page.locator(`[data-testid=money-table] tr[data-field="${field}"]`);
      await expect.poll(() => row.evaluate((tr) => [Number(tr.getAttribute('data-up')), Number(tr.getAttribute('data-down')), Number(tr.getAttribute('data-net'))]), POLL).toEqual([m.up, m.down, m.net]);
      await expect.poll(() => row.locator('td.col-net').textContent(), POLL).toBe(usd(m.net, true));
      await expect.poll(() => row.locator('td.col-up').textContent(), POLL).toBe(m.up ? usd(m.up, true) : '—');
    }
    const refund = expected.summary.fields['/refundAmount']!;
    expect(refund.net).toBeGreaterThan(0);
    // Rule transitions, and exactly the engine's changed orders.
    const transitions = await page.getByTestId('rule-table').locator('tbody tr').count();
    expect(transitions).toBe(expected.summary.byRule.length);
    const ids = await page.locator('[data-testid=changes] tbody').evaluateAll((bodies) => bodies.map((b) => b.getAttribute('data-case')));
    expect(ids).toEqual(expected.changes.map((c) => c.id));
    await screenshot(page, 'simulate-holiday');
  });

  it('one changed decision opens side by side, changed fields marked, with the trace of why on both sides', async () => {
    const id = 'solum-holiday-placed-oct-11-asked-jan-20';
    const row = page.locator(`[data-testid=changes] tbody[data-case="${id}"]`);
    await row.getByRole('button').click();
    const detail = row.getByTestId('change-detail');
    await detail.getByTestId('traces').waitFor();
    const change = expected.changes.find((c) => c.id === id)!;
    const marked = await detail.locator('[data-testid=side-by-side] tr.changed').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-path')));
    expect(marked).toEqual(change.changes.map((c) => c.path));
    const refundRow = detail.locator('[data-testid=side-by-side] tr[data-path="/refundAmount"]');
    const before = change.before.ok ? (change.before.decision.refundAmount as number) : 0;
    const after = change.after.ok ? (change.after.decision.refundAmount as number) : 0;
    await expect.poll(() => refundRow.locator('td').nth(0).textContent(), POLL).toBe(usd(before));
    await expect.poll(() => refundRow.locator('td').nth(1).textContent(), POLL).toBe(`${usd(after)} ${usd(after - before, true)}`);

    // The trace: for each side, the item's rules tried up to the one that matched, as the engine traces them here.
    const traceOf = (policy: CompiledPolicy) => {
      const r = evaluate(policy, cases.find((c) => c.id === id)!.input, change.at, { trace: true });
      if (!r.ok) throw new Error('expected a decision');
      return r.trace!;
    };
    const sides = detail.getByTestId('trace-side');
    for (const [i, trace] of [traceOf(version1), traceOf(candidate)].entries()) {
      const item = sides.nth(i).locator('details.phase').nth(1);
      await expect.poll(() => item.locator('.matched-rule').textContent(), POLL).toBe(trace.items![0]!.matched);
      await expect.poll(() => item.locator('ol.rules-tried li').evaluateAll((lis) => lis.map((li) => li.getAttribute('data-rule'))), POLL).toEqual(trace.items![0]!.rules.map((r) => r.id));
      await expect.poll(() => item.locator('li.matched').getAttribute('data-rule'), POLL).toBe(trace.items![0]!.matched);
    }
    expect(traceOf(version1).items![0]!.matched).not.toBe(traceOf(candidate).items![0]!.matched);

    // The reasons in plain language above each trace: engine/explain.ts's, as decide with explain: true answers them.
    const reasonsOf = (policy: CompiledPolicy) => {
      const input = cases.find((c) => c.id === id)!.input;
      const r = evaluate(policy, input, change.at, { trace: true });
      if (!r.ok) throw new Error('expected a decision');
      return explain(policy, input, r.trace!, r.decision);
    };
    for (const [i, policy] of [version1, candidate].entries()) {
      await expect.poll(() => sides.nth(i).getByTestId('explanation').locator('ul.reasons li').allTextContents(), POLL).toEqual(reasonsOf(policy).reasons.map((r) => r.text));
    }
    // "For the 2023 Holiday Season, most of the items purchased between October 11 and December 25, 2023 can be returned until January 31, 2024."
    expect(reasonsOf(candidate).reasons.map((r) => r.text)).toContain('bought Oct 11, 2023, inside the holiday offer (Oct 11–Dec 25): returnable until Jan 31, 2024');
    // Version 1 refused the ESL (past 30 days): what would have changed it, per item.
    const changes = reasonsOf(version1).wouldChange!.map((w) => w.text);
    expect(changes[0]).toMatch(/^a return asked by [A-Z][a-z]{2} \d{1,2}, 2023 would have been accepted$/);
    await expect.poll(() => sides.nth(0).getByTestId('would-change').locator('li').allTextContents(), POLL).toEqual(changes);
    await detail.scrollIntoViewIfNeeded();
    await screenshot(page, 'simulate-detail');
    await sides.first().scrollIntoViewIfNeeded();
    await screenshot(page, 'simulate-trace');
  });

  it('"Add as test" adds an embedded test that quotes the chosen sentence and passes', async () => {
    const detail = page.getByTestId('change-detail');
    await detail.getByRole('button', { name: 'Add as test' }).click();
    const form = detail.getByRole('form', { name: 'Add as test' });
    await form.waitFor();
    const holidaySentence = version1Document.params.holidayExtension.source as string;
    await form.getByLabel('The sentence of the policy text it checks').selectOption(holidaySentence);
    await expect.poll(() => form.locator('blockquote').textContent(), POLL).toBe(holidaySentence);
    await screenshot(page, 'simulate-add-test');
    await form.getByRole('button', { name: 'Add the test' }).click();
    const added = detail.getByTestId('added-test');
    await page.locator('[data-testid=added-test][data-status=passed]').waitFor();
    const name = await added.locator('strong').textContent();
    await expect.poll(() => page.getByTestId('sim-tests-line').textContent(), POLL).toBe(`All ${version1Document.tests.length + 1} tests pass`);
    // The simulation did not need to run again (a test decides nothing), and the draft has the test once saved.
    await expect.poll(() => summary().getAttribute('data-changed'), POLL).toBe(String(expected.summary.changed));
    await page.locator('[data-testid=save-status][data-status=saved]').waitFor();
    const draft = await server.get('/v1/policies/returns/draft', key);
    const test = draft.body.document.tests.at(-1);
    expect(test).toMatchObject({ name, source: holidaySentence, at: '2024-01-20T15:00:00Z', expect: { eligible: true, rule: 'refund-minus-return-fee' } });
    await added.scrollIntoViewIfNeeded();
    await screenshot(page, 'simulate-test-added');
  });

  it('pasted orders: problems are named by their JSON path; valid orders and samples simulate at once', async () => {
    await page.getByRole('radio', { name: 'Pasted orders' }).check();
    const box = page.getByLabel(/^Orders as JSON/);
    const [a, b] = cases;
    await box.fill(JSON.stringify([{ input: a!.input }, { input: { order: (a!.input as { order: unknown }).order }, at: 'soon' }]));
    const problems = page.getByTestId('orders-problems');
    await expect.poll(() => problems.locator('li').allTextContents(), POLL).toEqual([
      '/0/at is missing: the instant the case is decided at, ISO-8601 with a time zone (e.g. "2024-01-20T15:00:00Z")',
      '/1/at must be an ISO-8601 date-time with a time zone (e.g. "2024-01-20T15:00:00Z"), got "soon"',
      '/1/input/request is missing: what returns decides on, as for decide',
    ]);
    await screenshot(page, 'simulate-orders-problems');
    await box.fill(JSON.stringify([{ id: 'pasted-1', input: a!.input, at: a!.at }, (await server.get(`/v1/samples/${b!.id}`, key)).body]));
    await settled(2);
    const both = simulateAll(version1, candidate, [a!, b!]);
    await expect.poll(() => summary().getAttribute('data-changed'), POLL).toBe(String(both.summary.changed));
  });

  it('a large pasted set shows its progress and the page keeps answering while it runs', async () => {
    const many = Array.from({ length: 1500 }, (_, i) => ({ ...cases[i % cases.length]!, id: `bulk-${i}` }));
    const text = JSON.stringify(many);
    // Measure the longest gap between frames while the set runs.
    await page.evaluate(() => {
      const w = window as unknown as { __gaps: Array<[number, number]>; __stop: boolean };
      w.__gaps = [];
      w.__stop = false;
      let last = performance.now();
      const tick = (t: number) => {
        w.__gaps.push([t, t - last]);
        last = t;
        if (!w.__stop) requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    });
    await page.getByLabel(/^Orders as JSON/).fill(text);
    const progress = page.getByTestId('sim-progress');
    // Parsing and checking 1,500 pasted orders comes first: seconds when CI runs every test file at once.
    await progress.waitFor({ timeout: 90_000 });
    const shownAt = await page.evaluate(() => performance.now());
    await expect.poll(() => progress.textContent(), POLL).toMatch(/^Simulating: [\d,]+ of 1,500 cases$/);
    await screenshot(page, 'simulate-progress');
    await settled(1500);
    const gaps = await page.evaluate(() => {
      const w = window as unknown as { __gaps: Array<[number, number]>; __stop: boolean };
      w.__stop = true;
      return w.__gaps;
    });
    const whole = simulateAll(version1, candidate, many);
    await expect.poll(() => summary().getAttribute('data-changed'), POLL).toBe(String(whole.summary.changed));
    // Frames kept coming: no gap near the whole run's length (each slice is ~12 ms of work). On a
    // loaded machine a frame can wait a few hundred ms for the CPU, so the bound is a share of the
    // run (work done in one go would make a gap as long as the run itself), and at least 250 ms.
    const during = gaps.filter(([t]) => t > shownAt);
    const runMs = during.at(-1)![0] - shownAt;
    const longest = Math.max(...during.map(([, g]) => g));
    expect(longest, `longest frame gap ${longest.toFixed(0)} ms of a ${runMs.toFixed(0)} ms run`).toBeLessThan(Math.max(250, runMs / 4));
  }, 180_000);

  it('logged decisions in a date range run on the server, streamed, with the server\'s figures and a trace on request', async () => {
    // Three decisions logged in January 2024 (during the holiday version).
    const decider = await server.key('solum', 'decider');
    const holiday = cases.filter((c) => c.at.startsWith('2024-01')).slice(0, 3);
    for (const c of holiday) expect((await server.post('/v1/policies/returns/decide', { input: c.input, at: c.at }, decider)).status).toBe(200);
    await page.getByRole('radio', { name: 'Logged decisions' }).check();
    await page.getByLabel('From').fill('2024-01-01');
    await page.getByLabel('Through').fill('2024-01-31');
    await page.getByRole('combobox', { name: 'Compare with' }).selectOption('1');
    await page.getByRole('button', { name: 'Run on the server' }).click();
    await settled(holiday.length);
    // The candidate is the editor's document: the draft, autosaved, holds the same text.
    const draft = (await server.get('/v1/policies/returns/draft', key)).body.document;
    const answer = await server.post('/v1/policies/returns/simulate', { candidate: { document: draft }, baseline: { version: 1 }, cases: { decisions: { from: '2024-01-01T00:00:00Z', until: '2024-02-01T00:00:00Z' } } }, key);
    expect(answer.status).toBe(200);
    await expect.poll(() => summary().getAttribute('data-changed'), POLL).toBe(String(answer.body.summary.changed));
    await expect.poll(() => summary().textContent(), POLL).toContain('on the server');
    expect(answer.body.summary.changed).toBeGreaterThan(0);
    const first = page.locator('[data-testid=changes] tbody').first();
    await first.getByRole('button').first().click();
    await first.getByTestId('traces').waitFor();
    await screenshot(page, 'simulate-decisions');
  });

  it('a viewer simulates samples and pasted orders read-only: no logged decisions (a server simulation is for editors), no "Add as test"', async () => {
    const viewer = await browser.newPage({ baseURL: server.url });
    const viewerErrors = pageErrors(viewer);
    await viewer.goto('/policies/returns/simulate');
    await viewer.getByLabel('API key').fill(await server.key('solum', 'viewer'));
    await viewer.getByLabel('API key').press('Enter');
    await viewer.locator(`[data-testid=sim-summary][data-stale=false][data-evaluated="${cases.length}"]`).waitFor();
    await expect.poll(() => viewer.getByRole('radiogroup', { name: 'Cases to simulate' }).locator('label').allTextContents(), POLL).toEqual(['Samples', 'Pasted orders']);
    await expect.poll(() => viewer.getByTestId('simulate').getByLabel(/^returnWindowDays/).isDisabled(), POLL).toBe(true);
    const row = viewer.locator('[data-testid=changes] tbody').first();
    if (await row.count()) {
      await row.getByRole('button').first().click();
      await row.getByTestId('traces').waitFor();
      await expect.poll(() => row.getByRole('button', { name: 'Add as test' }).count(), POLL).toBe(0);
    }
    await viewer.context().close();
    expect(viewerErrors).toEqual([]);
  });

  it('goes back to the document with the added test in it, and the page made no errors', async () => {
    await page.getByRole('navigation', { name: 'Screens of returns' }).getByRole('link', { name: 'Document' }).click();
    await page.waitForURL(/\/policies\/returns$/);
    await page.locator('[data-testid=monaco][data-ready=true] .view-lines').waitFor();
    await expect.poll(() => page.getByTestId('test-summary').textContent(), POLL).toMatch(new RegExp(`^All ${version1Document.tests.length + 1} tests pass`));
    expect(errors).toEqual([]);
  });
});
