/**
 * The Simulate screen's model (editor/src/simulation.ts) explains a traced case in the language
 * the server's decide would: the customer's (order.customer.language) when the policy is written
 * in it, else the tenant's default language (GET /v1/me's `language`, handed in as
 * tenantLanguage), else English. On Soom's cancellation policy (texts in English and Korean), a
 * Japanese customer's order is explained in Korean for a Korean tenant and in English for a tenant
 * without a language; a Korean customer's in Korean either way. Each side's explanation equals
 * the engine's explain with the options the server's decide passes it.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LocalCatalog } from '../../server/catalog/local-catalog.ts';
import { loadSchemaFiles, schemaRegistry } from '../../server/catalog/schema-files.ts';
import { compile, evaluate, explain } from '../../server/engine/index.ts';
import type { SampleView } from '../../server/types/schemas.gen.ts';
import { createSimulation } from '../../editor/src/simulation.ts';
import type { ChangedView, SideTrace, SimCase, SimulationApi } from '../../editor/src/simulation.ts';
import { createStore } from '../../editor/src/store.ts';

const catalog = LocalCatalog.load();
const source = catalog.policy('soom', 'cancellation')!;
const TEXT = readFileSync(new URL('../../policies/soom/cancellation.json', import.meta.url), 'utf8');
const sample = catalog.tenants.find((t) => t.tenant === 'soom')!.samples.find((s) => s.name === 'soom-cancel-25h-after-payment-made-to-order-doll')!.sample as unknown as SampleView;
const registry = schemaRegistry();

const api: SimulationApi = {
  listSamples: async () => [],
  getSample: async () => {
    throw new Error('no samples here');
  },
  getVersion: async (_p, n) => ({ document: structuredClone(source.versions[n - 1]!.document) as Record<string, unknown> }),
  getDecision: async () => {
    throw new Error('no decisions here');
  },
  simulateStream: async () => {
    throw new Error('no server here');
  },
};

/** The sample's order placed by a customer writing `language`, as a case the browser decides. */
function caseIn(language: string): SimCase {
  const order = { ...structuredClone(sample.order), customer: { ...structuredClone(sample.order.customer), language } };
  return { id: sample.name, at: sample.at, input: { order, request: {} }, origin: 'order', currency: order.currency };
}

/** Both sides of the case traced by a simulation of a tenant whose default language is `tenantLanguage`. */
async function traced(c: SimCase, tenantLanguage: string | null) {
  const editor = createStore({ text: TEXT });
  const sim = createSimulation({
    policy: 'cancellation', api, editor: { get: editor.get, subscribe: editor.subscribe, setText: (t) => editor.set({ text: t }) },
    registry, schemaFiles: loadSchemaFiles(), activations: source.activations, latestVersion: source.versions.length, tenantLanguage,
  });
  // Only the case and the baseline version matter to trace(): the case is decided again on both sides.
  const change = { index: 0, id: c.id, at: c.at, baselineVersion: 1, case: c, currency: c.currency } as ChangedView;
  const pair = await sim.trace(change);
  sim.dispose();
  return pair;
}

/** What the server's decide explains: engine/explain with the tenant's language (server/services/decide.ts). */
function serverExplanation(c: SimCase, tenantLanguage: string | null) {
  const compiled = compile(source.versions[0]!.document, { registry });
  if (!compiled.ok) throw new Error(JSON.stringify(compiled.problems));
  const r = evaluate(compiled.policy, c.input, c.at, { trace: true });
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return explain(compiled.policy, c.input, r.trace!, r.decision, { language: null, tenantLanguage });
}

const explanationOf = (side: SideTrace) => {
  if (!side.outcome.ok) throw new Error(JSON.stringify(side.outcome.error));
  return side.outcome.explanation;
};

describe('the browser simulation explains in the tenant\'s default language', () => {
  it('a Japanese customer of a Korean tenant: Korean, as the server explains it', async () => {
    const c = caseIn('ja');
    const pair = await traced(c, 'ko');
    const before = explanationOf(pair.before!);
    expect(before).toEqual(serverExplanation(c, 'ko'));
    expect(before.language).toBe('ko');
    // 25% of the $765 made-to-order doll is kept ($191.25); the rest of the $827 paid is refunded.
    expect(before.reasons[0]!.text).toBe('무료 취소 기간(24시간, 2024년 7월 2일 13:03 UTC까지)이 지난 뒤 취소되었습니다. 재고 처리 비용($191.25)을 제외하고 원래 결제 수단으로 환불: $635.75');
    // The document in the editor is version 1's: the same explanation on both sides.
    expect(explanationOf(pair.after)).toEqual(before);
  });

  it('the same customer of a tenant without a language: English, as the server explains it', async () => {
    const c = caseIn('ja');
    const english = explanationOf((await traced(c, null)).after);
    expect(english).toEqual(serverExplanation(c, null));
    expect(english.language).toBe('en');
    expect(english.reasons[0]!.text).toMatch(/^Cancelled after the 24-hour free window/);
  });

  it('the customer\'s own language comes first: a Korean customer of an English tenant reads Korean', async () => {
    const c = caseIn('ko');
    const korean = explanationOf((await traced(c, 'en')).after);
    expect(korean).toEqual(serverExplanation(c, 'en'));
    expect(korean.language).toBe('ko');
  });
});
