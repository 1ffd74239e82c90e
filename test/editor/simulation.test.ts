/**
 * The Simulate screen's model (editor/src/simulation.ts) with the real engine over the real
 * Solum samples and versions (policies/), a fake API serving them, manual timers and frames:
 * the holiday window's figures equal the engine's own simulateAll, the baseline is chosen per
 * case or fixed, edits re-simulate (debounced), large sets run in chunks with progress, and a
 * simulated case becomes a passing embedded test.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { activeVersionAt, compile, runPolicyTests, simulateAll } from '../../server/engine/index.ts';
import type { CompiledPolicy, SimulationCase } from '../../server/engine/index.ts';
import { LocalCatalog } from '../../server/catalog/local-catalog.ts';
import { loadSchemaFiles, schemaRegistry } from '../../server/catalog/schema-files.ts';
import type { SampleView, SimulateStreamLine } from '../../server/types/schemas.gen.ts';
import { setParamValue } from '../../editor/src/params.ts';
import { createSimulation, moneyFieldsOf } from '../../editor/src/simulation.ts';
import type { Simulation, SimulationApi, SimulationDeps } from '../../editor/src/simulation.ts';
import { createStore } from '../../editor/src/store.ts';

const TEXT = readFileSync(new URL('../../policies/solum/returns.json', import.meta.url), 'utf8');
const HOLIDAY = { purchasedFrom: '2023-10-11', purchasedThrough: '2023-12-25', returnUntil: '2024-01-31' };
const catalog = LocalCatalog.load();
const source = catalog.policy('solum', 'returns')!;
const samples = catalog.tenants.find((t) => t.tenant === 'solum')!.samples.map((s) => s.sample as unknown as SampleView & { name: string });
const registry = schemaRegistry();
const schemaFiles = loadSchemaFiles();

const compiled = (doc: unknown): CompiledPolicy => {
  const r = compile(doc, { registry });
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.policy;
};
const version = (n: number) => compiled(source.versions[n - 1]!.document);
const cases: SimulationCase[] = samples.filter((s) => s.requests.returns).map((s) => ({ id: s.name, at: s.at, input: { order: s.order, request: s.requests.returns } }));

function manualTimers() {
  let next = 1;
  const pending = new Map<number, () => void>();
  return {
    set: (fn: () => void) => {
      pending.set(next, fn);
      return next++;
    },
    clear: (h: unknown) => void pending.delete(h as number),
    get size() {
      return pending.size;
    },
    async flush() {
      for (let i = 0; i < 100 && pending.size; i++) {
        const [id, fn] = pending.entries().next().value!;
        pending.delete(id);
        fn();
        await settle();
      }
    },
  };
}
const settle = () => new Promise((r) => setTimeout(r, 0));

function fakeApi(overrides: Partial<SimulationApi> = {}): SimulationApi & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    listSamples: async (policy) => {
      calls.push(`listSamples ${policy}`);
      return samples.filter((s) => s.requests[policy]).map((s) => ({ name: s.name, description: s.description, at: s.at, policies: Object.keys(s.requests).sort(), createdAt: '2024-01-01T00:00:00Z', createdBy: 'seed' }));
    },
    getSample: async (name) => {
      calls.push(`getSample ${name}`);
      return samples.find((s) => s.name === name)!;
    },
    getVersion: async (_policy, n) => {
      calls.push(`getVersion ${n}`);
      return { document: structuredClone(source.versions[n - 1]!.document) as Record<string, unknown> };
    },
    getDecision: async () => {
      throw new Error('no decisions here');
    },
    simulateStream: async () => {
      throw new Error('no server here');
    },
    ...overrides,
  };
}

function setup(options: { text?: string; api?: ReturnType<typeof fakeApi>; frames?: () => Promise<void> } = {}) {
  const timers = manualTimers();
  const editor = createStore({ text: options.text ?? TEXT });
  const api = options.api ?? fakeApi();
  const deps: SimulationDeps = {
    policy: 'returns',
    api,
    editor: { get: editor.get, subscribe: editor.subscribe, setText: (text) => editor.set({ text }) },
    registry,
    schemaFiles,
    activations: source.activations,
    latestVersion: 2,
    timers,
    nextFrame: options.frames ?? (() => settle() as Promise<void>),
    now: () => new Date('2024-03-01T12:00:00Z'),
  };
  const sim = createSimulation(deps);
  return { sim, editor, timers, api };
}

/** Opens the simulation and lets it load the samples and run. */
async function opened(sim: Simulation, timers: ReturnType<typeof manualTimers>) {
  sim.open();
  const done = () => {
    const s = sim.get();
    if (s.samples.status !== 'ready' || s.running || timers.size) return false;
    return s.kind === 'decisions' || s.blocked !== null || s.error !== null || (s.result !== null && !s.stale);
  };
  for (let i = 0; i < 300 && !done(); i++) {
    await settle();
    await timers.flush();
  }
  await settle();
}

