/**
 * Every policy under policies/ (every version) compiles and passes its embedded tests; each
 * embedded test quotes the sentence of the merchant's text it checks; and every sample order
 * that names a policy is decided by it without error, with a decision valid against the
 * policy's output schema.
 */
import { describe, expect, it } from 'vitest';
import { evaluate, runPolicyTests } from '../../server/engine/index.ts';
import { LocalCatalog } from '../../server/catalog/local-catalog.ts';
import { seedTexts, normalizeQuote } from '../helpers/seeds.ts';

const catalog = LocalCatalog.load();
const expectedPolicies = ['solum/returns', 'soom/points', 'soom/layaway', 'soom/cancellation', 'soom/returns', 'soom/after-service', 'soom/membership'];

describe('policies/', () => {
  it('loads without problems', () => {
    expect(catalog.loadProblems).toEqual([]);
  });

  it('has every seed policy of DESIGN.md', () => {
    expect(catalog.refs().sort()).toEqual([...expectedPolicies].sort());
  });
});

const seeds = seedTexts();

for (const ref of catalog.refs()) {
  const [tenant, key] = ref.split('/') as [string, string];
  const source = catalog.policy(tenant, key)!;
  for (const v of source.versions) {
    describe(`${ref} version ${v.version} (${v.file})`, () => {
      const compiled = catalog.compileVersion(source, v.version);
      it('compiles', () => {
        expect(compiled.ok ? [] : compiled.problems).toEqual([]);
      });
      if (!compiled.ok) return;
      const outcomes = runPolicyTests(compiled.policy);
      it('has embedded tests', () => {
        expect(outcomes.length).toBeGreaterThanOrEqual(10);
      });
      for (const t of outcomes) {
        it(`embedded test: ${t.name}`, () => {
          expect({ error: t.error, mismatches: t.mismatches }).toEqual({ error: undefined, mismatches: [] });
        });
      }
      it('quotes the merchant text in every test and rule source', () => {
        const doc = compiled.policy.document;
        const unquoted = (doc.tests ?? []).filter((t) => !t.source || !seeds.some((s) => s.includes(normalizeQuote(t.source!)))).map((t) => t.name);
        expect(unquoted).toEqual([]);
      });
      it('traces every rule and param to the merchant text (a source on each)', () => {
        const doc = compiled.policy.document;
        const rules = [...doc.rules, ...(doc.each?.rules ?? [])].filter((r) => !r.source?.trim()).map((r) => `rule ${r.id}`);
        const params = Object.entries(doc.params ?? {}).filter(([, p]) => !p?.source?.trim()).map(([name]) => `param ${name}`);
        expect([...rules, ...params]).toEqual([]);
      });
      const samples = catalog.tenants.find((t) => t.tenant === tenant)!.samples.filter((s) => (s.sample.requests as Record<string, unknown>)?.[key] !== undefined);
      it.runIf(samples.length > 0)('decides every sample that names it, with a schema-valid decision', () => {
        const failures = samples.flatMap((s): Array<{ sample: string; error?: unknown; output?: unknown }> => {
          const input = { order: s.sample.order, request: (s.sample.requests as Record<string, unknown>)[key] };
          const r = evaluate(compiled.policy, input, s.sample.at as string);
          if (!r.ok) return [{ sample: s.name, error: r.error }];
          const bad = compiled.policy.validateOutput?.(r.decision) ?? [];
          return bad.length ? [{ sample: s.name, output: bad }] : [];
        });
        expect(failures).toEqual([]);
      });
    });
  }
}
