/** The README's worked examples: the policy compiles and decides as the README says; the static analysis example warns as printed, and as the API reference's example answer says. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { evaluate } from '../../server/engine/index.ts';
import { analyzePolicy } from '../../server/engine/analysis/index.ts';
import { schemaRegistry } from '../../server/catalog/schema-files.ts';
import { compileOk } from '../helpers/engine.ts';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const block = /### A worked example[\s\S]*?```json\n([\s\S]*?)```/.exec(readme)?.[1];

describe('README worked example', () => {
  it('is in the README', () => {
    expect(block).toBeDefined();
  });

  it('decides day 30 at 23:59:59 inside the window, with the fee deducted', () => {
    const doc = JSON.parse(block!);
    // The example's test input is abbreviated in the README; decide a concrete order instead.
    const policy = compileOk({ ...doc, input: { type: 'object' }, tests: [] });
    const input = { order: { shipping: { deliveredAt: '2024-03-01T15:00:00Z' }, payment: { amountPaid: 100 } }, request: {} };
    const inside = evaluate(policy, input, '2024-03-31T23:59:59Z', { trace: true });
    expect(inside.ok && inside.decision).toEqual({ eligible: true, returnBy: '2024-03-31', refundAmount: 95, rule: 'in-window' });
    expect(inside.ok && inside.trace?.let.map((d) => [d.name, d.value])).toEqual([['daysSinceDelivery', 30], ['returnBy', '2024-03-31']]);
    const after = evaluate(policy, input, '2024-04-01T00:00:00Z');
    expect(after.ok && after.decision).toEqual({ eligible: false, refundAmount: 0, returnBy: '2024-03-31', rule: 'past-window' });
  });
});

describe('README static analysis example', () => {
  const section = /### Static analysis([\s\S]*?)\n## /.exec(readme)?.[1] ?? '';
  const doc = /```json\n([\s\S]*?)```/.exec(section)?.[1];
  const output = /```text\n([\s\S]*?)```/.exec(section)?.[1];

  it('compiles, and gives exactly the warnings the README prints', () => {
    expect(doc && output).toBeTruthy();
    const parsed = JSON.parse(doc!);
    compileOk(parsed);
    const warnings = analyzePolicy(parsed, { schema: schemaRegistry().schema });
    const printed = output!.split('\n').filter((l) => l.startsWith('  warning '));
    expect(printed).toEqual(warnings.map((w) => `  warning ${w.path} [${w.code}]: ${w.message}`));
    expect(output).toContain(`(${parsed.rules.length} rules, 0 tests, ${warnings.length} warnings)`);
  });

  it('is the example of the API reference’s draft validation answer, which its schema accepts', () => {
    const schema = schemaRegistry().schema('api/draft-validation.schema.json') as { examples: Array<{ warnings: unknown[] }> };
    const example = schema.examples[0]!;
    expect(schemaRegistry().compile({ $ref: 'api/draft-validation.schema.json' })(example)).toEqual([]);
    expect(example.warnings).toEqual(analyzePolicy(JSON.parse(doc!), { schema: schemaRegistry().schema }));
  });
});
