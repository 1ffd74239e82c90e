/**
 * The tenant templates of policies/_templates/: each loads without problems, is not taken for
 * a tenant by the seed, and each of its policies compiles with the template's defaults, passes
 * its embedded tests (which pin every param they depend on, so they hold whatever a merchant
 * fills in: checked by running them with other values), decides every sample with a decision
 * valid against its output schema, and documents every param a merchant fills in.
 */
import { describe, expect, it } from 'vitest';
import { loadPolicyDir } from '../../server/catalog/policy-files.ts';
import { schemaRegistry } from '../../server/catalog/schema-files.ts';
import { loadTemplates } from '../../server/catalog/template-files.ts';
import { compile, evaluate, runPolicyTests } from '../../server/engine/index.ts';
import { seedStatements } from '../../server/store/seed.ts';
import { fillTemplate } from '../../server/services/tenants.ts';

const { templates, problems } = loadTemplates();

describe('policies/_templates', () => {
  it('loads without problems and has the returns template', () => {
    expect(problems).toEqual([]);
    expect(templates.map((t) => t.template)).toContain('returns-standard');
  });

  it('is never seeded as a tenant', () => {
    expect(loadPolicyDir().tenants.map((t) => t.tenant).sort()).toEqual(['solum', 'soom']);
    expect(seedStatements().report.tenants).toBe(2);
  });
});

for (const template of templates) {
  describe(`template ${template.template}`, () => {
    it('documents every param: a description, and a default valid against its schema or a required marker', () => {
      expect(template.params.length).toBeGreaterThan(0);
      for (const p of template.params) {
        expect(p.description.length, p.name).toBeGreaterThan(20);
        expect(p.schema, `${p.name} has a schema`).not.toBeNull();
        // A required param has no default (null) and lists the document's value as its example instead.
        if (p.required) expect(p.default, `${p.name} is required: no default`).toBeNull();
        else expect(p.example, `${p.name} has a default: no example`).toBeNull();
        expect(schemaRegistry().compile(p.schema!)(p.required ? p.example : p.default), `${p.name}'s ${p.required ? 'example' : 'default'}`).toEqual([]);
      }
    });

    for (const policy of template.policies) {
      const compiled = compile(policy.document, { registry: schemaRegistry(), sourceText: policy.sourceText });
      it(`${policy.key} compiles`, () => {
        expect(compiled.ok ? [] : compiled.problems).toEqual([]);
      });
      if (!compiled.ok) continue;
      const outcomes = runPolicyTests(compiled.policy);
      it(`${policy.key} has embedded tests`, () => {
        expect(outcomes.length).toBeGreaterThanOrEqual(10);
      });
      for (const t of outcomes) {
        it(`${policy.key} embedded test: ${t.name}`, () => {
          expect({ error: t.error, mismatches: t.mismatches }).toEqual({ error: undefined, mismatches: [] });
        });
      }

      it(`${policy.key}: every test pins the params it depends on, so it passes whatever the merchant fills in`, () => {
        // Other values for every param (valid against its schema): the tests must still pass.
        const others: Record<string, unknown> = { returnWindowDays: 7, restockingFeeRate: 0.5, returnShippingFee: 99, storeCreditWaivesReturnFee: false, merchantErrorReasons: ['defective'], cancelWindowHours: 1, cancellationFeeRate: 0.3, excludeFinalSale: false, excludeDiscounted: true, excludedCategories: ['apparel'], holidayWindow: { purchasedFrom: '2024-01-01', purchasedThrough: '2024-12-31', returnUntil: '2025-06-30' }, refundMethods: ['store_credit'], refundBusinessDays: { original_payment: { minBusinessDays: 1, maxBusinessDays: 2 }, store_credit: { minBusinessDays: 3, maxBusinessDays: 4 } }, returnAddress: 'Elsewhere' };
        const given = Object.fromEntries(template.params.filter((p) => p.name in others).map((p) => [p.name, others[p.name]]));
        expect(Object.keys(given).length, 'the other values cover the template params').toBe(template.params.length);
        const filled = fillTemplate(template, given);
        expect(filled.ok ? [] : filled.problems).toEqual([]);
        if (!filled.ok) return;
        const doc = filled.documents.find((d) => d.key === policy.key)!.document;
        const recompiled = compile(doc, { registry: schemaRegistry() });
        expect(recompiled.ok).toBe(true);
        if (!recompiled.ok) return;
        expect(runPolicyTests(recompiled.policy).filter((t) => !t.passed).map((t) => t.name)).toEqual([]);
        // ...and the values did change the document's decisions where a test does not pin them.
        const probe: Record<string, string> = { returns: 'return-day-10-change-of-mind', cancellation: 'cancel-2-hours-after-order' };
        const sample = template.samples.find((s) => s.name === probe[policy.key])!.sample as { at: string; order: unknown; requests: Record<string, unknown> };
        const input = { order: sample.order, request: sample.requests[policy.key] };
        const before = evaluate(compiled.policy, input, sample.at);
        const after = evaluate(recompiled.policy, input, sample.at);
        expect(before.ok && after.ok).toBe(true);
        if (before.ok && after.ok) expect(after.decision).not.toEqual(before.decision);
      });

      const samples = template.samples.filter((s) => (s.sample.requests as Record<string, unknown>)?.[policy.key] !== undefined);
      it(`${policy.key} decides every sample with a schema-valid decision, and every sample is a valid sample`, () => {
        expect(samples.length).toBeGreaterThanOrEqual(5);
        const validSample = schemaRegistry().compile({ $ref: 'sample.schema.json' });
        const failures = samples.flatMap((s): Array<{ sample: string; invalid?: unknown; error?: unknown; output?: unknown }> => {
          const bad = validSample(s.sample);
          if (bad.length || s.sample.name !== s.name) return [{ sample: s.name, invalid: bad }];
          const r = evaluate(compiled.policy, { order: s.sample.order, request: (s.sample.requests as Record<string, unknown>)[policy.key] }, s.sample.at as string);
          if (!r.ok) return [{ sample: s.name, error: r.error }];
          const out = compiled.policy.validateOutput?.(r.decision) ?? [];
          return out.length ? [{ sample: s.name, output: out }] : [];
        });
        expect(failures).toEqual([]);
      });
    }
  });
}