/** Waits for a run in progress to finish (a run yields a frame every 12 ms of work, more often on a busy machine). */
async function idle(sim: Simulation) {
  for (let i = 0; i < 200 && (sim.get().running || sim.get().stale); i++) await settle();
}

const holidayText = setParamValue(TEXT, 'holidayExtension', HOLIDAY);

describe('simulation of the holiday window over the samples', () => {
  it('against version 1: the engine\'s own figures, every changed order, money per currency', async () => {
    const { sim, timers, api } = setup({ text: holidayText });
    sim.setBaseline({ kind: 'version', version: 1 });
    await opened(sim, timers);
    const expected = simulateAll(version(1), compiled(JSON.parse(holidayText)), cases);
    const result = sim.get().result!;
    expect(result.where).toBe('browser');
    expect(result.summary).toEqual(expected.summary);
    expect(result.changes.map((c) => c.id)).toEqual(expected.changes.map((c) => c.id));
    expect(result.summary.changed).toBeGreaterThan(5);
    // Every sample is USD: the money per currency is the summary's, money fields only, schema order.
    expect(new Set(result.money.map((m) => m.currency))).toEqual(new Set(['USD']));
    const refund = result.money.find((m) => m.field === '/refundAmount')!;
    expect(refund).toMatchObject(expected.summary.fields['/refundAmount']!);
    expect(refund.up).toBeGreaterThan(0);
    expect(result.money.map((m) => m.field)).not.toContain('/items/[]/refundRate');
    expect(result.otherFields.map((f) => f.field)).toContain('/items/[]/refundRate');
    expect(result.money.findIndex((m) => m.field === '/returnShippingFee')).toBeLessThan(result.money.findIndex((m) => m.field === '/refundAmount'));
    expect(result.baselineUse).toEqual([{ version: 1, cases: cases.length }]);
    // One list, one GET per sample, one version fetched.
    expect(api.calls.filter((c) => c.startsWith('getSample')).length).toBe(cases.length);
    expect(api.calls.filter((c) => c.startsWith('getVersion'))).toEqual(['getVersion 1']);
    expect(result.ms).toBeGreaterThan(0);
    sim.dispose();
  });

  it('by default against the version active at each case\'s at (like the server): the holiday samples meet version 2', async () => {
    const { sim, timers } = setup({ text: holidayText });
    await opened(sim, timers);
    const result = sim.get().result!;
    const v1 = version(1);
    const v2 = version(2);
    const candidate = compiled(JSON.parse(holidayText));
    const byVersion = (v: number) => cases.filter((c) => activeVersionAt(source.activations, c.at) === v);
    expect(result.baselineUse).toEqual([
      { version: 1, cases: byVersion(1).length },
      { version: 2, cases: byVersion(2).length },
    ]);
    const changed = [...simulateAll(v1, candidate, byVersion(1)).changes, ...simulateAll(v2, candidate, byVersion(2)).changes].map((c) => c.id).sort();
    expect(result.changes.map((c) => c.id).sort()).toEqual(changed);
    // The seeded holiday version already has this window: fewer changes than against version 1.
    expect(result.summary.changed).toBeLessThan(simulateAll(v1, candidate, cases).summary.changed);
    sim.dispose();
  });

  it('re-simulates when the document changes (debounced), and not when only a test is added', async () => {
    const { sim, timers, editor } = setup({ text: holidayText });
    sim.setBaseline({ kind: 'version', version: 1 });
    await opened(sim, timers);
    expect(sim.get().result!.summary.changed).toBeGreaterThan(0);

    editor.set({ text: TEXT }); // the window back to null: the document is version 1 again
    expect(sim.get().stale).toBe(true);
    expect(timers.size).toBe(1);
    await timers.flush();
    await idle(sim);
    expect(sim.get().stale).toBe(false);
    expect(sim.get().result!.summary.changed).toBe(0);
    expect(sim.get().result!.text).toBe(TEXT);
    sim.dispose();
  });

  it('does not simulate a document that does not compile, and says why', async () => {
    const { sim, timers, editor } = setup();
    await opened(sim, timers);
    const before = sim.get().result;
    editor.set({ text: TEXT.replace('"daysBetween"', '"daysBetweenn"') }); // not an operator of the allow-list
    await timers.flush();
    await settle();
    expect(sim.get().blocked?.message).toMatch(/does not compile/);
    expect(sim.get().result).toBe(before);
    expect(sim.get().stale).toBe(true);
    editor.set({ text: '{"key": ' });
    await timers.flush();
    expect(sim.get().blocked?.message).toMatch(/not valid JSON/);
    sim.dispose();
  });
});

