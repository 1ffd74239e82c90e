/**
 * The Simulate screen's model (editor/src/simulation.ts) chooses each case's baseline as the
 * server does under effective-date pinning (engine/effective-date.ts), on Solum's holiday
 * activation with the order-pinned returns of test/helpers/pinned-policies.ts: the order placed
 * Sep 20 meets version 1, the one placed Nov 20 version 2 (decided Nov 1 and Feb 10, when the
 * versions active at the decision would be the other way round), and an order without placedAt
 * is the baseline's input error at /order/placedAt, as POST /v1/policies/{policy}/simulate answers.
 */
import { describe, expect, it } from 'vitest';
import { LocalCatalog } from '../../server/catalog/local-catalog.ts';
import { loadSchemaFiles, schemaRegistry } from '../../server/catalog/schema-files.ts';
import type { SampleView } from '../../server/types/schemas.gen.ts';
import { createSimulation } from '../../editor/src/simulation.ts';
import type { SimulationApi } from '../../editor/src/simulation.ts';
import { createStore } from '../../editor/src/store.ts';
import { pinCases, pinnedPoliciesDir } from '../helpers/pinned-policies.ts';

const catalog = LocalCatalog.load(pinnedPoliciesDir());
const source = catalog.policy('solum', 'returns-by-order')!;
const noDate = structuredClone(pinCases.Q.input) as { order: Record<string, unknown>; request: unknown };
delete noDate.order.placedAt;
const samples: SampleView[] = [
  { name: 'P', input: pinCases.P.input, at: pinCases.P.at },
  { name: 'Q', input: pinCases.Q.input, at: pinCases.Q.at },
  { name: 'no-date', input: noDate, at: pinCases.Q.at },
].map(({ name, input, at }) => ({ name, description: name, at, order: input.order, requests: { 'returns-by-order': input.request }, createdAt: '2024-01-01T00:00:00Z', createdBy: 'test' }) as unknown as SampleView);
const settle = () => new Promise((r) => setTimeout(r, 0));

describe('the browser simulation under pinTo "order.placedAt"', () => {
  it('compares each case with the version active when its order was placed', async () => {
    const api: SimulationApi = {
      listSamples: async () => samples.map((s) => ({ name: s.name, description: s.description, at: s.at, policies: ['returns-by-order'], createdAt: s.createdAt, createdBy: s.createdBy })) as never,
      getSample: async (name) => samples.find((s) => s.name === name)!,
      getVersion: async (_p, n) => ({ document: structuredClone(source.versions[n - 1]!.document) as Record<string, unknown> }),
      getDecision: async () => {
        throw new Error('no decisions here');
      },
      simulateStream: async () => {
        throw new Error('no server here');
      },
    };
    // The candidate: version 1's document (order-pinned), as it is in the editor.
    const text = JSON.stringify(source.versions[0]!.document);
    const editor = createStore({ text });
    const sim = createSimulation({
      policy: 'returns-by-order',
      api,
      editor: { get: editor.get, subscribe: editor.subscribe, setText: (t) => editor.set({ text: t }) },
      registry: schemaRegistry(),
      schemaFiles: loadSchemaFiles(),
      activations: source.activations,
      latestVersion: 2,
      timers: { set: (fn) => setTimeout(fn, 0), clear: (h) => clearTimeout(h as ReturnType<typeof setTimeout>) },
      nextFrame: () => settle() as Promise<void>,
      now: () => new Date('2024-03-01T12:00:00Z'),
    });
    sim.open();
    for (let i = 0; i < 500 && (sim.get().result === null || sim.get().running || sim.get().stale); i++) await settle();
    const result = sim.get().result!;
    expect(result).not.toBeNull();
    // P: placed Sep 20 → version 1 (the candidate itself: unchanged). Q: placed Nov 20 → version 2.
    expect(result.baselineUse).toEqual([{ version: null, cases: 1 }, { version: 1, cases: 1 }, { version: 2, cases: 1 }]);
    const q = result.changes.find((c) => c.id === 'Q')!;
    expect(q.baselineVersion).toBe(2);
    expect(q.changes).toContainEqual({ path: '/returnBy', before: '2024-01-31', after: '2023-12-23' });
    expect(result.changes.map((c) => c.id)).not.toContain('P');
    const failed = result.errors.find((e) => e.id === 'no-date')!;
    expect(failed.before).toEqual({ kind: 'input', problems: [{ path: '/order/placedAt', message: expect.stringMatching(/^is required/) }] });
    sim.dispose();
  });
});