describe('a large set', () => {
  it('runs in chunks of at most 200 cases a frame, showing progress, with the same figures', async () => {
    const many = Array.from({ length: 450 }, (_, i) => {
      const c = cases[i % cases.length]!;
      return { id: `${c.id}-${i}`, at: c.at, input: c.input };
    });
    let frames = 0;
    const progress: number[] = [];
    const { sim, timers } = setup({ text: holidayText, frames: async () => void frames++ });
    sim.subscribe((s) => s.running && progress.push(s.running.done));
    sim.setKind('orders');
    sim.setBaseline({ kind: 'version', version: 1 });
    sim.setOrdersText(JSON.stringify(many));
    expect(sim.get().ordersProblems).toEqual([]);
    await opened(sim, timers);
    expect(frames).toBeGreaterThanOrEqual(2);
    expect(progress.length).toBeGreaterThanOrEqual(2);
    expect(progress.every((d, i) => d > 0 && d < 450 && (i === 0 || d > progress[i - 1]!))).toBe(true);
    expect(Math.max(progress[0]!, ...progress.slice(1).map((d, i) => d - progress[i]!))).toBeLessThanOrEqual(200);
    const expected = simulateAll(version(1), compiled(JSON.parse(holidayText)), many);
    expect(sim.get().result!.summary).toEqual(expected.summary);
    expect(sim.get().running).toBeNull();
    sim.dispose();
  });

  it('drops a run that a newer change overtakes', async () => {
    const many = Array.from({ length: 600 }, (_, i) => ({ ...cases[i % cases.length]!, id: `c${i}` }));
    let release: () => void = () => {};
    const { sim, timers, editor } = setup({ text: holidayText, frames: () => new Promise<void>((r) => (release = r)) });
    sim.setKind('orders');
    sim.setBaseline({ kind: 'version', version: 1 });
    sim.setOrdersText(JSON.stringify(many));
    sim.open();
    await timers.flush();
    for (let i = 0; i < 20 && !sim.get().running; i++) await settle();
    expect(sim.get().running).toMatchObject({ where: 'browser', total: 600 });
    editor.set({ text: TEXT }); // overtakes the holiday run
    await timers.flush();
    for (let i = 0; i < 50 && sim.get().running; i++) {
      release();
      await settle();
    }
    expect(sim.get().result!.text).toBe(TEXT);
    expect(sim.get().result!.summary.changed).toBe(0);
    sim.dispose();
  });
});

describe('pasted orders', () => {
  it('accepts cases {id?, input, at} and samples {name, at, order, requests}', async () => {
    const { sim, timers } = setup({ text: holidayText });
    const [a, b] = samples.filter((s) => s.requests.returns);
    sim.setKind('orders');
    sim.setOrdersText(JSON.stringify([{ input: { order: a!.order, request: a!.requests.returns }, at: a!.at }, b]));
    expect(sim.get().ordersProblems).toEqual([]);
    expect(sim.get().ordersCount).toBe(2);
    await opened(sim, timers);
    expect(sim.get().result!.summary.evaluated).toBe(2);
    sim.dispose();
  });

  it('names every problem by its JSON path', () => {
    const { sim } = setup();
    const [a] = samples.filter((s) => s.requests.returns);
    sim.setOrdersText(
      JSON.stringify([
        { input: { order: a!.order, request: a!.requests.returns } },
        { input: { order: a!.order }, at: 'yesterday' },
        { name: 'x', at: a!.at, order: a!.order, requests: { points: {} } },
        42,
        { foo: 1 },
        { input: { order: a!.order, request: {} }, at: a!.at, when: 'now' },
      ]),
    );
    expect(sim.get().ordersProblems.map((p) => p.path)).toEqual(['/0/at', '/1/at', '/1/input/request', '/2/requests/returns', '/3', '/4', '/5/when']);
    expect(sim.get().ordersProblems[0]!.message).toMatch(/is missing.*ISO-8601/);
    expect(sim.get().ordersProblems[3]!.message).toBe('is missing: this sample has no request for returns');
    sim.setOrdersText('[{"input": ');
    expect(sim.get().ordersProblems).toEqual([{ path: '', message: expect.stringMatching(/^not valid JSON/) }]);
    sim.dispose();
  });

  it('reports an input the policy refuses as that case\'s error, with its path', async () => {
    const { sim, timers } = setup();
    const [a] = samples.filter((s) => s.requests.returns);
    sim.setKind('orders');
    sim.setOrdersText(JSON.stringify([{ id: 'bad', input: { order: { ...a!.order, currency: 42 }, request: a!.requests.returns }, at: a!.at }]));
    await opened(sim, timers);
    const result = sim.get().result!;
    expect(result.summary.errors).toEqual({ before: 1, after: 1 });
    expect(result.errors[0]).toMatchObject({ id: 'bad', after: { kind: 'input', problems: [expect.objectContaining({ path: '/order/currency' })] } });
    sim.dispose();
  });
});

describe('a changed case', () => {
  it('shows both sides with their traces: the rules tried, the values they saw, the rule that matched', async () => {
    const { sim, timers } = setup({ text: holidayText });
    sim.setBaseline({ kind: 'version', version: 1 });
    await opened(sim, timers);
    const change = sim.get().result!.changes.find((c) => c.id === 'solum-holiday-placed-oct-11-asked-jan-20')!;
    const pair = await sim.trace(change);
    expect(pair.before!.version).toBe(1);
    expect(pair.after.version).toBeNull();
    if (!pair.before!.outcome.ok || !pair.after.outcome.ok) throw new Error('expected decisions');
    expect(pair.before!.outcome.decision).toEqual((change.before as { decision: unknown }).decision);
    const beforeItem = pair.before!.outcome.trace.items![0]!;
    const afterItem = pair.after.outcome.trace.items![0]!;
    expect(beforeItem.matched).not.toBe(afterItem.matched);
    expect(beforeItem.rules.find((r) => r.matched)!.id).toBe(beforeItem.matched);
    expect(Object.keys(beforeItem.rules.at(-1)!.values).length).toBeGreaterThan(0);
    sim.dispose();
  });

  it('becomes an embedded test with one call: the candidate\'s main fields, a source sentence of the policy, and it passes', async () => {
    const { sim, timers, editor } = setup({ text: holidayText });
    sim.setBaseline({ kind: 'version', version: 1 });
    await opened(sim, timers);
    const result = sim.get().result!;
    const change = result.changes.find((c) => c.id === 'solum-holiday-placed-oct-11-asked-jan-20')!;
    const draft = await sim.testDraft(change);
    expect(draft.fields.filter((f) => f.checked).map((f) => f.name)).toEqual(expect.arrayContaining(['eligible', 'rule', 'manualReview', 'refundAmount', 'returnBy', 'items']));
    const doc = JSON.parse(holidayText);
    expect(draft.sources.map((s) => s.value)).toContain(doc.params.holidayExtension.source);
    expect(draft.sources.length).toBeGreaterThan(10);
    expect(draft.source.length).toBeGreaterThan(10);

    const name = sim.addTest(draft, { source: doc.params.holidayExtension.source });
    const text = editor.get().text;
    const next = JSON.parse(text);
    expect(next.tests.length).toBe(doc.tests.length + 1);
    const added = next.tests.at(-1);
    expect(added).toEqual({ name, source: doc.params.holidayExtension.source, at: change.at, input: change.case!.input, expect: expect.any(Object) });
    expect(Object.keys(added.expect)).toEqual(draft.fields.filter((f) => f.checked).map((f) => f.name));
    const outcome = runPolicyTests(compiled(next)).at(-1)!;
    expect(outcome).toMatchObject({ name, passed: true });
    // Written like the rest of the document: the rest unchanged, short values on one line.
    expect(text.startsWith(holidayText.slice(0, holidayText.lastIndexOf('"tests"')))).toBe(true);
    expect(text).toContain(`"at": "${change.at}"`);
    expect(text.split('\n').length - holidayText.split('\n').length).toBeLessThan(120);

    // A second test from the same case gets its own name; adding tests does not re-simulate.
    expect(sim.addTest(draft)).toBe(`${draft.name} (2)`);
    expect(timers.size).toBe(1);
    await timers.flush();
    expect(sim.get().result!.summary).toBe(result.summary);
    expect(sim.get().stale).toBe(false);
    sim.dispose();
  });
});

describe('logged decisions, on the server', () => {
  it('streams the document to POST .../simulate and shows the progress, the changes and the server\'s summary', async () => {
    const summary = { evaluated: 3, changed: 1, unchanged: 2, errors: { before: 0, after: 0 }, byRule: [{ from: 'a', to: 'b', count: 1 }], fields: { '/refundAmount': { changed: 1, up: 10, down: 0, net: 10 }, '/eligible': { changed: 1, up: 0, down: 0, net: 0 } } };
    const bodies: unknown[] = [];
    const seen: Array<number | undefined> = [];
    const api = fakeApi({
      simulateStream: async (_policy, body, onLine) => {
        bodies.push(body);
        const lines: SimulateStreamLine[] = [
          { progress: { evaluated: 0, total: 3 } },
          { change: { index: 1, id: 'd1', at: '2024-01-20T15:00:00Z', baselineVersion: 2, before: { eligible: false, rule: 'a' }, after: { eligible: true, rule: 'b' }, ruleBefore: 'a', ruleAfter: 'b', changes: [{ path: '/eligible', before: false, after: true }] } },
          { progress: { evaluated: 3, total: 3 } },
          { policy: 'returns', candidate: { document: true }, baseline: { active: true }, summary },
        ];
        for (const line of lines) {
          onLine(line);
          seen.push(sim.get().running?.done);
        }
      },
    });
    const { sim, timers } = setup({ api });
    sim.setKind('decisions');
    sim.setDecisions({ from: '2024-01-01', until: '2024-01-31', limit: '500' });
    await opened(sim, timers);
    expect(sim.get().result).toBeNull(); // a server run waits to be asked
    await sim.run();
    expect(bodies).toEqual([{ candidate: { document: JSON.parse(TEXT) }, baseline: { active: true }, cases: { decisions: { from: '2024-01-01T00:00:00Z', until: '2024-02-01T00:00:00Z', limit: 500 } } }]);
    expect(seen).toEqual([0, 0, 3, 3]);
    const result = sim.get().result!;
    expect(result).toMatchObject({ where: 'server', summary, changes: [{ id: 'd1', baselineVersion: 2, case: null, after: { ok: true, decision: { eligible: true, rule: 'b' } } }] });
    expect(result.money).toEqual([{ field: '/refundAmount', currency: null, changed: 1, up: 10, down: 0, net: 10 }]);
    expect(sim.get().running).toBeNull();
    sim.dispose();
  });

  it('fetches a logged decision (its input and at) to trace it and to make a test of it', async () => {
    const sample = samples.find((x) => x.name === 'solum-holiday-placed-oct-11-asked-jan-20')!;
    const input = { order: sample.order, request: sample.requests.returns };
    const asked: string[] = [];
    const api = fakeApi({
      getDecision: async (id) => {
        asked.push(id);
        return { id, at: sample.at, input, version: 2 };
      },
      simulateStream: async (_p, _b, onLine) => {
        const before = simulateAll(version(1), version(1), [{ id: 'd1', at: sample.at, input }]).changes;
        expect(before).toEqual([]);
        onLine({ change: { index: 0, id: 'd1', at: sample.at, baselineVersion: 1, before: { rule: 'x' }, after: { rule: 'y' }, ruleBefore: 'x', ruleAfter: 'y', changes: [{ path: '/items/0/rule', before: 'x', after: 'y' }] } });
        onLine({ policy: 'returns', candidate: { document: true }, baseline: { version: 1 }, summary: { evaluated: 1, changed: 1, unchanged: 0, errors: { before: 0, after: 0 }, byRule: [], fields: {} } });
      },
    });
    const { sim, editor } = setup({ text: holidayText, api });
    sim.setKind('decisions');
    await sim.run();
    const change = sim.get().result!.changes[0]!;
    const pair = await sim.trace(change);
    expect(asked).toEqual(['d1']);
    expect(pair.before!.version).toBe(1);
    expect(pair.after.outcome.ok && pair.after.outcome.trace.items![0]!.matched).toBe('within-return-window');
    const draft = await sim.testDraft(change);
    expect(draft).toMatchObject({ at: sample.at, input });
    sim.addTest(draft);
    const outcome = runPolicyTests(compiled(JSON.parse(editor.get().text))).at(-1)!;
    expect(outcome).toMatchObject({ name: draft.name, passed: true });
    sim.dispose();
  });

  it('shows a problem line or a refusal as the run\'s error', async () => {
    const api = fakeApi({
      simulateStream: async (_p, _b, onLine) => {
        onLine({ progress: { evaluated: 0, total: 5 } });
        onLine({ problem: { type: '/problems/unprocessable', title: 'Unprocessable', status: 422, detail: 'the simulation ran past SIMULATE_TIMEOUT_MS', instance: 'urn:request:1', errors: [] } });
      },
    });
    const { sim } = setup({ api });
    sim.setKind('decisions');
    await sim.run();
    expect(sim.get().error).toEqual({ message: 'Unprocessable: the simulation ran past SIMULATE_TIMEOUT_MS', problems: [] });
    sim.setDecisions({ from: '2024-02-01', until: '2024-01-01' });
    await sim.run();
    expect(sim.get().blocked).toEqual({ message: 'The date range is not complete.', problems: [{ path: 'until', message: 'The last day is before the first.' }] });
    sim.dispose();
  });
});

describe('money fields', () => {
  it('come from the decision schema: money definitions and numbers named like amounts, not rates or days', () => {
    const money = moneyFieldsOf(JSON.parse(TEXT), schemaFiles);
    const fields = ['/eligible', '/items/[]/refundRate', '/refundAmount', '/processingMaxDays', '/items/[]/refundAmount', '/returnShippingFee', '/itemsRefundAmount'];
    expect(money.order(fields)).toEqual(['/returnShippingFee', '/itemsRefundAmount', '/refundAmount', '/items/[]/refundAmount']);
  });
});
